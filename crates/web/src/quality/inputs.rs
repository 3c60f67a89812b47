//! One typed input per QC/QA action that a page and the API share, read by `kit::Input` from a
//! form or a JSON body alike: a deviation opened, assessed, approved or rejected, and the lot's
//! electronic signature, a result entered or revised. The page's deviation form names its test `dev_test` (the lot page has
//! other `test` fields); the API's `test` is the same field.

use crate::kit::{Action, At, FieldErrors, opt_text, text};
use secretome_domain::{Why, qc::result::Change};
use secretome_service::NewResult;
use serde::Deserialize;

/// Refuses an empty required text, naming the field.
fn required(field: &str, s: &str, why: Why) -> Result<String, FieldErrors> {
    Some(text(s))
        .filter(|t| !t.is_empty())
        .ok_or_else(|| FieldErrors::one(field, why))
}

#[derive(Deserialize, Default, schemars::JsonSchema)]
#[serde(default)]
pub struct OpenDeviation {
    #[serde(alias = "dev_test")]
    pub test: String,
    pub description: String,
}

impl Action for OpenDeviation {
    /// (the test concerned, if any; the description).
    type Command = (Option<String>, String);
    fn command(&self, _: &At) -> Result<Self::Command, FieldErrors> {
        let description = required("description", &self.description, Why::Empty)?;
        Ok((
            Some(text(&self.test)).filter(|t| !t.is_empty()),
            description,
        ))
    }
}

/// QC's assessment of a deviation.
#[derive(Deserialize, Default, schemars::JsonSchema)]
#[serde(default)]
pub struct Assess {
    pub assessment: String,
}

impl Action for Assess {
    type Command = String;
    fn command(&self, _: &At) -> Result<String, FieldErrors> {
        required("assessment", &self.assessment, Why::Empty)
    }
}

/// QA's approval or rejection of an assessed deviation, with the reason.
#[derive(Deserialize, Default, schemars::JsonSchema)]
#[serde(default)]
pub struct Decide {
    pub reason: String,
}

impl Action for Decide {
    type Command = String;
    fn command(&self, _: &At) -> Result<String, FieldErrors> {
        required("reason", &self.reason, Why::Empty)
    }
}

/// The electronic signature: password re-entry, the meaning and the reason.
#[derive(Deserialize, Default, schemars::JsonSchema)]
#[serde(default)]
pub struct Sign {
    pub password: String,
    pub meaning: String,
    pub reason: String,
}

impl Action for Sign {
    /// (password, meaning, reason).
    type Command = (String, String, String);
    fn command(&self, _: &At) -> Result<Self::Command, FieldErrors> {
        let meaning = required("meaning", &self.meaning, Why::Empty)?;
        Ok((self.password.clone(), meaning, text(&self.reason)))
    }
}

/// A result entered by hand: `value` as the lab writes it (`< 0.25`, full-width digits; a JSON
/// number alike) or an `outcome`, read by the domain against the test's criterion; `typed` is the
/// API's older name of the same text. The lot is the path's.
#[derive(Deserialize, Default, schemars::JsonSchema)]
#[serde(default)]
pub struct RecordResult {
    pub test: String,
    pub value: String,
    pub typed: String,
    pub outcome: String,
    pub unit: String,
    pub assay_run: String,
}

impl RecordResult {
    fn entry(&self) -> Result<NewResult, FieldErrors> {
        let test = required("test", &self.test, Why::Choose)?;
        let typed = opt_text(&self.typed).or_else(|| opt_text(&self.value));
        let outcome = opt_text(&self.outcome);
        if typed.is_none() && outcome.is_none() {
            let why = Why::said("enter a value or an outcome", "値か判定を入力してください");
            return Err(FieldErrors::one("value", why));
        }
        Ok(NewResult {
            test,
            typed,
            outcome,
            unit: opt_text(&self.unit),
            assay_run: opt_text(&self.assay_run),
            ..Default::default()
        })
    }
}

impl Action for RecordResult {
    type Command = NewResult;
    fn command(&self, _: &At) -> Result<NewResult, FieldErrors> {
        self.entry()
    }
}

/// A correction or a retest of a result, with the reason; the page's revise form names its
/// fields `rtest`, `rvalue`, `routcome` (the lot page has the entry form's too).
#[derive(Deserialize, Default, schemars::JsonSchema)]
#[serde(default)]
pub struct ReviseResult {
    #[serde(alias = "rtest")]
    pub test: String,
    #[serde(alias = "rvalue")]
    pub value: String,
    pub typed: String,
    #[serde(alias = "routcome")]
    pub outcome: String,
    pub change: String,
    pub reason: String,
}

impl Action for ReviseResult {
    /// (the new entry, correction or retest, the reason).
    type Command = (NewResult, Change, String);
    fn command(&self, _: &At) -> Result<Self::Command, FieldErrors> {
        let mut e = FieldErrors::default();
        let entry = RecordResult {
            test: self.test.clone(),
            value: self.value.clone(),
            typed: self.typed.clone(),
            outcome: self.outcome.clone(),
            ..Default::default()
        }
        .entry()
        .map_err(|x| e.extend(x));
        let change = match self.change.trim() {
            "correction" => Some(Change::Correction),
            "retest" => Some(Change::Retest),
            _ => {
                e.add("change", Why::Choose);
                None
            }
        };
        let reason = required("reason", &self.reason, Why::Reason).map_err(|x| e.extend(x));
        match (entry, change, reason) {
            (Ok(n), Some(c), Ok(r)) => Ok((n, c, r)),
            _ => Err(e),
        }
    }
}

/// The revise form's own field names for errors named by the entry (`test` → `rtest`, …).
pub fn revise_fields(e: FieldErrors) -> FieldErrors {
    (e.moved("test", "rtest").moved("value", "rvalue")).moved("outcome", "routcome")
}

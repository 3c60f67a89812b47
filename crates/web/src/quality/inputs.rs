//! One typed input per QC/QA action that a page and the API share, read by `kit::Input` from a
//! form or a JSON body alike: a deviation opened, assessed, approved or rejected, and the lot's
//! electronic signature. The page's deviation form names its test `dev_test` (the lot page has
//! other `test` fields); the API's `test` is the same field.

use crate::kit::{Action, At, FieldErrors, text};
use serde::Deserialize;

/// Refuses an empty required text, naming the field.
fn required(field: &str, s: &str, message: &str) -> Result<String, FieldErrors> {
    Some(text(s))
        .filter(|t| !t.is_empty())
        .ok_or_else(|| FieldErrors::one(field, message))
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
        let description = required("description", &self.description, "describe what happened")?;
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
        required("assessment", &self.assessment, "must not be empty")
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
        required("reason", &self.reason, "must not be empty")
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
        let meaning = required("meaning", &self.meaning, "must not be empty")?;
        Ok((self.password.clone(), meaning, text(&self.reason)))
    }
}

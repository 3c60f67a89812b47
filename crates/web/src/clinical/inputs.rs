//! One typed input per clinical action, shared by the patient pages and `/api/v1`, read by
//! `kit::Input` from a form or a JSON body alike: a patient registered, a vial dispensed, the dose
//! given, an adverse event, an outcome. One vocabulary: the dose's vial is `vial` (the page's form
//! sends it as `given_vial`, the patient page having a dispensing `vial` field too); `serious` and
//! the criteria are flags or a list (`criteria`) or the form's `criterion_<code>` checkboxes.

use crate::kit::{Action, At, Check, FieldErrors, flag, text};
use secretome_domain::clinical::reporting::SeriousCriterion;
use secretome_domain::{UtcTime, Why};
use secretome_service::{NewAdministration, NewAdverseEvent, NewConsent, NewOutcome, NewPatient};
use serde::Deserialize;
use std::collections::BTreeMap;

fn opt(s: &str) -> Option<String> {
    Some(text(s)).filter(|t| !t.is_empty())
}

#[derive(Deserialize, Default, schemars::JsonSchema)]
#[serde(default)]
pub struct RegisterPatient {
    pub id: String,
    pub site: String,
    pub birth_year: String,
    pub sex: String,
    pub indication: String,
    pub physician: String,
}

impl Action for RegisterPatient {
    type Command = NewPatient;
    fn command(&self, at: &At) -> Result<NewPatient, FieldErrors> {
        let mut c = Check::new(at);
        let new = NewPatient {
            id: c.required("id", &self.id),
            site: c.required("site", &self.site),
            birth_year: c.integer("birth_year", &self.birth_year),
            sex: c.required("sex", &self.sex),
            indication: c.required("indication", &self.indication),
            physician: opt(&self.physician),
        };
        c.done(new)
    }
}

/// The scanned or typed vial (id, DIN or barcode data) and, optionally, the indication.
#[derive(Deserialize, Default, schemars::JsonSchema)]
#[serde(default)]
pub struct Dispense {
    pub vial: String,
    pub indication: String,
}

impl Action for Dispense {
    /// (vial as scanned, indication).
    type Command = (String, Option<String>);
    fn command(&self, at: &At) -> Result<Self::Command, FieldErrors> {
        let mut c = Check::new(at);
        let vial = c.required("vial", &self.vial);
        c.done((vial, opt(&self.indication)))
    }
}

#[derive(Deserialize, Default, schemars::JsonSchema)]
#[serde(default)]
pub struct Administer {
    #[serde(alias = "given_vial")]
    pub vial: String,
    pub route: String,
    pub dose_ml: String,
    pub administered_at: String,
    pub dose_reason: String,
}

impl Action for Administer {
    type Command = NewAdministration;
    fn command(&self, at: &At) -> Result<NewAdministration, FieldErrors> {
        let mut c = Check::new(at);
        let new = NewAdministration {
            vial: text(&self.vial),
            route: text(&self.route),
            dose_ml: c.number("dose_ml", &self.dose_ml),
            administered_at: c.time("administered_at", &self.administered_at),
            dose_reason: opt(&self.dose_reason),
        };
        c.done(new)
    }
}

#[derive(Deserialize, Default, schemars::JsonSchema)]
#[serde(default)]
pub struct ReportAdverseEvent {
    pub administration: String,
    pub term: String,
    pub grade: String,
    /// A yes/no flag: `yes`, `true`, `on` or `1` for yes.
    #[schemars(with = "String")]
    #[serde(deserialize_with = "flag")]
    pub serious: bool,
    pub criteria: Vec<String>,
    pub causality: String,
    pub onset_at: String,
    pub aware_at: String,
    pub outcome: String,
    /// The form's `criterion_<code>` checkboxes.
    #[serde(flatten)]
    pub boxes: BTreeMap<String, serde_json::Value>,
}

impl Action for ReportAdverseEvent {
    type Command = NewAdverseEvent;
    fn command(&self, at: &At) -> Result<NewAdverseEvent, FieldErrors> {
        let mut c = Check::new(at);
        let ticked = SeriousCriterion::ALL
            .iter()
            .map(|k| k.as_str())
            .filter(|k| {
                let v = self.boxes.get(&format!("criterion_{k}"));
                v.and_then(|v| v.as_str()).is_some_and(|v| v == "on")
            });
        let mut criteria: Vec<String> = self.criteria.clone();
        criteria.extend(ticked.map(str::to_string));
        let new = NewAdverseEvent {
            patient: String::new(),
            administration: opt(&self.administration),
            term: text(&self.term),
            grade: c.integer("grade", &self.grade),
            serious: self.serious,
            criteria,
            causality: text(&self.causality),
            onset_at: c.time("onset_at", &self.onset_at),
            aware_at: Some(c.time("aware_at", &self.aware_at)),
            outcome: text(&self.outcome),
        };
        c.done(new)
    }
}

/// One scale's value at a visit (a number or a category, as text).
#[derive(Deserialize, Default, schemars::JsonSchema)]
#[serde(default)]
pub struct RecordOutcome {
    pub scale: String,
    pub value: String,
    pub visit_at: String,
}

impl Action for RecordOutcome {
    type Command = NewOutcome;
    fn command(&self, at: &At) -> Result<NewOutcome, FieldErrors> {
        let mut c = Check::new(at);
        let new = NewOutcome {
            patient: String::new(),
            scale: c.required("scale", &self.scale),
            value: text(&self.value),
            visit_at: c.time("visit_at", &self.visit_at),
        };
        c.done(new)
    }
}

/// The explanation and consent for an indication (the page's form names it `consent_indication`).
#[derive(Deserialize, Default, schemars::JsonSchema)]
#[serde(default)]
pub struct RecordConsent {
    #[serde(alias = "consent_indication")]
    pub indication: String,
    pub document_version: String,
    pub explained_by: String,
    pub explained_at: String,
    pub consented_at: String,
}

impl Action for RecordConsent {
    type Command = NewConsent;
    fn command(&self, at: &At) -> Result<NewConsent, FieldErrors> {
        let mut c = Check::new(at);
        let new = NewConsent {
            indication: c.required("indication", &self.indication),
            document_version: text(&self.document_version),
            explained_by: text(&self.explained_by),
            explained_at: c.time("explained_at", &self.explained_at),
            consented_at: c.time("consented_at", &self.consented_at),
        };
        c.done(new)
    }
}

/// A consent withdrawn by the patient: the reason, and when (empty: now).
#[derive(Deserialize, Default, schemars::JsonSchema)]
#[serde(default)]
pub struct Withdraw {
    pub reason: String,
    pub withdrawn_at: String,
}

impl Action for Withdraw {
    /// (withdrawn at, reason).
    type Command = (UtcTime, String);
    fn command(&self, at: &At) -> Result<Self::Command, FieldErrors> {
        let mut c = Check::new(at);
        let when = c.time("withdrawn_at", &self.withdrawn_at);
        c.done((when, text(&self.reason)))
    }
}

/// An adverse-event report's submission: to the committee, to the authority, the reference.
#[derive(Deserialize, Default, schemars::JsonSchema)]
#[serde(default)]
pub struct SubmitReport {
    pub committee_reported_at: String,
    pub authority_reported_at: String,
    pub reference: String,
}

/// (committee reported at, authority reported at, reference).
pub type Submission = (Option<UtcTime>, Option<UtcTime>, Option<String>);

impl Action for SubmitReport {
    type Command = Submission;
    fn command(&self, at: &At) -> Result<Submission, FieldErrors> {
        let mut c = Check::new(at);
        let committee = c.opt_time("committee_reported_at", &self.committee_reported_at);
        let authority = c.opt_time("authority_reported_at", &self.authority_reported_at);
        c.done((committee, authority, opt(&self.reference)))
    }
}

/// A dispensed vial's point of care: thawed, discarded (with the reason) or returned (unopened,
/// within temperature). The page names its fields `care_vial`, `do`, `care_at` (the patient page
/// has other `vial` fields); the API gives the vial and the action by its path.
#[derive(Deserialize, Default, schemars::JsonSchema)]
#[serde(default)]
pub struct PointOfCare {
    #[serde(alias = "care_vial")]
    pub vial: String,
    #[serde(alias = "do")]
    pub action: String,
    #[serde(alias = "care_at")]
    pub at: String,
    pub reason: String,
    #[serde(deserialize_with = "flag")]
    pub unopened: bool,
    #[serde(deserialize_with = "flag")]
    pub within_temperature: bool,
}

/// What happened to the vial at the point of care.
pub enum Care {
    Thaw,
    Discard {
        reason: String,
    },
    Return {
        unopened: bool,
        within_temperature: bool,
    },
}

impl Action for PointOfCare {
    /// (the vial, when, what happened).
    type Command = (String, UtcTime, Care);
    fn command(&self, at: &At) -> Result<Self::Command, FieldErrors> {
        let mut c = Check::new(at);
        let vial = opt(&self.vial);
        let vial = c.read(vial.ok_or_else(|| FieldErrors::one("vial", Why::Choose)));
        let when = c.time("at", &self.at);
        let care = match self.action.trim() {
            "thaw" => Some(Care::Thaw),
            "discard" => Some(Care::Discard {
                reason: c.required("reason", &self.reason),
            }),
            "return" => Some(Care::Return {
                unopened: self.unopened,
                within_temperature: self.within_temperature,
            }),
            _ => c.read(Err(FieldErrors::one("action", Why::Choose))),
        };
        c.finish(|| Some((vial?, when, care?)))
    }
}

/// The point-of-care form's own names for its fields' errors (`vial` → `care_vial`, …).
pub fn care_fields(e: FieldErrors) -> FieldErrors {
    (e.moved("vial", "care_vial").moved("action", "do")).moved("at", "care_at")
}

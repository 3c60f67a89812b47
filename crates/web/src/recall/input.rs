//! The recall's typed input, shared by QA's form and `POST /api/v1/recalls`: what is recalled, why,
//! and the signer's password (`confirm`: the form's second step, after the preview).

use crate::kit::{Action, At, Check, FieldErrors, flag};
use serde::Deserialize;

#[derive(Deserialize, Default, schemars::JsonSchema)]
#[serde(default)]
pub struct OpenRecall {
    pub target: String,
    pub reason: String,
    pub password: String,
    /// A yes/no flag: `yes`, `true`, `on` or `1` for yes.
    #[schemars(with = "String")]
    #[serde(deserialize_with = "flag")]
    pub confirm: bool,
}

/// (target, reason, password).
pub type Recall = (String, String, String);

impl Action for OpenRecall {
    type Command = Recall;
    fn command(&self, at: &At) -> Result<Recall, FieldErrors> {
        let mut c = Check::new(at);
        let target = c.required("target", &self.target);
        let reason = c.required("reason", &self.reason);
        c.done((target, reason, self.password.clone()))
    }
}

//! The typed input of recording a guided step, shared by the operator's page and the API: the
//! values come as the page's `p.<parameter>` fields or the API's `values` object alike, each
//! refused by its parameter's code when it is not a number.

use crate::kit::{Action, At, Check, FieldErrors, opt_text};
use secretome_domain::UtcTime;
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;

#[derive(Deserialize, Default, schemars::JsonSchema)]
#[serde(default)]
pub struct RecordStep {
    pub step: String,
    /// The API's `{"<parameter>": number}`.
    pub values: BTreeMap<String, String>,
    pub performed_at: String,
    pub note: String,
    /// The page's `p.<parameter>` fields (and whatever else the form sends).
    #[serde(flatten)]
    pub fields: BTreeMap<String, Value>,
}

/// (step, values by parameter, performed at, note).
pub type StepCommand = (String, Vec<(String, f64)>, UtcTime, Option<String>);

impl Action for RecordStep {
    type Command = StepCommand;
    fn command(&self, at: &At) -> Result<StepCommand, FieldErrors> {
        let mut c = Check::new(at);
        let page = self.fields.iter().filter_map(|(k, v)| {
            let code = k.strip_prefix("p.")?;
            Some((code, v.as_str().unwrap_or_default()))
        });
        let typed = self.values.iter().map(|(k, v)| (k.as_str(), v.as_str()));
        let values = (page.chain(typed))
            .map(|(code, raw)| (code.to_string(), c.number(code, raw)))
            .collect();
        let performed_at = c.time("performed_at", &self.performed_at);
        let step = c.required("step", &self.step);
        c.done((step, values, performed_at, opt_text(&self.note)))
    }
}

//! The shipment actions' typed inputs, read alike from a page's form and from an API call's JSON,
//! so the page and `/api/v1` hand the service the same values: the packing (`NewShipment`), the
//! receipt (vials scanned, condition), the logger file (name and CSV text) and QA's decision
//! (release or reject, reason). Scans are one per line (or comma-separated) on the form, an array
//! (or the same text) in JSON.

use crate::kit::{Action, At, Check, FieldErrors, text};
use secretome_domain::Why;
use secretome_service::NewShipment;
use serde::{Deserialize, Deserializer};

/// Scans typed or read into a box: one per line, or separated by commas or semicolons (a DIN's
/// eye-readable form has spaces, so spaces do not separate).
pub fn scans(s: &str) -> Vec<String> {
    s.split(['\n', '\r', ',', ';'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// `vials`: one text of scans (the form's box) or an array of them (JSON).
fn scan_list<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum List {
        Text(String),
        Each(Vec<String>),
    }
    Ok(match List::deserialize(d)? {
        List::Text(s) => scans(&s),
        List::Each(v) => v.iter().flat_map(|s| scans(s)).collect(),
    })
}

/// The packing: destination, vials scanned, shipper and its temperature logger.
#[derive(Deserialize, Default, schemars::JsonSchema)]
#[serde(default)]
pub struct Pack {
    pub id: String,
    pub to_site: String,
    #[serde(deserialize_with = "scan_list")]
    pub vials: Vec<String>,
    pub shipper: String,
    pub logger_id: String,
}

impl Action for Pack {
    type Command = NewShipment;
    fn command(&self, at: &At) -> Result<NewShipment, FieldErrors> {
        let mut c = Check::new(at);
        let new = NewShipment {
            id: c.required("id", &self.id),
            to_site: c.required("to_site", &self.to_site),
            vials: self.vials.clone(),
            shipper: c.required("shipper", &self.shipper),
            logger_id: text(&self.logger_id),
        };
        c.done(new)
    }
}

/// What the clinic scanned and saw on arrival.
#[derive(Deserialize, Default, schemars::JsonSchema)]
#[serde(default)]
pub struct Receive {
    #[serde(deserialize_with = "scan_list")]
    pub vials: Vec<String>,
    pub condition: String,
}

impl Action for Receive {
    /// (vials scanned, condition).
    type Command = (Vec<String>, String);
    fn command(&self, at: &At) -> Result<Self::Command, FieldErrors> {
        let mut c = Check::new(at);
        let condition = c.required("condition", &self.condition);
        c.done((self.vials.clone(), condition))
    }
}

/// The logger's CSV export: the API's `{"file": its name, "csv": its text}`, or the page's upload
/// (`file`, its text; its name in `file.filename`) or pasted text (`csv`).
#[derive(Deserialize, Default, schemars::JsonSchema)]
#[serde(default)]
pub struct LogFile {
    pub file: String,
    #[serde(rename = "file.filename")]
    pub uploaded_as: Option<String>,
    pub csv: String,
}

impl Action for LogFile {
    /// (the file's name, its text).
    type Command = (String, String);
    fn command(&self, _: &At) -> Result<Self::Command, FieldErrors> {
        let (name, csv) = match &self.uploaded_as {
            Some(n) if !self.file.trim().is_empty() => (n.trim(), &self.file),
            Some(_) => ("", &self.csv),
            None => (self.file.trim(), &self.csv),
        };
        if csv.trim().is_empty() {
            return Err(FieldErrors::one("csv", Why::Empty));
        }
        let name = if name.is_empty() { "logger.csv" } else { name };
        Ok((name.to_string(), csv.clone()))
    }
}

/// QA's decision: `release` (with its reason) or `reject`.
#[derive(Deserialize, Default, schemars::JsonSchema)]
#[serde(default)]
pub struct DecideShipment {
    pub decision: String,
    pub reason: String,
}

impl Action for DecideShipment {
    /// (releases, reason).
    type Command = (bool, String);
    fn command(&self, _: &At) -> Result<Self::Command, FieldErrors> {
        let release = match self.decision.trim() {
            "release" => true,
            "reject" => false,
            other => {
                let m = Why::OneOf {
                    given: other.to_string(),
                    choices: vec!["release".into(), "reject".into()],
                };
                return Err(FieldErrors::one("decision", m));
            }
        };
        Ok((release, text(&self.reason)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::Input;

    #[test]
    fn scans_split_on_lines_and_commas_but_keep_a_spaced_din() {
        assert_eq!(
            scans("L-1-0001\r\n W1234 26 000001 \n,=W123426000002,;"),
            vec!["L-1-0001", "W1234 26 000001", "=W123426000002"]
        );
        let json = br#"{"vials": ["a", " b "], "condition": "intact"}"#;
        let form = b"vials=a%0D%0Ab&condition=intact";
        for r in [
            Input::<Receive>::parse("application/json", json),
            Input::<Receive>::parse("application/x-www-form-urlencoded", form),
        ] {
            let r = r
                .input()
                .ok()
                .map(|r| (r.vials.clone(), r.condition.clone()));
            assert_eq!(r, Some((vec!["a".into(), "b".into()], "intact".into())));
        }
        let bad = Input::<Receive>::parse("application/json", br#"{"vials": {"a": 1}}"#);
        assert!(bad.input().is_err());
        let now = secretome_domain::UtcTime::parse("t", "2026-01-01T00:00:00Z").unwrap();
        let at = At {
            zone: "UTC".into(),
            now,
        };
        let d = DecideShipment {
            decision: "maybe".into(),
            reason: String::new(),
        };
        let e = d.command(&at).unwrap_err();
        assert!(matches!(&e.0["decision"], Why::OneOf { given, .. } if given == "maybe"));
    }
}

//! The shipment actions' typed inputs, read alike from a page's form and from an API call's JSON,
//! so the page and `/api/v1` hand the service the same values: the packing (`NewShipment`), the
//! receipt (vials scanned, condition), the logger file (name and CSV text) and QA's decision
//! (release or reject, reason). Scans are one per line (or comma-separated) on the form, an array
//! (or the same text) in JSON.

use crate::forms::Fields;
use crate::json::{Refused, bad, required, text};
use secretome_domain::DomainError;
use secretome_service::{NewShipment, ServiceError};
use serde_json::{Map, Value};

/// Scans typed or read into a box: one per line, or separated by commas or semicolons (a DIN's
/// eye-readable form has spaces, so spaces do not separate).
pub fn scans(s: &str) -> Vec<String> {
    s.split(['\n', '\r', ',', ';'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// `vials` in JSON: an array of strings, or one text of scans.
fn json_scans(m: &Map<String, Value>, field: &str) -> Result<Vec<String>, Refused> {
    match m.get(field) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::String(s)) => Ok(scans(s)),
        Some(Value::Array(a)) => a
            .iter()
            .map(|v| match v {
                Value::String(s) => Ok(s.trim().to_string()),
                _ => Err(Box::new(bad(field, "expected an array of strings"))),
            })
            .collect(),
        Some(_) => Err(Box::new(bad(field, "expected an array of strings"))),
    }
}

pub fn pack_from_form(f: &Fields) -> NewShipment {
    NewShipment {
        id: f.text("id"),
        to_site: f.text("to_site"),
        vials: scans(f.get("vials")),
        shipper: f.text("shipper"),
        logger_id: f.text("logger_id"),
    }
}

pub fn pack_from_json(m: &Map<String, Value>) -> Result<NewShipment, Refused> {
    Ok(NewShipment {
        id: required(m, "id")?,
        to_site: required(m, "to_site")?,
        vials: json_scans(m, "vials")?,
        shipper: required(m, "shipper")?,
        logger_id: text(m, "logger_id")?.unwrap_or_default(),
    })
}

/// What the clinic scanned and saw on arrival.
#[derive(Debug, Clone, Default)]
pub struct Receipt {
    pub vials: Vec<String>,
    pub condition: String,
}

impl Receipt {
    pub fn from_form(f: &Fields) -> Receipt {
        Receipt {
            vials: scans(f.get("vials")),
            condition: f.text("condition"),
        }
    }
    pub fn from_json(m: &Map<String, Value>) -> Result<Receipt, Refused> {
        Ok(Receipt {
            vials: json_scans(m, "vials")?,
            condition: required(m, "condition")?,
        })
    }
}

/// The logger's CSV export: its file name and text.
#[derive(Debug, Clone, Default)]
pub struct LogFile {
    pub file: String,
    pub csv: String,
}

impl LogFile {
    pub fn from_json(m: &Map<String, Value>) -> Result<LogFile, Refused> {
        Ok(LogFile {
            file: text(m, "file")?
                .filter(|s| !s.trim().is_empty())
                .unwrap_or_else(|| "logger.csv".into()),
            csv: required(m, "csv")?,
        })
    }
}

/// QA's decision: `release` (with its reason) or `reject`.
#[derive(Debug, Clone, Default)]
pub struct Decision {
    pub decision: String,
    pub reason: String,
}

impl Decision {
    pub fn from_form(f: &Fields) -> Decision {
        Decision {
            decision: f.text("decision"),
            reason: f.text("reason"),
        }
    }
    pub fn from_json(m: &Map<String, Value>) -> Result<Decision, Refused> {
        Ok(Decision {
            decision: required(m, "decision")?,
            reason: text(m, "reason")?.unwrap_or_default(),
        })
    }
    /// Whether it releases; anything but `release` or `reject` is refused on the field.
    pub fn release(&self) -> Result<bool, ServiceError> {
        match self.decision.trim() {
            "release" => Ok(true),
            "reject" => Ok(false),
            other => Err(DomainError::invalid(
                "decision",
                format!("{other:?} is not one of release, reject"),
            )
            .into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scans_split_on_lines_and_commas_but_keep_a_spaced_din() {
        assert_eq!(
            scans("L-1-0001\r\n W1234 26 000001 \n,=W123426000002,;"),
            vec!["L-1-0001", "W1234 26 000001", "=W123426000002"]
        );
        let m = serde_json::json!({"vials": ["a", " b "], "condition": "intact"});
        let r = Receipt::from_json(m.as_object().unwrap()).unwrap();
        assert_eq!(
            (r.vials, r.condition.as_str()),
            (vec!["a".into(), "b".into()], "intact")
        );
        let bad = serde_json::json!({"vials": [1], "condition": "intact"});
        assert!(Receipt::from_json(bad.as_object().unwrap()).is_err());
        let d = Decision {
            decision: "maybe".into(),
            reason: String::new(),
        };
        assert!(d.release().unwrap_err().to_string().contains("decision"));
    }
}

//! Shared form handling for pages: a refused use case becomes an error shown next to the field it
//! names (or above the form when it names none), and the form is shown again with what was typed.

use crate::i18n::Lang;
use secretome_domain::{DomainError, UtcTime, Why};
use secretome_service::ServiceError;
use std::collections::BTreeMap;

/// What the user typed, by field name; shown again when a form is refused. The one form reader of
/// every page module.
#[derive(Debug, Default, Clone)]
pub struct Fields(pub BTreeMap<String, String>);

impl Fields {
    /// Reads an urlencoded form body (never refuses: unknown or missing fields are simply empty).
    pub fn parse(body: &[u8]) -> Fields {
        Fields(
            form_urlencoded::parse(body)
                .filter(|(k, _)| k != "csrf")
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }
    /// The typed value of `field` (empty when none).
    pub fn get(&self, field: &str) -> &str {
        self.0.get(field).map(String::as_str).unwrap_or("")
    }
    pub fn with(mut self, field: &str, value: &str) -> Fields {
        self.0.insert(field.to_string(), value.to_string());
        self
    }
    /// Whether a select's option `value` is the chosen one.
    pub fn is(&self, field: &str, value: &str) -> bool {
        self.get(field) == value
    }
    pub fn text(&self, field: &str) -> String {
        self.get(field).trim().to_string()
    }
    /// The trimmed value, None when empty.
    pub fn opt(&self, field: &str) -> Option<String> {
        Some(self.text(field)).filter(|s| !s.is_empty())
    }
    pub fn number(&self, field: &str) -> Result<f64, FieldErrors> {
        number(field, self.get(field))
    }
    pub fn integer(&self, field: &str) -> Result<i64, FieldErrors> {
        integer(field, self.get(field))
    }
    /// A `datetime-local` value in the viewer's zone; empty means `now`.
    pub fn time(&self, field: &str, zone: &str, now: UtcTime) -> Result<UtcTime, FieldErrors> {
        let tz = jiff::tz::TimeZone::get(zone).unwrap_or(jiff::tz::TimeZone::UTC);
        local_time(field, self.get(field), &tz, now)
    }
    /// Like `time`, but the field must be filled in.
    pub fn required_time(
        &self,
        field: &str,
        zone: &str,
        now: UtcTime,
    ) -> Result<UtcTime, FieldErrors> {
        if self.get(field).trim().is_empty() {
            return Err(FieldErrors::one(field, Why::Time));
        }
        self.time(field, zone, now)
    }
}

/// Percent-encodes an id as one URL path segment (for redirects built in Rust; templates use
/// askama's `urlencode_strict`).
pub fn seg(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.') {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Why each field was refused, by field name (`""`: the whole form): typed reasons (`Why`), several
/// of one field kept together (`Why::All`), rendered only by `kit::say` in the reader's language —
/// `shown(lang)` for a page, `Refusal::json` for the API (English and Japanese).
#[derive(Debug, Default, Clone)]
pub struct FieldErrors(pub BTreeMap<String, Why>);

impl FieldErrors {
    /// Sorts a service error onto its field (domain `Invalid { field }`), else onto the whole form;
    /// a refusal of several fields at once (`Invalids`, `Why::Fields`) becomes one error next to
    /// each. A refusal of no field is said by `messages.rs` in both languages.
    pub fn from_service(e: &ServiceError) -> FieldErrors {
        let mut out = FieldErrors::default();
        match e {
            ServiceError::Domain(DomainError::Invalid { field, message }) => {
                for (field, why) in message.per_field(field) {
                    out.add(&field, why);
                }
            }
            other => {
                let told = crate::messages::tell(other);
                out.add("", Why::said(told.en, told.ja));
            }
        }
        out
    }
    /// Adds `why` to the errors of `field` (after any it has).
    pub fn add(&mut self, field: &str, why: Why) {
        let why = match self.0.remove(field) {
            None => why,
            Some(Why::All(mut all)) => {
                all.push(why);
                Why::All(all)
            }
            Some(old) => Why::All(vec![old, why]),
        };
        self.0.insert(field.to_string(), why);
    }
    pub fn one(field: &str, why: Why) -> FieldErrors {
        FieldErrors(BTreeMap::from([(field.to_string(), why)]))
    }
    /// Every error of `other` added to these.
    pub fn extend(&mut self, other: FieldErrors) {
        for (field, why) in other.0 {
            self.add(&field, why);
        }
    }
    /// The error of `from` (`""`: the form-wide one) moved to the field `to`, when there is one.
    pub fn moved(mut self, from: &str, to: &str) -> FieldErrors {
        if let Some(why) = self.0.remove(from) {
            self.add(to, why);
        }
        self
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// The errors in `lang`, as the page shows them.
    pub fn shown(&self, lang: Lang) -> Errors {
        Errors(
            (self.0.iter())
                .map(|(f, why)| (f.clone(), crate::kit::say(lang, why)))
                .collect(),
        )
    }
}

/// Field errors as a page shows them, already in its language (`FieldErrors::shown`, or a page's
/// own catalogue text): `{{ e.get("volume_ml") }}` in a template.
#[derive(Debug, Default, Clone)]
pub struct Errors(pub BTreeMap<String, String>);

impl Errors {
    /// A page's own error of `field`, written in the page's language.
    pub fn one(field: &str, text: &str) -> Errors {
        Errors(BTreeMap::from([(field.to_string(), text.to_string())]))
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// The error for `field` (empty string when none).
    pub fn get(&self, field: &str) -> &str {
        self.0.get(field).map(String::as_str).unwrap_or("")
    }
    /// The form-wide error.
    pub fn general(&self) -> &str {
        self.get("")
    }
}

/// HTTP status for a re-shown form: the one mapping of `error.rs` (422 bad input, 409 refused
/// transition, …).
pub fn status_of(e: &ServiceError) -> axum::http::StatusCode {
    crate::error::status_for(e.kind())
}

/// Parses a number typed in a form field; the error names the field.
pub fn number(field: &str, s: &str) -> Result<f64, FieldErrors> {
    s.trim()
        .replace(',', "")
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or_else(|| FieldErrors::one(field, Why::Number))
}

/// Parses a whole number typed in a form field.
pub fn integer(field: &str, s: &str) -> Result<i64, FieldErrors> {
    s.trim()
        .parse::<i64>()
        .map_err(|_| FieldErrors::one(field, Why::Whole))
}

/// Parses an `<input type="datetime-local">` value (`2026-11-25T09:30`) in the user's zone, or an
/// RFC 3339 time; empty means `default`.
pub fn local_time(
    field: &str,
    s: &str,
    zone: &jiff::tz::TimeZone,
    default: UtcTime,
) -> Result<UtcTime, FieldErrors> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(default);
    }
    if let Ok(t) = UtcTime::parse(field, s) {
        return Ok(t);
    }
    s.parse::<jiff::civil::DateTime>()
        .ok()
        .and_then(|dt| dt.to_zoned_datetime(zone.clone()).ok())
        .map(|z| UtcTime::from_timestamp(z.timestamp()))
        .ok_or_else(|| FieldErrors::one(field, Why::Time))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_times_from_forms() {
        assert_eq!(number("v", " 1,200.5 ").unwrap(), 1200.5);
        assert_eq!(
            number("volume_ml", "abc").unwrap_err().0["volume_ml"],
            Why::Number
        );
        let tokyo = jiff::tz::TimeZone::fixed(jiff::tz::offset(9));
        let d = UtcTime::parse("t", "2026-01-01T00:00:00Z").unwrap();
        let t = local_time("at", "2026-11-25T09:30", &tokyo, d).unwrap();
        assert_eq!(t.to_string(), "2026-11-25T00:30:00.000000Z");
        assert_eq!(local_time("at", "", &tokyo, d).unwrap(), d);
        assert!(local_time("at", "soon", &tokyo, d).is_err());
    }
}

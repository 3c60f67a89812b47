//! What the manufacturing pages share: typed reading of form fields (errors naming the field),
//! refusals that become errors next to their field in the viewer's language, rendering, redirects
//! and status badges.

use crate::{AppError, auth::Viewer, forms::FieldErrors, i18n::Lang};
use askama::Template;
use axum::{
    http::StatusCode,
    response::{Html, IntoResponse, Redirect, Response},
};
use secretome_domain::{Actor, DomainError, UtcTime, batch::BatchStatus, donor::DonorStatus};
use secretome_service::ServiceError;
use std::collections::BTreeMap;

/// What the user typed, by field name; shown again when a form is refused.
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
    pub fn number(&self, field: &str) -> Result<f64, Refusal> {
        crate::forms::number(field, self.get(field)).map_err(Refusal::bad)
    }
    pub fn integer(&self, field: &str) -> Result<i64, Refusal> {
        crate::forms::integer(field, self.get(field)).map_err(Refusal::bad)
    }
    /// A `datetime-local` value in the viewer's zone; empty means now.
    pub fn time(&self, field: &str, zone: &str, now: UtcTime) -> Result<UtcTime, Refusal> {
        let tz = jiff::tz::TimeZone::get(zone).unwrap_or(jiff::tz::TimeZone::UTC);
        crate::forms::local_time(field, self.get(field), &tz, now).map_err(Refusal::bad)
    }
    /// Like `time`, but the field must be filled in.
    pub fn required_time(&self, field: &str, zone: &str, now: UtcTime) -> Result<UtcTime, Refusal> {
        if self.get(field).trim().is_empty() {
            return Err(Refusal::bad(FieldErrors::one(
                field,
                "enter a date and time",
            )));
        }
        self.time(field, zone, now)
    }
}

/// Why a form or API call was refused.
#[derive(Debug)]
pub enum Refusal {
    /// Input that could not be read (422), or a refusal placed next to the field it concerns.
    Fields(FieldErrors, StatusCode),
    Service(ServiceError),
}

impl From<ServiceError> for Refusal {
    fn from(e: ServiceError) -> Self {
        Refusal::Service(e)
    }
}

impl Refusal {
    /// Bad input (422).
    pub fn bad(errors: FieldErrors) -> Refusal {
        Refusal::Fields(errors, StatusCode::UNPROCESSABLE_ENTITY)
    }
    /// A service refusal; a referenced record that does not exist is bad input in the field that
    /// named it (422), an identifier already taken is shown next to its field (409).
    pub fn service(e: ServiceError, refs: &[(&str, &str)]) -> Refusal {
        let text = e.to_string();
        let named = |v: &str| !v.trim().is_empty() && text.contains(&format!(" {} ", v.trim()));
        let kind = e.kind();
        if let Some((field, v)) = refs.iter().find(|(_, v)| named(v)) {
            if kind == secretome_service::ErrorKind::NotFound {
                return Refusal::bad(FieldErrors::one(field, &format!("not found: {}", v.trim())));
            }
            if kind == secretome_service::ErrorKind::Conflict && text.ends_with("already exists") {
                return Refusal::Fields(
                    FieldErrors::one(field, &format!("already exists: {}", v.trim())),
                    StatusCode::CONFLICT,
                );
            }
        }
        Refusal::Service(e)
    }
    pub fn status(&self) -> StatusCode {
        match self {
            Refusal::Fields(_, s) => *s,
            Refusal::Service(e) => crate::forms::status_of(e),
        }
    }
    /// The errors by field, in the viewer's language.
    pub fn errors(&self, lang: Lang) -> FieldErrors {
        let raw = match self {
            Refusal::Fields(f, _) => f.clone(),
            Refusal::Service(e) if e.kind() == secretome_service::ErrorKind::Internal => {
                tracing::error!(error = %e, "form refused by a database failure");
                FieldErrors::one(
                    "",
                    "internal error: nothing was changed (see the server log)",
                )
            }
            Refusal::Service(e) => FieldErrors::from_service(e),
        };
        FieldErrors(
            raw.0
                .into_iter()
                .map(|(k, m)| (k, localise(lang, &m)))
                .collect(),
        )
    }
    /// The field a refusal names (for the API).
    pub fn field(&self) -> Option<String> {
        match self {
            Refusal::Fields(f, _) => f.0.keys().find(|k| !k.is_empty()).cloned(),
            Refusal::Service(ServiceError::Domain(DomainError::Invalid { field, .. })) => {
                Some(field.clone())
            }
            Refusal::Service(_) => None,
        }
    }
    pub fn message(self) -> String {
        match self {
            Refusal::Fields(f, _) => {
                f.0.iter()
                    .map(|(k, m)| {
                        if k.is_empty() {
                            m.clone()
                        } else {
                            format!("{k}: {m}")
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("; ")
            }
            Refusal::Service(e) => AppError(e).message(),
        }
    }
}

/// An English message from the domain or the form readers, in Japanese when known (the original
/// kept in parentheses, since it carries the values).
pub fn localise(lang: Lang, message: &str) -> String {
    if lang == Lang::En {
        return message.to_string();
    }
    match super::errors::ERRORS
        .iter()
        .find(|(prefix, _)| message.starts_with(prefix) || message.contains(prefix))
    {
        Some((_, key)) => format!("{} ({message})", lang.t(key)),
        None => message.to_string(),
    }
}

/// The signed-in actor (the guard has already admitted the request).
pub fn actor(v: &Viewer) -> Option<Actor> {
    v.session.as_ref().map(|s| s.actor.clone())
}

pub fn render<T: Template>(status: StatusCode, t: &T) -> Response {
    match t.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                Html("template error".to_string()),
            )
                .into_response()
        }
    }
}

/// A page that could not be shown (404 for a missing record, …), in the viewer's language.
pub fn page_error(v: &Viewer, e: ServiceError) -> Response {
    let err = AppError(e);
    let status = err.status();
    (
        status,
        Html(crate::pages::error_html(v, status, &err.message())),
    )
        .into_response()
}

/// After a successful post: to the record's page.
pub fn see_other(path: &str) -> Response {
    Redirect::to(path).into_response()
}

/// `/x/{id}` with the id percent-encoded as a path segment.
pub fn path(prefix: &str, id: &str, suffix: &str) -> String {
    let enc: String = id
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':') {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("{prefix}{enc}{suffix}")
}

pub fn donor_badge(s: &DonorStatus) -> &'static str {
    match s {
        DonorStatus::Screening => "warn",
        DonorStatus::Eligible => "ok",
        DonorStatus::Ineligible => "bad",
    }
}

pub fn batch_badge(s: &BatchStatus) -> &'static str {
    match s {
        BatchStatus::Culturing => "info",
        BatchStatus::Conditioning => "warn",
        BatchStatus::Harvested => "ok",
    }
}

/// A raw-material lot: expired (bad), expiring within 30 days (warn), usable (ok).
pub fn material_state(expires_at: &UtcTime, now: &UtcTime) -> &'static str {
    let days = now.hours_until(*expires_at) / 24.0;
    if days <= 0.0 {
        "expired"
    } else if days <= 30.0 {
        "expiring"
    } else {
        "usable"
    }
}

pub fn material_badge(state: &str) -> &'static str {
    match state {
        "expired" => "bad",
        "expiring" => "warn",
        _ => "ok",
    }
}

/// A number for a table cell: large counts in scientific form (1.9 × 10⁷), others as typed.
pub fn num(v: &f64) -> String {
    if v.abs() >= 1e5 {
        let exp = v.abs().log10().floor() as i32;
        let mant = v / 10f64.powi(exp);
        format!("{mant:.2}e{exp}")
    } else {
        let s = format!("{v:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

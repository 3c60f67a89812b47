//! What the manufacturing pages share: typed reading of form fields (errors naming the field),
//! refusals that become errors next to their field in the viewer's language, rendering, redirects
//! and status badges.

use crate::{AppError, auth::Viewer, forms::FieldErrors, i18n::Lang};
use axum::{http::StatusCode, response::Response};
use secretome_domain::{Actor, DomainError, UtcTime, batch::BatchStatus, donor::DonorStatus};
use secretome_service::ServiceError;

pub use crate::forms::Fields;

/// Why a form or API call was refused.
#[derive(Debug)]
pub enum Refusal {
    /// Input that could not be read (422), or a refusal placed next to the field it concerns.
    Fields(FieldErrors, StatusCode),
    Service(ServiceError),
}

impl From<FieldErrors> for Refusal {
    /// Input that could not be read: 422.
    fn from(e: FieldErrors) -> Self {
        Refusal::bad(e)
    }
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
        use secretome_service::StoreError;
        // The typed id of a missing or duplicate record, matched against the values the form gave.
        let (id, duplicate) = match &e {
            ServiceError::NotFound { id, .. }
            | ServiceError::Store(StoreError::NotFound { id, .. }) => (id.as_str(), false),
            ServiceError::Store(StoreError::Duplicate { id, .. }) => (id.as_str(), true),
            _ => return Refusal::Service(e),
        };
        match refs
            .iter()
            .find(|(_, v)| !v.trim().is_empty() && v.trim() == id)
        {
            Some((field, v)) if duplicate => Refusal::Fields(
                FieldErrors::one(field, &format!("already exists: {}", v.trim())),
                StatusCode::CONFLICT,
            ),
            Some((field, v)) => {
                Refusal::bad(FieldErrors::one(field, &format!("not found: {}", v.trim())))
            }
            None => Refusal::Service(e),
        }
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
            Refusal::Service(e @ ServiceError::Domain(DomainError::Invalid { .. })) => {
                FieldErrors::from_service(e)
            }
            // A coded refusal (or an internal failure, with its logged id): from `messages.rs`.
            Refusal::Service(e) => return FieldErrors::from_service_in(e, lang),
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

pub use crate::quality::support::{page as render, see_other};

/// A page that could not be shown (404 for a missing record, …), in the viewer's language.
pub fn page_error(v: &Viewer, e: ServiceError) -> Response {
    crate::quality::support::fail(v, e)
}

/// `/x/{id}` with the id percent-encoded as a path segment.
pub fn path(prefix: &str, id: &str, suffix: &str) -> String {
    format!("{prefix}{}{suffix}", crate::forms::seg(id))
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

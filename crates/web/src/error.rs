//! The HTTP answer of a service error, from the one code → status/message table (`messages.rs`):
//! 422 bad input (field named), 403 role, 404 missing, 409 illegal transition, rule or duplicate,
//! 500 internal (cause logged under an id shown to the user, nothing else).

use axum::{
    Json,
    response::{IntoResponse, Response},
};
use secretome_domain::DomainError;
use secretome_service::ServiceError;

pub use crate::messages::status_for;

#[derive(Debug)]
pub struct AppError(pub ServiceError);

impl From<ServiceError> for AppError {
    fn from(e: ServiceError) -> Self {
        AppError(e)
    }
}

impl AppError {
    pub fn status(&self) -> axum::http::StatusCode {
        status_for(self.0.kind())
    }
    /// What the user is told in English (an internal failure: its logged id only).
    pub fn message(&self) -> String {
        crate::messages::tell(&self.0).en
    }
}

impl IntoResponse for AppError {
    /// `{"code", "error" (English), "message_ja", "status"}`, plus `"field"` and `"fields"`
    /// (`[{field, code, message, message_ja}]`, one per refused field) when the refusal names
    /// input fields and `"reasons"` (each with `message` and `message_ja`) when a release
    /// is refused.
    fn into_response(self) -> Response {
        let told = crate::messages::tell(&self.0);
        let mut body = serde_json::json!({
            "code": told.code,
            "error": told.en,
            "message_ja": told.ja,
            "status": told.status.as_u16(),
        });
        if let Some(field) = &told.field {
            // `field` as before (several refused fields joined `a, b`); `fields` one entry each.
            body["field"] = serde_json::json!(field);
            let errors = match &self.0 {
                ServiceError::Domain(DomainError::Invalid { .. }) => {
                    crate::forms::FieldErrors::from_service(&self.0)
                }
                _ => crate::forms::FieldErrors::one(field, &told.en),
            };
            body["fields"] = serde_json::json!(crate::kit::field_list(&errors, told.code));
        }
        if let ServiceError::Domain(DomainError::ReleaseBlocked { blockers, .. }) = &self.0
            && let Ok(r) = serde_json::to_value(blockers)
        {
            body["reasons"] = r;
        }
        (told.status, Json(body)).into_response()
    }
}

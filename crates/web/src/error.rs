//! The HTTP answer of a service error, from the one code → status/message table (`messages.rs`):
//! 422 bad input (field named), 403 role, 404 missing, 409 illegal transition, rule or duplicate,
//! 500 internal (cause logged under an id shown to the user, nothing else).

use axum::{
    Json,
    response::{IntoResponse, Response},
};
use secretome_domain::{DomainError, qc::ReleaseBlocker};
use secretome_service::ServiceError;
use serde::Serialize;

pub use crate::messages::status_for;

#[derive(Debug)]
pub struct AppError(pub ServiceError);

/// The body of every refusal under `/api/v1` (the OpenAPI document's error answer).
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct ApiError {
    /// The refusal's code (a rule's `code`, `not_found`, `invalid`, …); absent when the input
    /// could not be read or the door refused.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// What was refused, in English.
    pub error: String,
    /// The same in Japanese, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_ja: Option<String>,
    /// The HTTP status.
    pub status: u16,
    /// The input field the refusal concerns.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Every refused input field, one entry each (`field` names the first).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fields: Option<Vec<FieldRefusal>>,
    /// Every blocker of a refused release.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reasons: Option<Vec<ReleaseBlocker>>,
}

/// One refused input field of an `ApiError`.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct FieldRefusal {
    /// The field's name (its path in a JSON body).
    pub field: String,
    /// The refusal's code.
    pub code: String,
    /// What is wrong with it, in English.
    pub message: String,
    /// The same in Japanese.
    pub message_ja: String,
}

impl ApiError {
    /// A refusal with only its English text (and the field it names).
    pub fn plain(status: axum::http::StatusCode, error: String, field: Option<String>) -> ApiError {
        ApiError {
            code: None,
            error,
            message_ja: None,
            status: status.as_u16(),
            field,
            fields: None,
            reasons: None,
        }
    }
    pub fn into_response(self) -> Response {
        let status = axum::http::StatusCode::from_u16(self.status)
            .unwrap_or(axum::http::StatusCode::INTERNAL_SERVER_ERROR);
        (status, Json(self)).into_response()
    }
}

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
        let fields = told.field.as_ref().map(|field| match &self.0 {
            ServiceError::Domain(DomainError::Invalid { .. }) => {
                crate::kit::service_fields(&self.0, told.code)
            }
            _ => vec![FieldRefusal {
                field: field.clone(),
                code: told.code.to_string(),
                message: told.en.clone(),
                message_ja: told.ja.clone(),
            }],
        });
        let reasons = match self.0 {
            ServiceError::Domain(DomainError::ReleaseBlocked { blockers, .. }) => Some(blockers),
            _ => None,
        };
        ApiError {
            code: Some(told.code.to_string()),
            error: told.en,
            message_ja: Some(told.ja),
            status: told.status.as_u16(),
            field: told.field,
            fields,
            reasons,
        }
        .into_response()
    }
}

//! The one mapping from service errors to HTTP: 422 bad input (field named), 403 role, 404 missing,
//! 409 illegal transition or duplicate, 500 database (details logged, not shown).

use axum::{
    Json,
    http::StatusCode,
    response::{IntoResponse, Response},
};
use secretome_domain::DomainError;
use secretome_service::{ErrorKind, ServiceError};

#[derive(Debug)]
pub struct AppError(pub ServiceError);

impl From<ServiceError> for AppError {
    fn from(e: ServiceError) -> Self {
        AppError(e)
    }
}

/// The one mapping from an error's kind to its HTTP status.
pub fn status_for(kind: ErrorKind) -> StatusCode {
    match kind {
        ErrorKind::Invalid => StatusCode::UNPROCESSABLE_ENTITY,
        ErrorKind::Forbidden => StatusCode::FORBIDDEN,
        ErrorKind::NotFound => StatusCode::NOT_FOUND,
        ErrorKind::Conflict => StatusCode::CONFLICT,
        ErrorKind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        status_for(self.0.kind())
    }
    /// What the user is told: the error itself, except for database failures.
    pub fn message(&self) -> String {
        match self.0.kind() {
            ErrorKind::Internal => {
                tracing::error!(error = %self.0, "request failed");
                "internal error: nothing was changed (see the server log)".to_string()
            }
            _ => self.0.to_string(),
        }
    }
}

impl IntoResponse for AppError {
    /// `{"error", "status"}`, plus `"field"` for bad input and `"reasons"` (each with `message` and
    /// `message_ja`) when a release is refused.
    fn into_response(self) -> Response {
        let status = self.status();
        let mut body = serde_json::json!({ "error": self.message(), "status": status.as_u16() });
        match &self.0 {
            ServiceError::Domain(DomainError::Invalid { field, .. }) => {
                body["field"] = serde_json::json!(field);
            }
            ServiceError::Scan(e) => {
                use crate::i18n::Lang;
                use crate::kit::scan_message;
                body["code"] = serde_json::json!(e.code());
                body["field"] = serde_json::json!("vial");
                body["message_ja"] = serde_json::json!(scan_message(Lang::Ja, e));
            }
            ServiceError::Domain(DomainError::ReleaseBlocked { blockers, .. }) => {
                if let Ok(r) = serde_json::to_value(blockers) {
                    body["reasons"] = r;
                }
            }
            _ => {}
        }
        (status, Json(body)).into_response()
    }
}

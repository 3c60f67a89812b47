//! The JSON API's shared request and response handling: the body as an object, typed fields whose
//! errors name the field (422), the signed-in actor (401), and a service result as JSON with the
//! one status mapping of `error.rs`. Every API module reads and answers through these.

use crate::{AppError, auth::Viewer, error::ApiError};
use axum::{
    Json,
    body::Bytes,
    http::StatusCode,
    response::{IntoResponse, Response},
};
use secretome_domain::Actor;
use secretome_service::ServiceError;
use serde::Serialize;
use serde_json::{Map, Value};

pub(crate) fn error(e: ServiceError) -> Response {
    AppError(e).into_response()
}

pub(crate) fn bad(field: &str, message: &str) -> Response {
    let error = format!("{field}: {message}");
    ApiError::plain(
        StatusCode::UNPROCESSABLE_ENTITY,
        error,
        Some(field.to_string()),
    )
    .into_response()
}

/// A refusal already made into a response (boxed: responses are large).
pub(crate) type Refused = Box<Response>;

pub(crate) fn ok<T: Serialize>(status: StatusCode, r: Result<T, ServiceError>) -> Response {
    match r {
        Ok(v) => (status, Json(v)).into_response(),
        Err(e) => error(e),
    }
}

/// The request body as a JSON object.
pub(crate) fn object(body: &Bytes) -> Result<Map<String, Value>, Refused> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(m)) => Ok(m),
        _ => Err(Box::new(bad(
            "body",
            "expected a JSON object (Content-Type: application/json)",
        ))),
    }
}

/// An optional text field; a value of another type is refused, naming the field.
pub(crate) fn text(m: &Map<String, Value>, field: &str) -> Result<Option<String>, Refused> {
    match m.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(Box::new(bad(field, "expected a string"))),
    }
}

pub(crate) fn required(m: &Map<String, Value>, field: &str) -> Result<String, Refused> {
    text(m, field)?
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| Box::new(bad(field, "required")))
}

pub(crate) fn actor(v: &Viewer) -> Result<Actor, Refused> {
    v.session.as_ref().map(|s| s.actor.clone()).ok_or_else(|| {
        let e = ApiError::plain(StatusCode::UNAUTHORIZED, "sign-in required".into(), None);
        Box::new(e.into_response())
    })
}

/// Unwraps a `Result<_, Refused>` or returns the refusal as the handler's response.
macro_rules! tri {
    ($e:expr) => {
        match $e {
            Ok(v) => v,
            Err(r) => return *r,
        }
    };
}
pub(crate) use tri;

//! The JSON API's shared answers: the signed-in actor (401), a bad field (422) and a service result
//! as JSON with the one status mapping of `error.rs`. Request bodies are read by `kit::Input`.

use crate::{AppError, auth::Viewer, error::ApiError};
use axum::{
    Json,
    http::StatusCode,
    response::{IntoResponse, Response},
};
use secretome_domain::Actor;
use secretome_service::ServiceError;
use serde::Serialize;

pub(crate) fn error(e: ServiceError) -> Response {
    AppError(e).into_response()
}

/// A bad field (422), said in English and Japanese.
pub(crate) fn bad(field: &str, why: secretome_domain::Why) -> Response {
    crate::kit::Refusal::bad(crate::forms::FieldErrors::one(field, why)).json()
}

/// A refusal already made into a response (boxed: responses are large).
pub(crate) type Refused = Box<Response>;

pub(crate) fn ok<T: Serialize>(status: StatusCode, r: Result<T, ServiceError>) -> Response {
    match r {
        Ok(v) => (status, Json(v)).into_response(),
        Err(e) => error(e),
    }
}

pub(crate) fn actor(v: &Viewer) -> Result<Actor, Refused> {
    v.session.as_ref().map(|s| s.actor.clone()).ok_or_else(|| {
        let e = ApiError::plain(StatusCode::UNAUTHORIZED, "sign-in required".into(), None);
        Box::new(e.into_response())
    })
}

pub(crate) use crate::kit::tri;

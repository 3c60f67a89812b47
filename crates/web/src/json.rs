//! The JSON API's shared answers: the signed-in actor (401), a bad field (422) and a service result
//! as JSON with the one status mapping of `error.rs`. Request bodies are read by `kit::Input`.

use crate::{AppError, auth::Viewer};
use axum::{
    Json,
    http::StatusCode,
    response::{IntoResponse, Response},
};
use secretome_domain::Actor;
use secretome_service::ServiceError;
use serde::Serialize;
use serde_json::{Map, Value, json};

pub(crate) fn error(e: ServiceError) -> Response {
    AppError(e).into_response()
}

pub(crate) fn bad(field: &str, message: &str) -> Response {
    let one = crate::forms::FieldErrors::one(field, message);
    let body = json!({
        "code": "invalid",
        "error": format!("{field}: {message}"),
        "message_ja": crate::kit::localise(crate::i18n::Lang::Ja, &format!("{field}: {message}")),
        "field": field,
        "fields": crate::kit::field_list(&one, "invalid"),
        "status": 422,
    });
    (StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response()
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
        let body = json!({ "error": "sign-in required", "status": 401 });
        Box::new((StatusCode::UNAUTHORIZED, Json(body)).into_response())
    })
}

pub(crate) use crate::kit::tri;

/// An OpenAPI request-body schema: an object with these (name, JSON type) properties.
pub(crate) fn schema(props: &[(&str, &str)], required: &[&str]) -> Value {
    let p: Map<String, Value> = props
        .iter()
        .map(|(k, t)| (k.to_string(), json!({ "type": t })))
        .collect();
    json!({ "type": "object", "properties": p, "required": required })
}

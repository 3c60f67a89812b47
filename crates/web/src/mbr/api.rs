//! Master batch records and guided execution under `/api/v1`, through the same service functions as
//! the pages: the controlled documents with their versions, a batch's execution (the master
//! version, the steps recorded, deviations, the next step), and recording a step
//! (`{"step", "values": {"<parameter>": number}, "performed_at"?, "note"?}`, role operator).

use super::inputs::RecordStep;
use crate::json::ok;
use crate::kit::Input;
use crate::{AppState, auth::Viewer, auth::now};
use axum::{
    Extension,
    extract::{Path, State},
    http::StatusCode,
    response::Response,
};
use secretome_service::ServiceError;
use serde_json::{Value, json};

pub async fn masters(State(st): State<AppState>) -> Response {
    ok(StatusCode::OK, st.service.documents().await)
}

pub async fn execution(State(st): State<AppState>, Path(id): Path<String>) -> Response {
    let r = match st.service.execution(&id).await {
        Ok(Some(x)) => Ok(x),
        Ok(None) => Err(ServiceError::NotFound {
            what: "batch execution",
            id: id.clone(),
        }),
        Err(e) => Err(e),
    };
    ok(StatusCode::OK, r)
}

/// POST: records the step; 201 with the record and the deviations its values opened.
pub async fn record_step(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
    input: Input<RecordStep>,
) -> Response {
    let (a, (step, values, at, note)) = match input.acting(&v) {
        Ok(x) => x,
        Err(r) => return r.json(),
    };
    let r = st
        .service
        .record_step(&a, now(), &id, &step, &values, at, note);
    ok(StatusCode::CREATED, r.await)
}

/// The OpenAPI `paths` of these operations.
pub fn openapi_paths() -> Value {
    let id = json!([{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}]);
    json!({
        "/api/v1/masters": {"get": {"summary": "Controlled documents (SOPs, master batch records) with their versions, steps and limits", "tags": ["mbr"],
            "responses": {"200": {"description": "documents"}, "401": {"description": "no session or token"}}}},
        "/api/v1/batches/{id}/execution": {"get": {"summary": "A batch's execution against its master batch record: version, steps recorded, deviations, next step", "tags": ["mbr"],
            "parameters": id,
            "responses": {"200": {"description": "the execution"}, "401": {"description": "no session or token"}, "404": {"description": "the batch was not started from a master"}}}},
        "/api/v1/batches/{id}/execution/steps": {"post": {"summary": "Record the next step (role operator): values judged against the master's limits; a value outside them opens a deviation, or is refused where the master says so", "tags": ["mbr"],
            "parameters": id,
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "properties": {
                "step": {"type": "string"}, "values": {"type": "object", "additionalProperties": {"type": "number"}},
                "performed_at": {"type": "string", "format": "date-time"}, "note": {"type": "string"}}, "required": ["step"]}}}},
            "responses": {"201": {"description": "the step record and the deviations opened"}, "401": {"description": "no session or token"}, "403": {"description": "wrong role"},
                "409": {"description": "out of order, or awaiting verification"}, "422": {"description": "a value missing or refused by the master: `field` names the parameter"}}}}
    })
}

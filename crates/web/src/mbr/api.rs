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

//! Master batch records and guided execution under `/api/v1`, through the same service functions as
//! the pages: the controlled documents with their versions, a batch's execution (the master
//! version, the steps recorded, deviations, the next step), and recording a step
//! (`{"step", "values": {"<parameter>": number}, "performed_at"?, "note"?}`, role operator).

use crate::json::{actor, bad, object, ok, required, text, tri};
use crate::{AppState, auth::Viewer, auth::now};
use axum::{
    Extension,
    body::Bytes,
    extract::{Path, State},
    http::StatusCode,
    response::Response,
};
use secretome_domain::UtcTime;
use secretome_service::ServiceError;
use serde_json::Value;

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
    body: Bytes,
) -> Response {
    let a = tri!(actor(&v));
    let m = tri!(object(&body));
    let step = tri!(required(&m, "step"));
    let mut values = Vec::new();
    match m.get("values") {
        None | Some(Value::Null) => {}
        Some(Value::Object(o)) => {
            for (k, x) in o {
                match x.as_f64() {
                    Some(n) => values.push((k.clone(), n)),
                    None => return bad(k, "expected a number"),
                }
            }
        }
        Some(_) => return bad("values", "expected an object of numbers"),
    }
    let t = now();
    let performed_at = match tri!(text(&m, "performed_at")) {
        Some(s) => match UtcTime::parse("performed_at", &s) {
            Ok(x) => x,
            Err(e) => return crate::json::error(e.into()),
        },
        None => t,
    };
    let note = tri!(text(&m, "note"));
    ok(
        StatusCode::CREATED,
        st.service
            .record_step(&a, t, &id, &step, &values, performed_at, note)
            .await,
    )
}

//! The QC and QA operations under `/api/v1`, through the same service functions as the pages:
//! products and specifications, a lot's results against its specification, result entry,
//! deviations, the batch record and the electronic signature. Errors are JSON with the status:
//! 401 no session or token, 403 wrong role, 404 unknown, 409 illegal transition (a refused release
//! lists every reason under `reasons`), 422 bad input naming the `field`.

use crate::{AppState, auth::Viewer, auth::now};
use axum::{
    Extension,
    extract::{Path, State},
    http::StatusCode,
    response::Response,
};
use secretome_service::NewResult;

use super::inputs::{Assess, Decide, OpenDeviation, RecordResult, ReviseResult, Sign};
use crate::json::{error, ok, tri};
use crate::kit::Input;

pub async fn products(State(st): State<AppState>) -> Response {
    ok(StatusCode::OK, st.service.products().await)
}

pub async fn specifications(State(st): State<AppState>, Path(code): Path<String>) -> Response {
    ok(StatusCode::OK, st.service.specifications(&code).await)
}

pub async fn lot_qc(State(st): State<AppState>, Path(id): Path<String>) -> Response {
    ok(StatusCode::OK, st.service.lot_qc(&id).await)
}

pub async fn record_review(State(st): State<AppState>, Path(id): Path<String>) -> Response {
    ok(StatusCode::OK, st.service.batch_record(&id).await)
}

/// POST results: `{"test", "value"?, "outcome"?, "unit"?, "assay_run"?}` → 201 the result.
pub async fn record(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
    input: Input<RecordResult>,
) -> Response {
    let (a, n) = tri!(input.acting_api(&v));
    let n = NewResult { lot: id, ..n };
    ok(
        StatusCode::CREATED,
        st.service.record_result(&a, now(), n).await,
    )
}

/// POST results/revise: `{"test", "change": "correction"|"retest", "value"?, "outcome"?,
/// "reason"}` → 200 the result, the one before kept in its history (the page's revise form, typed
/// the same).
pub async fn revise(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
    input: Input<ReviseResult>,
) -> Response {
    let (a, (n, change, reason)) = tri!(input.acting_api(&v));
    let n = NewResult { lot: id, ..n };
    let r = st.service.revise_result(&a, now(), n, change, &reason);
    ok(StatusCode::OK, r.await)
}

/// POST deviations: `{"test"?, "description"}` → 201 the deviation.
pub async fn open_deviation(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
    input: Input<OpenDeviation>,
) -> Response {
    let (a, (test, description)) = tri!(input.acting_api(&v));
    let r = st
        .service
        .open_deviation(&a, now(), &id, test.as_deref(), &description);
    ok(StatusCode::CREATED, r.await)
}

/// POST …/assess: `{"assessment"}`.
pub async fn assess(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path((id, n)): Path<(String, String)>,
    input: Input<Assess>,
) -> Response {
    let (a, text) = tri!(input.acting_api(&v));
    let dev = format!("{id}/{n}");
    let r = st.service.assess_deviation(&a, now(), &dev, &text);
    ok(StatusCode::OK, r.await)
}

/// POST …/approve: `{"reason"}`.
pub async fn approve(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path((id, n)): Path<(String, String)>,
    input: Input<Decide>,
) -> Response {
    let (a, reason) = tri!(input.acting_api(&v));
    let dev = format!("{id}/{n}");
    let r = st.service.approve_deviation(&a, now(), &dev, &reason);
    ok(StatusCode::OK, r.await)
}

/// POST …/reject: `{"reason"}`.
pub async fn reject(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path((id, n)): Path<(String, String)>,
    input: Input<Decide>,
) -> Response {
    let (a, reason) = tri!(input.acting_api(&v));
    let dev = format!("{id}/{n}");
    let r = st.service.reject_deviation(&a, now(), &dev, &reason);
    ok(StatusCode::OK, r.await)
}

/// POST sign: `{"password", "meaning", "reason"}` → 200 `{"lot", "signature"}`.
/// The answer of a signature: the lot as it now stands and the signature just made.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct Signed {
    pub lot: secretome_domain::lot::Lot,
    pub signature: Option<secretome_service::batch_record::Signature>,
}

pub async fn sign(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
    input: Input<Sign>,
) -> Response {
    let (a, (password, meaning, reason)) = tri!(input.acting_api(&v));
    let lot = match st
        .service
        .sign_lot(&a, now(), &id, &password, &meaning, &reason)
        .await
    {
        Ok(l) => l,
        Err(e) => return error(e),
    };
    let sig = st
        .service
        .lot_signatures(&id)
        .await
        .map(|s| s.into_iter().last());
    ok(
        StatusCode::OK,
        sig.map(|signature| Signed { lot, signature }),
    )
}

//! The QC and QA operations under `/api/v1`, through the same service functions as the pages:
//! products and specifications, a lot's results against its specification, result entry,
//! deviations, the batch record and the electronic signature. Errors are JSON with the status:
//! 401 no session or token, 403 wrong role, 404 unknown, 409 illegal transition (a refused release
//! lists every reason under `reasons`), 422 bad input naming the `field`.

use crate::{AppState, auth::Viewer, auth::now};
use axum::{
    Extension,
    body::Bytes,
    extract::{Path, State},
    http::StatusCode,
    response::Response,
};
use secretome_domain::{Actor, qc::result::Change};
use secretome_service::NewResult;
use serde_json::Value;

use super::inputs::{Assess, Decide, OpenDeviation, Sign};
use crate::json::{Refused, actor, bad, error, object, ok, required, text, tri};
use crate::kit::{Action, Input};

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
    body: Bytes,
) -> Response {
    let a = tri!(actor(&v));
    let m = tri!(object(&body));
    let value = match m.get("value") {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) => n.as_f64(),
        Some(_) => return bad("value", "expected a number"),
    };
    let r = NewResult {
        lot: id,
        test: tri!(required(&m, "test")),
        value,
        outcome: tri!(text(&m, "outcome")),
        unit: tri!(text(&m, "unit")),
        assay_run: tri!(text(&m, "assay_run")),
        typed: tri!(text(&m, "typed")),
    };
    ok(
        StatusCode::CREATED,
        st.service.record_result(&a, now(), r).await,
    )
}

/// POST results/revise: `{"test", "change": "correction"|"retest", "value"?, "typed"?, "outcome"?,
/// "reason"}` → 200 the result, the one before kept in its history (the page's revise form, typed
/// the same).
pub async fn revise(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let a = tri!(actor(&v));
    let m = tri!(object(&body));
    let value = match m.get("value") {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) => n.as_f64(),
        Some(_) => return bad("value", "expected a number"),
    };
    let change = match tri!(required(&m, "change")).as_str() {
        "correction" => Change::Correction,
        "retest" => Change::Retest,
        _ => return bad("change", "choose correction or retest"),
    };
    let reason = tri!(text(&m, "reason")).unwrap_or_default();
    if reason.trim().is_empty() {
        return bad("reason", "give the reason");
    }
    let r = NewResult {
        lot: id,
        test: tri!(required(&m, "test")),
        value,
        outcome: tri!(text(&m, "outcome")),
        unit: tri!(text(&m, "unit")),
        assay_run: None,
        typed: tri!(text(&m, "typed")),
    };
    ok(
        StatusCode::OK,
        st.service
            .revise_result(&a, now(), r, change, &reason)
            .await,
    )
}

/// The acting user and the input's command, or the refusal as JSON (401, 422).
fn command<T: Action>(v: &Viewer, input: &Input<T>) -> Result<(Actor, T::Command), Refused> {
    let a = actor(v)?;
    Ok((a, input.command(v).map_err(|r| Box::new(r.json()))?))
}

/// POST deviations: `{"test"?, "description"}` → 201 the deviation.
pub async fn open_deviation(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
    input: Input<OpenDeviation>,
) -> Response {
    let (a, (test, description)) = tri!(command(&v, &input));
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
    let (a, text) = tri!(command(&v, &input));
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
    let (a, reason) = tri!(command(&v, &input));
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
    let (a, reason) = tri!(command(&v, &input));
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
    let (a, (password, meaning, reason)) = tri!(command(&v, &input));
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

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
use serde_json::{Map, Value, json};

use super::inputs::{Assess, Decide, OpenDeviation, RecordResult, ReviseResult, Sign};
use crate::json::{error, ok, schema, tri};
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
        sig.map(|signature| json!({ "lot": lot, "signature": signature })),
    )
}

fn op(summary: &str, tag: &str, body: Option<Value>, codes: &[(&str, &str)]) -> Value {
    let dev = ["Assess", "Approve", "Reject"]
        .iter()
        .any(|w| summary.starts_with(w));
    let mut params =
        vec![json!({"name": "id", "in": "path", "required": true, "schema": {"type": "string"}})];
    if dev {
        params.push(json!({"name": "n", "in": "path", "required": true, "schema": {"type": "string"}, "description": "deviation number, e.g. DEV-01"}));
    }
    let mut responses = Map::new();
    for (c, d) in [("401", "no session or token"), ("403", "wrong role")]
        .iter()
        .chain(codes)
    {
        responses.insert(c.to_string(), json!({ "description": d }));
    }
    let mut o =
        json!({ "summary": summary, "tags": [tag], "parameters": params, "responses": responses });
    if let Some(schema) = body {
        o["requestBody"] =
            json!({"required": true, "content": {"application/json": {"schema": schema}}});
    }
    o
}

/// The OpenAPI `paths` of these operations.
pub fn openapi_paths() -> Value {
    let reason = schema(&[("reason", "string")], &["reason"]);
    let invalid = ("422", "bad input: `field` names it");
    let conflict = ("409", "illegal transition, with the reason");
    json!({
        "/api/v1/products": {"get": {"summary": "Products", "tags": ["qc"], "responses": {"200": {"description": "products"}, "401": {"description": "no session or token"}}}},
        "/api/v1/products/{code}/specifications": {"get": {"summary": "A product's specification versions with their tests, oldest first", "tags": ["qc"],
            "parameters": [{"name": "code", "in": "path", "required": true, "schema": {"type": "string"}}],
            "responses": {"200": {"description": "versions"}, "401": {"description": "no session or token"}}}},
        "/api/v1/lots/{id}/qc": {"get": op("A lot's results against its specification, deviations and release blockers", "qc", None, &[("200", "the lot's QC record"), ("404", "no such lot")])},
        "/api/v1/lots/{id}/results": {"post": op("Record a result (role qc); the verdict is computed", "qc",
            Some(schema(&[("test", "string"), ("value", "number"), ("outcome", "string"), ("unit", "string"), ("assay_run", "string")], &["test"])),
            &[("201", "the result"), ("404", "no such lot"), conflict, invalid])},
        "/api/v1/lots/{id}/results/revise": {"post": op("Correct a result or record a retest (role qc), with a required reason; the earlier result stays in the history and an out-of-specification original opens an OOS deviation", "qc",
            Some(schema(&[("test", "string"), ("change", "string"), ("value", "number"), ("typed", "string"), ("outcome", "string"), ("unit", "string"), ("reason", "string")], &["test", "change", "reason"])),
            &[("200", "the valid result, its history kept"), ("404", "no such lot or result"), conflict, invalid])},
        "/api/v1/lots/{id}/deviations": {"post": op("Open a deviation (roles qc, qa, operator)", "qc",
            Some(schema(&[("test", "string"), ("description", "string")], &["description"])), &[("201", "the deviation"), ("404", "no such lot"), conflict, invalid])},
        "/api/v1/lots/{id}/deviations/{n}/assess": {"post": op("Assess a deviation (role qc)", "qc",
            Some(schema(&[("assessment", "string")], &["assessment"])), &[("200", "the deviation"), ("404", "no such deviation"), conflict, invalid])},
        "/api/v1/lots/{id}/deviations/{n}/approve": {"post": op("Approve an assessed deviation (role qa)", "qa", Some(reason.clone()), &[("200", "the deviation"), ("404", "no such deviation"), conflict, invalid])},
        "/api/v1/lots/{id}/deviations/{n}/reject": {"post": op("Reject an assessed deviation (role qa)", "qa", Some(reason), &[("200", "the deviation"), ("404", "no such deviation"), conflict, invalid])},
        "/api/v1/lots/{id}/record": {"get": op("The batch record for review: genealogy, every step with who and when, results, deviations, audit history, signatures", "qa", None, &[("200", "the batch record"), ("404", "no such lot")])},
        "/api/v1/lots/{id}/sign": {"post": op("Electronic signature: meaning released or rejected (role qa) or reviewed (qa, qc), with password re-entry; a refused release lists every reason under `reasons`", "qa",
            Some(schema(&[("password", "string"), ("meaning", "string"), ("reason", "string")], &["password", "meaning", "reason"])),
            &[("200", "the lot and the signature"), ("404", "no such lot"), ("409", "release refused: `reasons` lists every blocker (kind, subject, message, message_ja)"), ("422", "bad input or wrong password: `field` names it")])}
    })
}

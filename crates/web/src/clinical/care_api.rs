//! The consent, point-of-care, adverse-event report and CTCAE term operations under `/api/v1`
//! (issue 16), through the same service functions as the pages. Times are RFC 3339 (UTC);
//! omitted means now.

use super::api::{op, with_param};
use super::inputs::{PointOfCare, RecordConsent, SubmitReport, Withdraw};
use crate::json::{actor, ok, schema, tri};
use crate::kit::Input;
use crate::{AppState, auth::Viewer, auth::now};
use axum::{
    Extension, Json,
    extract::{Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use secretome_domain::clinical::ctcae;
use secretome_service::ae_reports::ReportRow;
use serde_json::{Value, json};
use std::collections::HashMap;

/// POST …/patients/{id}/consents: `{"indication", "document_version", "explained_by",
/// "explained_at"?, "consented_at"?}` → 201.
pub async fn consent(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
    input: Input<RecordConsent>,
) -> Response {
    let (a, new) = tri!(input.acting_api(&v));
    ok(
        StatusCode::CREATED,
        st.service.record_consent(&a, now(), &id, new).await,
    )
}

/// GET …/patients/{id}/consents → the patient's consents.
pub async fn consents(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
) -> Response {
    let a = tri!(actor(&v));
    ok(StatusCode::OK, st.service.consents_for(&a, &id).await)
}

/// POST …/consents/{consent}/withdraw: `{"reason", "withdrawn_at"?}` → 200.
pub async fn withdraw(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(consent): Path<String>,
    input: Input<Withdraw>,
) -> Response {
    let (a, (at, reason)) = tri!(input.acting_api(&v));
    ok(
        StatusCode::OK,
        st.service
            .withdraw_consent(&a, now(), &consent, at, &reason)
            .await,
    )
}

/// POST …/dispensed/{vial}/{action}: thaw `{"at"?}`, discard `{"reason", "at"?}`, return
/// `{"unopened", "within_temperature", "at"?}` → 200 with the dispensing.
pub async fn care(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path((vial, action)): Path<(String, String)>,
    input: Input<PointOfCare>,
) -> Response {
    let input = input.with(|c| (c.vial, c.action) = (vial, action));
    let (a, care) = tri!(input.acting_api(&v));
    ok(StatusCode::OK, super::care::cared(&st, &a, care).await)
}

fn row(r: &ReportRow) -> Value {
    json!({ "report": r.report, "event": r.event, "site": r.site })
}

/// GET …/ae-reports → `{"overdue", "due_soon", "later"}`, each a list of `{report, event, site}`.
pub async fn dashboard(State(st): State<AppState>, Extension(v): Extension<Viewer>) -> Response {
    let a = tri!(actor(&v));
    let r = st.service.ae_report_dashboard(&a, now()).await.map(|d| {
        json!({
            "now": d.now,
            "overdue": d.overdue.iter().map(row).collect::<Vec<_>>(),
            "due_soon": d.due_soon.iter().map(row).collect::<Vec<_>>(),
            "later": d.later.iter().map(row).collect::<Vec<_>>(),
        })
    });
    ok(StatusCode::OK, r)
}

/// GET …/ae-reports/by-lot → `[{"lot", "reports"}]` (QA).
pub async fn by_lot(State(st): State<AppState>, Extension(v): Extension<Viewer>) -> Response {
    let a = tri!(actor(&v));
    let r = st.service.serious_related_by_lot(&a).await.map(|lots| {
        lots.iter()
            .map(|l| json!({ "lot": l.lot, "reports": l.reports.iter().map(row).collect::<Vec<_>>() }))
            .collect::<Vec<_>>()
    });
    ok(StatusCode::OK, r)
}

/// POST …/ae-reports/{id}/submit: `{"committee_reported_at"?, "authority_reported_at"?,
/// "reference"?}` → 200.
pub async fn submit(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
    input: Input<SubmitReport>,
) -> Response {
    let (a, (committee, authority, reference)) = tri!(input.acting_api(&v));
    let r = st
        .service
        .submit_ae_report(&a, now(), &id, committee, authority, reference.as_deref());
    ok(StatusCode::OK, r.await)
}

/// GET …/ctcae?q= → up to 20 CTCAE v5.0 terms matching English words or a MedDRA code, each
/// with the grades it allows.
pub async fn terms(Query(q): Query<HashMap<String, String>>) -> Response {
    let query = q.get("q").map(String::as_str).unwrap_or("");
    let hits: Vec<Value> = ctcae::search(query, 20)
        .into_iter()
        .map(|t| {
            json!({
                "term": t.term,
                "meddra_code": t.meddra_code,
                "soc": t.soc,
                "grades": t.allowed_grades(),
            })
        })
        .collect();
    (
        StatusCode::OK,
        Json(json!({ "version": ctcae::VERSION, "terms": hits })),
    )
        .into_response()
}

/// The OpenAPI `paths` of these operations.
pub fn openapi_paths() -> Value {
    let invalid = ("422", "bad input: `field` names it");
    let conflict = ("409", "refused, with the reason");
    let missing = ("404", "no such patient, consent, vial or report");
    json!({
        "/api/v1/patients/{id}/consents": {
            "get": with_param(op("A patient's consents (explanation and consent per indication)", None, &[("200", "the consents"), missing]), "id"),
            "post": with_param(op("Record the patient's explanation and consent for an indication (role physician)",
                Some(schema(&[("indication", "string"), ("document_version", "string"), ("explained_by", "string"), ("explained_at", "string"), ("consented_at", "string")], &["indication", "document_version", "explained_by"])),
                &[("201", "the consent"), missing, invalid]), "id")
        },
        "/api/v1/consents/{consent}/withdraw": {"post": with_param(op("Record the withdrawal of a consent (role physician)",
            Some(schema(&[("reason", "string"), ("withdrawn_at", "string")], &["reason"])),
            &[("200", "the consent, withdrawn"), missing, conflict, invalid]), "consent")},
        "/api/v1/dispensed/{vial}/{action}": {"post": {
            "summary": "Point of care for a dispensed vial: `thaw` (use-by starts), `discard` (reason), `return` (only unopened and within temperature) (role physician)",
            "tags": ["clinical"],
            "parameters": [
                {"name": "vial", "in": "path", "required": true, "schema": {"type": "string"}},
                {"name": "action", "in": "path", "required": true, "schema": {"type": "string", "enum": ["thaw", "discard", "return"]}}
            ],
            "requestBody": {"required": true, "content": {"application/json": {"schema": schema(&[("at", "string"), ("reason", "string"), ("unopened", "boolean"), ("within_temperature", "boolean")], &[])}}},
            "responses": {"200": {"description": "the dispensing"}, "401": {"description": "no session or token"}, "403": {"description": "wrong role"}, "404": {"description": missing.1}, "409": {"description": conflict.1}, "422": {"description": invalid.1}}
        }},
        "/api/v1/ae-reports": {"get": op("Open adverse-event reports: overdue, due within 3 days, later (physician: own site; QA: all)", None, &[("200", "`overdue`, `due_soon`, `later`")])},
        "/api/v1/ae-reports/by-lot": {"get": op("Serious, related or possibly related events by lot (role qa)", None, &[("200", "`[{lot, reports}]`")])},
        "/api/v1/ae-reports/{id}/submit": {"post": with_param(op("Record a report's submission to the committee and/or the authority (role physician)",
            Some(schema(&[("committee_reported_at", "string"), ("authority_reported_at", "string"), ("reference", "string")], &[])),
            &[("200", "the report"), missing, conflict, invalid]), "id")},
        "/api/v1/ctcae": {"get": {
            "summary": "Search CTCAE v5.0 terms by English words or MedDRA code",
            "tags": ["clinical"],
            "parameters": [{"name": "q", "in": "query", "required": false, "schema": {"type": "string"}}],
            "responses": {"200": {"description": "`{version, terms: [{term, meddra_code, soc, grades}]}`"}, "401": {"description": "no session or token"}, "403": {"description": "wrong role"}}
        }}
    })
}

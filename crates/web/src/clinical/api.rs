//! The clinical operations under `/api/v1`, through the same service functions as the pages:
//! patients, a patient's record, dispensing (vial id, DIN or barcode data), the dose given, adverse
//! events, outcomes and an indication's summary. Times are RFC 3339 (UTC); omitted means now.

use super::inputs::{Administer, Dispense, RecordOutcome, RegisterPatient, ReportAdverseEvent};
use crate::json::{ok, schema, tri};
use crate::kit::Input;
use crate::{AppState, auth::Viewer, auth::now};
use axum::{
    Extension,
    extract::{Path, Query, State},
    http::StatusCode,
    response::Response,
};
use secretome_service::{NewAdverseEvent, NewOutcome};
use serde_json::{Map, Value, json};

/// GET patients: a page, newest registration first (`?indication=&site=&pseudonym=` filter,
/// `?cursor=&limit=` page).
pub async fn list(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Query(filter): Query<secretome_service::PatientFilter>,
    Query(p): Query<crate::paging::PageParams>,
) -> Response {
    let a = crate::kit::tri!(crate::kit::actor(&v));
    ok(
        StatusCode::OK,
        st.service
            .patients_page_for(&a, &filter, p.cursor(), p.limit)
            .await,
    )
}

pub async fn show(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
) -> Response {
    let a = crate::kit::tri!(crate::kit::actor(&v));
    ok(StatusCode::OK, st.service.patient_detail_for(&a, &id).await)
}

/// GET an indication's totals and a page of its patients (`?cursor=`).
pub async fn indication(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(ind): Path<String>,
    Query(p): Query<crate::paging::PageParams>,
) -> Response {
    let a = crate::kit::tri!(crate::kit::actor(&v));
    ok(
        StatusCode::OK,
        st.service.indication_page_for(&a, &ind, p.cursor()).await,
    )
}

/// POST patients: `{"id", "site", "birth_year", "sex", "indication", "physician"?}` → 201.
pub async fn register(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    input: Input<RegisterPatient>,
) -> Response {
    let (a, new) = tri!(input.acting_api(&v));
    let r = st.service.register_patient(&a, now(), new).await;
    ok(StatusCode::CREATED, r)
}

/// POST …/dispense: `{"vial"}` — the vial id, its DIN, or the DIN barcode data → 201.
pub async fn dispense(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
    input: Input<Dispense>,
) -> Response {
    let (a, (vial, indication)) = tri!(input.acting_api(&v));
    let r = st
        .service
        .dispense_vial_for(&a, now(), &vial, &id, indication.as_deref());
    ok(StatusCode::CREATED, r.await)
}

/// POST …/administrations: `{"vial", "route", "dose_ml", "administered_at"?}` → 201.
pub async fn administer(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
    input: Input<Administer>,
) -> Response {
    let (a, new) = tri!(input.acting_api(&v));
    let r = st.service.record_administration_for(&a, now(), &id, new);
    ok(StatusCode::CREATED, r.await)
}

/// POST …/adverse-events: `{"term", "grade", "outcome", "serious"?, "onset_at"?,
/// "administration"?}` → 201.
pub async fn adverse_event(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
    input: Input<ReportAdverseEvent>,
) -> Response {
    let (a, new) = tri!(input.acting_api(&v));
    let new = NewAdverseEvent { patient: id, ..new };
    ok(
        StatusCode::CREATED,
        st.service.report_adverse_event(&a, now(), new).await,
    )
}

/// POST …/outcomes: `{"scale", "value", "visit_at"?}` (value a string or number) → 201.
pub async fn outcome(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
    input: Input<RecordOutcome>,
) -> Response {
    let (a, new) = tri!(input.acting_api(&v));
    let new = NewOutcome { patient: id, ..new };
    ok(
        StatusCode::CREATED,
        st.service.record_outcome(&a, now(), new).await,
    )
}

/// A list operation's paging and filter parameters and its page schema.
fn paged(mut o: Value, filters: &[&str], rows: &str) -> Value {
    let mut ps: Vec<Value> = filters
        .iter()
        .map(|f| json!({"name": f, "in": "query", "required": false, "schema": {"type": "string"}}))
        .collect();
    if let Value::Array(more) = crate::paging::openapi_params() {
        ps.extend(more);
    }
    o["parameters"] = Value::Array(ps);
    o["responses"]["200"]["content"] =
        json!({"application/json": {"schema": crate::paging::openapi_page(rows)}});
    o
}

pub(super) fn op(summary: &str, body: Option<Value>, codes: &[(&str, &str)]) -> Value {
    let mut responses = Map::new();
    for (c, d) in [("401", "no session or token"), ("403", "wrong role")]
        .iter()
        .chain(codes)
    {
        responses.insert(c.to_string(), json!({ "description": d }));
    }
    let mut o = json!({ "summary": summary, "tags": ["clinical"], "responses": responses });
    if let Some(schema) = body {
        o["requestBody"] =
            json!({"required": true, "content": {"application/json": {"schema": schema}}});
    }
    o
}

pub(super) fn with_param(mut o: Value, name: &str) -> Value {
    o["parameters"] =
        json!([{"name": name, "in": "path", "required": true, "schema": {"type": "string"}}]);
    o
}

/// The OpenAPI `paths` of these operations.
pub fn openapi_paths() -> Value {
    let invalid = ("422", "bad input: `field` names it");
    let conflict = (
        "409",
        "refused, with the reason (e.g. the vial is recalled or expired)",
    );
    let missing = ("404", "no such patient or vial");
    let id = |o: Value| with_param(o, "id");
    json!({
        "/api/v1/patients": {
            "get": paged(op("A page of patients, newest registration first, with their dose and adverse-event counts, last visit and `open_recalls` (recalls not yet followed up); `indication`, `site` and `pseudonym` (prefix) filter", None, &[("200", "a page of patients: `rows`, `next`, `prev`"), invalid]),
                &["indication", "site", "pseudonym"], "patients"),
            "post": op("Register a pseudonymised patient (role physician)",
                Some(schema(&[("id", "string"), ("site", "string"), ("birth_year", "integer"), ("sex", "string"), ("indication", "string"), ("physician", "string")], &["id", "site", "birth_year", "sex", "indication"])),
                &[("201", "the patient"), conflict, invalid])
        },
        "/api/v1/patients/{id}": {"get": id(op("A patient's dispensings, doses, adverse events and outcomes, oldest first", None, &[("200", "the patient's record"), missing]))},
        "/api/v1/patients/{id}/dispense": {"post": id(op("Dispense a vial for the patient by its id, DIN or scanned DIN barcode data (role physician)",
            Some(schema(&[("vial", "string"), ("indication", "string")], &["vial"])), &[("201", "the dispensing (refused without a consent in force for the indication: 409)"), missing, conflict, invalid]))},
        "/api/v1/patients/{id}/administrations": {"post": id(op("Record the dose given from a vial dispensed for the patient (role physician)",
            Some(schema(&[("vial", "string"), ("route", "string"), ("dose_ml", "number"), ("administered_at", "string"), ("dose_reason", "string")], &["vial", "route", "dose_ml"])),
            &[("201", "the administration"), missing, conflict, invalid]))},
        "/api/v1/patients/{id}/adverse-events": {"post": id(op("Report an adverse event: a CTCAE v5.0 term (or MedDRA code) with a grade it allows, causality, seriousness criteria, when the physician became aware; its report deadline is computed (role physician)",
            Some(schema(&[("term", "string"), ("grade", "integer"), ("serious", "boolean"), ("criteria", "array"), ("causality", "string"), ("onset_at", "string"), ("aware_at", "string"), ("outcome", "string"), ("administration", "string")], &["term", "grade", "causality", "outcome"])),
            &[("201", "the adverse event"), missing, invalid]))},
        "/api/v1/patients/{id}/outcomes": {"post": id(op("Record an outcome value at a follow-up visit (role physician)",
            Some(schema(&[("scale", "string"), ("value", "string"), ("visit_at", "string")], &["scale", "value"])),
            &[("201", "the outcome measure"), missing, invalid]))},
        "/api/v1/indications/{indication}": {"get": with_param(op("An indication's patients, doses, adverse events by grade and outcome series with change first → last", None, &[("200", "the summary"), invalid]), "indication")}
    })
}

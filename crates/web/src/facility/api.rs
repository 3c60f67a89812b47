//! The facility operations under `/api/v1`, through the same service functions and the same typed
//! inputs (`inputs`, `kit::Input`) as the pages: a bad value is refused naming the same field
//! (422), a broken rule with 409. Times are RFC 3339 (a time without offset is read as UTC). The
//! particle counter import takes the CSV file itself as the body.

use super::inputs::{
    AddRoom, Calibrate, CloseMediaFill, ImportEm, RecordEm, RecordFiltration, RecordIntegrityTest,
    RecordMediaFill, RecordQualification, RegisterEquipment,
};
use crate::kit::{Input, Refusal};
use crate::{AppState, auth::Viewer, auth::now, forms::FieldErrors};
use axum::{
    Extension, Json,
    extract::{Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use secretome_service::ServiceError;
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::BTreeMap;

fn answer<T: Serialize>(status: StatusCode, res: Result<T, Refusal>) -> Response {
    match res {
        Ok(v) => (status, Json(v)).into_response(),
        Err(r) => r.json(),
    }
}

fn read<T: Serialize>(res: Result<T, ServiceError>) -> Response {
    answer(StatusCode::OK, res.map_err(Refusal::from))
}

/// Defines a POST handler: the actor and the typed input's command, then `$body` → 201.
macro_rules! create {
    ($name:ident, $input:ty, |$st:ident, $a:ident, $n:ident, $t:ident| $body:expr) => {
        pub async fn $name(
            State($st): State<AppState>,
            Extension(v): Extension<Viewer>,
            input: $input,
        ) -> Response {
            let res = async {
                let ($a, $n) = input.acting(&v)?;
                let $t = now();
                Ok::<_, Refusal>($body.await?)
            }
            .await;
            answer(StatusCode::CREATED, res)
        }
    };
}

pub async fn rooms(State(st): State<AppState>) -> Response {
    read(st.service.rooms().await)
}

create!(add_room, Input<AddRoom>, |st, a, n, t| st
    .service
    .add_room(&a, t, n));

pub async fn em_results(
    State(st): State<AppState>,
    Query(q): Query<BTreeMap<String, String>>,
) -> Response {
    let Some(room) = q.get("room").filter(|r| !r.trim().is_empty()) else {
        return answer::<()>(
            StatusCode::UNPROCESSABLE_ENTITY,
            Err(FieldErrors::one("room", "required").into()),
        );
    };
    read(st.service.em_results(room.trim()).await)
}

create!(record_em, Input<RecordEm>, |st, a, n, t| st
    .service
    .record_em_result(&a, t, n));

// POST: the particle counter's CSV export as the body (`text/csv`) → 201 every result recorded.
create!(import_em, Input<ImportEm>, |st, a, csv, t| st
    .service
    .import_particle_csv(&a, t, &csv));

pub async fn equipment(State(st): State<AppState>) -> Response {
    read(st.service.equipment_register(now()).await)
}

create!(
    register_equipment,
    Input<RegisterEquipment>,
    |st, a, n, t| st.service.register_equipment(&a, t, n)
);

/// POST …/equipment/{id}/calibration: `{"calibration_due"?, "qualification_due"?, "reason"}`.
pub async fn calibrate(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
    input: Input<Calibrate>,
) -> Response {
    let input = input.with(|c| c.id = id);
    let res = async {
        let (a, c) = input.acting(&v)?;
        let (due, requal) = (c.calibration_due, c.qualification_due);
        let r = st
            .service
            .calibrate_equipment(&a, now(), &c.id, due, requal, &c.reason);
        Ok::<_, Refusal>(r.await?)
    }
    .await;
    answer(StatusCode::OK, res)
}

pub async fn qualifications(State(st): State<AppState>) -> Response {
    read(st.service.qualifications().await)
}

create!(
    record_qualification,
    Input<RecordQualification>,
    |st, a, n, t| st.service.record_qualification(&a, t, n)
);

pub async fn media_fills(State(st): State<AppState>) -> Response {
    read(st.service.media_fills().await)
}

create!(record_media_fill, Input<RecordMediaFill>, |st, a, n, t| st
    .service
    .record_media_fill(&a, t, n));

/// POST …/media-fills/close: `{"id", "reason"}` → 200 the closed media fill.
pub async fn close_media_fill(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    input: Input<CloseMediaFill>,
) -> Response {
    let res = async {
        let (a, (id, reason)) = input.acting(&v)?;
        Ok::<_, Refusal>(st.service.close_media_fill(&a, now(), &id, &reason).await?)
    }
    .await;
    answer(StatusCode::OK, res)
}

/// A lot's sterilising filtrations and integrity tests.
pub async fn lot_filtrations(State(st): State<AppState>, Path(id): Path<String>) -> Response {
    let res = st.service.lot_filtrations(&id).await;
    read(res.map(
        |(filtrations, tests)| json!({ "filtrations": filtrations, "integrity_tests": tests }),
    ))
}

create!(record_filtration, Input<RecordFiltration>, |st, a, n, t| st
    .service
    .record_sterile_filtration(&a, t, n));

create!(
    record_integrity_test,
    Input<RecordIntegrityTest>,
    |st, a, n, t| st.service.record_integrity_test(&a, t, n)
);

/// The OpenAPI `paths` of these operations.
pub fn openapi_paths() -> Value {
    let body = |props: &[(&str, &str)], req: &[&str]| json!({"required": true, "content": {"application/json": {"schema": crate::json::schema(props, req)}}});
    let created = |what: &str| json!({"201": {"description": what}, "401": {"description": "no session or token"}, "403": {"description": "wrong role"}, "409": {"description": "a rule refuses it, with the reason"}, "422": {"description": "bad input: `field` names it"}});
    let list = |what: &str| json!({"200": {"description": what}, "401": {"description": "no session or token"}});
    let tag = ["facility"];
    json!({
        "/api/v1/rooms": {
            "get": {"summary": "Rooms and grade A zones (cabinets, isolators)", "tags": tag, "responses": list("rooms")},
            "post": {"summary": "Register a room, or a cabinet/isolator inside one (role qa)", "tags": tag,
                "requestBody": body(&[("id", "string"), ("name", "string"), ("kind", "string"), ("grade", "string"), ("parent", "string")], &["id", "name", "kind", "grade"]),
                "responses": created("the room")}
        },
        "/api/v1/em-results": {
            "get": {"summary": "A room's environmental monitoring results, oldest first", "tags": tag,
                "parameters": [{"name": "room", "in": "query", "required": true, "schema": {"type": "string"}}], "responses": list("results")},
            "post": {"summary": "Record an EM result (role qc or operator): judged against the grade's alert and action limits; an action excursion opens a deviation on every lot processed there in the affected window", "tags": tag,
                "requestBody": body(&[("room", "string"), ("point", "string"), ("sample_type", "string"), ("value", "number"), ("sampled_at", "string")], &["room", "sample_type", "value", "sampled_at"]),
                "responses": created("the result, the deviations opened and the lots already decided")}
        },
        "/api/v1/em-results/import": {"post": {"summary": "Import a particle counter CSV export (time,location,>=0.5um,>=5um), all rows or none (role qc or operator)", "tags": tag,
            "requestBody": {"required": true, "content": {"text/csv": {"schema": {"type": "string"}}}},
            "responses": created("every result recorded")}},
        "/api/v1/equipment": {
            "get": {"summary": "The equipment register with each instrument's due status (ok, due_soon, overdue)", "tags": tag, "responses": list("equipment")},
            "post": {"summary": "Register equipment with its calibration and qualification due dates (role qa)", "tags": tag,
                "requestBody": body(&[("id", "string"), ("name", "string"), ("kind", "string"), ("room", "string"), ("freezer", "string"), ("calibration_due", "string"), ("qualification_due", "string")], &["id", "name", "kind"]),
                "responses": created("the instrument")}
        },
        "/api/v1/equipment/{id}/calibration": {"post": {"summary": "Record a calibration or requalification: the new due dates and the reason (role qa)", "tags": tag,
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
            "requestBody": body(&[("calibration_due", "string"), ("qualification_due", "string"), ("reason", "string")], &["reason"]),
            "responses": {"200": {"description": "the instrument"}, "404": {"description": "no such instrument"}, "422": {"description": "bad input"}}}},
        "/api/v1/qualifications": {
            "get": {"summary": "Training and qualification records", "tags": tag, "responses": list("records")},
            "post": {"summary": "Record training on an SOP version, a gowning or an aseptic-process qualification, assessed by the acting QA user (role qa)", "tags": tag,
                "requestBody": body(&[("operator", "string"), ("kind", "string"), ("sop", "string"), ("sop_version", "string"), ("trained_at", "string"), ("expires_at", "string")], &["operator", "kind", "sop", "sop_version", "trained_at"]),
                "responses": created("the record")}
        },
        "/api/v1/media-fills": {
            "get": {"summary": "Media fills (aseptic process simulations), newest first", "tags": tag, "responses": list("media fills")},
            "post": {"summary": "Record a media fill in a grade A zone (role qa); a failed one blocks release of the product's lots until closed", "tags": tag,
                "requestBody": body(&[("product", "string"), ("room", "string"), ("performed_at", "string"), ("units_filled", "integer"), ("units_positive", "integer"), ("participants", "string")], &["product", "room", "performed_at", "units_filled", "units_positive"]),
                "responses": created("the media fill")}
        },
        "/api/v1/media-fills/close": {"post": {"summary": "Close a failed media fill after its investigation (role qa)", "tags": tag,
            "requestBody": body(&[("id", "string"), ("reason", "string")], &["id", "reason"]),
            "responses": {"200": {"description": "the media fill"}, "409": {"description": "already closed"}, "422": {"description": "bad input"}}}},
        "/api/v1/lots/{id}/filtrations": {"get": {"summary": "A lot's sterilising filtrations and integrity tests", "tags": tag,
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}], "responses": list("filtrations and tests")}},
        "/api/v1/filtrations": {"post": {"summary": "Record a lot's sterilising filtration: a rated ≤ 0.22 µm filter with its lot (role operator)", "tags": tag,
            "requestBody": body(&[("lot", "string"), ("filter_maker", "string"), ("filter_model", "string"), ("filter_lot", "string"), ("pore_um", "number"), ("sterilising_grade", "boolean"), ("room", "string"), ("performed_at", "string")], &["lot", "filter_maker", "filter_model", "filter_lot", "pore_um", "sterilising_grade"]),
            "responses": created("the filtration")}},
        "/api/v1/integrity-tests": {"post": {"summary": "Record a pre- or post-use filter integrity test against the maker's limit (role operator)", "tags": tag,
            "requestBody": body(&[("filtration", "string"), ("stage", "string"), ("method", "string"), ("maker_limit", "number"), ("measured", "number"), ("unit", "string"), ("tested_at", "string")], &["filtration", "stage", "method", "maker_limit", "measured", "unit"]),
            "responses": created("the test, passed or failed")}}
    })
}

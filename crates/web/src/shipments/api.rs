//! The shipment operations under `/api/v1`, through the same typed inputs (`input.rs`) and service
//! functions as the pages: a page of shipments, one shipment with its vials and limits, packing,
//! dispatch, receipt, the logger's CSV (`{"file", "csv"}`) and QA's decision.

use super::input::{DecideShipment, LogFile, Pack, Receive};
use crate::json::{actor, ok, schema, tri};
use crate::kit::Input;
use crate::paging::PageParams;
use crate::{AppState, auth::Viewer, auth::now};
use axum::{
    Extension,
    extract::{Path, Query, State},
    http::StatusCode,
    response::Response,
};
use secretome_domain::shipment::{ArrivalCondition, ShipmentStatus, ShipperType};
use secretome_service::ShipmentFilter;
use serde_json::{Value, json};

pub async fn list(
    State(st): State<AppState>,
    Query(filter): Query<ShipmentFilter>,
    Query(p): Query<PageParams>,
) -> Response {
    ok(
        StatusCode::OK,
        st.service
            .shipments_page(&filter, p.cursor(), p.limit)
            .await,
    )
}

pub async fn show(State(st): State<AppState>, Path(id): Path<String>) -> Response {
    ok(StatusCode::OK, st.service.shipment_detail(&id).await)
}

/// POST: `{"id", "to_site", "vials": [scans], "shipper", "logger_id"}` → 201 the shipment.
pub async fn pack(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    input: Input<Pack>,
) -> Response {
    let (a, new) = tri!(input.acting_api(&v));
    ok(
        StatusCode::CREATED,
        st.service.pack_shipment(&a, now(), new).await,
    )
}

pub async fn dispatch(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
) -> Response {
    let a = tri!(actor(&v));
    ok(
        StatusCode::OK,
        st.service.dispatch_shipment(&a, now(), &id).await,
    )
}

/// POST: `{"vials": [scans], "condition"}` at the acting user's site.
pub async fn receive(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
    input: Input<Receive>,
) -> Response {
    let (a, (vials, condition)) = tri!(input.acting_api(&v));
    let r = st
        .service
        .receive_shipment(&a, now(), &id, &vials, &condition);
    ok(StatusCode::OK, r.await)
}

/// POST: `{"file", "csv"}`, the logger's CSV export as text.
pub async fn log(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
    input: Input<LogFile>,
) -> Response {
    let (a, (name, csv)) = tri!(input.acting_api(&v));
    let r = st.service.import_shipment_log(&a, now(), &id, &name, &csv);
    ok(StatusCode::OK, r.await)
}

/// POST: `{"decision": "release" | "reject", "reason"}` (role qa).
pub async fn decide(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
    input: Input<DecideShipment>,
) -> Response {
    let (a, (release, reason)) = tri!(input.acting_api(&v));
    ok(
        StatusCode::OK,
        st.service
            .decide_shipment(&a, now(), &id, release, &reason)
            .await,
    )
}

/// The OpenAPI `paths` of these operations.
pub fn openapi_paths() -> Value {
    let names = |all: &[&'static str]| json!(all);
    let statuses: Vec<&str> = ShipmentStatus::ALL.iter().map(|s| s.as_str()).collect();
    let shippers: Vec<&str> = ShipperType::ALL.iter().map(|s| s.as_str()).collect();
    let conditions: Vec<&str> = ArrivalCondition::ALL.iter().map(|s| s.as_str()).collect();
    let id = json!([{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}]);
    let mut list_params = vec![
        json!({"name": "status", "in": "query", "required": false, "schema": {"type": "string", "enum": statuses}}),
        json!({"name": "site", "in": "query", "required": false, "schema": {"type": "string"}, "description": "destination site"}),
        json!({"name": "vial", "in": "query", "required": false, "schema": {"type": "string"}, "description": "shipments that carried this vial"}),
        json!({"name": "lot", "in": "query", "required": false, "schema": {"type": "string"}, "description": "shipments that carried a vial of this lot"}),
    ];
    if let Value::Array(more) = crate::paging::openapi_params() {
        list_params.extend(more);
    }
    let write = |summary: &str, body: Value| {
        json!({"post": {"summary": summary, "tags": ["shipment"], "parameters": id,
            "requestBody": {"required": true, "content": {"application/json": {"schema": body}}},
            "responses": {"200": {"description": "the shipment"}, "401": {"description": "no session or token"},
                "403": {"description": "wrong role"}, "404": {"description": "no such shipment"},
                "409": {"description": "not in a state for this step"}, "422": {"description": "bad input: `field` names it"}}}})
    };
    let mut receive_body = schema(
        &[("vials", "array"), ("condition", "string")],
        &["vials", "condition"],
    );
    receive_body["properties"]["condition"]["enum"] = names(&conditions);
    let mut pack_body = schema(
        &[
            ("id", "string"),
            ("to_site", "string"),
            ("vials", "array"),
            ("shipper", "string"),
            ("logger_id", "string"),
        ],
        &["id", "to_site", "vials", "shipper", "logger_id"],
    );
    pack_body["properties"]["shipper"]["enum"] = names(&shippers);
    pack_body["properties"]["vials"]["items"] =
        json!({"type": "string", "description": "vial id, DIN or scanned barcode data"});
    receive_body["properties"]["vials"]["items"] = json!({"type": "string"});
    let mut decide_body = schema(
        &[("decision", "string"), ("reason", "string")],
        &["decision"],
    );
    decide_body["properties"]["decision"]["enum"] = json!(["release", "reject"]);
    json!({
        "/api/v1/shipments": {
            "get": {"summary": "A page of shipments, newest packed first", "tags": ["shipment"], "parameters": list_params,
                "responses": {"200": {"description": "a page of shipments", "content": {"application/json": {"schema": crate::paging::openapi_page("shipments")}}},
                    "401": {"description": "no session or token"}, "422": {"description": "a filter is not valid (named)"}}},
            "post": {"summary": "Pack a shipment (role operator): every scanned vial available, of a released lot, in a freezer at one site; they leave their positions", "tags": ["shipment"],
                "requestBody": {"required": true, "content": {"application/json": {"schema": pack_body}}},
                "responses": {"201": {"description": "the shipment"}, "401": {"description": "no session or token"}, "403": {"description": "wrong role"}, "422": {"description": "bad input: `field` names it"}}}
        },
        "/api/v1/shipments/{id}": {"get": {"summary": "A shipment with its vials and their products' storage temperatures", "tags": ["shipment"], "parameters": id,
            "responses": {"200": {"description": "the shipment"}, "401": {"description": "no session or token"}, "404": {"description": "no such shipment"}}}},
        "/api/v1/shipments/{id}/dispatch": {"post": {"summary": "Hand a packed shipment to the carrier (role operator)", "tags": ["shipment"], "parameters": id,
            "responses": {"200": {"description": "the shipment"}, "401": {"description": "no session or token"}, "403": {"description": "wrong role"}, "404": {"description": "no such shipment"}, "409": {"description": "not packed"}}}},
        "/api/v1/shipments/{id}/receive": write("Receive a shipment at the acting user's site (operator or physician): every packed vial scanned, no other; not intact quarantines its vials", receive_body),
        "/api/v1/shipments/{id}/log": write("Import the logger's CSV export (generic time,temperature_c or Lascar EasyLog); a reading above the transport limit quarantines exactly the shipment's vials; a bad cell is named by line and column", schema(&[("file", "string"), ("csv", "string")], &["csv"])),
        "/api/v1/shipments/{id}/decide": write("QA's decision on a quarantined shipment (role qa): release (reason required) makes its vials available, reject destroys them", decide_body)
    })
}

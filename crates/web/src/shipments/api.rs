//! The shipment operations under `/api/v1`, through the same typed inputs (`input.rs`) and service
//! functions as the pages: a page of shipments, one shipment with its vials and limits, packing,
//! dispatch, receipt, the logger's CSV (`{"file", "csv"}`) and QA's decision.

use super::input::{DecideShipment, LogFile, Pack, Receive};
use crate::json::{actor, ok, tri};
use crate::kit::Input;
use crate::paging::PageParams;
use crate::{AppState, auth::Viewer, auth::now};
use axum::{
    Extension,
    extract::{Path, Query, State},
    http::StatusCode,
    response::Response,
};

use secretome_service::ShipmentFilter;

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

//! Shipment pages and API (出荷・輸送・受領, issue 16): the list of shipments (paged, filtered by
//! state, destination, vial or lot) with the packing form (vials scanned by DIN and product code,
//! shipper type, logger id); a shipment's page with dispatch, receipt at the clinic (vials scanned
//! again, condition on arrival), the logger's CSV upload drawn as a temperature plot against the
//! products' limits, and QA's decision on a quarantined shipment; and their `/api/v1` twins, which
//! read the same typed inputs (`input.rs`) and call the same service functions.
//!
//! Roles: everyone signed in reads; operators pack and dispatch; operators and physicians (clinic
//! staff) receive; operators, physicians and QA upload the logger file; QA decides.

mod api;
mod input;
mod pages;
mod plot;
mod text;

use crate::registry::{Routes, get, post};
use crate::{auth::ANY, guarded};
use secretome_domain::Capability;

const PACK: Capability = Capability::Produce;
const RECEIVE: Capability = Capability::ReceiveShipment;
const LOG: Capability = Capability::LogShipment;
const QA: Capability = Capability::AssureQuality;

/// Navigation entries (href, catalogue key, roles that see it).
pub const NAV: &[(&str, &str, Capability)] = &[("/shipments", "shp.nav", ANY)];

/// This module's texts (key, 日本語, English).
pub const TEXT: &[(&str, &str, &str)] = text::TEXT;

pub fn routes(mut r: Routes) -> Routes {
    r = guarded(r, "/shipments", get(pages::list), ANY);
    r = guarded(r, "/shipments", post(pages::pack), PACK);
    r = guarded(r, "/shipments/{id}", get(pages::show), ANY);
    r = guarded(r, "/shipments/{id}/dispatch", post(pages::dispatch), PACK);
    r = guarded(r, "/shipments/{id}/receive", post(pages::receive), RECEIVE);
    r = guarded(r, "/shipments/{id}/log", post(pages::log), LOG);
    r = guarded(r, "/shipments/{id}/decide", post(pages::decide), QA);
    r = guarded(r, "/api/v1/shipments", get(api::list), ANY);
    r = guarded(r, "/api/v1/shipments", post(api::pack), PACK);
    r = guarded(r, "/api/v1/shipments/{id}", get(api::show), ANY);
    r = guarded(
        r,
        "/api/v1/shipments/{id}/dispatch",
        post(api::dispatch),
        PACK,
    );
    r = guarded(
        r,
        "/api/v1/shipments/{id}/receive",
        post(api::receive),
        RECEIVE,
    );
    r = guarded(r, "/api/v1/shipments/{id}/log", post(api::log), LOG);
    r = guarded(r, "/api/v1/shipments/{id}/decide", post(api::decide), QA);
    r
}

/// This module's part of the OpenAPI document.
pub fn openapi_paths() -> serde_json::Value {
    api::openapi_paths()
}

/// This module in the registry (`crate::registry`).
pub const MODULE: crate::registry::Module = crate::registry::Module {
    routes,
    nav: NAV,
    texts: &[TEXT],
    openapi: openapi_paths,
};

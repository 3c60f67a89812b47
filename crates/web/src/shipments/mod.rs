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
    use crate::openapi::op;
    use secretome_domain::shipment::Shipment;
    use secretome_service::{Page, ShipmentDetail, ShipmentFilter};
    r = guarded(r, "/shipments", get(pages::list), ANY);
    r = guarded(r, "/shipments", post(pages::pack), PACK);
    r = guarded(r, "/shipments/{id}", get(pages::show), ANY);
    r = guarded(r, "/shipments/{id}/dispatch", post(pages::dispatch), PACK);
    r = guarded(r, "/shipments/{id}/receive", post(pages::receive), RECEIVE);
    r = guarded(r, "/shipments/{id}/log", post(pages::log), LOG);
    r = guarded(r, "/shipments/{id}/decide", post(pages::decide), QA);
    r = guarded(
        r,
        "/api/v1/shipments",
        get(api::list).doc(
            op(
                "listShipments",
                "shipments",
                "A page of shipments, newest first",
            )
            .query::<ShipmentFilter>()
            .paged()
            .ok::<Page<Shipment>>(),
        ),
        ANY,
    );
    r = guarded(
        r,
        "/api/v1/shipments",
        post(api::pack).doc(
            op(
                "packShipment",
                "shipments",
                "Pack released vials into a shipment to another site",
            )
            .body::<input::Pack>()
            .created::<Shipment>(),
        ),
        PACK,
    );
    r = guarded(
        r,
        "/api/v1/shipments/{id}",
        get(api::show).doc(
            op(
                "getShipment",
                "shipments",
                "A shipment with its vials, temperature log and the products' limits",
            )
            .ok::<ShipmentDetail>(),
        ),
        ANY,
    );
    r = guarded(
        r,
        "/api/v1/shipments/{id}/dispatch",
        post(api::dispatch).doc(
            op(
                "dispatchShipment",
                "shipments",
                "Dispatch a packed shipment",
            )
            .ok::<Shipment>(),
        ),
        PACK,
    );
    r = guarded(
        r,
        "/api/v1/shipments/{id}/receive",
        post(api::receive).doc(
            op(
                "receiveShipment",
                "shipments",
                "Receive a shipment at the acting user's site, scanning its vials",
            )
            .body::<input::Receive>()
            .ok::<Shipment>(),
        ),
        RECEIVE,
    );
    r = guarded(
        r,
        "/api/v1/shipments/{id}/log",
        post(api::log).doc(
            op(
                "importShipmentLog",
                "shipments",
                "Import the temperature logger's CSV export; an excursion quarantines the shipment",
            )
            .body::<input::LogFile>()
            .ok::<Shipment>(),
        ),
        LOG,
    );
    r = guarded(
        r,
        "/api/v1/shipments/{id}/decide",
        post(api::decide).doc(
            op(
                "decideShipment",
                "shipments",
                "QA's decision on a quarantined shipment: release or reject, with a reason",
            )
            .body::<input::DecideShipment>()
            .ok::<Shipment>(),
        ),
        QA,
    );
    r
}

/// This module in the registry (`crate::registry`).
pub const MODULE: crate::registry::Module = crate::registry::Module {
    routes,
    nav: NAV,
    texts: &[TEXT],
    tags: &[(
        "shipments",
        "Shipments between sites: packing, dispatch, temperature log, receipt, QA decision",
    )],
};

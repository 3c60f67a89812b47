//! Facility control pages and API (issue 14: 衛生管理・検証・教育訓練): rooms and grade A zones,
//! the equipment register with calibration (校正) due status, training and aseptic qualification
//! records (教育訓練), media fills (無菌操作プロセスシミュレーション), environmental monitoring
//! (環境モニタリング) with trend charts and the particle counter import, and sterilising
//! filtrations with their integrity tests (完全性試験); the site's EM alert/action limits under
//! change control (`limits`).
//!
//! Roles: operators, QC, QA and admin read; QA registers rooms, equipment, qualifications and
//! media fills and changes EM limits; QC and operators record EM results; operators record filtrations and integrity
//! tests. Physicians see none of it.

mod api;
mod em;
mod filters;
mod inputs;
mod limits;
mod pages;
mod text;

use crate::guarded;
use crate::registry::{Routes, get, post};
use secretome_domain::Capability;

pub(crate) const READ: Capability = Capability::ReadProduction;
const QA: Capability = Capability::AssureQuality;
const EM: Capability = Capability::RecordEm;
const OP: Capability = Capability::Produce;

/// Navigation entries (href, catalogue key, roles that see it).
pub const NAV: &[(&str, &str, Capability)] = &[
    ("/facility", "fac.nav", READ),
    ("/facility/em", "fac.nav.em", READ),
    ("/facility/limits", "fac.nav.limits", READ),
];

/// This module's texts (key, 日本語, English).
pub const TEXT: &[(&str, &str, &str)] = text::TEXT;

pub fn routes(mut r: Routes) -> Routes {
    r = guarded(r, "/facility", get(pages::overview), READ);
    r = guarded(r, "/facility/rooms", post(pages::add_room), QA);
    r = guarded(
        r,
        "/facility/equipment",
        post(pages::register_equipment),
        QA,
    );
    r = guarded(
        r,
        "/facility/equipment/calibrate",
        post(pages::calibrate),
        QA,
    );
    r = guarded(
        r,
        "/facility/qualifications",
        post(pages::record_qualification),
        QA,
    );
    r = guarded(
        r,
        "/facility/media-fills",
        post(pages::record_media_fill),
        QA,
    );
    r = guarded(
        r,
        "/facility/media-fills/close",
        post(pages::close_media_fill),
        QA,
    );
    r = guarded(r, "/facility/em", get(em::show), READ);
    r = guarded(r, "/facility/em", post(em::record), EM);
    r = guarded(r, "/facility/em/import", post(em::import), EM);
    r = guarded(r, "/facility/filtrations", get(filters::show), READ);
    r = guarded(
        r,
        "/facility/filtrations",
        post(filters::record_filtration),
        OP,
    );
    r = guarded(
        r,
        "/facility/integrity-tests",
        post(filters::record_test),
        OP,
    );
    r = guarded(r, "/facility/limits", get(limits::show), READ);
    r = guarded(r, "/facility/limits", post(limits::change), QA);
    r = guarded(r, "/api/v1/em-limits", get(limits::api_list), READ);
    r = guarded(r, "/api/v1/em-limits", post(limits::api_change), QA);
    r = guarded(r, "/api/v1/rooms", get(api::rooms), READ);
    r = guarded(r, "/api/v1/rooms", post(api::add_room), QA);
    r = guarded(r, "/api/v1/em-results", get(api::em_results), READ);
    r = guarded(r, "/api/v1/em-results", post(api::record_em), EM);
    r = guarded(r, "/api/v1/em-results/import", post(api::import_em), EM);
    r = guarded(r, "/api/v1/equipment", get(api::equipment), READ);
    r = guarded(r, "/api/v1/equipment", post(api::register_equipment), QA);
    r = guarded(
        r,
        "/api/v1/equipment/{id}/calibration",
        post(api::calibrate),
        QA,
    );
    r = guarded(r, "/api/v1/qualifications", get(api::qualifications), READ);
    r = guarded(
        r,
        "/api/v1/qualifications",
        post(api::record_qualification),
        QA,
    );
    r = guarded(r, "/api/v1/media-fills", get(api::media_fills), READ);
    r = guarded(r, "/api/v1/media-fills", post(api::record_media_fill), QA);
    r = guarded(
        r,
        "/api/v1/media-fills/close",
        post(api::close_media_fill),
        QA,
    );
    r = guarded(
        r,
        "/api/v1/lots/{id}/filtrations",
        get(api::lot_filtrations),
        READ,
    );
    r = guarded(r, "/api/v1/filtrations", post(api::record_filtration), OP);
    r = guarded(
        r,
        "/api/v1/integrity-tests",
        post(api::record_integrity_test),
        OP,
    );
    r
}

/// This module's part of the OpenAPI document.
pub fn openapi_paths() -> serde_json::Value {
    let mut paths = api::openapi_paths();
    if let (Some(all), serde_json::Value::Object(more)) =
        (paths.as_object_mut(), limits::openapi_paths())
    {
        all.extend(more);
    }
    paths
}

/// This module in the registry (`crate::registry`).
pub const MODULE: crate::registry::Module = crate::registry::Module {
    routes,
    nav: NAV,
    texts: &[TEXT],
    openapi: openapi_paths,
};

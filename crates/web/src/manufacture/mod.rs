//! Manufacturing pages (DESIGN.md §2): donors and eligibility, tissue, cell banks, culture batches
//! with observations and a growth plot, raw materials, conditioning and harvest, lots, processing,
//! filling. Each page is a form that calls one service use case; `api` offers the same under /api/v1.
//! Everyone signed in may read these pages; only operators (製造担当者) see and post the forms.

mod api;
mod banks;
mod batches;
mod donors;
mod inputs;
mod lots;
mod materials;
mod openapi;
mod plot;
mod text;

use crate::registry::{Routes, get, post};
use crate::{auth::ANY, guarded};
use secretome_domain::Capability;

const OP: Capability = Capability::Produce;

/// Navigation entries (href, catalogue key, roles that see it).
pub const NAV: &[(&str, &str, Capability)] = &[
    ("/donors", "mf.nav.donors", ANY),
    ("/batches", "mf.nav.batches", ANY),
    ("/materials", "mf.nav.materials", ANY),
    ("/harvests", "mf.nav.harvests", ANY),
];

/// This module's texts (key, 日本語, English).
pub const TEXT: &[(&str, &str, &str)] = text::TEXT;

pub fn routes(mut r: Routes) -> Routes {
    r = guarded(r, "/donors", get(donors::list), ANY);
    r = guarded(r, "/donors", post(donors::register), OP);
    r = guarded(r, "/donors/{id}", get(donors::show), ANY);
    r = guarded(r, "/donors/{id}/screening", post(donors::screening), OP);
    r = guarded(r, "/donors/{id}/tissues", post(donors::tissue), OP);
    r = guarded(r, "/donors/{id}/banks", post(donors::master_bank), OP);
    r = guarded(r, "/banks/{id}", get(banks::show), ANY);
    r = guarded(r, "/banks/{id}/working", post(banks::working), OP);
    r = guarded(r, "/batches", get(batches::list), ANY);
    r = guarded(r, "/batches", post(batches::seed), OP);
    r = guarded(r, "/batches/{id}", get(batches::show), ANY);
    r = guarded(
        r,
        "/batches/{id}/observations",
        post(batches::observation),
        OP,
    );
    r = guarded(
        r,
        "/batches/{id}/materials",
        post(batches::material_use),
        OP,
    );
    r = guarded(
        r,
        "/batches/{id}/conditioning",
        post(batches::conditioning),
        OP,
    );
    r = guarded(r, "/batches/{id}/harvest", post(batches::harvest), OP);
    r = guarded(r, "/materials", get(materials::list), ANY);
    r = guarded(r, "/materials", post(materials::receive), OP);
    r = guarded(r, "/materials/{id}", get(materials::show), ANY);
    r = guarded(r, "/harvests", get(lots::harvests), ANY);
    r = guarded(r, "/lots", post(lots::pool), OP);
    r = guarded(r, "/lots/{id}/processing", get(lots::processing), ANY);
    r = guarded(r, "/lots/{id}/steps", post(lots::step), OP);
    r = guarded(r, "/lots/{id}/fill", post(lots::fill), OP);
    r = guarded(r, "/api/v1/donors", get(api::donors), ANY);
    r = guarded(r, "/api/v1/donors", post(api::register_donor), OP);
    r = guarded(r, "/api/v1/donors/{id}", get(api::donor), ANY);
    r = guarded(r, "/api/v1/donors/{id}/screening", post(api::screening), OP);
    r = guarded(r, "/api/v1/donors/{id}/tissues", post(api::tissue), OP);
    r = guarded(r, "/api/v1/banks", post(api::create_bank), OP);
    r = guarded(r, "/api/v1/banks/{id}", get(api::bank), ANY);
    r = guarded(r, "/api/v1/batches", get(api::batches), ANY);
    r = guarded(r, "/api/v1/batches", post(api::seed), OP);
    r = guarded(r, "/api/v1/batches/{id}", get(api::batch), ANY);
    r = guarded(
        r,
        "/api/v1/batches/{id}/observations",
        post(api::observation),
        OP,
    );
    r = guarded(
        r,
        "/api/v1/batches/{id}/materials",
        post(api::material_use),
        OP,
    );
    r = guarded(
        r,
        "/api/v1/batches/{id}/conditioning",
        post(api::conditioning),
        OP,
    );
    r = guarded(r, "/api/v1/batches/{id}/harvest", post(api::harvest), OP);
    r = guarded(r, "/api/v1/materials", get(api::materials), ANY);
    r = guarded(r, "/api/v1/materials", post(api::receive), OP);
    r = guarded(r, "/api/v1/materials/{id}", get(api::material), ANY);
    r = guarded(r, "/api/v1/harvests", get(api::harvests), ANY);
    r = guarded(r, "/api/v1/lots", post(api::pool), OP);
    r = guarded(r, "/api/v1/lots/{id}/steps", post(api::step), OP);
    r = guarded(r, "/api/v1/lots/{id}/fill", post(api::fill), OP);
    r
}

/// This module's part of the OpenAPI document: a JSON object of `paths` entries.
pub fn openapi_paths() -> serde_json::Value {
    openapi::paths()
}

/// This module in the registry (`crate::registry`).
pub const MODULE: crate::registry::Module = crate::registry::Module {
    routes,
    nav: NAV,
    texts: &[TEXT],
    openapi: openapi_paths,
};

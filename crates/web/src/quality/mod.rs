//! QC and QA pages (DESIGN.md §3–4, §7): products and versioned specifications, result entry, plate
//! import through the assay engine, deviations, the batch record review and release with an
//! electronic signature, the certificate of analysis — and the same operations under `/api/v1`.
//!
//! Roles: everyone signed in reads (the QC overview, specifications, a lot's results, the batch
//! record, the certificate of analysis); qc records results, imports plates and assesses
//! deviations; qa approves or rejects deviations and signs release or rejection; qa and qc may sign
//! a review; admin and qa manage specifications; qc, qa and operators open deviations.

mod api;
mod coa;
mod inputs;
mod lot_qc;
mod plates;
mod release;
mod specs;
mod text;

use crate::registry::{Routes, get, post};
use crate::{auth::ANY, guarded};
use secretome_domain::Capability;

const QC: Capability = Capability::TestQuality;
const QA: Capability = Capability::AssureQuality;
const SPEC: Capability = Capability::WriteSpecifications;
const DEVIATE: Capability = Capability::OpenDeviation;
const SIGN: Capability = Capability::SignLot;

/// Navigation entries (href, catalogue key, roles that see it).
pub const NAV: &[(&str, &str, Capability)] = &[
    ("/qc", "q.nav.qc", ANY),
    ("/products", "q.nav.products", ANY),
];

/// This module's texts (key, 日本語, English).
pub const TEXT: &[(&str, &str, &str)] = text::TEXT;

pub fn routes(mut r: Routes) -> Routes {
    r = guarded(r, "/qc", get(lot_qc::overview), ANY);
    r = guarded(r, "/products", get(specs::list), ANY);
    r = guarded(
        r,
        "/products/{code}/specifications",
        post(specs::create),
        SPEC,
    );
    r = guarded(
        r,
        "/products/{code}/specifications/{version}/effective",
        post(specs::effective),
        SPEC,
    );
    r = guarded(r, "/lots/{id}/qc", get(lot_qc::show), ANY);
    r = guarded(r, "/lots/{id}/results", post(lot_qc::record), QC);
    r = guarded(r, "/lots/{id}/results/revise", post(lot_qc::revise), QC);
    r = guarded(r, "/lots/{id}/plates", post(plates::upload), QC);
    r = guarded(r, "/lots/{id}/plates/accept", post(plates::accept), QC);
    r = guarded(r, "/plates/files/{digest}", get(plates::download), SIGN);
    r = guarded(
        r,
        "/lots/{id}/deviations",
        post(lot_qc::open_deviation),
        DEVIATE,
    );
    r = guarded(
        r,
        "/lots/{id}/deviations/{n}/assess",
        post(lot_qc::assess),
        QC,
    );
    r = guarded(
        r,
        "/lots/{id}/deviations/{n}/approve",
        post(lot_qc::approve),
        QA,
    );
    r = guarded(
        r,
        "/lots/{id}/deviations/{n}/reject",
        post(lot_qc::reject),
        QA,
    );
    r = guarded(r, "/lots/{id}/record", get(release::show), ANY);
    r = guarded(r, "/lots/{id}/sign", post(release::sign), SIGN);
    r = guarded(r, "/lots/{id}/coa", get(coa::html), ANY);
    r = guarded(r, "/lots/{id}/coa.pdf", get(coa::pdf), ANY);
    r = guarded(r, "/api/v1/products", get(api::products), ANY);
    r = guarded(
        r,
        "/api/v1/products/{code}/specifications",
        get(api::specifications),
        ANY,
    );
    r = guarded(r, "/api/v1/lots/{id}/qc", get(api::lot_qc), ANY);
    r = guarded(r, "/api/v1/lots/{id}/results", post(api::record), QC);
    r = guarded(r, "/api/v1/lots/{id}/results/revise", post(api::revise), QC);
    r = guarded(
        r,
        "/api/v1/lots/{id}/deviations",
        post(api::open_deviation),
        DEVIATE,
    );
    r = guarded(
        r,
        "/api/v1/lots/{id}/deviations/{n}/assess",
        post(api::assess),
        QC,
    );
    r = guarded(
        r,
        "/api/v1/lots/{id}/deviations/{n}/approve",
        post(api::approve),
        QA,
    );
    r = guarded(
        r,
        "/api/v1/lots/{id}/deviations/{n}/reject",
        post(api::reject),
        QA,
    );
    r = guarded(r, "/api/v1/lots/{id}/record", get(api::record_review), ANY);
    r = guarded(r, "/api/v1/lots/{id}/sign", post(api::sign), SIGN);
    r
}

/// This module's part of the OpenAPI document: a JSON object of `paths` entries.
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

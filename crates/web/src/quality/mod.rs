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
pub mod methods;
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
    api_routes(r)
}

/// The `/api/v1` twins, each with its OpenAPI operation.
fn api_routes(mut r: Routes) -> Routes {
    use crate::openapi::op;
    use inputs::{Assess, Decide, OpenDeviation, Sign};
    use secretome_domain::qc::{Deviation, Product, result::TestResult, spec::Specification};
    use secretome_service::{LotQc, batch_record::BatchRecord};
    let (qc, qa) = ("qc", "qa");
    let o = op("listProducts", qc, "Products").ok::<Vec<Product>>();
    r = guarded(r, "/api/v1/products", get(api::products).doc(o), ANY);
    let o = op(
        "listSpecifications",
        qc,
        "A product's specification versions with their tests, oldest first",
    );
    let o = get(api::specifications).doc(o.ok::<Vec<Specification>>());
    r = guarded(r, "/api/v1/products/{code}/specifications", o, ANY);
    let o = op(
        "getLotQc",
        qc,
        "A lot's results against its specification, deviations and release blockers",
    );
    r = guarded(
        r,
        "/api/v1/lots/{id}/qc",
        get(api::lot_qc).doc(o.ok::<LotQc>()),
        ANY,
    );
    let o = op(
        "recordResult",
        qc,
        "Record a result (role qc); the verdict is computed",
    );
    let o = o.body::<inputs::RecordResult>().created::<TestResult>();
    r = guarded(r, "/api/v1/lots/{id}/results", post(api::record).doc(o), QC);
    let o = op(
        "reviseResult",
        qc,
        "Correct a result or record a retest (role qc), with a required reason; the earlier result stays in the history",
    );
    let o = o.body::<inputs::ReviseResult>().ok::<TestResult>();
    r = guarded(
        r,
        "/api/v1/lots/{id}/results/revise",
        post(api::revise).doc(o),
        QC,
    );
    let o = op(
        "openDeviation",
        qc,
        "Open a deviation (roles qc, qa, operator)",
    );
    let o = o.body::<OpenDeviation>().created::<Deviation>();
    r = guarded(
        r,
        "/api/v1/lots/{id}/deviations",
        post(api::open_deviation).doc(o),
        DEVIATE,
    );
    let o = op("assessDeviation", qc, "Assess a deviation (role qc)");
    let o = post(api::assess).doc(o.body::<Assess>().ok::<Deviation>());
    r = guarded(r, "/api/v1/lots/{id}/deviations/{n}/assess", o, QC);
    let o = op(
        "approveDeviation",
        qa,
        "Approve an assessed deviation (role qa)",
    );
    let o = post(api::approve).doc(o.body::<Decide>().ok::<Deviation>());
    r = guarded(r, "/api/v1/lots/{id}/deviations/{n}/approve", o, QA);
    let o = op(
        "rejectDeviation",
        qa,
        "Reject an assessed deviation (role qa)",
    );
    let o = post(api::reject).doc(o.body::<Decide>().ok::<Deviation>());
    r = guarded(r, "/api/v1/lots/{id}/deviations/{n}/reject", o, QA);
    let o = op(
        "getBatchRecord",
        qa,
        "The batch record for review: genealogy, steps, results, deviations, audit history, signatures",
    );
    r = guarded(
        r,
        "/api/v1/lots/{id}/record",
        get(api::record_review).doc(o.ok::<BatchRecord>()),
        ANY,
    );
    let o = op(
        "signLot",
        qa,
        "Electronic signature (released, rejected or reviewed) with password re-entry; a refused release lists every reason under `reasons`",
    );
    let o = o.body::<Sign>().ok::<api::Signed>();
    r = guarded(r, "/api/v1/lots/{id}/sign", post(api::sign).doc(o), SIGN);
    r
}

/// This module in the registry (`crate::registry`).
pub const MODULE: crate::registry::Module = crate::registry::Module {
    routes,
    nav: NAV,
    texts: &[TEXT, methods::TEXT],
    tags: &[
        (
            "qc",
            "Quality control: products, specifications, results and deviations",
        ),
        (
            "qa",
            "Quality assurance: deviation decisions, batch record review and release signatures",
        ),
    ],
};

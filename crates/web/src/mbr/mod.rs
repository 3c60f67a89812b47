//! Master batch records (製造指図書) and guided execution (issue 15): the list of controlled
//! documents, a document's versions and steps with QA's actions (new version under change
//! control, review, signed approval, putting in force), the operator's page of a batch that shows
//! the next step with its instructions and targets and takes its values, the second person's
//! verification and QA's disposition of step deviations — and `/api/v1` twins for reading and
//! recording steps.
//!
//! Roles: everyone signed in reads the documents; operators (production) and qa write and submit
//! them; qa approves them and puts them in force; operators start
//! batches, record and skip steps; operators, qc and qa verify; qa decides step deviations.

mod api;
mod exec;
mod inputs;
mod pages;
pub mod steps_form;
mod text;
pub mod words;

use crate::registry::{Routes, get, post};
use crate::{auth::ANY, guarded};
use secretome_domain::Capability;

const QA: Capability = Capability::AssureQuality;
const AUTHOR: Capability = Capability::AuthorMasters;
const OP: Capability = Capability::Produce;
const FLOOR: Capability = Capability::ReadProduction;
const VERIFY: Capability = Capability::VerifyStep;

/// Navigation entries (href, catalogue key, roles that see it).
pub const NAV: &[(&str, &str, Capability)] = &[("/masters", "mbr.nav", ANY)];

/// This module's texts (key, 日本語, English).
pub const TEXT: &[(&str, &str, &str)] = text::TEXT;

pub fn routes(mut r: Routes) -> Routes {
    use crate::openapi::op;
    use secretome_service::mbr::{DocumentSummary, ExecutionView, StepOutcome};
    r = guarded(r, "/masters", get(pages::list), ANY);
    r = guarded(r, "/masters", post(pages::create), AUTHOR);
    r = guarded(r, "/masters/{id}", get(pages::show), ANY);
    r = guarded(r, "/masters/{id}/revise", post(pages::revise), AUTHOR);
    r = guarded(r, "/masters/{id}/v/{n}/submit", post(pages::submit), AUTHOR);
    r = guarded(r, "/masters/{id}/v/{n}/approve", post(pages::approve), QA);
    r = guarded(
        r,
        "/masters/{id}/v/{n}/effective",
        post(pages::effective),
        QA,
    );
    r = guarded(r, "/batches/{id}/execute", get(exec::show), FLOOR);
    r = guarded(r, "/batches/{id}/execute/start", post(exec::start), OP);
    r = guarded(r, "/batches/{id}/execute/step", post(exec::step), OP);
    r = guarded(r, "/batches/{id}/execute/skip", post(exec::skip), OP);
    r = guarded(
        r,
        "/batches/{id}/execute/verify",
        post(exec::verify),
        VERIFY,
    );
    r = guarded(r, "/batches/{id}/execute/decide", post(exec::decide), QA);
    r = guarded(r, "/api/v1/masters", get(api::masters).doc(op("listMasters", "mbr", "Controlled documents (SOPs, master batch records) with their versions, steps and limits").ok::<Vec<DocumentSummary>>()), ANY);
    r = guarded(r, "/api/v1/batches/{id}/execution", get(api::execution).doc(op("getExecution", "mbr", "A batch's execution against its master batch record: version, steps recorded, deviations, next step").ok::<ExecutionView>()), FLOOR);
    r = guarded(r, "/api/v1/batches/{id}/execution/steps", post(api::record_step).doc(op("recordExecutionStep", "mbr", "Record the next step (role operator): values judged against the master's limits; a value outside them opens a deviation, or is refused where the master says so").body::<inputs::RecordStep>().created::<StepOutcome>()), OP);
    r
}

/// This module in the registry (`crate::registry`).
pub const MODULE: crate::registry::Module = crate::registry::Module {
    routes,
    nav: NAV,
    texts: &[TEXT],
    tags: &[(
        "mbr",
        "Master batch records and their execution, step by step",
    )],
};

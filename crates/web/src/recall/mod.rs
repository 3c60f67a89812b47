//! Recall pages and API (回収, DESIGN.md §6): the list of recalls, QA's form to open one on a lot,
//! raw-material lot or donor, and each recall's report — lots reached, vials blocked, and the
//! patients to follow up with their contact physician, where the follow-up is recorded.
//!
//! Roles: qa opens recalls; qa and physicians record follow-ups; every signed-in role reads the
//! list; a recall's report, which names patients, is for qa, physicians and admin.

mod api;
mod input;
mod pages;
mod text;

use crate::registry::{Routes, get, post};
use crate::{auth::ANY, guarded};
use secretome_domain::Capability;

const QA: Capability = Capability::AssureQuality;
const FOLLOW: Capability = Capability::FollowRecall;
/// A recall's report names patients: the roles that may read patient records.
pub(crate) const READ: Capability = Capability::ReadPatients;

/// Navigation entries (href, catalogue key, roles that see it).
pub const NAV: &[(&str, &str, Capability)] = &[("/recalls", "r.nav", ANY)];

/// This module's texts (key, 日本語, English).
pub const TEXT: &[(&str, &str, &str)] = text::TEXT;

pub fn routes(mut r: Routes) -> Routes {
    // Same path, different roles per method: GET for everyone, POST for QA only.
    r = guarded(r, "/recalls", get(pages::list), ANY);
    r = guarded(r, "/recalls", post(pages::open), QA);
    r = guarded(r, "/recalls/{id}", get(pages::show), READ);
    r = guarded(
        r,
        "/recalls/{id}/exposures/{exposure}/follow-up",
        post(pages::follow_up),
        FOLLOW,
    );
    r = guarded(r, "/api/v1/recalls", get(api::list), ANY);
    r = guarded(r, "/api/v1/recalls", post(api::open), QA);
    r = guarded(r, "/api/v1/recalls/{id}", get(api::show), READ);
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

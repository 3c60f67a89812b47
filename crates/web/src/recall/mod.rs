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
    use crate::openapi::op;
    use secretome_domain::recall::Recall;
    use secretome_service::recall::RecallReport;
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
    r = guarded(
        r,
        "/api/v1/recalls",
        get(api::list)
            .doc(op("listRecalls", "recall", "Recalls, newest first").ok::<Vec<Recall>>()),
        ANY,
    );
    r = guarded(r, "/api/v1/recalls", post(api::open).doc(op("openRecall", "recall", "Open a recall on a lot, raw-material lot or donor (role qa, signed with the password): every vial it reaches is blocked; exposed patients are listed").describe("An electronic signature (meaning recalled): the QA user's password is re-entered, and a wrong one counts towards lock-out.").body::<input::OpenRecall>().created::<RecallReport>()), QA);
    r = guarded(
        r,
        "/api/v1/recalls/{id}",
        get(api::show).doc(
            op(
                "getRecall",
                "recall",
                "A recall with the vials it blocked and the patients to follow up",
            )
            .ok::<RecallReport>(),
        ),
        READ,
    );
    r
}

/// This module in the registry (`crate::registry`).
pub const MODULE: crate::registry::Module = crate::registry::Module {
    routes,
    nav: NAV,
    texts: &[TEXT],
    tags: &[("recall", "Recalls: what they block and whom they reach")],
};

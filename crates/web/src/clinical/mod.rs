//! Clinical pages and API (DESIGN.md §5): pseudonymised patients, dispensing a vial by scanning or
//! typing its id or DIN, the dose given, adverse events (CTCAE) and outcomes at follow-up visits,
//! and a page per indication with doses, adverse events by grade and the outcome plot.
//!
//! Consent, the point of care and adverse-event reports (issue 16) are in `care` and `care_api`;
//! QA's decision on returned vials in `returns`.
//!
//! Roles: physicians (医師) write and read; qa and admin read the patient and indication pages;
//! QA and physicians read the report dashboard, QA the events per lot.

mod api;
mod care;
mod care_api;
mod care_text;
mod indications;
mod inputs;
mod patients;
mod plot;
mod record;
mod returns;
mod text;

use crate::guarded;
use crate::registry::{Routes, get, post};
use secretome_domain::Capability;

const DOC: Capability = Capability::Treat;
pub(crate) const READ: Capability = Capability::ReadPatients;
const REPORTS: Capability = Capability::ReportAdverseEvents;
const QA: Capability = Capability::AssureQuality;

/// Navigation entries (href, catalogue key, roles that see it).
pub const NAV: &[(&str, &str, Capability)] = &[
    ("/patients", "cl.nav.patients", READ),
    ("/indications", "cl.nav.indications", READ),
    ("/ae-reports", "cl.nav.reports", REPORTS),
    ("/returns", "cl.nav.returns", QA),
];

/// This module's texts (key, 日本語, English).
pub const TEXT: &[(&str, &str, &str)] = text::TEXT;
/// Texts of consent, point of care and reports.
pub const CARE_TEXT: &[(&str, &str, &str)] = care_text::TEXT;

pub fn routes(mut r: Routes) -> Routes {
    // Same path, roles per method: GET for readers, POST for physicians.
    r = guarded(r, "/patients", get(patients::list), READ);
    r = guarded(r, "/patients", post(patients::register), DOC);
    r = guarded(r, "/patients/{id}", get(record::show), READ);
    r = guarded(r, "/patients/{id}/dispense", post(record::dispense), DOC);
    r = guarded(
        r,
        "/patients/{id}/administrations",
        post(record::administer),
        DOC,
    );
    r = guarded(
        r,
        "/patients/{id}/adverse-events",
        post(record::adverse_event),
        DOC,
    );
    r = guarded(r, "/patients/{id}/outcomes", post(record::outcome), DOC);
    r = guarded(r, "/patients/{id}/consents", post(care::consent), DOC);
    r = guarded(
        r,
        "/patients/{id}/consents/{consent}/withdraw",
        post(care::withdraw),
        DOC,
    );
    r = guarded(
        r,
        "/patients/{id}/point-of-care",
        post(care::point_of_care),
        DOC,
    );
    r = guarded(r, "/ae-reports", get(care::reports), REPORTS);
    r = guarded(r, "/ae-reports/{id}/submit", post(care::submit), DOC);
    r = guarded(
        r,
        "/api/v1/patients/{id}/consents",
        get(care_api::consents),
        READ,
    );
    r = guarded(
        r,
        "/api/v1/patients/{id}/consents",
        post(care_api::consent),
        DOC,
    );
    r = guarded(
        r,
        "/api/v1/consents/{consent}/withdraw",
        post(care_api::withdraw),
        DOC,
    );
    r = guarded(
        r,
        "/api/v1/dispensed/{vial}/{action}",
        post(care_api::care),
        DOC,
    );
    r = guarded(r, "/api/v1/ae-reports", get(care_api::dashboard), REPORTS);
    r = guarded(r, "/api/v1/ae-reports/by-lot", get(care_api::by_lot), QA);
    r = guarded(
        r,
        "/api/v1/ae-reports/{id}/submit",
        post(care_api::submit),
        DOC,
    );
    r = guarded(r, "/api/v1/ctcae", get(care_api::terms), REPORTS);
    r = guarded(r, "/returns", get(returns::show), QA);
    r = guarded(r, "/returns/{vial}/decide", post(returns::decide), QA);
    r = guarded(r, "/api/v1/returns", get(returns::api_list), QA);
    r = guarded(
        r,
        "/api/v1/returns/{vial}/decision",
        post(returns::api_decide),
        QA,
    );
    r = guarded(r, "/indications", get(indications::list), READ);
    r = guarded(r, "/indications/{indication}", get(indications::show), READ);
    r = guarded(r, "/api/v1/patients", get(api::list), READ);
    r = guarded(r, "/api/v1/patients", post(api::register), DOC);
    r = guarded(r, "/api/v1/patients/{id}", get(api::show), READ);
    r = guarded(
        r,
        "/api/v1/patients/{id}/dispense",
        post(api::dispense),
        DOC,
    );
    r = guarded(
        r,
        "/api/v1/patients/{id}/administrations",
        post(api::administer),
        DOC,
    );
    r = guarded(
        r,
        "/api/v1/patients/{id}/adverse-events",
        post(api::adverse_event),
        DOC,
    );
    r = guarded(r, "/api/v1/patients/{id}/outcomes", post(api::outcome), DOC);
    r = guarded(
        r,
        "/api/v1/indications/{indication}",
        get(api::indication),
        READ,
    );
    r
}

/// This module's part of the OpenAPI document.
pub fn openapi_paths() -> serde_json::Value {
    let mut paths = api::openapi_paths();
    for more in [care_api::openapi_paths(), returns::openapi_paths()] {
        if let (Some(all), serde_json::Value::Object(more)) = (paths.as_object_mut(), more) {
            all.extend(more);
        }
    }
    paths
}

/// This module in the registry (`crate::registry`).
pub const MODULE: crate::registry::Module = crate::registry::Module {
    routes,
    nav: NAV,
    texts: &[TEXT, CARE_TEXT],
    openapi: openapi_paths,
};

#[cfg(test)]
mod tests {
    #[test]
    fn every_api_route_is_in_the_openapi_document() {
        let doc = super::openapi_paths();
        let routes = crate::registry::table_of(super::routes);
        for (method, path) in routes.iter().filter(|(_, p)| p.starts_with("/api/")) {
            let op = &doc[*path][method.to_ascii_lowercase()];
            assert!(op["summary"].is_string(), "{method} {path} missing");
            assert!(op["responses"]["401"].is_object(), "{method} {path}");
        }
    }
}

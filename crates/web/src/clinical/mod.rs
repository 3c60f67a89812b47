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
pub mod ctcae_ja;
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
    use crate::openapi::op;
    use inputs::*;
    use secretome_domain::clinical::{
        Administration, AdverseEvent, AeReport, Consent, Dispensing, OutcomeMeasure, Patient,
    };
    use secretome_service::ae_reports::{LotSignal, ReportDashboard};
    use secretome_service::{
        Page, PatientFilter, clinical_queries::*, clinical_returns::ReturnedVial,
    };
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
        get(care_api::consents).doc(
            op(
                "listConsents",
                "clinical",
                "A patient's consents (explanation and consent per indication)",
            )
            .ok::<Vec<Consent>>(),
        ),
        READ,
    );
    r = guarded(
        r,
        "/api/v1/patients/{id}/consents",
        post(care_api::consent).doc(
            op(
                "recordConsent",
                "clinical",
                "Record the patient's explanation and consent for an indication (role physician)",
            )
            .body::<RecordConsent>()
            .created::<Consent>(),
        ),
        DOC,
    );
    r = guarded(
        r,
        "/api/v1/consents/{consent}/withdraw",
        post(care_api::withdraw).doc(
            op(
                "withdrawConsent",
                "clinical",
                "Record the withdrawal of a consent (role physician)",
            )
            .body::<Withdraw>()
            .ok::<Consent>(),
        ),
        DOC,
    );
    r = guarded(r, "/api/v1/dispensed/{vial}/{action}", post(care_api::care).doc(op("pointOfCare", "clinical", "Point of care for a dispensed vial: `thaw` (use-by starts), `discard` (reason), `return` (only unopened and within temperature) (role physician)").body::<inputs::PointOfCare>().ok::<Dispensing>()), DOC);
    r = guarded(r, "/api/v1/ae-reports", get(care_api::dashboard).doc(op("aeReportDashboard", "adverse events", "Open adverse-event reports: overdue, due within 3 days, later (physician: own site; QA: all)").ok::<ReportDashboard>()), REPORTS);
    r = guarded(
        r,
        "/api/v1/ae-reports/by-lot",
        get(care_api::by_lot).doc(
            op(
                "aeReportsByLot",
                "adverse events",
                "Serious, related or possibly related events by lot (role qa)",
            )
            .ok::<Vec<LotSignal>>(),
        ),
        QA,
    );
    r = guarded(r, "/api/v1/ae-reports/{id}/submit", post(care_api::submit).doc(op("submitAeReport", "adverse events", "Record a report's submission to the committee and/or the authority (role physician)").body::<SubmitReport>().ok::<AeReport>()), DOC);
    r = guarded(
        r,
        "/api/v1/ctcae",
        get(care_api::terms).doc(
            op(
                "searchCtcae",
                "adverse events",
                "Search CTCAE v5.0 terms by English words or MedDRA code",
            )
            .query::<care_api::CtcaeQuery>()
            .ok::<care_api::CtcaeAnswer>(),
        ),
        REPORTS,
    );
    r = guarded(r, "/returns", get(returns::show), QA);
    r = guarded(r, "/returns/{vial}/decide", post(returns::decide), QA);
    r = guarded(
        r,
        "/api/v1/returns",
        get(returns::api_list).doc(
            op(
                "listReturns",
                "clinical",
                "Vials returned unopened from the point of care, awaiting QA's decision (role qa)",
            )
            .ok::<Vec<ReturnedVial>>(),
        ),
        QA,
    );
    r = guarded(
        r,
        "/api/v1/returns/{vial}/decision",
        post(returns::api_decide).doc(
            op(
                "decideReturn",
                "clinical",
                "QA's decision on a returned vial: back to stock or destroyed, with a reason",
            )
            .body::<returns::DecideReturn>()
            .ok::<Dispensing>(),
        ),
        QA,
    );
    r = guarded(r, "/indications", get(indications::list), READ);
    r = guarded(r, "/indications/{indication}", get(indications::show), READ);
    r = guarded(
        r,
        "/api/v1/patients",
        get(api::list).doc(
            op(
                "listPatients",
                "clinical",
                "A page of patients (pseudonymised), newest first",
            )
            .query::<PatientFilter>()
            .paged()
            .ok::<Page<PatientSummary>>(),
        ),
        READ,
    );
    r = guarded(
        r,
        "/api/v1/patients",
        post(api::register).doc(
            op(
                "registerPatient",
                "clinical",
                "Register a patient under a pseudonym (role physician)",
            )
            .body::<RegisterPatient>()
            .created::<Patient>(),
        ),
        DOC,
    );
    r = guarded(
        r,
        "/api/v1/patients/{id}",
        get(api::show).doc(
            op(
                "getPatient",
                "clinical",
                "A patient with dispensings, administrations, adverse events and outcomes",
            )
            .ok::<PatientDetail>(),
        ),
        READ,
    );
    r = guarded(
        r,
        "/api/v1/patients/{id}/dispense",
        post(api::dispense).doc(
            op(
                "dispenseVial",
                "clinical",
                "Dispense a released vial to the patient (role physician)",
            )
            .body::<Dispense>()
            .created::<Dispensing>(),
        ),
        DOC,
    );
    r = guarded(
        r,
        "/api/v1/patients/{id}/administrations",
        post(api::administer).doc(
            op(
                "recordAdministration",
                "clinical",
                "Record the administration of a dispensed vial (role physician)",
            )
            .body::<Administer>()
            .created::<Administration>(),
        ),
        DOC,
    );
    r = guarded(
        r,
        "/api/v1/patients/{id}/adverse-events",
        post(api::adverse_event).doc(
            op(
                "reportAdverseEvent",
                "adverse events",
                "Report an adverse event with its CTCAE term and grade (role physician)",
            )
            .body::<ReportAdverseEvent>()
            .created::<AdverseEvent>(),
        ),
        DOC,
    );
    r = guarded(
        r,
        "/api/v1/patients/{id}/outcomes",
        post(api::outcome).doc(
            op(
                "recordOutcome",
                "clinical",
                "Record an outcome measure (role physician)",
            )
            .body::<RecordOutcome>()
            .created::<OutcomeMeasure>(),
        ),
        DOC,
    );
    r = guarded(
        r,
        "/api/v1/indications/{indication}",
        get(api::indication).doc(
            op(
                "getIndication",
                "clinical",
                "An indication's patients, doses, adverse events by grade and outcome series",
            )
            .paged()
            .ok::<IndicationSummary>(),
        ),
        READ,
    );
    r
}

/// This module in the registry (`crate::registry`).
pub const MODULE: crate::registry::Module = crate::registry::Module {
    routes,
    nav: NAV,
    texts: &[TEXT, CARE_TEXT],
    tags: &[
        (
            "clinical",
            "Patients, consent, dispensing, administration, outcomes and returns at the point of care",
        ),
        (
            "adverse events",
            "Adverse events, their reports and the CTCAE v5.0 terms",
        ),
    ],
};

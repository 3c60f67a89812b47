//! Role × route rows for the clinical pages and API: physicians write (register, dispense, doses,
//! adverse events, outcomes) and read; qa and admin read patients and indications; operators and
//! qc see none of it. `PT-000001` is a demo patient. POSTs go with an empty form, which every
//! handler refuses (422).

const DOC: &[&str] = &["physician"];
const READ: &[&str] = &["physician", "qa", "admin"];
const REPORTS: &[&str] = &["physician", "qa"];
const QA: &[&str] = &["qa"];

pub const ROWS: &[(&str, &str, &str, &[&str])] = &[
    ("GET", "/patients", "/patients", READ),
    ("GET", "/patients?indication=stroke", "/patients", READ),
    ("POST", "/patients", "/patients", DOC),
    ("GET", "/patients/PT-000001", "/patients/{id}", READ),
    (
        "POST",
        "/patients/PT-000001/dispense",
        "/patients/{id}/dispense",
        DOC,
    ),
    (
        "POST",
        "/patients/PT-000001/administrations",
        "/patients/{id}/administrations",
        DOC,
    ),
    (
        "POST",
        "/patients/PT-000001/adverse-events",
        "/patients/{id}/adverse-events",
        DOC,
    ),
    (
        "POST",
        "/patients/PT-000001/outcomes",
        "/patients/{id}/outcomes",
        DOC,
    ),
    ("GET", "/indications", "/indications", READ),
    (
        "GET",
        "/indications/stroke",
        "/indications/{indication}",
        READ,
    ),
    ("GET", "/api/v1/patients", "/api/v1/patients", READ),
    ("POST", "/api/v1/patients", "/api/v1/patients", DOC),
    (
        "GET",
        "/api/v1/patients/PT-000001",
        "/api/v1/patients/{id}",
        READ,
    ),
    (
        "POST",
        "/api/v1/patients/PT-000001/dispense",
        "/api/v1/patients/{id}/dispense",
        DOC,
    ),
    (
        "POST",
        "/api/v1/patients/PT-000001/administrations",
        "/api/v1/patients/{id}/administrations",
        DOC,
    ),
    (
        "POST",
        "/api/v1/patients/PT-000001/adverse-events",
        "/api/v1/patients/{id}/adverse-events",
        DOC,
    ),
    (
        "POST",
        "/api/v1/patients/PT-000001/outcomes",
        "/api/v1/patients/{id}/outcomes",
        DOC,
    ),
    (
        "GET",
        "/api/v1/indications/stroke",
        "/api/v1/indications/{indication}",
        READ,
    ),
    (
        "POST",
        "/patients/PT-000001/consents",
        "/patients/{id}/consents",
        DOC,
    ),
    (
        "POST",
        "/patients/PT-000001/consents/PT-000001-CN-01/withdraw",
        "/patients/{id}/consents/{consent}/withdraw",
        DOC,
    ),
    (
        "POST",
        "/patients/PT-000001/point-of-care",
        "/patients/{id}/point-of-care",
        DOC,
    ),
    ("GET", "/ae-reports", "/ae-reports", REPORTS),
    (
        "POST",
        "/ae-reports/PT-000009-AE-001-RPT/submit",
        "/ae-reports/{id}/submit",
        DOC,
    ),
    (
        "GET",
        "/api/v1/patients/PT-000001/consents",
        "/api/v1/patients/{id}/consents",
        READ,
    ),
    (
        "POST",
        "/api/v1/patients/PT-000001/consents",
        "/api/v1/patients/{id}/consents",
        DOC,
    ),
    (
        "POST",
        "/api/v1/consents/PT-000001-CN-01/withdraw",
        "/api/v1/consents/{consent}/withdraw",
        DOC,
    ),
    (
        "POST",
        "/api/v1/dispensed/L-2026-001-0001/thaw",
        "/api/v1/dispensed/{vial}/{action}",
        DOC,
    ),
    ("GET", "/api/v1/ae-reports", "/api/v1/ae-reports", REPORTS),
    (
        "GET",
        "/api/v1/ae-reports/by-lot",
        "/api/v1/ae-reports/by-lot",
        QA,
    ),
    (
        "POST",
        "/api/v1/ae-reports/PT-000009-AE-001-RPT/submit",
        "/api/v1/ae-reports/{id}/submit",
        DOC,
    ),
    ("GET", "/api/v1/ctcae?q=fever", "/api/v1/ctcae", REPORTS),
    ("GET", "/returns", "/returns", QA),
    (
        "POST",
        "/returns/L-2026-004-0001/decide",
        "/returns/{vial}/decide",
        QA,
    ),
    ("GET", "/api/v1/returns", "/api/v1/returns", QA),
    (
        "POST",
        "/api/v1/returns/L-2026-004-0001/decision",
        "/api/v1/returns/{vial}/decision",
        QA,
    ),
];

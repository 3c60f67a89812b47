//! Role × route rows for the trace page and its API (every role reads) and the FHIR export of a
//! patient (physician and QA only). The demo's patient PT-000001 exists, so allowed means 200.

use crate::roles::ALL;
const CLINICAL: &[&str] = &["qa", "physician"];

pub const ROWS: &[(&str, &str, &str, &[&str])] = &[
    ("GET", "/trace?id=L-2026-001&dir=backward", "/trace", ALL),
    (
        "GET",
        "/api/v1/trace?id=L-2026-001&dir=forward",
        "/api/v1/trace",
        ALL,
    ),
    (
        "GET",
        "/api/v1/patients/PT-000001/fhir",
        "/api/v1/patients/{id}/fhir",
        CLINICAL,
    ),
];

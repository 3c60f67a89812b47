//! Role × route rows for the facility pages and API (issue 14): operators, QC, QA and admin read;
//! QA registers rooms, equipment, qualifications and media fills; QC and operators record EM;
//! operators record filtrations and integrity tests; physicians see none of it. POSTs go with an
//! empty form, which the handlers refuse (422).

const READ: &[&str] = &["operator", "qc", "qa", "admin"];
const QA: &[&str] = &["qa"];
const EM: &[&str] = &["qc", "operator"];
const OP: &[&str] = &["operator"];

pub const ROWS: &[(&str, &str, &str, &[&str])] = &[
    ("GET", "/facility", "/facility", READ),
    ("POST", "/facility/rooms", "/facility/rooms", QA),
    ("POST", "/facility/equipment", "/facility/equipment", QA),
    (
        "POST",
        "/facility/equipment/calibrate",
        "/facility/equipment/calibrate",
        QA,
    ),
    (
        "POST",
        "/facility/qualifications",
        "/facility/qualifications",
        QA,
    ),
    ("POST", "/facility/media-fills", "/facility/media-fills", QA),
    (
        "POST",
        "/facility/media-fills/close",
        "/facility/media-fills/close",
        QA,
    ),
    ("GET", "/facility/em?room=ISO-1", "/facility/em", READ),
    ("GET", "/facility/limits", "/facility/limits", READ),
    ("POST", "/facility/limits", "/facility/limits", QA),
    ("GET", "/api/v1/em-limits", "/api/v1/em-limits", READ),
    ("POST", "/api/v1/em-limits", "/api/v1/em-limits", QA),
    ("POST", "/facility/em", "/facility/em", EM),
    ("POST", "/facility/em/import", "/facility/em/import", EM),
    (
        "GET",
        "/facility/filtrations?lot=L-2026-005",
        "/facility/filtrations",
        READ,
    ),
    ("POST", "/facility/filtrations", "/facility/filtrations", OP),
    (
        "POST",
        "/facility/integrity-tests",
        "/facility/integrity-tests",
        OP,
    ),
    ("GET", "/api/v1/rooms", "/api/v1/rooms", READ),
    ("POST", "/api/v1/rooms", "/api/v1/rooms", QA),
    (
        "GET",
        "/api/v1/em-results?room=ISO-1",
        "/api/v1/em-results",
        READ,
    ),
    ("POST", "/api/v1/em-results", "/api/v1/em-results", EM),
    (
        "POST",
        "/api/v1/em-results/import",
        "/api/v1/em-results/import",
        EM,
    ),
    ("GET", "/api/v1/equipment", "/api/v1/equipment", READ),
    ("POST", "/api/v1/equipment", "/api/v1/equipment", QA),
    (
        "POST",
        "/api/v1/equipment/CF-01/calibration",
        "/api/v1/equipment/{id}/calibration",
        QA,
    ),
    (
        "GET",
        "/api/v1/qualifications",
        "/api/v1/qualifications",
        READ,
    ),
    (
        "POST",
        "/api/v1/qualifications",
        "/api/v1/qualifications",
        QA,
    ),
    ("GET", "/api/v1/media-fills", "/api/v1/media-fills", READ),
    ("POST", "/api/v1/media-fills", "/api/v1/media-fills", QA),
    (
        "POST",
        "/api/v1/media-fills/close",
        "/api/v1/media-fills/close",
        QA,
    ),
    (
        "GET",
        "/api/v1/lots/L-2026-005/filtrations",
        "/api/v1/lots/{id}/filtrations",
        READ,
    ),
    ("POST", "/api/v1/filtrations", "/api/v1/filtrations", OP),
    (
        "POST",
        "/api/v1/integrity-tests",
        "/api/v1/integrity-tests",
        OP,
    ),
];

//! Role × route rows for the master batch record pages (issue 15): everyone reads the documents;
//! operators (production) and QA write and submit versions; QA approves them and puts them in
//! force; operators record a batch's steps; operators, QC and QA verify; QA decides step
//! deviations. POSTs go with an empty form, which the handlers refuse (422/409/404).

use crate::roles::ALL;
const AUTHOR: &[&str] = &["operator", "qa"];
const QA: &[&str] = &["qa"];
const OP: &[&str] = &["operator"];
const FLOOR: &[&str] = &["operator", "qc", "qa", "admin"];
const VERIFY: &[&str] = &["operator", "qc", "qa"];

pub const ROWS: &[(&str, &str, &str, &[&str])] = &[
    ("GET", "/masters", "/masters", ALL),
    ("POST", "/masters", "/masters", AUTHOR),
    ("GET", "/masters/MBR-CM01-UC", "/masters/{id}", ALL),
    (
        "POST",
        "/masters/MBR-CM01-UC/revise",
        "/masters/{id}/revise",
        AUTHOR,
    ),
    (
        "POST",
        "/masters/MBR-CM01-UC/v/1/submit",
        "/masters/{id}/v/{n}/submit",
        AUTHOR,
    ),
    (
        "POST",
        "/masters/MBR-CM01-UC/v/1/approve",
        "/masters/{id}/v/{n}/approve",
        QA,
    ),
    (
        "POST",
        "/masters/MBR-CM01-UC/v/1/effective",
        "/masters/{id}/v/{n}/effective",
        QA,
    ),
    (
        "GET",
        "/batches/B-2026-010/execute",
        "/batches/{id}/execute",
        FLOOR,
    ),
    (
        "POST",
        "/batches/B-2026-010/execute/start",
        "/batches/{id}/execute/start",
        OP,
    ),
    (
        "POST",
        "/batches/B-2026-010/execute/step",
        "/batches/{id}/execute/step",
        OP,
    ),
    (
        "POST",
        "/batches/B-2026-010/execute/skip",
        "/batches/{id}/execute/skip",
        OP,
    ),
    (
        "POST",
        "/batches/B-2026-010/execute/verify",
        "/batches/{id}/execute/verify",
        VERIFY,
    ),
    (
        "POST",
        "/batches/B-2026-010/execute/decide",
        "/batches/{id}/execute/decide",
        QA,
    ),
    ("GET", "/api/v1/masters", "/api/v1/masters", ALL),
    (
        "GET",
        "/api/v1/batches/B-2026-010/execution",
        "/api/v1/batches/{id}/execution",
        FLOOR,
    ),
    (
        "POST",
        "/api/v1/batches/B-2026-010/execution/steps",
        "/api/v1/batches/{id}/execution/steps",
        OP,
    ),
];

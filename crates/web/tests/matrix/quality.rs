//! Role × route rows for the QC and QA pages and their API: everyone signed in reads (QC overview,
//! specifications, a lot's results, the batch record, the certificate of analysis); qc records
//! results, imports plates and assesses deviations; qa approves or rejects deviations and signs
//! release or rejection; qa and qc sign reviews; admin and qa manage specifications; qc, qa and
//! operators open deviations; qc and qa fetch a kept plate file. POSTs go with an empty form, which
//! every handler refuses (422/409).

use crate::roles::ALL;

const QC: &[&str] = &["qc"];
const QA: &[&str] = &["qa"];
const SPEC: &[&str] = &["qa", "admin"];
const DEVIATE: &[&str] = &["operator", "qc", "qa"];
const SIGN: &[&str] = &["qc", "qa"];

pub const ROWS: &[(&str, &str, &str, &[&str])] = &[
    ("GET", "/qc", "/qc", ALL),
    ("GET", "/products", "/products", ALL),
    (
        "POST",
        "/products/MSC-CM-01/specifications",
        "/products/{code}/specifications",
        SPEC,
    ),
    (
        "POST",
        "/products/MSC-CM-01/specifications/v2/effective",
        "/products/{code}/specifications/{version}/effective",
        SPEC,
    ),
    ("GET", "/lots/L-2026-006/qc", "/lots/{id}/qc", ALL),
    ("POST", "/lots/L-2026-006/results", "/lots/{id}/results", QC),
    (
        "POST",
        "/lots/L-2026-006/results/revise",
        "/lots/{id}/results/revise",
        QC,
    ),
    ("POST", "/lots/L-2026-006/plates", "/lots/{id}/plates", QC),
    (
        "POST",
        "/lots/L-2026-006/plates/accept",
        "/lots/{id}/plates/accept",
        QC,
    ),
    // The raw file of the plate run `roles.rs` accepts before the matrix (its SHA-256).
    (
        "GET",
        "/plates/files/6a9c7bd408b24ffe12ea42b30c7fcea21f68f5fa80d5ac938b3138ba68dddc56",
        "/plates/files/{digest}",
        SIGN,
    ),
    (
        "POST",
        "/lots/L-2026-006/deviations",
        "/lots/{id}/deviations",
        DEVIATE,
    ),
    (
        "POST",
        "/lots/L-2026-006/deviations/DEV-01/assess",
        "/lots/{id}/deviations/{n}/assess",
        QC,
    ),
    (
        "POST",
        "/lots/L-2026-006/deviations/DEV-01/approve",
        "/lots/{id}/deviations/{n}/approve",
        QA,
    ),
    (
        "POST",
        "/lots/L-2026-006/deviations/DEV-01/reject",
        "/lots/{id}/deviations/{n}/reject",
        QA,
    ),
    ("GET", "/lots/L-2026-006/record", "/lots/{id}/record", ALL),
    ("POST", "/lots/L-2026-006/sign", "/lots/{id}/sign", SIGN),
    ("GET", "/lots/L-2026-001/coa", "/lots/{id}/coa", ALL),
    ("GET", "/lots/L-2026-001/coa.pdf", "/lots/{id}/coa.pdf", ALL),
    ("GET", "/api/v1/products", "/api/v1/products", ALL),
    (
        "GET",
        "/api/v1/products/MSC-CM-01/specifications",
        "/api/v1/products/{code}/specifications",
        ALL,
    ),
    (
        "GET",
        "/api/v1/lots/L-2026-006/qc",
        "/api/v1/lots/{id}/qc",
        ALL,
    ),
    (
        "POST",
        "/api/v1/lots/L-2026-006/results",
        "/api/v1/lots/{id}/results",
        QC,
    ),
    (
        "POST",
        "/api/v1/lots/L-2026-006/results/revise",
        "/api/v1/lots/{id}/results/revise",
        QC,
    ),
    (
        "POST",
        "/api/v1/lots/L-2026-006/deviations",
        "/api/v1/lots/{id}/deviations",
        DEVIATE,
    ),
    (
        "POST",
        "/api/v1/lots/L-2026-006/deviations/DEV-01/assess",
        "/api/v1/lots/{id}/deviations/{n}/assess",
        QC,
    ),
    (
        "POST",
        "/api/v1/lots/L-2026-006/deviations/DEV-01/approve",
        "/api/v1/lots/{id}/deviations/{n}/approve",
        QA,
    ),
    (
        "POST",
        "/api/v1/lots/L-2026-006/deviations/DEV-01/reject",
        "/api/v1/lots/{id}/deviations/{n}/reject",
        QA,
    ),
    (
        "GET",
        "/api/v1/lots/L-2026-006/record",
        "/api/v1/lots/{id}/record",
        ALL,
    ),
    (
        "POST",
        "/api/v1/lots/L-2026-006/sign",
        "/api/v1/lots/{id}/sign",
        SIGN,
    ),
];

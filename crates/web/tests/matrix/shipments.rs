//! Role × route rows for the shipment pages and API: everyone reads; operators pack and dispatch;
//! operators and physicians receive; operators, physicians and QA upload the logger file; QA
//! decides. POSTs go to a shipment that does not exist (404) or with an empty form (422).

use crate::roles::ALL;
const PACK: &[&str] = &["operator"];
const RECEIVE: &[&str] = &["operator", "physician"];
const LOG: &[&str] = &["operator", "physician", "qa"];
const QA: &[&str] = &["qa"];

pub const ROWS: &[(&str, &str, &str, &[&str])] = &[
    ("GET", "/shipments", "/shipments", ALL),
    ("POST", "/shipments", "/shipments", PACK),
    ("GET", "/shipments/SHP-DEMO-001", "/shipments/{id}", ALL),
    (
        "POST",
        "/shipments/SHP-NONE/dispatch",
        "/shipments/{id}/dispatch",
        PACK,
    ),
    (
        "POST",
        "/shipments/SHP-NONE/receive",
        "/shipments/{id}/receive",
        RECEIVE,
    ),
    (
        "POST",
        "/shipments/SHP-NONE/log",
        "/shipments/{id}/log",
        LOG,
    ),
    (
        "POST",
        "/shipments/SHP-NONE/decide",
        "/shipments/{id}/decide",
        QA,
    ),
    ("GET", "/api/v1/shipments", "/api/v1/shipments", ALL),
    ("POST", "/api/v1/shipments", "/api/v1/shipments", PACK),
    (
        "GET",
        "/api/v1/shipments/SHP-DEMO-001",
        "/api/v1/shipments/{id}",
        ALL,
    ),
    (
        "POST",
        "/api/v1/shipments/SHP-NONE/dispatch",
        "/api/v1/shipments/{id}/dispatch",
        PACK,
    ),
    (
        "POST",
        "/api/v1/shipments/SHP-NONE/receive",
        "/api/v1/shipments/{id}/receive",
        RECEIVE,
    ),
    (
        "POST",
        "/api/v1/shipments/SHP-NONE/log",
        "/api/v1/shipments/{id}/log",
        LOG,
    ),
    (
        "POST",
        "/api/v1/shipments/SHP-NONE/decide",
        "/api/v1/shipments/{id}/decide",
        QA,
    ),
];

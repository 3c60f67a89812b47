//! Role × route rows for the recall pages: everyone reads the list; a recall's report (it names
//! patients) is for QA, physicians and admin; only QA opens a recall; QA and physicians record
//! follow-ups. POSTs go with an empty form, which the handlers refuse (422/404).

use crate::roles::ALL;
const QA: &[&str] = &["qa"];
const FOLLOW: &[&str] = &["qa", "physician"];
const READ: &[&str] = &["qa", "physician", "admin"];

pub const ROWS: &[(&str, &str, &str, &[&str])] = &[
    ("GET", "/recalls", "/recalls", ALL),
    ("POST", "/recalls", "/recalls", QA),
    ("GET", "/recalls/RCL-0001", "/recalls/{id}", READ),
    (
        "POST",
        "/recalls/RCL-0001/exposures/none/follow-up",
        "/recalls/{id}/exposures/{exposure}/follow-up",
        FOLLOW,
    ),
    ("GET", "/api/v1/recalls", "/api/v1/recalls", ALL),
    ("POST", "/api/v1/recalls", "/api/v1/recalls", QA),
    (
        "GET",
        "/api/v1/recalls/RCL-0001",
        "/api/v1/recalls/{id}",
        READ,
    ),
];

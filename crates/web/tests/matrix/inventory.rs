//! Role × route rows for the inventory pages: operator, qc, qa and admin see freezers and their
//! maps; a physician may also open a vial and its label; only operators move vials; operators and
//! QA run the expiry sweep; only admin registers freezers and changes settings. POSTs go with an
//! empty form: the move and the settings are refused (422), the sweep finds nothing to expire.

const READ: &[&str] = &["operator", "qc", "qa", "admin"];
const VIAL: &[&str] = &["operator", "qc", "qa", "admin", "physician"];
const ADMIN: &[&str] = &["admin"];

pub const ROWS: &[(&str, &str, &str, &[&str])] = &[
    ("GET", "/freezers", "/freezers", READ),
    ("POST", "/freezers", "/freezers", ADMIN),
    ("GET", "/freezers/FRZ-01", "/freezers/{id}", READ),
    (
        "POST",
        "/inventory/expire",
        "/inventory/expire",
        &["operator", "qa"],
    ),
    ("GET", "/vials", "/vials", READ),
    ("GET", "/api/v1/vials", "/api/v1/vials", READ),
    ("GET", "/vials/L-2026-001-0001", "/vials/{id}", VIAL),
    (
        "POST",
        "/vials/L-2026-001-0001/move",
        "/vials/{id}/move",
        &["operator"],
    ),
    (
        "GET",
        "/vials/L-2026-001-0001/label",
        "/vials/{id}/label",
        VIAL,
    ),
    (
        "GET",
        "/vials/L-2026-001-0001/label.pdf",
        "/vials/{id}/label.pdf",
        VIAL,
    ),
    ("GET", "/admin/settings", "/admin/settings", ADMIN),
    ("POST", "/admin/settings", "/admin/settings", ADMIN),
];

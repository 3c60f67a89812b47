//! Role × route rows for the administration pages: only admin lists and adds users, sets
//! passwords, and issues or revokes API tokens. POSTs go with an empty form, which every handler
//! refuses (422).

const ADMIN: &[&str] = &["admin"];

pub const ROWS: &[(&str, &str, &str, &[&str])] = &[
    ("GET", "/admin/users", "/admin/users", ADMIN),
    ("POST", "/admin/users", "/admin/users", ADMIN),
    (
        "POST",
        "/admin/users/operator/password",
        "/admin/users/{id}/password",
        ADMIN,
    ),
    (
        "POST",
        "/admin/users/operator/account",
        "/admin/users/{id}/account",
        ADMIN,
    ),
    ("GET", "/admin/tokens", "/admin/tokens", ADMIN),
    ("POST", "/admin/tokens", "/admin/tokens", ADMIN),
    (
        "POST",
        "/admin/tokens/tok-none/revoke",
        "/admin/tokens/{id}/revoke",
        ADMIN,
    ),
];

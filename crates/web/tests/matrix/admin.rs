//! Role × route rows for the administration pages: only admin lists and adds users, sets
//! passwords, and sees throttled sign-ins and unlocks accounts; every role issues and revokes its
//! own API tokens. POSTs go with an empty form, which every handler refuses (422, or 404 for an
//! unknown token).

const ADMIN: &[&str] = &["admin"];
use crate::roles::ALL;

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
    ("GET", "/admin/tokens", "/admin/tokens", ALL),
    ("POST", "/admin/tokens", "/admin/tokens", ALL),
    (
        "POST",
        "/admin/tokens/tok-none/revoke",
        "/admin/tokens/{id}/revoke",
        ALL,
    ),
    ("GET", "/admin/sign-ins", "/admin/sign-ins", ADMIN),
    (
        "POST",
        "/admin/sign-ins/unlock",
        "/admin/sign-ins/unlock",
        ADMIN,
    ),
];

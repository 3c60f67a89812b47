//! Administration pages (issue 4 items 1 and 6): users — created by an admin after the first admin
//! was made from the CLI — with their roles and passwords, and API tokens scoped to one role,
//! revocable, whose secret is shown once when made. Role: admin only — except API tokens, which
//! every user issues for themself with one of their own roles (an admin sees and revokes all), and
//! the throttled sign-ins with the unlock of an account (`signins`).

mod signins;
mod text;
mod tokens;
mod users;

use crate::registry::{Routes, get, post};
use crate::{auth::ANY, guarded};
use secretome_domain::Capability;

const ADMIN: Capability = Capability::Administer;

/// Navigation entries (href, catalogue key, roles that see it).
pub const NAV: &[(&str, &str, Capability)] = &[
    ("/admin/users", "a.nav.users", ADMIN),
    ("/admin/tokens", "a.nav.tokens", ANY),
    ("/admin/sign-ins", "a.nav.signins", ADMIN),
];

/// This module's texts (key, 日本語, English).
pub const TEXT: &[(&str, &str, &str)] = text::TEXT;

pub fn routes(mut r: Routes) -> Routes {
    r = guarded(
        r,
        "/admin/users",
        get(users::list).post(users::create),
        ADMIN,
    );
    r = guarded(
        r,
        "/admin/users/{id}/password",
        post(users::password),
        ADMIN,
    );
    r = guarded(r, "/admin/users/{id}/account", post(users::account), ADMIN);
    r = guarded(
        r,
        "/admin/tokens",
        get(tokens::list).post(tokens::create),
        ANY,
    );
    r = guarded(r, "/admin/tokens/{id}/revoke", post(tokens::revoke), ANY);
    r = guarded(r, "/admin/sign-ins", get(signins::list), ADMIN);
    r = guarded(r, "/admin/sign-ins/unlock", post(signins::unlock), ADMIN);
    r
}

/// This module in the registry (`crate::registry`).
pub const MODULE: crate::registry::Module = crate::registry::Module {
    routes,
    nav: NAV,
    texts: &[TEXT],
    tags: &[],
};

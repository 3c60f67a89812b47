//! Users (issue 4 item 1): the list with roles, site and status; a form to add a user with an
//! initial password; and per user a form to set a new password. Adding is two use cases — the user
//! is created first, then the password is set — so when the password is refused after the user
//! exists, the page says so and points to the per-user password form. Role: admin.

use crate::kit::{Errors, Fields, actor, fail, page, see_other, seg, tri};
use crate::{
    AppState,
    auth::{Viewer, now},
    ctx::PageCtx,
    forms::{FieldErrors, status_of},
};
use askama::Template;
use axum::{
    Extension,
    body::Bytes,
    extract::{Path, State},
    http::StatusCode,
    response::Response,
};
use secretome_domain::{DomainError, Role, Why, ids::UserName, site::check_password};
use secretome_service::{ServiceError, admin_queries::UserRow};

#[derive(Template)]
#[template(path = "admin/users.html")]
struct UsersPage {
    c: PageCtx,
    users: Vec<UserRow>,
    /// The add form: what was typed (the password is never shown again).
    f: Fields,
    roles: Vec<(Role, bool)>,
    e: Errors,
    /// The user just created without a password, if that happened.
    no_password: String,
    /// The user whose password form the errors `pw` belong to.
    pw_user: String,
    pw: Errors,
    /// The user whose password was just set.
    pw_done: String,
    /// The user whose account form (status, roles) the errors `acct` belong to.
    acct_user: String,
    acct: Errors,
    /// Every role, for the per-user role boxes.
    all_roles: Vec<Role>,
}

/// The roles ticked on the add form.
fn ticked(body: &[u8]) -> Vec<String> {
    form_urlencoded::parse(body)
        .filter(|(k, _)| k == "roles")
        .map(|(_, v)| v.trim().to_string())
        .filter(|v| !v.is_empty())
        .collect()
}

struct Shown {
    f: Fields,
    ticked: Vec<String>,
    e: Errors,
    no_password: String,
    pw_user: String,
    pw: Errors,
    pw_done: String,
    acct_user: String,
    acct: Errors,
}

impl Shown {
    fn blank() -> Shown {
        Shown {
            f: Fields::default(),
            ticked: Vec::new(),
            e: Errors::default(),
            no_password: String::new(),
            pw_user: String::new(),
            pw: Errors::default(),
            pw_done: String::new(),
            acct_user: String::new(),
            acct: Errors::default(),
        }
    }
}

async fn users_page(st: &AppState, v: &Viewer, mut s: Shown, status: StatusCode) -> Response {
    let a = tri!(actor(v));
    let users = match st.service.user_rows(&a).await {
        Ok(u) => u,
        Err(err) => return fail(v, err),
    };
    if s.f.get("site").is_empty() {
        // the add form starts at the admin's own site
        let own = users
            .iter()
            .find(|u| u.id == a.user.as_str())
            .map(|u| u.site.clone());
        if let Some(site) = own {
            s.f.0.insert("site".into(), site);
        }
    }
    s.f.0.remove("password");
    let roles = Role::ALL
        .iter()
        .map(|r| (*r, s.ticked.iter().any(|t| t == r.as_str())))
        .collect();
    page(
        status,
        &UsersPage {
            c: PageCtx::new(v, "/admin/users"),
            users,
            f: s.f,
            roles,
            e: s.e,
            no_password: s.no_password,
            pw_user: s.pw_user,
            pw: s.pw,
            pw_done: s.pw_done,
            acct_user: s.acct_user,
            acct: s.acct,
            all_roles: Role::ALL.to_vec(),
        },
    )
}

/// POST /admin/users/{id}/account: deactivates or reactivates the user (`active` = `no` | `yes`)
/// and/or sets their roles (ticked `roles`), with a required `reason`; every refusal is shown on
/// this user's row, nothing written.
pub async fn account(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let a = tri!(actor(&v));
    let f = Fields::parse(&body);
    let reason = f.text("reason");
    let refuse = |acct: FieldErrors, status| {
        Shown {
            acct_user: id.clone(),
            acct: acct.shown(v.lang),
            ..Shown::blank()
        }
        .show(&st, &v, status)
    };
    if reason.is_empty() {
        let e = FieldErrors::one("reason", Why::Reason);
        return refuse(e, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let res = match f.get("what") {
        "active" => {
            st.service
                .set_user_active(&a, now(), &id, f.get("active") == "yes", &reason)
                .await
        }
        "roles" => {
            let mut roles = Vec::new();
            for t in ticked(&body) {
                match Role::ALL.iter().find(|r| r.as_str() == t) {
                    Some(r) => roles.push(*r),
                    None => {
                        let e = FieldErrors::one(
                            "roles",
                            Why::said("unknown role", "そのロールはありません"),
                        );
                        return refuse(e, StatusCode::UNPROCESSABLE_ENTITY).await;
                    }
                }
            }
            st.service
                .set_user_roles(&a, now(), &id, roles, &reason)
                .await
        }
        _ => {
            let e = FieldErrors::one("", Why::Choose);
            return refuse(e, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    match res {
        Ok(_) => see_other("/admin/users"),
        Err(err) => {
            let status = status_of(&err);
            refuse(FieldErrors::from_service(&err), status).await
        }
    }
}

pub async fn list(State(st): State<AppState>, Extension(v): Extension<Viewer>) -> Response {
    users_page(&st, &v, Shown::blank(), StatusCode::OK).await
}

/// A password refusal on the `password` field (whatever field the service named).
fn password_error(e: &ServiceError) -> FieldErrors {
    FieldErrors::from_service(e).moved("", "password")
}

/// POST /admin/users: creates the user, then sets the initial password.
pub async fn create(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    body: Bytes,
) -> Response {
    let a = tri!(actor(&v));
    let f = Fields::parse(&body);
    let ticked = ticked(&body);
    let mut s = Shown {
        f: f.clone(),
        ticked: ticked.clone(),
        ..Shown::blank()
    };
    let id = f.text("id");
    let password = f.get("password").to_string();
    // Refuse a password the policy refuses before creating anyone (the same domain rule the
    // service applies), so the common mistake leaves no user without a password behind.
    if let Ok(name) = UserName::new(&id)
        && let Err(DomainError::Invalid { message, .. }) = check_password(&name, &password)
    {
        s.e = FieldErrors::one("password", message).shown(v.lang);
        return users_page(&st, &v, s, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let mut roles = Vec::new();
    for t in &ticked {
        match Role::parse("roles", t) {
            Ok(r) if !roles.contains(&r) => roles.push(r),
            Ok(_) => {}
            Err(err) => {
                s.e = FieldErrors::from_service(&err.into()).shown(v.lang);
                return users_page(&st, &v, s, StatusCode::UNPROCESSABLE_ENTITY).await;
            }
        }
    }
    if roles.is_empty() {
        s.e = Errors::one("roles", v.lang.t("a.roles.required"));
        return users_page(&st, &v, s, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let created = st
        .service
        .create_user(
            &a,
            now(),
            &id,
            &f.text("display_name"),
            &f.text("site"),
            roles,
        )
        .await;
    let user = match created {
        Ok(u) => u,
        Err(err) => {
            let status = status_of(&err);
            s.e = crate::kit::refused_in(v.lang, &err);
            return users_page(&st, &v, s, status).await;
        }
    };
    match st
        .service
        .set_password(&a, now(), user.id.as_str(), &password)
        .await
    {
        Ok(()) => see_other(&format!("/admin/users#user-{}", seg(user.id.as_str()))),
        Err(err) => {
            // The user exists (its own transaction) but has no password: say so, keep the error
            // next to the password field, and point to the user's password form below.
            let status = status_of(&err);
            let pw = password_error(&err).shown(v.lang);
            Shown {
                e: pw.clone(),
                no_password: user.id.to_string(),
                pw_user: user.id.to_string(),
                pw,
                ..Shown::blank()
            }
            .show(&st, &v, status)
            .await
        }
    }
}

impl Shown {
    async fn show(self, st: &AppState, v: &Viewer, status: StatusCode) -> Response {
        users_page(st, v, self, status).await
    }
}

/// POST /admin/users/{id}/password: sets a new password for the user.
pub async fn password(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let a = tri!(actor(&v));
    let f = Fields::parse(&body);
    match st
        .service
        .set_password(&a, now(), &id, f.get("password"))
        .await
    {
        Ok(()) => {
            let s = Shown {
                pw_done: id,
                ..Shown::blank()
            };
            users_page(&st, &v, s, StatusCode::OK).await
        }
        Err(err) => {
            let status = status_of(&err);
            let s = Shown {
                pw_user: id,
                pw: password_error(&err).shown(v.lang),
                ..Shown::blank()
            };
            users_page(&st, &v, s, status).await
        }
    }
}

//! Throttled sign-ins (issue 18): the account names and client addresses with recent failed
//! sign-ins, how many in a row and until when they wait, and the administrator's unlock of an
//! account (with a reason, audited as `user.unlock` on its credential). Role: admin.

use crate::kit::{Errors, Fields, actor, fail, page, see_other, tri};
use crate::{
    AppState,
    auth::{Viewer, now},
    ctx::PageCtx,
    forms::{FieldErrors, status_of},
};
use askama::Template;
use axum::{Extension, body::Bytes, extract::State, http::StatusCode, response::Response};
use secretome_service::throttle::Throttled;

/// One throttled key as the page shows it.
pub struct Row {
    /// The account name (for the unlock form), if the key is an account.
    pub account: Option<String>,
    pub address: Option<String>,
    pub t: Throttled,
}

#[derive(Template)]
#[template(path = "admin/signins.html")]
struct SignInsPage {
    c: PageCtx,
    rows: Vec<Row>,
    f: Fields,
    e: Errors,
}

async fn signins_page(
    st: &AppState,
    v: &Viewer,
    f: Fields,
    e: Errors,
    status: StatusCode,
) -> Response {
    let a = tri!(actor(v));
    let rows = match st.service.sign_in_throttles(&a, now()).await {
        Ok(t) => t
            .into_iter()
            .map(|t| Row {
                account: t.key.strip_prefix("account:").map(str::to_string),
                address: t.key.strip_prefix("address:").map(str::to_string),
                t,
            })
            .collect(),
        Err(err) => return fail(v, err),
    };
    page(
        status,
        &SignInsPage {
            c: PageCtx::new(v, "/admin/sign-ins"),
            rows,
            f,
            e,
        },
    )
}

pub async fn list(State(st): State<AppState>, Extension(v): Extension<Viewer>) -> Response {
    signins_page(
        &st,
        &v,
        Fields::default(),
        Errors::default(),
        StatusCode::OK,
    )
    .await
}

/// POST /admin/sign-ins/unlock (`user`, `reason`): the account may sign in again at once.
pub async fn unlock(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    body: Bytes,
) -> Response {
    let a = tri!(actor(&v));
    let f = Fields::parse(&body);
    let mut e = Errors::default();
    if f.text("user").is_empty() {
        e.0.insert("user".into(), v.lang.t("a.unlock.user").to_string());
    }
    if f.text("reason").is_empty() {
        e.0.insert("reason".into(), v.lang.t("a.unlock.reason").to_string());
    }
    if !e.0.is_empty() {
        return signins_page(&st, &v, f, e, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    match st
        .service
        .unlock_sign_in(&a, now(), &f.text("user"), &f.text("reason"))
        .await
    {
        Ok(()) => see_other("/admin/sign-ins"),
        Err(err) => {
            let status = status_of(&err);
            let e = FieldErrors::from_service(&err).moved("", "user");
            let e = e.shown(v.lang);
            signins_page(&st, &v, f, e, status).await
        }
    }
}

//! API tokens (issue 4 item 6, issue 18): the list (id, name, role, who made it and when, when
//! revoked — never the secret or its hash), a form to issue a token bound to the signed-in user and
//! scoped to one of their own roles, whose secret is shown once on the response page, and
//! revocation with a reason. Every user manages their own tokens; an admin sees and revokes all.

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
    http::{HeaderValue, StatusCode, header},
    response::Response,
};
use secretome_domain::Role;
use secretome_service::admin_queries::TokenRow;

/// A token just issued: its id and the secret, shown this once.
pub struct Issued {
    pub id: String,
    pub secret: String,
}

#[derive(Template)]
#[template(path = "admin/tokens.html")]
struct TokensPage {
    c: PageCtx,
    tokens: Vec<TokenRow>,
    /// The roles the signed-in user may give a token: their own.
    roles: Vec<Role>,
    f: Fields,
    e: Errors,
    issued: Option<Issued>,
    /// The token whose revoke form the errors `re` belong to.
    revoke_id: String,
    re: Errors,
}

struct Shown {
    f: Fields,
    e: Errors,
    issued: Option<Issued>,
    revoke_id: String,
    re: Errors,
}

impl Shown {
    fn blank() -> Shown {
        Shown {
            f: Fields::default(),
            e: Errors::default(),
            issued: None,
            revoke_id: String::new(),
            re: Errors::default(),
        }
    }
}

async fn tokens_page(st: &AppState, v: &Viewer, s: Shown, status: StatusCode) -> Response {
    let a = tri!(actor(v));
    let tokens = match st.service.token_rows(&a).await {
        Ok(t) => t,
        Err(err) => return fail(v, err),
    };
    let names = match st
        .service
        .names(tokens.iter().map(|t| t.created_by.to_string()))
        .await
    {
        Ok(n) => n,
        Err(err) => return fail(v, err),
    };
    let mut res = page(
        status,
        &TokensPage {
            c: PageCtx::new(v, "/admin/tokens").with_names(names),
            tokens,
            roles: a.roles.clone(),
            f: s.f,
            e: s.e,
            issued: s.issued,
            revoke_id: s.revoke_id,
            re: s.re,
        },
    );
    // The page may carry a secret: keep it out of every cache.
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

pub async fn list(State(st): State<AppState>, Extension(v): Extension<Viewer>) -> Response {
    tokens_page(&st, &v, Shown::blank(), StatusCode::OK).await
}

/// POST /admin/tokens: issues a token and shows its secret once.
pub async fn create(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    body: Bytes,
) -> Response {
    let a = tri!(actor(&v));
    let f = Fields::parse(&body);
    match st
        .service
        .create_api_token(&a, now(), &f.text("name"), &f.text("role"))
        .await
    {
        Ok(t) => {
            let s = Shown {
                issued: Some(Issued {
                    id: t.token.id,
                    secret: t.secret,
                }),
                ..Shown::blank()
            };
            tokens_page(&st, &v, s, StatusCode::OK).await
        }
        Err(err) => {
            let status = status_of(&err);
            let s = Shown {
                f,
                e: crate::kit::refused_in(v.lang, &err),
                ..Shown::blank()
            };
            tokens_page(&st, &v, s, status).await
        }
    }
}

/// POST /admin/tokens/{id}/revoke: revokes the token at once; a reason is required.
pub async fn revoke(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let a = tri!(actor(&v));
    let f = Fields::parse(&body);
    let reason = f.text("reason");
    let res = if reason.is_empty() {
        Err((
            Errors::one("reason", v.lang.t("a.reason.required")),
            StatusCode::UNPROCESSABLE_ENTITY,
        ))
    } else {
        st.service
            .revoke_api_token(&a, now(), &id, &reason)
            .await
            .map_err(|e| {
                let fe = FieldErrors::from_service(&e).moved("", "reason");
                (fe.shown(v.lang), status_of(&e))
            })
    };
    match res {
        Ok(()) => see_other(&format!("/admin/tokens#token-{}", seg(&id))),
        Err((re, status)) => {
            let s = Shown {
                revoke_id: id,
                re,
                ..Shown::blank()
            };
            tokens_page(&st, &v, s, status).await
        }
    }
}

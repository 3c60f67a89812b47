//! Who is asking, and may they: the request context (session from the cookie, language, CSRF token)
//! and the per-route role guard. Every route of the application is registered with the roles it
//! admits (`routes.rs`); the guard turns away a request without a session (pages: to the sign-in
//! page; API: 401), with the wrong role (403), or a form post without the session's CSRF token (403).

use crate::{AppState, i18n::Lang};
use axum::{
    body::{Body, to_bytes},
    extract::{Request, State},
    http::{Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Redirect, Response},
};
use axum_extra::extract::cookie::CookieJar;
use secretome_domain::site::SETTING_LANGUAGE;
use secretome_domain::{Capability, UtcTime};
use secretome_service::auth::SessionInfo;

pub const SESSION_COOKIE: &str = "secretome_session";
pub const LANG_COOKIE: &str = "secretome_lang";
/// Largest form body the guard reads to find the CSRF token (plate files go as multipart with the
/// token in the query string).
const FORM_LIMIT: usize = 1 << 20;

/// Everyone signed in, whatever their role.
pub const ANY: Capability = Capability::Read;

/// The request's context, put into the request extensions for every route.
#[derive(Clone)]
pub struct Viewer {
    pub session: Option<SessionInfo>,
    pub lang: Lang,
    /// Authenticated by an API token (no cookie, so no CSRF check).
    pub via_token: bool,
}

impl Viewer {
    /// Whether the viewer's roles grant `cap` (the domain's capability table).
    pub fn can(&self, cap: Capability) -> bool {
        self.session.as_ref().is_some_and(|s| s.actor.may(cap))
    }
}

pub fn now() -> UtcTime {
    UtcTime::from_timestamp(jiff::Timestamp::now())
}

/// Resolves the session and language of every request.
pub async fn context(State(st): State<AppState>, mut req: Request, next: Next) -> Response {
    let jar = CookieJar::from_headers(req.headers());
    let bearer = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::to_string);
    if let Some(b) = bearer {
        let session = match st.service.token_actor(&b).await {
            Ok(a) => a.map(|actor| SessionInfo {
                display_name: actor.user.to_string(),
                actor,
                csrf: String::new(),
                language: None,
                time_zone: None,
                session_id: String::new(),
            }),
            Err(e) => return crate::AppError(e).into_response(),
        };
        if session.is_none() {
            let body = serde_json::json!({ "error": "the API token is unknown or revoked", "status": 401 });
            return (StatusCode::UNAUTHORIZED, axum::Json(body)).into_response();
        }
        req.extensions_mut().insert(Viewer {
            session,
            lang: Lang::En,
            via_token: true,
        });
        return next.run(req).await;
    }
    let session = match jar.get(SESSION_COOKIE) {
        Some(c) => match st.service.session(now(), c.value()).await {
            Ok(s) => s,
            Err(e) => return crate::AppError(e).into_response(),
        },
        None => None,
    };
    let chosen = session
        .as_ref()
        .and_then(|s| s.language.as_deref())
        .and_then(Lang::parse)
        .or_else(|| jar.get(LANG_COOKIE).and_then(|c| Lang::parse(c.value())));
    // Nobody chose: the facility's default language (a setting), before the browser's wish.
    let site = match chosen {
        Some(_) => None,
        None => match st.service.setting(SETTING_LANGUAGE).await {
            Ok(v) => v.as_deref().and_then(Lang::parse),
            Err(e) => return crate::AppError(e).into_response(),
        },
    };
    let lang = chosen.or(site).unwrap_or_else(|| {
        let accept = req
            .headers()
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        Lang::from_accept_language(accept)
    });
    req.extensions_mut().insert(Viewer {
        session,
        lang,
        via_token: false,
    });
    next.run(req).await
}

fn is_api(req: &Request) -> bool {
    req.uri().path().starts_with("/api/")
}

/// A refusal at the door, in the viewer's language: the app's page for a browser, JSON (English
/// `error` and `message_ja`) for the API.
pub(crate) fn refuse(
    viewer: Option<&Viewer>,
    api: bool,
    status: StatusCode,
    (ja, en): (String, String),
) -> Response {
    match viewer {
        Some(v) if !api => {
            let message = if v.lang == Lang::Ja { &ja } else { &en };
            (
                status,
                axum::response::Html(crate::pages::error_html(v, status, message)),
            )
                .into_response()
        }
        _ => {
            let mut body = crate::error::ApiError::plain(status, en, None);
            body.message_ja = Some(ja);
            body.into_response()
        }
    }
}

/// A catalogue text in both languages, for `refuse`.
pub(crate) fn both(key: &str) -> (String, String) {
    (Lang::Ja.t(key).to_string(), Lang::En.t(key).to_string())
}

/// The role guard of one route: `roles` may pass.
pub async fn guard(cap: Capability, req: Request, next: Next) -> Response {
    let api = is_api(&req);
    let Some(viewer) = req.extensions().get::<Viewer>().cloned() else {
        return refuse(
            None,
            api,
            StatusCode::INTERNAL_SERVER_ERROR,
            both("error.internal"),
        );
    };
    let Some(session) = viewer.session.clone() else {
        if api {
            return refuse(None, true, StatusCode::UNAUTHORIZED, both("error.signin"));
        }
        let next_path = req
            .uri()
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_default();
        let q: String = form_urlencoded::Serializer::new(String::new())
            .append_pair("next", &next_path)
            .finish();
        return Redirect::to(&format!("/login?{q}")).into_response();
    };
    if !viewer.can(cap) {
        let needed = |l: Lang| {
            let names: Vec<&str> = (cap.roles())
                .iter()
                .map(|r| l.t(&format!("role.{}", r.as_str())))
                .collect();
            l.t("error.forbidden").replace(
                "{roles}",
                &names.join(if l == Lang::Ja { "・" } else { ", " }),
            )
        };
        return refuse(
            Some(&viewer),
            api,
            StatusCode::FORBIDDEN,
            (needed(Lang::Ja), needed(Lang::En)),
        );
    }
    if req.method() == Method::POST && !viewer.via_token {
        let (req, ok) = match csrf_ok(req, &session.csrf, &viewer).await {
            Ok(x) => x,
            Err(r) => return r,
        };
        if !ok {
            return refuse(
                Some(&viewer),
                api,
                StatusCode::FORBIDDEN,
                both("error.csrf"),
            );
        }
        return next.run(req).await;
    }
    next.run(req).await
}

/// Finds the CSRF token in the `X-CSRF-Token` header, the `csrf` query parameter or an urlencoded
/// form body (read and put back), and compares it with the session's.
async fn csrf_ok(
    req: Request,
    expected: &str,
    viewer: &Viewer,
) -> Result<(Request, bool), Response> {
    let header_token = req
        .headers()
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let query_token = req.uri().query().and_then(|q| {
        form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k == "csrf")
            .map(|(_, v)| v.into_owned())
    });
    if let Some(t) = header_token.or(query_token) {
        return Ok((req, constant_eq(&t, expected)));
    }
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return Ok((req, false));
    }
    let (parts, body) = req.into_parts();
    let bytes = to_bytes(body, FORM_LIMIT).await.map_err(|_| {
        refuse(
            Some(viewer),
            false,
            StatusCode::PAYLOAD_TOO_LARGE,
            both("error.too_large"),
        )
    })?;
    let ok = form_urlencoded::parse(&bytes).any(|(k, v)| k == "csrf" && constant_eq(&v, expected));
    Ok((Request::from_parts(parts, Body::from(bytes)), ok))
}

/// Compares without stopping at the first difference.
pub fn constant_eq(a: &str, b: &str) -> bool {
    secretome_service::auth::same(a, b)
}

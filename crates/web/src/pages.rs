//! Server-rendered pages: sign-in, language switch, the lot list and a lot's page (genealogy back to
//! the donor, steps, vials, audit). Handlers call the service and hand its read models to templates.

use crate::paging::{PageParams, Pager};
use crate::{
    AppError, AppState,
    auth::{LANG_COOKIE, SESSION_COOKIE, Viewer, constant_eq, now},
    ctx::PageCtx,
    security::{ClientAddr, safe_next},
};
use askama::Template;
use axum::{
    Extension, Form,
    extract::{Path, Query, State},
    http::{StatusCode, Uri, header},
    response::{Html, IntoResponse, Redirect, Response},
};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use secretome_domain::lot::LotStatus;
use secretome_service::{LotDetail, LotFilter, LotSummary, auth::SignInError};
use serde::Deserialize;

const LOGIN_CSRF_COOKIE: &str = "secretome_login_csrf";

/// A page that failed: the same status as the API, as an HTML page in the viewer's language.
pub struct PageError(AppError, Viewer);

impl PageError {
    pub fn new(e: secretome_service::ServiceError, v: &Viewer) -> PageError {
        PageError(AppError(e), v.clone())
    }
}

pub fn render<T: Template>(t: &T) -> Html<String> {
    Html(t.render().unwrap_or_else(|e| {
        tracing::error!(error = %e, "template failed");
        "template error".into()
    }))
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    c: PageCtx,
    status: u16,
    message: String,
}

pub fn error_html(v: &Viewer, status: StatusCode, message: &str) -> String {
    render(&ErrorPage {
        c: PageCtx::new(v, ""),
        status: status.as_u16(),
        message: message.to_string(),
    })
    .0
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let told = crate::messages::tell(&self.0.0);
        let page = error_html(&self.1, told.status, told.text(self.1.lang));
        (told.status, Html(page)).into_response()
    }
}

fn fail(v: &Viewer) -> impl FnOnce(secretome_service::ServiceError) -> PageError + '_ {
    move |e| PageError(AppError(e), v.clone())
}

/// Unknown addresses: the app's 404 page in the viewer's language (JSON under `/api/`).
pub async fn not_found(Extension(v): Extension<Viewer>, uri: axum::http::Uri) -> Response {
    let api = uri.path().starts_with("/api/");
    crate::auth::refuse(
        Some(&v),
        api,
        StatusCode::NOT_FOUND,
        crate::auth::both("error.not_found"),
    )
}

/// Rejections that axum's extractors answer as bare text (a body over the 2 MB limit, a form that
/// does not parse, a method the route does not take) become the app's refusal page in the viewer's
/// language, or JSON under `/api/`, so no request ends on a plain-text page.
pub async fn plain_refusals(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let api = req.uri().path().starts_with("/api/");
    let viewer = req.extensions().get::<Viewer>().cloned();
    let res = next.run(req).await;
    let status = res.status();
    let plain = res
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|v| v.starts_with("text/plain"));
    if !(status.is_client_error() && plain) {
        return res;
    }
    let key = match status {
        StatusCode::PAYLOAD_TOO_LARGE => "error.too_large",
        StatusCode::NOT_FOUND => "error.not_found",
        StatusCode::METHOD_NOT_ALLOWED => "error.method",
        _ => "error.bad_request",
    };
    crate::auth::refuse(viewer.as_ref(), api, status, crate::auth::both(key))
}

pub async fn home() -> Redirect {
    Redirect::to("/lots")
}

pub async fn stylesheet() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        include_str!("../static/app.css"),
    )
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    c: PageCtx,
    error: Option<String>,
    login_csrf: String,
    next: String,
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

fn login_page(
    v: &Viewer,
    jar: CookieJar,
    error: Option<String>,
    next: String,
    status: StatusCode,
) -> Response {
    let token = secretome_service::auth::new_token().unwrap_or_default();
    // Path `/`: the signed-out language switch (`POST /lang`) checks it too.
    let cookie = Cookie::build((LOGIN_CSRF_COOKIE, token.clone()))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .build();
    let mut c = PageCtx::new(v, "/login");
    if v.session.is_none() {
        c.csrf = token.clone();
    }
    let page = LoginPage {
        c,
        error,
        login_csrf: token,
        next,
    };
    (status, jar.add(cookie), render(&page)).into_response()
}

pub async fn login_form(
    Extension(v): Extension<Viewer>,
    jar: CookieJar,
    Query(q): Query<NextQuery>,
) -> Response {
    login_page(&v, jar, None, safe_next(q.next.as_deref()), StatusCode::OK)
}

#[derive(Deserialize)]
pub struct LoginForm {
    user: String,
    password: String,
    csrf: String,
    next: Option<String>,
}

pub async fn login(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Extension(client): Extension<ClientAddr>,
    jar: CookieJar,
    Form(f): Form<LoginForm>,
) -> Result<Response, PageError> {
    let next = safe_next(f.next.as_deref());
    let expected = jar
        .get(LOGIN_CSRF_COOKIE)
        .map(|c| c.value().to_string())
        .unwrap_or_default();
    if expected.is_empty() || !constant_eq(&f.csrf, &expected) {
        let msg = v.lang.t("signin.expired").to_string();
        return Ok(login_page(&v, jar, Some(msg), next, StatusCode::FORBIDDEN));
    }
    match st
        .service
        .sign_in_from(now(), f.user.trim(), &f.password, client.0.as_deref())
        .await
        .map_err(fail(&v))?
    {
        Ok(s) => {
            let cookie = Cookie::build((SESSION_COOKIE, s.token))
                .path("/")
                .http_only(true)
                .same_site(SameSite::Strict)
                .build();
            Ok((jar.add(cookie), Redirect::to(&next)).into_response())
        }
        Err(e) => {
            let t = |key: &str| v.lang.t(key).to_string();
            let (msg, status, wait) = match e {
                SignInError::Wrong => (t("signin.wrong"), StatusCode::UNAUTHORIZED, None),
                SignInError::Throttled { retry_after_secs } => (
                    t("signin.throttled").replace("{secs}", &retry_after_secs.to_string()),
                    StatusCode::TOO_MANY_REQUESTS,
                    Some(retry_after_secs),
                ),
                SignInError::Inactive => (t("signin.inactive"), StatusCode::FORBIDDEN, None),
            };
            let mut res = login_page(&v, jar, Some(msg), next, status);
            if let Some(secs) = wait {
                res.headers_mut()
                    .insert(header::RETRY_AFTER, header::HeaderValue::from(secs));
            }
            Ok(res)
        }
    }
}

pub async fn logout(State(st): State<AppState>, jar: CookieJar) -> Result<Response, AppError> {
    if let Some(c) = jar.get(SESSION_COOKIE) {
        st.service.sign_out(c.value()).await?;
    }
    Ok((
        jar.remove(Cookie::build(SESSION_COOKIE).path("/")),
        Redirect::to("/login"),
    )
        .into_response())
}

#[derive(Deserialize)]
pub struct LangForm {
    to: String,
    back: Option<String>,
    csrf: Option<String>,
}

/// Switches the language: stored on the user when signed in, kept in a cookie otherwise. Like every
/// POST it needs a CSRF token: the session's, or signed out the sign-in form's (double-submitted as
/// its cookie).
pub async fn set_lang(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    jar: CookieJar,
    Form(f): Form<LangForm>,
) -> Result<Response, PageError> {
    let Some(lang) = crate::i18n::Lang::parse(&f.to) else {
        return Err(PageError(
            AppError(
                secretome_domain::DomainError::invalid("to", secretome_domain::Why::Choose).into(),
            ),
            v,
        ));
    };
    let expected = match &v.session {
        Some(s) => s.csrf.clone(),
        None => jar
            .get(LOGIN_CSRF_COOKIE)
            .map(|c| c.value().to_string())
            .unwrap_or_default(),
    };
    if expected.is_empty() || !f.csrf.as_deref().is_some_and(|t| constant_eq(t, &expected)) {
        return Ok((
            StatusCode::FORBIDDEN,
            Html(error_html(
                &v,
                StatusCode::FORBIDDEN,
                v.lang.t("error.csrf"),
            )),
        )
            .into_response());
    }
    if let Some(s) = &v.session {
        st.service
            .set_language(&s.actor, now(), lang.code())
            .await
            .map_err(fail(&v))?;
    }
    let cookie = Cookie::build((LANG_COOKIE, lang.code()))
        .path("/")
        .same_site(SameSite::Lax)
        .build();
    Ok((jar.add(cookie), Redirect::to(&safe_next(f.back.as_deref()))).into_response())
}

#[derive(Template)]
#[template(path = "lots.html")]
struct LotsPage {
    c: PageCtx,
    rows: Vec<LotSummary>,
    filter: LotFilter,
    pager: Pager,
}

impl LotsPage {
    fn statuses(&self) -> &'static [LotStatus] {
        &LotStatus::ALL
    }
    fn is(&self, v: &Option<String>, s: &str) -> bool {
        v.as_deref() == Some(s)
    }
    fn val<'a>(&self, v: &'a Option<String>) -> &'a str {
        v.as_deref().unwrap_or("")
    }
}

/// The lot list: newest first, a page at a time, filtered by state, product and date made.
pub async fn lots(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    uri: Uri,
    Query(filter): Query<LotFilter>,
    Query(p): Query<PageParams>,
) -> Result<Html<String>, PageError> {
    let page = st
        .service
        .lots_page(&filter, p.cursor(), p.limit)
        .await
        .map_err(fail(&v))?;
    let pager = Pager::new(
        uri.path(),
        &[
            ("status", filter.status.as_deref()),
            ("product", filter.product.as_deref()),
            ("from", filter.from.as_deref()),
            ("to", filter.to.as_deref()),
        ],
        &page,
    );
    Ok(render(&LotsPage {
        c: PageCtx::new(&v, uri.path()),
        rows: page.rows,
        filter,
        pager,
    }))
}

#[derive(Template)]
#[template(path = "lot.html")]
struct LotPage {
    c: PageCtx,
    d: LotDetail,
}

pub async fn lot(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    uri: Uri,
    Path(id): Path<String>,
) -> Result<Html<String>, PageError> {
    let (d, names) = st.service.lot_detail_named(&id).await.map_err(fail(&v))?;
    Ok(render(&LotPage {
        c: PageCtx::new(&v, uri.path()).with_names(names),
        d,
    }))
}

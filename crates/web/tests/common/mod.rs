//! Test support for the web crate: a demo facility with its sign-ins, and requests with cookies.

#![allow(dead_code)]

use axum::{body::Body, http::Request};
use http_body_util::BodyExt;
use secretome_domain::UtcTime;
use secretome_service::{Service, demo};
use std::sync::Arc;
use tower::ServiceExt;

pub fn now() -> UtcTime {
    UtcTime::from_timestamp(jiff::Timestamp::now())
}

/// The demo facility (made an hour ago) with the demo passwords, on the given store.
pub async fn demo_app(store: secretome_store::SqlStore) -> (axum::Router, Service) {
    let svc = Service::new(Arc::new(store))
        .with_password_hashing(secretome_service::auth::PasswordHashing::cheap_for_tests());
    demo::build(&svc, now().plus_hours(-1.0).unwrap())
        .await
        .unwrap();
    svc.set_demo_passwords(now()).await.unwrap();
    (secretome_web::router(svc.clone()), svc)
}

pub struct Res {
    pub status: u16,
    pub location: String,
    pub set_cookies: Vec<String>,
    pub body: String,
}

pub async fn send(app: &axum::Router, req: Request<Body>) -> Res {
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status().as_u16();
    let location = res
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let set_cookies = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(str::to_string)
        .collect();
    let body =
        String::from_utf8_lossy(&res.into_body().collect().await.unwrap().to_bytes()).into_owned();
    Res {
        status,
        location,
        set_cookies,
        body,
    }
}

/// A session for `user` (password `demo`): (cookie header value, csrf token).
pub async fn session(svc: &Service, user: &str) -> (String, String) {
    let s = svc.sign_in(now(), user, "demo").await.unwrap().unwrap();
    (format!("secretome_session={}", s.token), s.csrf)
}

pub async fn get(app: &axum::Router, path: &str, cookie: Option<&str>) -> Res {
    let mut b = Request::get(path);
    if let Some(c) = cookie {
        b = b.header("cookie", c);
    }
    send(app, b.body(Body::empty()).unwrap()).await
}

pub async fn post_form(
    app: &axum::Router,
    path: &str,
    cookie: Option<&str>,
    form: &[(&str, &str)],
) -> Res {
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(form)
        .finish();
    let mut b = Request::post(path).header("content-type", "application/x-www-form-urlencoded");
    if let Some(c) = cookie {
        b = b.header("cookie", c);
    }
    send(app, b.body(Body::from(body)).unwrap()).await
}

/// A sterilising filtration of `lot` (0.22 µm, rated, with its filter lot) and a passing
/// post-use integrity test, recorded by the operator now.
pub async fn sterile_filtration(svc: &secretome_service::Service, lot: &str) {
    use secretome_domain::facility::{IntegrityMethod, IntegrityStage};
    use secretome_service::facility::{NewFiltration, NewIntegrityTest};
    let op = svc.actor("operator").await.unwrap();
    let t = now();
    let f = svc
        .record_sterile_filtration(
            &op,
            t,
            NewFiltration {
                lot: lot.into(),
                filter_maker: "Merck Millipore".into(),
                filter_model: "Millipak-20".into(),
                filter_lot: "R1HB12345".into(),
                pore_um: 0.22,
                sterilising_grade: true,
                room: None,
                performed_at: t,
            },
        )
        .await
        .unwrap();
    svc.record_integrity_test(
        &op,
        t,
        NewIntegrityTest {
            filtration: f.id,
            stage: IntegrityStage::PostUse,
            method: IntegrityMethod::BubblePoint,
            maker_limit: 3.45,
            measured: 3.7,
            unit: "bar".into(),
            tested_at: t,
        },
    )
    .await
    .unwrap();
}

/// A JSON POST as `who` (session cookie, CSRF token): the status and the JSON answer (Null when
/// the body is not JSON).
pub async fn post_json(
    app: &axum::Router,
    path: &str,
    who: &(String, String),
    body: serde_json::Value,
) -> (u16, serde_json::Value) {
    post_json_as(app, path, Some(who), body).await
}

/// A JSON POST, signed in or not.
pub async fn post_json_as(
    app: &axum::Router,
    path: &str,
    who: Option<&(String, String)>,
    body: serde_json::Value,
) -> (u16, serde_json::Value) {
    let mut b = Request::post(path).header("content-type", "application/json");
    if let Some((cookie, csrf)) = who {
        b = b.header("cookie", cookie).header("x-csrf-token", csrf);
    }
    let r = send(app, b.body(Body::from(body.to_string())).unwrap()).await;
    (
        r.status,
        serde_json::from_str(&r.body).unwrap_or(serde_json::Value::Null),
    )
}

// --- bad input through the forms (record_forms.rs, every_error_at_once.rs)

/// A date weeks after the moment of entry (the observation dated 2027-01-15, made relative
/// so the test keeps meaning the future).
pub fn future() -> String {
    now().plus_hours(24.0 * 50.0).unwrap().to_string()
}
pub fn ago(hours: f64) -> String {
    now().plus_hours(-hours).unwrap().to_string()
}

/// Posts `form` as `who`: it must be refused (422) with the error shown next to `field`, and the
/// audit event count must not move. Returns the page.
pub async fn refused(
    app: &axum::Router,
    svc: &secretome_service::Service,
    who: &(String, String),
    path: &str,
    form: &[(&str, &str)],
    field: &str,
) -> String {
    refused_all(app, svc, who, path, form, &[field]).await
}

/// Like `refused`, with an error next to each of `fields` at once (every bad field, not only the
/// first).
pub async fn refused_all(
    app: &axum::Router,
    svc: &secretome_service::Service,
    who: &(String, String),
    path: &str,
    form: &[(&str, &str)],
    fields: &[&str],
) -> String {
    let before = svc.store().event_count().await.unwrap();
    let mut all = form.to_vec();
    all.push(("csrf", &who.1));
    let r = post_form(app, path, Some(&who.0), &all).await;
    assert_eq!(
        r.status,
        422,
        "{path} {form:?}: {}",
        &r.body[..r.body.len().min(2000)]
    );
    for field in fields {
        let marker = format!("id=\"err-{field}\"");
        assert!(
            r.body.contains(&marker),
            "{path}: no error next to {field}: {}",
            r.body
                .find("field-error")
                .map(|i| &r.body[i..(i + 600).min(r.body.len())])
                .unwrap_or("(no field error at all)")
        );
    }
    assert_eq!(
        svc.store().event_count().await.unwrap(),
        before,
        "{path}: nothing may be written"
    );
    r.body
}

/// The text of the error shown next to `field`.
pub fn error_at(body: &str, field: &str) -> String {
    body.split(&format!("id=\"err-{field}\">"))
        .nth(1)
        .and_then(|r| r.split('<').next())
        .unwrap_or("")
        .to_string()
}

/// The ids linked as `href="{prefix}…"` in a page, in order.
pub fn linked(body: &str, prefix: &str) -> Vec<String> {
    body.split(&format!("href=\"{prefix}"))
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(str::to_string)
        .collect()
}

/// The target of the link whose element has `id="{id}"` (a pager's previous/next), unescaped.
pub fn link(body: &str, id: &str) -> Option<String> {
    let at = body.find(&format!("id=\"{id}\""))?;
    let start = body[..at].rfind("href=\"")? + 6;
    let end = start + body[start..].find('"')?;
    Some(body[start..end].replace("&amp;", "&"))
}

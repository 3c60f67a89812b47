//! The doors (issue 18) through the router on both backends: redirect targets, the signed-out
//! language switch behind CSRF, one answer for unknown and known names, back-off answered 429 with
//! Retry-After and lifted by an admin, security headers and Secure cookies.

use crate::common;
use axum::{body::Body, http::Request};
use common::*;
use http_body_util::BodyExt;
use secretome_store::{Table, testing::stores};
use secretome_web::{SecureCookies, WebConfig};
use tower::ServiceExt;

fn cookie_value(set_cookies: &[String], name: &str) -> Option<String> {
    set_cookies.iter().find_map(|c| {
        c.strip_prefix(&format!("{name}="))
            .map(|v| v.split(';').next().unwrap_or("").to_string())
    })
}

fn hidden(body: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    body.split(&marker)
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap_or("")
        .to_string()
}

/// The sign-in form's CSRF token and the cookie header that carries it.
async fn login_token(app: &axum::Router) -> (String, String) {
    let form = get(app, "/login", None).await;
    let token = cookie_value(&form.set_cookies, "secretome_login_csrf").unwrap();
    (token.clone(), format!("secretome_login_csrf={token}"))
}

/// A sign-in attempt: (status, Retry-After, body with the form's fresh token blanked).
async fn attempt(
    app: &axum::Router,
    user: &str,
    password: &str,
    forwarded_for: Option<&str>,
) -> (u16, Option<String>, String) {
    let (token, jar) = login_token(app).await;
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs([
            ("user", user),
            ("password", password),
            ("csrf", &token),
            ("next", "/lots"),
        ])
        .finish();
    let mut b = Request::post("/login")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("cookie", jar);
    if let Some(ip) = forwarded_for {
        b = b.header("x-forwarded-for", ip);
    }
    let res = app
        .clone()
        .oneshot(b.body(Body::from(body)).unwrap())
        .await
        .unwrap();
    let status = res.status().as_u16();
    let retry = res
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    let page = String::from_utf8_lossy(&bytes).into_owned();
    let fresh = hidden(&page, "csrf");
    (status, retry, page.replace(&fresh, "TOKEN"))
}

#[tokio::test]
async fn tab_and_other_foreign_redirects_are_refused_and_the_signed_out_switch_needs_its_token() {
    for (backend, store) in stores("doors_redirect").await {
        let (app, _svc) = demo_app(store).await;
        // The sign-in form keeps only a local `next`.
        let r = get(&app, "/login?next=%2F%09%2Fevil.example", None).await;
        let form = r.body.split("id=\"login-form\"").nth(1).unwrap();
        assert_eq!(hidden(form, "next"), "/lots", "{backend:?}");
        let r = get(&app, "/login?next=%2Flots%2FL-2026-001", None).await;
        let form = r.body.split("id=\"login-form\"").nth(1).unwrap();
        assert_eq!(hidden(form, "next"), "/lots/L-2026-001");

        // POST /lang signed out: without the sign-in form's token refused, nothing set.
        let r = post_form(&app, "/lang", None, &[("to", "en"), ("back", "/login")]).await;
        assert_eq!(r.status, 403, "{backend:?}");
        assert!(cookie_value(&r.set_cookies, "secretome_lang").is_none());
        // With it (the language switch on the sign-in page carries it), the switch works…
        let page = get(&app, "/login", None).await;
        let token = cookie_value(&page.set_cookies, "secretome_login_csrf").unwrap();
        let switch = page.body.split("action=\"/lang\"").nth(1).unwrap();
        assert_eq!(
            hidden(switch, "csrf"),
            token,
            "the switch form carries the token"
        );
        let jar = format!("secretome_login_csrf={token}");
        let r = post_form(
            &app,
            "/lang",
            Some(&jar),
            &[("to", "en"), ("back", "/login"), ("csrf", &token)],
        )
        .await;
        assert_eq!((r.status, r.location.as_str()), (303, "/login"));
        assert_eq!(
            cookie_value(&r.set_cookies, "secretome_lang").as_deref(),
            Some("en")
        );
        // …but a TAB (or any other foreign) target is never followed.
        for back in [
            "/\t/evil.example",
            "//evil.example",
            "/\\evil.example",
            "https://evil.example",
        ] {
            let r = post_form(
                &app,
                "/lang",
                Some(&jar),
                &[("to", "ja"), ("back", back), ("csrf", &token)],
            )
            .await;
            assert_eq!((r.status, r.location.as_str()), (303, "/lots"), "{back:?}");
        }
    }
}

#[tokio::test]
async fn unknown_and_known_names_get_the_same_answer_and_both_are_verified() {
    for (backend, store) in stores("doors_uniform").await {
        let (app, svc) = demo_app(store).await;
        let before = svc.password_verifications();
        let known = attempt(&app, "qa", "not-the-password", None).await;
        let unknown = attempt(&app, "no-such-user", "not-the-password", None).await;
        assert_eq!(known.0, 401, "{backend:?}");
        assert_eq!(known, unknown, "same status, same page");
        assert_eq!(
            svc.password_verifications(),
            before + 2,
            "the unknown name was verified too (dummy hash)"
        );
    }
}

#[tokio::test]
async fn repeated_failures_answer_429_with_retry_after_until_an_admin_unlocks() {
    for (backend, store) in stores("doors_throttle").await {
        let (app, svc) = demo_app(store).await;
        for _ in 0..6 {
            assert_eq!(attempt(&app, "qa", "guess", None).await.0, 401);
        }
        // Backing off: even the right password waits, and says how long.
        let (status, retry, body) = attempt(&app, "qa", "demo", None).await;
        assert_eq!(status, 429, "{backend:?}");
        assert!(
            retry
                .as_deref()
                .is_some_and(|s| s.parse::<u64>().unwrap() >= 1)
        );
        assert!(body.contains("サインインの失敗が続いています"), "{body}");
        // An unknown name backs off exactly the same way.
        for _ in 0..6 {
            attempt(&app, "ghost", "guess", None).await;
        }
        assert_eq!(attempt(&app, "ghost", "guess", None).await.0, 429);
        // Other accounts are not locked out by it.
        assert_eq!(attempt(&app, "qc", "demo", None).await.0, 303);

        // The administrator sees the account and unlocks it, with a reason, audited.
        let (admin, csrf) = session(&svc, "admin").await;
        let list = get(&app, "/admin/sign-ins", Some(&admin)).await;
        assert!(
            list.body.contains("data-key=\"account:qa\""),
            "{}",
            list.body
        );
        let r = post_form(
            &app,
            "/admin/sign-ins/unlock",
            Some(&admin),
            &[("csrf", &csrf), ("user", "qa"), ("reason", "")],
        )
        .await;
        assert_eq!(r.status, 422, "the reason is required");
        let r = post_form(
            &app,
            "/admin/sign-ins/unlock",
            Some(&admin),
            &[
                ("csrf", &csrf),
                ("user", "qa"),
                ("reason", "verified by phone"),
            ],
        )
        .await;
        assert_eq!(r.status, 303);
        let actions: Vec<String> = svc
            .store()
            .events_for(Table::Credential, "qa")
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.action)
            .collect();
        assert!(actions.iter().any(|a| a == "user.sign_in_throttled"));
        assert!(actions.iter().any(|a| a == "user.unlock"));
        assert_eq!(attempt(&app, "qa", "demo", None).await.0, 303);
    }
}

#[tokio::test]
async fn one_client_address_spraying_many_names_backs_off_too() {
    let (store, _) = secretome_store::testing::sqlite_store("doors_address").await;
    let (_, svc) = demo_app(store).await;
    let app = secretome_web::router_with(
        svc,
        WebConfig {
            trust_proxy: true,
            ..WebConfig::default()
        },
    );
    for i in 0..secretome_service::throttle::ADDRESS_FREE {
        let name = format!("user{i}");
        assert_eq!(attempt(&app, &name, "x", Some("203.0.113.7")).await.0, 401);
    }
    assert_eq!(
        attempt(&app, "user-new", "x", Some("203.0.113.7")).await.0,
        401
    );
    assert_eq!(
        attempt(&app, "qa", "demo", Some("203.0.113.7")).await.0,
        429,
        "the address waits, whatever the name"
    );
    assert_eq!(
        attempt(&app, "qa", "demo", Some("198.51.100.2")).await.0,
        303
    );
}

async fn headers_of(app: &axum::Router, req: Request<Body>) -> axum::http::HeaderMap {
    app.clone().oneshot(req).await.unwrap().headers().clone()
}

#[tokio::test]
async fn every_answer_carries_the_security_headers_and_cookies_are_secure_behind_tls() {
    let (store, _) = secretome_store::testing::sqlite_store("doors_headers").await;
    let (app, svc) = demo_app(store).await;
    let (cookie, _) = session(&svc, "physician").await;
    for path in ["/login", "/lots", "/api/v1/lots", "/patients", "/nope"] {
        let h = headers_of(
            &app,
            Request::get(path)
                .header("cookie", &cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(
            csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"),
            "{path}: {csp}"
        );
        assert!(!csp.contains("unsafe-inline"));
        assert_eq!(h["x-frame-options"], "DENY");
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert_eq!(h["referrer-policy"], "same-origin");
        assert!(h.contains_key("permissions-policy"));
        assert_eq!(h["cache-control"], "no-store", "{path}");
    }
    let css = headers_of(
        &app,
        Request::get("/static/app.css").body(Body::empty()).unwrap(),
    )
    .await;
    assert_ne!(
        css.get("cache-control").map(|v| v.to_str().unwrap()),
        Some("no-store")
    );
    // Nothing inline that the CSP would block: no <script>, <style> or style="…" on the pages.
    let (operator, _) = session(&svc, "operator").await;
    for (path, who) in [
        ("/lots", &cookie),
        ("/lots/L-2026-001", &cookie),
        ("/patients", &cookie),
        ("/indications/stroke", &cookie),
        ("/trace?id=L-2026-002&dir=forward", &cookie),
        ("/batches/B-2026-001", &operator),
    ] {
        let r = get(&app, path, Some(who)).await;
        assert_eq!(r.status, 200, "{path}");
        for inline in ["<script", "<style", " style=", " onclick="] {
            assert!(!r.body.contains(inline), "{path} has {inline}");
        }
    }

    // Secure cookies: never over plain HTTP by default, always when configured, and behind a
    // trusted proxy that says the request came over TLS.
    let plain = attempt(&app, "qa", "demo", None).await;
    assert_eq!(plain.0, 303);
    let cases = [
        (SecureCookies::Always, false, None, true),
        (SecureCookies::Auto, true, Some("https"), true),
        (SecureCookies::Auto, false, Some("https"), false),
        (SecureCookies::Never, true, Some("https"), false),
    ];
    for (secure_cookies, trust_proxy, proto, secure) in cases {
        let app = secretome_web::router_with(
            svc.clone(),
            WebConfig {
                secure_cookies,
                trust_proxy,
            },
        );
        let mut b = Request::get("/login");
        if let Some(p) = proto {
            b = b.header("x-forwarded-proto", p);
        }
        let h = headers_of(&app, b.body(Body::empty()).unwrap()).await;
        let set = h["set-cookie"].to_str().unwrap();
        assert_eq!(
            set.contains("; Secure"),
            secure,
            "{secure_cookies:?} trust_proxy={trust_proxy} {proto:?}: {set}"
        );
    }
}

/// Refusals at the door are the app's own page in the viewer's language, with the navigation and a
/// way back: an unknown address (404), a role that may not open a page (403, naming the roles it
/// needs), an upload over the 2 MB limit (413, instead of axum's bare text); the API answers JSON.
#[tokio::test]
async fn refusal_pages_are_the_apps_own_in_the_viewers_language() {
    for (backend, store) in stores("doors_refusal_pages").await {
        let (app, svc) = demo_app(store).await;
        let (cookie, _) = session(&svc, "physician").await;
        let r = get(&app, "/no-such-page", Some(&cookie)).await;
        assert_eq!(r.status, 404, "{backend:?}");
        assert!(r.body.contains("このページはありません"), "{}", r.body);
        assert!(r.body.contains("<nav") && r.body.contains("href=\"/lots\""));

        let r = get(&app, "/api/v1/no-such-thing", Some(&cookie)).await;
        assert_eq!(r.status, 404);
        let j: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(j["status"], 404);
        assert!(
            j["message_ja"]
                .as_str()
                .unwrap()
                .contains("ページはありません")
        );

        let r = get(&app, "/admin/users", Some(&cookie)).await;
        assert_eq!(r.status, 403);
        assert!(
            r.body.contains("権限がありません") && r.body.contains("管理者"),
            "{}",
            r.body
        );
        assert!(!r.body.contains("may not do this"));

        let (qc_cookie, qc_csrf) = session(&svc, "qc").await;
        let big = vec![b'x'; 3 * 1024 * 1024];
        let mut body =
            b"--XX\r\nContent-Disposition: form-data; name=\"plate\"; filename=\"p.csv\"\r\n\r\n"
                .to_vec();
        body.extend_from_slice(&big);
        body.extend_from_slice(b"\r\n--XX--\r\n");
        let before = svc.store().event_count().await.unwrap();
        let r = send(
            &app,
            Request::post("/lots/L-2026-007/plates")
                .header("cookie", &qc_cookie)
                .header("x-csrf-token", &qc_csrf)
                .header("content-type", "multipart/form-data; boundary=XX")
                .body(Body::from(body))
                .unwrap(),
        )
        .await;
        assert_eq!(r.status, 413);
        assert!(
            r.body.contains("上限 2 MB") && r.body.contains("<nav"),
            "{}",
            r.body
        );
        assert!(!r.body.contains("Failed to buffer"));
        assert_eq!(
            svc.store().event_count().await.unwrap(),
            before,
            "nothing recorded"
        );
    }
}

//! Signing in through the pages, in Japanese and in English; lock-out shown; sign-out ends the session.

use crate::common;
use common::*;
use secretome_store::testing::stores;

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

#[tokio::test]
async fn sign_in_through_the_form_and_out_again() {
    for (backend, store) in stores("signin").await {
        let (app, _svc) = demo_app(store).await;
        let r = get(&app, "/lots", None).await;
        assert_eq!(r.status, 303);
        let form = get(&app, "/login?next=%2Flots%2FL-2026-001", None).await;
        assert!(form.body.contains("サインイン"), "Japanese by default");
        let login_csrf = cookie_value(&form.set_cookies, "secretome_login_csrf").unwrap();
        let login_form = form.body.split("id=\"login-form\"").nth(1).unwrap();
        assert_eq!(hidden(login_form, "csrf"), login_csrf);
        let jar = format!("secretome_login_csrf={login_csrf}");

        let bad = post_form(
            &app,
            "/login",
            Some(&jar),
            &[
                ("user", "qa"),
                ("password", "nope"),
                ("csrf", &login_csrf),
                ("next", "/lots"),
            ],
        )
        .await;
        assert_eq!(bad.status, 401, "{backend:?}");
        assert!(bad.body.contains("ユーザー名またはパスワードが違います"));

        let forged = post_form(
            &app,
            "/login",
            Some(&jar),
            &[
                ("user", "qa"),
                ("password", "demo"),
                ("csrf", "x"),
                ("next", "/lots"),
            ],
        )
        .await;
        assert_eq!(forged.status, 403);

        let ok = post_form(
            &app,
            "/login",
            Some(&jar),
            &[
                ("user", "qa"),
                ("password", "demo"),
                ("csrf", &login_csrf),
                ("next", "/lots/L-2026-001"),
            ],
        )
        .await;
        assert_eq!(ok.status, 303);
        assert_eq!(ok.location, "/lots/L-2026-001");
        let token = cookie_value(&ok.set_cookies, "secretome_session").unwrap();
        assert!(
            ok.set_cookies
                .iter()
                .any(|c| c.contains("HttpOnly") && c.contains("SameSite=Strict"))
        );
        let cookie = format!("secretome_session={token}");
        let page = get(&app, "/lots/L-2026-001", Some(&cookie)).await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("由来 (トレーサビリティ)"));

        // switch to English: stored for the user
        let csrf = hidden(&page.body, "csrf");
        let sw = post_form(
            &app,
            "/lang",
            Some(&cookie),
            &[("to", "en"), ("back", "/lots"), ("csrf", &csrf)],
        )
        .await;
        assert_eq!(sw.status, 303);
        let en = get(&app, "/lots", Some(&cookie)).await;
        assert!(
            en.body.contains("<h1>Lots</h1>"),
            "{}",
            &en.body[..en.body.len().min(600)]
        );
        assert!(en.body.contains("Released"));

        let out = post_form(&app, "/logout", Some(&cookie), &[("csrf", &csrf)]).await;
        assert_eq!(out.status, 303);
        assert_eq!(
            get(&app, "/lots", Some(&cookie)).await.status,
            303,
            "session ended"
        );
    }
}

#[tokio::test]
async fn english_browser_gets_english_and_open_redirects_are_refused() {
    let (store, _) = secretome_store::testing::sqlite_store("accept_lang").await;
    let (app, _) = demo_app(store).await;
    let req = axum::http::Request::get("/login?next=https://evil.example/")
        .header("accept-language", "en-GB,en;q=0.9")
        .body(axum::body::Body::empty())
        .unwrap();
    let r = send(&app, req).await;
    assert!(r.body.contains("User name"));
    assert_eq!(
        hidden(r.body.split("id=\"login-form\"").nth(1).unwrap(), "next"),
        "/lots"
    );
}

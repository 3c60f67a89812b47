//! The administration pages end to end on SQLite and PostgreSQL: an admin adds a user with a role
//! and password and that user signs in; a weak password is shown next to its field; an API token's
//! secret is shown once, works as a bearer token until revoked, and never appears on the list.

use crate::common;
use axum::{body::Body, http::Request};
use common::*;
use secretome_store::testing::stores;

/// The text of the element with `id` (up to its closing tag).
fn by_id(body: &str, id: &str) -> Option<String> {
    let at = body.find(&format!("id=\"{id}\""))?;
    let rest = &body[at..];
    let start = rest.find('>')? + 1;
    let end = rest[start..].find('<')? + start;
    Some(rest[start..end].to_string())
}

#[tokio::test]
async fn admin_adds_a_user_who_can_sign_in() {
    for (backend, store) in stores("admin_users").await {
        let (app, svc) = demo_app(store).await;
        let (cookie, csrf) = session(&svc, "admin").await;
        let r = get(&app, "/admin/users", Some(&cookie)).await;
        assert_eq!(r.status, 200, "{backend:?}");
        assert!(r.body.contains("id=\"user-qa\""), "{backend:?}");

        // a weak password: shown next to the password field, and nobody is created
        let weak = [
            ("csrf", csrf.as_str()),
            ("id", "tanaka"),
            ("display_name", "田中 三郎"),
            ("site", "CPC-TOKYO"),
            ("roles", "qc"),
            ("password", "1234567"),
        ];
        let r = post_form(&app, "/admin/users", Some(&cookie), &weak).await;
        assert_eq!(r.status, 422, "{backend:?} {}", r.body);
        let err = by_id(&r.body, "err-password").unwrap_or_default();
        // In the page's language (Japanese), with the length it asks for.
        assert!(err.contains("8 文字以上"), "{backend:?} {err}");
        assert!(!r.body.contains("id=\"user-tanaka\""), "{backend:?}");
        assert!(r.body.contains("value=\"tanaka\""), "typed id kept");

        let ok = [
            ("csrf", csrf.as_str()),
            ("id", "tanaka"),
            ("display_name", "田中 三郎"),
            ("site", "CPC-TOKYO"),
            ("roles", "qc"),
            ("roles", "operator"),
            ("password", "kakunin-2026"),
        ];
        let r = post_form(&app, "/admin/users", Some(&cookie), &ok).await;
        assert_eq!(r.status, 303, "{backend:?} {}", r.body);
        let s = svc
            .sign_in(now(), "tanaka", "kakunin-2026")
            .await
            .unwrap()
            .unwrap();
        assert!(
            s.actor.has(secretome_domain::Role::Qc)
                && s.actor.has(secretome_domain::Role::Operator)
        );
        let r = get(&app, "/admin/users", Some(&cookie)).await;
        assert!(r.body.contains("id=\"user-tanaka\""), "{backend:?}");

        // the same id again is refused; a new password is set from the list
        let r = post_form(&app, "/admin/users", Some(&cookie), &ok).await;
        assert!(
            r.status == 409 || r.status == 422,
            "{backend:?} {}",
            r.status
        );
        let path = "/admin/users/tanaka/password";
        let r = post_form(
            &app,
            path,
            Some(&cookie),
            &[("csrf", &csrf), ("password", "tanaka")],
        )
        .await;
        assert_eq!(r.status, 422, "{backend:?}");
        // In the page's language (Japanese), as every other refusal on it.
        let said = by_id(&r.body, "err-password").unwrap_or_default();
        assert!(
            said.contains("8 文字以上") && !said.contains("at least"),
            "{said}"
        );
        let r = post_form(
            &app,
            path,
            Some(&cookie),
            &[("csrf", &csrf), ("password", "atarashii-99")],
        )
        .await;
        assert_eq!(r.status, 200, "{backend:?} {}", r.body);
        assert!(
            svc.sign_in(now(), "tanaka", "atarashii-99")
                .await
                .unwrap()
                .is_ok()
        );
    }
}

async fn bearer(app: &axum::Router, path: &str, token: &str) -> Res {
    let req = Request::get(path)
        .header("authorization", format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap();
    send(app, req).await
}

#[tokio::test]
async fn an_api_token_is_shown_once_and_revocable() {
    for (backend, store) in stores("admin_tokens").await {
        let (app, svc) = demo_app(store).await;
        // QC issues a token for its own role; the admin sees every token.
        let (cookie, csrf) = session(&svc, "qc").await;
        let r = post_form(
            &app,
            "/admin/tokens",
            Some(&cookie),
            &[("csrf", &csrf), ("name", "LIMS export"), ("role", "")],
        )
        .await;
        assert_eq!(r.status, 422, "{backend:?}");
        assert!(
            by_id(&r.body, "err-role").is_some(),
            "{backend:?} {}",
            r.body
        );

        let r = post_form(
            &app,
            "/admin/tokens",
            Some(&cookie),
            &[("csrf", &csrf), ("name", "LIMS export"), ("role", "qc")],
        )
        .await;
        assert_eq!(r.status, 200, "{backend:?} {}", r.body);
        let secret = by_id(&r.body, "token-secret").unwrap_or_default();
        assert!(secret.starts_with("stk_tok-"), "{backend:?} {secret}");
        let id = secret
            .strip_prefix("stk_")
            .and_then(|s| s.rsplit_once('_'))
            .map(|(id, _)| id.to_string())
            .unwrap_or_default();

        let list = get(&app, "/admin/tokens", Some(&cookie)).await;
        assert_eq!(list.status, 200);
        assert!(
            list.body.contains(&format!("id=\"token-{id}\"")),
            "{backend:?}"
        );
        assert!(
            !list.body.contains(&secret),
            "{backend:?}: the list shows the secret"
        );
        assert!(!list.body.contains("token-secret"), "{backend:?}");

        assert_eq!(
            bearer(&app, "/api/v1/lots", &secret).await.status,
            200,
            "{backend:?}"
        );

        let revoke = format!("/admin/tokens/{id}/revoke");
        let r = post_form(
            &app,
            &revoke,
            Some(&cookie),
            &[("csrf", &csrf), ("reason", " ")],
        )
        .await;
        assert_eq!(r.status, 422, "{backend:?}");
        assert!(by_id(&r.body, "err-reason").is_some(), "{backend:?}");
        assert_eq!(bearer(&app, "/api/v1/lots", &secret).await.status, 200);

        let r = post_form(
            &app,
            &revoke,
            Some(&cookie),
            &[("csrf", &csrf), ("reason", "LIMS retired")],
        )
        .await;
        assert_eq!(r.status, 303, "{backend:?} {}", r.body);
        assert_eq!(
            bearer(&app, "/api/v1/lots", &secret).await.status,
            401,
            "{backend:?}"
        );
        let list = get(&app, "/admin/tokens", Some(&cookie)).await;
        assert!(!list.body.contains(&secret));
        assert!(
            !list.body.contains(&format!("id=\"revoke-form-{id}\"")),
            "{backend:?}"
        );

        // the admin's list shows QC's token; QC's list shows only QC's own; a role QC does not
        // hold cannot be given, and QC may not reach the users page
        let (admin, admin_csrf) = session(&svc, "admin").await;
        let all = get(&app, "/admin/tokens", Some(&admin)).await;
        assert!(
            all.body.contains(&format!("id=\"token-{id}\"")),
            "{backend:?}"
        );
        let r = post_form(
            &app,
            "/admin/tokens",
            Some(&admin),
            &[
                ("csrf", &admin_csrf),
                ("name", "admin's own"),
                ("role", "admin"),
            ],
        )
        .await;
        assert_eq!(r.status, 200);
        let mine = get(&app, "/admin/tokens", Some(&cookie)).await;
        assert_eq!(
            mine.body.matches("<tr id=\"token-").count(),
            1,
            "{backend:?}"
        );
        let r = post_form(
            &app,
            "/admin/tokens",
            Some(&cookie),
            &[("csrf", &csrf), ("name", "x"), ("role", "qa")],
        )
        .await;
        assert_eq!(r.status, 422, "{backend:?}");
        assert!(by_id(&r.body, "err-role").is_some());
        assert_eq!(get(&app, "/admin/users", Some(&cookie)).await.status, 403);
    }
}

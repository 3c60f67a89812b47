//! The web application over the demo facility, on both backends: the lot list shows every lot with
//! its state, a lot page shows its genealogy back to the donor and its vials, errors map to statuses.

mod common;
use common::*;
use secretome_store::testing::stores;

#[tokio::test]
async fn lots_and_lot_pages_show_the_facility() {
    for (backend, store) in stores("pages").await {
        let (app, svc) = demo_app(store).await;
        let (cookie, _) = session(&svc, "qa").await;
        let c = Some(cookie.as_str());

        let r = get(&app, "/lots", c).await;
        assert_eq!(r.status, 200, "{backend:?}");
        for (lot, state) in [
            ("L-2026-001", "released"),
            ("L-2026-002", "recalled"),
            ("L-2026-003", "rejected"),
            ("L-2026-005", "quarantine"),
            ("L-2026-007", "in_process"),
        ] {
            assert!(
                r.body.contains(&format!("href=\"/lots/{lot}\"")),
                "{lot} missing"
            );
            assert!(
                r.body.contains(&format!("data-state=\"{state}\"")),
                "{state} missing"
            );
        }
        assert!(r.body.contains("出荷可") && r.body.contains("ロット一覧"));

        let r = get(&app, "/lots/L-2026-001", c).await;
        assert_eq!(r.status, 200);
        for node in [
            "D-BM-001",
            "T-BM-001",
            "MCB-BM-001",
            "WCB-BM-001",
            "B-2026-001",
            "B-2026-002",
            "H-2026-001",
            "H-2026-002",
            "RM-SFM-2402",
        ] {
            assert!(r.body.contains(node), "genealogy lacks {node}");
        }
        assert_eq!(r.body.matches("<tr class=\"vial\">").count(), 40);
        assert!(r.body.contains("lot.release"), "audit history shown");
        assert!(r.body.contains("JST"), "times in Tokyo");

        let r = get(&app, "/lots/NOPE", c).await;
        assert_eq!(r.status, 404);
        assert!(r.body.contains("lot NOPE not found"));

        let r = get(&app, "/api/v1/lots/L-2026-004", c).await;
        assert_eq!(r.status, 200);
        let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(v["lot"]["status"], "released");
        assert_eq!(v["vials"].as_array().unwrap().len(), 40);
        let r = get(&app, "/api/v1/lots/NOPE", c).await;
        assert_eq!(r.status, 404);
        assert!(r.body.contains("\"status\":404"));
    }
}

#[tokio::test]
async fn planning_page_shows_calibration_and_a_plan() {
    let (store, _) = secretome_store::testing::sqlite_store("planpage").await;
    let (app, svc) = demo_app(store).await;
    let (cookie, _) = session(&svc, "operator").await;
    let r = get(&app, "/plan", Some(&cookie)).await;
    assert_eq!(r.status, 200);
    assert!(
        r.body.contains("id=\"calibration\"") && r.body.contains("臍帯 / umbilical cord"),
        "calibration table"
    );
    assert!(
        r.body.contains("class=\"secretion\"") && r.body.contains("B-2026-005:"),
        "measured vs predicted for finished batches"
    );
    assert!(
        r.body.contains("B-2026-010") && r.body.contains("data-track=\"on_plan\""),
        "running batches vs plan"
    );
    let r = get(
        &app,
        "/plan?source=umbilical-cord&vials=100&vial_ml=2&deadline=2099-12-31",
        Some(&cookie),
    )
    .await;
    assert_eq!(r.status, 200);
    assert!(
        r.body.contains("id=\"plan-steps\""),
        "{}",
        r.body.split("plan-error").nth(1).unwrap_or("")
    );
    assert!(r.body.contains("<svg"), "growth plot");
    let r = get(
        &app,
        "/plan?source=umbilical-cord&vials=100&vial_ml=-2&deadline=2099-12-31",
        Some(&cookie),
    )
    .await;
    assert!(
        r.body.contains("id=\"plan-error\"") && r.body.contains("vial_ml"),
        "error names the field"
    );
}

/// `GET path` as an English-speaking browser (Accept-Language en) with these cookies.
async fn get_as_english(app: &axum::Router, path: &str, cookie: Option<&str>) -> Res {
    let mut b = axum::http::Request::get(path).header("accept-language", "en-US,en;q=0.9");
    if let Some(c) = cookie {
        b = b.header("cookie", c);
    }
    send(app, b.body(axum::body::Body::empty()).unwrap()).await
}

#[tokio::test]
async fn the_facility_default_language_goes_before_the_browser_and_a_choice_before_both() {
    for (backend, store) in stores("site_language").await {
        let (app, svc) = demo_app(store).await;
        // Unset: an English browser gets English.
        let r = get_as_english(&app, "/login", None).await;
        assert!(r.body.contains("<html lang=\"en\""), "{backend:?}");

        // The administrator makes Japanese the facility's language; a wrong value names the field.
        let (admin, csrf) = session(&svc, "admin").await;
        let bad = [("csrf", csrf.as_str()), ("key", "ui.language"), ("value", "fr")];
        let r = post_form(&app, "/admin/settings", Some(&admin), &bad).await;
        assert_eq!(r.status, 422, "{backend:?}: {}", r.body);
        assert!(r.body.contains("fr"), "{backend:?}: the refused value is named");
        assert_eq!(svc.setting("ui.language").await.unwrap(), None, "nothing written");
        let ok = [("csrf", csrf.as_str()), ("key", "ui.language"), ("value", "ja")];
        let r = post_form(&app, "/admin/settings", Some(&admin), &ok).await;
        assert_eq!(r.status, 200, "{backend:?}");
        assert_eq!(svc.setting("ui.language").await.unwrap().as_deref(), Some("ja"));

        // Now an English browser that chose nothing gets the facility's Japanese …
        let r = get_as_english(&app, "/login", None).await;
        assert!(r.body.contains("<html lang=\"ja\"") && r.body.contains("サインイン"));
        let (qa, qa_csrf) = session(&svc, "qa").await;
        let r = get_as_english(&app, "/lots", Some(&qa)).await;
        assert!(r.body.contains("ロット一覧"), "{backend:?}: a user with no choice");
        // … a signed-out visitor's switch (the cookie) goes before it …
        let r = get_as_english(&app, "/login", Some("secretome_lang=en")).await;
        assert!(r.body.contains("<html lang=\"en\""), "{backend:?}: the cookie");
        // … and so does a user's own choice, kept on the user.
        let to_en = [("csrf", qa_csrf.as_str()), ("to", "en"), ("back", "/lots")];
        let r = post_form(&app, "/lang", Some(&qa), &to_en).await;
        assert_eq!(r.status, 303, "{backend:?}");
        let (qa2, _) = session(&svc, "qa").await;
        let r = get_as_english(&app, "/lots", Some(&qa2)).await;
        assert!(r.body.contains("<html lang=\"en\""), "{backend:?}: the user's choice");
    }
}

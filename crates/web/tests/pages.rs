//! The web application over the demo facility, on both backends: the lot list shows every lot with
//! its state, a lot page shows its genealogy back to the donor and its vials, errors map to statuses.

use crate::common;
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
        // In the page's language (coded refusal): names the lot and says it is not there.
        assert!(
            r.body.contains("NOPE")
                && (r.body.contains("not found") || r.body.contains("見つかりません")),
            "{}",
            r.body
        );

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
        r.body.contains("直近に上清回収した 120 件までの完了バッチ")
            && r.body.contains("播種の新しい 60 件まで"),
        "the page says which batches it calibrates on and compares"
    );
    assert!(
        r.body
            .contains("VEGF の分泌速度は推定していません: 測定済みバッチ 2 件 (3 件以上が必要)")
            && !r.body.contains("rate not fitted"),
        "the planner's notes in Japanese"
    );
    assert!(
        r.body.contains("id=\"calibration\"") && r.body.contains("<tr><td>臍帯</td>"),
        "calibration table, its cell source in Japanese"
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
    // The schedule and the planner's warnings in Japanese (the planner says them in both).
    let steps = r.body.split("id=\"plan-steps\"").nth(1).unwrap_or("");
    assert!(
        steps.contains("播種: ")
            && steps.contains("馴化培地を上清回収")
            && !steps.contains("seed "),
        "{steps}"
    );
    let r = get(
        &app,
        "/plan?source=umbilical-cord&vials=100&vial_ml=-2&deadline=2099-12-31",
        Some(&cookie),
    )
    .await;
    let error = r.body.split("id=\"plan-error\"").nth(1).unwrap_or("");
    assert!(
        error.contains("バイアル容量: 0 より大きい値を入力してください (入力値 -2)"),
        "the error names the field in Japanese: {error}"
    );
    let r = get_as_english(
        &app,
        "/plan?source=umbilical-cord&vials=100&vial_ml=-2&deadline=2099-12-31",
        Some(&cookie),
    )
    .await;
    let error = r.body.split("id=\"plan-error\"").nth(1).unwrap_or("");
    assert!(
        error.contains("target.vial_ml: must be greater than zero, got -2"),
        "and in English: {error}"
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
        let bad = [
            ("csrf", csrf.as_str()),
            ("key", "ui.language"),
            ("value", "fr"),
        ];
        let r = post_form(&app, "/admin/settings", Some(&admin), &bad).await;
        assert_eq!(r.status, 422, "{backend:?}: {}", r.body);
        assert!(
            r.body.contains("id=\"err-value\""),
            "{backend:?}: refused at the field"
        );
        assert_eq!(
            svc.setting("ui.language").await.unwrap(),
            None,
            "nothing written"
        );
        let ok = [
            ("csrf", csrf.as_str()),
            ("key", "ui.language"),
            ("value", "ja"),
        ];
        let r = post_form(&app, "/admin/settings", Some(&admin), &ok).await;
        assert_eq!(r.status, 200, "{backend:?}");
        assert_eq!(
            svc.setting("ui.language").await.unwrap().as_deref(),
            Some("ja")
        );

        // Now an English browser that chose nothing gets the facility's Japanese …
        let r = get_as_english(&app, "/login", None).await;
        assert!(r.body.contains("<html lang=\"ja\"") && r.body.contains("サインイン"));
        let (qa, qa_csrf) = session(&svc, "qa").await;
        let r = get_as_english(&app, "/lots", Some(&qa)).await;
        assert!(
            r.body.contains("ロット一覧"),
            "{backend:?}: a user with no choice"
        );
        // … a signed-out visitor's switch (the cookie) goes before it …
        let r = get_as_english(&app, "/login", Some("secretome_lang=en")).await;
        assert!(
            r.body.contains("<html lang=\"en\""),
            "{backend:?}: the cookie"
        );
        // … and so does a user's own choice, kept on the user.
        let to_en = [("csrf", qa_csrf.as_str()), ("to", "en"), ("back", "/lots")];
        let r = post_form(&app, "/lang", Some(&qa), &to_en).await;
        assert_eq!(r.status, 303, "{backend:?}");
        let (qa2, _) = session(&svc, "qa").await;
        let r = get_as_english(&app, "/lots", Some(&qa2)).await;
        assert!(
            r.body.contains("<html lang=\"en\""),
            "{backend:?}: the user's choice"
        );
    }
}

#[tokio::test]
async fn each_record_offers_the_steps_that_follow_it_and_links_only_where_the_viewer_may_go() {
    for (backend, store) in stores("next_steps").await {
        let (app, svc) = demo_app(store).await;
        let (op, _) = session(&svc, "operator").await;
        let op = Some(op.as_str());

        // A cell bank → seed a batch from it: the seeding form has the bank filled in (a text box
        // with the newest banks as suggestions).
        let r = get(&app, "/banks/WCB-BM-001", op).await;
        assert!(
            r.body
                .contains("href=\"/batches?bank=WCB-BM-001#seed-form\" id=\"seed-from-bank\""),
            "{backend:?}"
        );
        let r = get(&app, "/batches?bank=WCB-BM-001", op).await;
        assert!(
            r.body.contains(
                "id=\"f-cell_bank\" name=\"cell_bank\" list=\"bank-choices\" value=\"WCB-BM-001\""
            ),
            "{backend:?}"
        );

        // A harvested batch with supernatant left → pool it: the pooling form starts with it. (The
        // demo pools all it harvests: the operator harvests the batch still conditioning.)
        let actor = svc.actor("operator").await.unwrap();
        let mut harvested = false;
        let mut refusals = Vec::new();
        for n in 1..=12 {
            let b = format!("B-2026-{n:03}");
            let t = now();
            match svc
                .harvest(
                    &actor,
                    t,
                    &b,
                    "H-2026-901",
                    500.0,
                    t,
                    Some("harvested late"),
                )
                .await
            {
                Ok(_) => {
                    harvested = true;
                    break;
                }
                Err(e) => refusals.push(format!("{b}: {e}")),
            }
        }
        assert!(
            harvested,
            "{backend:?}: a demo batch is conditioning: {refusals:?}"
        );
        let mut pooled = None;
        for n in 1..=12 {
            let r = get(&app, &format!("/batches/B-2026-{n:03}"), op).await;
            if let Some(at) = r.body.find("<a href=\"/harvests?harvest=") {
                let rest = &r.body[at + "<a href=\"".len()..];
                pooled = Some(rest[..rest.find('"').unwrap()].replace("&amp;", "&"));
                break;
            }
        }
        let link = pooled.expect("a demo batch has a harvest left to pool");
        let harvest = link["/harvests?harvest=".len()..link.find('#').unwrap()].to_string();
        let r = get(&app, &link, op).await;
        assert!(
            r.body
                .contains(&format!("<option value=\"{harvest}\" selected>")),
            "{backend:?}: {harvest} chosen in the first row"
        );

        // A lot → processing and filling → QC → record review and release; the step due is marked.
        let (qa, _) = session(&svc, "qa").await;
        let qa = Some(qa.as_str());
        let r = get(&app, "/lots/L-2026-005", qa).await;
        let next = &r.body[r.body.find("id=\"lot-next\"").expect("next steps")..];
        let next = &next[..next.find("</ol>").unwrap()];
        for href in [
            "/lots/L-2026-005/processing",
            "/lots/L-2026-005/qc",
            "/lots/L-2026-005/record",
        ] {
            assert!(next.contains(&format!("href=\"{href}\"")), "{href}");
        }
        assert!(
            next.contains("class=\"now\" aria-current=\"step\"><a href=\"/lots/L-2026-005/qc\"")
        );
        // … and its genealogy entries are links to their records.
        let r = get(&app, "/lots/L-2026-001", qa).await;
        for href in [
            "/donors/D-BM-001",
            "/banks/MCB-BM-001",
            "/batches/B-2026-001",
            "/materials/RM-SFM-2402",
        ] {
            assert!(
                r.body.contains(&format!("href=\"{href}\"")),
                "{backend:?}: {href}"
            );
        }

        // Recall reports are for QA, physicians and the administrator: no link for QC.
        let (qc, _) = session(&svc, "qc").await;
        let r = get(&app, "/recalls", Some(&qc)).await;
        assert!(r.body.contains("data-recall=") && !r.body.contains("href=\"/recalls/"));
        let r = get(&app, "/recalls", qa).await;
        assert!(
            r.body.contains("href=\"/recalls/"),
            "{backend:?}: QA opens them"
        );
        // Freezer maps are not for physicians: a vial's location is text for them.
        let (doc, _) = session(&svc, "physician").await;
        let r = get(&app, "/lots/L-2026-004", Some(&doc)).await;
        let stored = r
            .body
            .split("<tr class=\"vial\">")
            .skip(1)
            .find(|row| !row.contains("<td class=\"mono\">—</td>"))
            .expect("a vial in a freezer");
        let rest = &stored[stored.find("href=\"").unwrap() + "href=\"".len()..];
        let vial = rest[..rest.find('"').unwrap()].to_string();
        let r = get(&app, &vial, Some(&doc)).await;
        assert_eq!(r.status, 200, "{vial}");
        assert!(r.body.contains("id=\"vial-location\"") && !r.body.contains("href=\"/freezers/"));
        let r = get(&app, &vial, qa).await;
        assert!(
            r.body.contains("href=\"/freezers/"),
            "{backend:?}: QA sees the map link"
        );
    }
}

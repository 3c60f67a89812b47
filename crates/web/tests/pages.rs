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

//! The web application over the demo facility, on both backends: the lot list shows every lot with
//! its state, a lot page shows its genealogy back to the donor and its vials, errors map to statuses.

use axum::{body::Body, http::Request};
use http_body_util::BodyExt;
use secretome_domain::UtcTime;
use secretome_service::{Service, demo};
use secretome_store::testing::stores;
use std::sync::Arc;
use tower::ServiceExt;

async fn get(app: &axum::Router, path: &str) -> (u16, String) {
    let res = app
        .clone()
        .oneshot(Request::get(path).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = res.status().as_u16();
    let body = res.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&body).into_owned())
}

#[tokio::test]
async fn lots_and_lot_pages_show_the_facility() {
    for (backend, store) in stores("pages").await {
        let svc = Service::new(Arc::new(store));
        demo::build(&svc, UtcTime::parse("now", "2026-11-25T03:00:00Z").unwrap())
            .await
            .unwrap();
        let app = secretome_web::router(svc);

        let (s, html) = get(&app, "/lots").await;
        assert_eq!(s, 200, "{backend:?}");
        for (lot, state) in [
            ("L-2026-001", "released"),
            ("L-2026-002", "recalled"),
            ("L-2026-003", "rejected"),
            ("L-2026-005", "quarantine"),
            ("L-2026-007", "in_process"),
        ] {
            assert!(
                html.contains(&format!("href=\"/lots/{lot}\"")),
                "{lot} missing"
            );
            assert!(
                html.contains(&format!("data-state=\"{state}\"")),
                "{state} missing"
            );
        }
        assert!(html.contains("出荷可") && html.contains("ロット一覧"));

        let (s, html) = get(&app, "/lots/L-2026-001").await;
        assert_eq!(s, 200);
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
            assert!(html.contains(node), "genealogy lacks {node}");
        }
        assert_eq!(html.matches("<tr class=\"vial\">").count(), 40);
        assert!(html.contains("lot.release"), "audit history shown");
        assert!(
            html.contains("(JST)") || html.contains("JST"),
            "times in Tokyo"
        );

        let (s, html) = get(&app, "/lots/NOPE").await;
        assert_eq!(s, 404);
        assert!(html.contains("lot NOPE not found"));

        let (s, json) = get(&app, "/api/v1/lots/L-2026-004").await;
        assert_eq!(s, 200);
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["lot"]["status"], "released");
        assert_eq!(v["vials"].as_array().unwrap().len(), 40);
        let (s, json) = get(&app, "/api/v1/lots/NOPE").await;
        assert_eq!(s, 404);
        assert!(json.contains("\"status\":404"));
    }
}

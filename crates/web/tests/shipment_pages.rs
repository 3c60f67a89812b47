//! The shipment pages and API through the router, on both backends: the demo's two shipments to
//! the clinic (one received, one quarantined by its logger's excursion, with the temperature plot);
//! an operator packs scanned vials and dispatches; the clinic receives (a vial missing is refused
//! on the field, in Japanese with the English kept); the logger file is uploaded (a bad cell is
//! named by line and column; an excursion quarantines exactly the shipment's vials); QA releases
//! with a reason; the API answers the same; the vial and lot pages link to the shipments.

use crate::common;
use axum::{body::Body, http::Request};
use common::*;
use secretome_domain::{
    isbt::{Din, ProductCode},
    vial::{Vial, VialStatus},
};
use secretome_service::Service;
use secretome_store::testing::stores;
use serde_json::{Value, json};

/// The first `n` available vials of L-2026-004 still in a freezer.
async fn stored(svc: &Service, n: usize) -> Vec<Vial> {
    svc.store()
        .list::<Vial>(Some(("lot", "L-2026-004")))
        .await
        .unwrap()
        .into_iter()
        .filter(|v| v.status == VialStatus::Available && v.location.is_some())
        .take(n)
        .collect()
}

fn barcode(v: &Vial) -> String {
    let din = Din::parse(v.din.as_deref().unwrap()).unwrap();
    let code = ProductCode::parse(v.product_code.as_deref().unwrap()).unwrap();
    format!("{}{}", din.barcode_data(), code.barcode_data())
}

async fn state(svc: &Service, id: &str) -> VialStatus {
    svc.store().fetch::<Vial>(id).await.unwrap().unwrap().status
}

async fn upload(app: &axum::Router, who: &(String, String), path: &str, csv: &str) -> Res {
    let body = format!(
        "--XB\r\nContent-Disposition: form-data; name=\"file\"; filename=\"log.csv\"\r\nContent-Type: text/csv\r\n\r\n{csv}\r\n--XB--\r\n"
    );
    let b = Request::post(format!("{path}?csrf={}", who.1))
        .header("content-type", "multipart/form-data; boundary=XB")
        .header("cookie", &who.0);
    send(app, b.body(Body::from(body)).unwrap()).await
}

#[tokio::test]
async fn a_shipment_is_packed_received_logged_and_released_through_the_pages() {
    for (backend, store) in stores("shipment_pages").await {
        let (app, svc) = demo_app(store).await;
        let op = session(&svc, "operator").await;
        let clinic = session(&svc, "clinic").await;
        let qa = session(&svc, "qa").await;

        // The demo's shipments: one received, one quarantined with its plot and excursion.
        let list = get(&app, "/shipments", Some(&qa.0)).await;
        assert_eq!(list.status, 200, "{backend:?}");
        assert!(
            list.body
                .contains("data-shipment=\"SHP-DEMO-001\" data-state=\"received\"")
        );
        assert!(
            list.body
                .contains("data-shipment=\"SHP-DEMO-002\" data-state=\"quarantined\"")
        );
        let q = get(&app, "/shipments/SHP-DEMO-002", Some(&qa.0)).await;
        assert!(q.body.contains("id=\"temperature-plot\"") && q.body.contains("<svg"));
        assert!(q.body.contains("id=\"shipment-excursion\""), "{backend:?}");
        assert!(
            q.body.contains("id=\"decide-form\""),
            "QA sees the decision form"
        );
        let q_op = get(&app, "/shipments/SHP-DEMO-002", Some(&op.0)).await;
        assert!(
            !q_op.body.contains("id=\"decide-form\""),
            "an operator does not"
        );

        // Packing: a vial scanned twice is refused on the field; then packed by id and barcode.
        let vs = stored(&svc, 2).await;
        let scans = format!("{}\n{}", vs[0].id, barcode(&vs[1]));
        let r = post_form(
            &app,
            "/shipments",
            Some(&op.0),
            &[
                ("csrf", &op.1),
                ("id", "SHP-T1"),
                ("to_site", "CL-SHIBUYA"),
                ("vials", &format!("{}\n{}", vs[0].id, vs[0].id)),
                ("shipper", "dry_ice"),
                ("logger_id", "EL-1"),
            ],
        )
        .await;
        assert_eq!(r.status, 422, "{backend:?}");
        assert!(
            r.body.contains("id=\"err-vials\"") && r.body.contains("2 回スキャン"),
            "{}",
            r.body
        );
        let r = post_form(
            &app,
            "/shipments",
            Some(&op.0),
            &[
                ("csrf", &op.1),
                ("id", "SHP-T1"),
                ("to_site", "CL-SHIBUYA"),
                ("vials", &scans),
                ("shipper", "dry_ice"),
                ("logger_id", "EL-1"),
            ],
        )
        .await;
        assert_eq!(
            (r.status, r.location.as_str()),
            (303, "/shipments/SHP-T1"),
            "{}",
            r.body
        );
        let r = post_form(
            &app,
            "/shipments/SHP-T1/dispatch",
            Some(&op.0),
            &[("csrf", &op.1)],
        )
        .await;
        assert_eq!(r.status, 303, "{backend:?}");

        // The clinic must scan every vial.
        let r = post_form(
            &app,
            "/shipments/SHP-T1/receive",
            Some(&clinic.0),
            &[
                ("csrf", &clinic.1),
                ("vials", vs[0].id.as_str()),
                ("condition", "intact"),
            ],
        )
        .await;
        assert_eq!(r.status, 422, "{backend:?}");
        assert!(r.body.contains("id=\"err-vials\"") && r.body.contains("スキャンされていません"));
        let r = post_form(
            &app,
            "/shipments/SHP-T1/receive",
            Some(&clinic.0),
            &[
                ("csrf", &clinic.1),
                ("vials", &scans),
                ("condition", "intact"),
            ],
        )
        .await;
        assert_eq!(r.status, 303, "{backend:?} {}", r.body);

        // A bad logger file names line and column; a warm one quarantines exactly these vials.
        let r = upload(
            &app,
            &clinic,
            "/shipments/SHP-T1/log",
            "time,temperature_c\n2026-01-01T00:00:00Z,-78\nsoon,-78\n",
        )
        .await;
        assert_eq!(r.status, 422, "{backend:?}");
        assert!(
            r.body.contains("id=\"err-file\"")
                && r.body.contains("3 行目 1 列 (time): 時刻として読めません"),
            "{}",
            r.body
        );
        let demo_before = state(&svc, "L-2026-004-0035").await;
        // readings at packing and at receipt, the second warm (the window is the request times)
        let s = svc.shipment("SHP-T1").await.unwrap();
        let warm = format!(
            "time,temperature_c\n{},-78.2\n{},-50.0\n",
            s.packed_at,
            s.received_at.unwrap()
        );
        let r = upload(&app, &clinic, "/shipments/SHP-T1/log", &warm).await;
        assert_eq!(r.status, 303, "{backend:?} {}", r.body);
        for v in &vs {
            assert_eq!(
                state(&svc, v.id.as_str()).await,
                VialStatus::Quarantine,
                "{backend:?}"
            );
        }
        assert_eq!(
            state(&svc, "L-2026-004-0035").await,
            demo_before,
            "other shipments untouched"
        );
        let page = get(&app, "/shipments/SHP-T1", Some(&qa.0)).await;
        assert!(page.body.contains("data-state=\"quarantined\"") && page.body.contains("<svg"));

        // QA: a release needs a reason; then the vials are available again.
        let r = post_form(
            &app,
            "/shipments/SHP-T1/decide",
            Some(&qa.0),
            &[("csrf", &qa.1), ("decision", "release"), ("reason", " ")],
        )
        .await;
        assert_eq!(r.status, 422, "{backend:?}");
        assert!(r.body.contains("id=\"err-reason\""), "{}", r.body);
        let r = post_form(
            &app,
            "/shipments/SHP-T1/decide",
            Some(&qa.0),
            &[
                ("csrf", &qa.1),
                ("decision", "release"),
                ("reason", "安定性試験の範囲内"),
            ],
        )
        .await;
        assert_eq!(r.status, 303, "{backend:?}");
        assert_eq!(state(&svc, vs[0].id.as_str()).await, VialStatus::Available);

        // The vial and lot pages link to the shipments; the vial filter finds SHP-T1 only.
        let vp = get(&app, &format!("/vials/{}", vs[0].id), Some(&op.0)).await;
        assert!(vp.body.contains("id=\"vial-shipments\""), "{backend:?}");
        let lp = get(&app, "/lots/L-2026-004", Some(&op.0)).await;
        assert!(lp.body.contains("/shipments?lot=L-2026-004"), "{backend:?}");
        let f = get(&app, &format!("/shipments?vial={}", vs[0].id), Some(&op.0)).await;
        assert!(f.body.contains("data-shipment=\"SHP-T1\"") && !f.body.contains("SHP-DEMO-001"));
        let f = get(
            &app,
            "/shipments?lot=L-2026-004&status=quarantined",
            Some(&op.0),
        )
        .await;
        assert!(f.body.contains("SHP-DEMO-002") && !f.body.contains("data-shipment=\"SHP-T1\""));
        let out = svc.verify_audit().await.unwrap();
        assert!(
            matches!(out, secretome_store::VerifyOutcome::Intact { .. }),
            "{backend:?}: {out:?}"
        );
    }
}

#[tokio::test]
async fn the_api_packs_receives_logs_and_decides_like_the_pages() {
    for (backend, store) in stores("shipment_api").await {
        let (app, svc) = demo_app(store).await;
        let op = session(&svc, "operator").await;
        let clinic = session(&svc, "clinic").await;
        let qa = session(&svc, "qa").await;
        let vs = stored(&svc, 1).await;
        let (s, b) = post_json(
            &app,
            "/api/v1/shipments",
            &op,
            json!({
            "id": "SHP-A1", "to_site": "CL-SHIBUYA", "vials": [barcode(&vs[0])],
            "shipper": "ln2_dry_shipper", "logger_id": "EL-9"}),
        )
        .await;
        assert_eq!(s, 201, "{backend:?} {b}");
        assert_eq!(b["vials"][0], json!(vs[0].id.as_str()));
        let (s, b) = post_json(
            &app,
            "/api/v1/shipments",
            &op,
            json!({
            "id": "SHP-A2", "to_site": "CL-SHIBUYA", "vials": "x", "shipper": "box"}),
        )
        .await;
        assert_eq!((s, b["field"].as_str()), (422, Some("shipper")), "{b}");
        let (s, _) = post_json(&app, "/api/v1/shipments/SHP-A1/dispatch", &op, json!({})).await;
        assert_eq!(s, 200);
        // receiving at the wrong site is refused (the Tokyo physician)
        let tokyo = session(&svc, "physician").await;
        let (s, b) = post_json(
            &app,
            "/api/v1/shipments/SHP-A1/receive",
            &tokyo,
            json!({"vials": [vs[0].id.as_str()], "condition": "intact"}),
        )
        .await;
        assert_eq!((s, b["field"].as_str()), (422, Some("site")), "{b}");
        let (s, b) = post_json(
            &app,
            "/api/v1/shipments/SHP-A1/receive",
            &clinic,
            json!({"vials": [vs[0].id.as_str()], "condition": "coolant_depleted"}),
        )
        .await;
        assert_eq!((s, b["status"].as_str()), (200, Some("quarantined")), "{b}");
        let (s, b) = post_json(
            &app,
            "/api/v1/shipments/SHP-A1/log",
            &clinic,
            json!({"file": "x.csv", "csv": "time,temperature_c\n2026-01-01T00:00:00Z,cold\n"}),
        )
        .await;
        assert_eq!(s, 422, "{b}");
        assert!(
            b["error"]
                .as_str()
                .unwrap()
                .contains("line 2, column 2 (temperature)"),
            "{b}"
        );
        let (s, _) = post_json(
            &app,
            "/api/v1/shipments/SHP-A1/decide",
            &clinic,
            json!({"decision": "reject", "reason": "x"}),
        )
        .await;
        assert_eq!(s, 403, "only QA decides");
        let (s, b) = post_json(
            &app,
            "/api/v1/shipments/SHP-A1/decide",
            &qa,
            json!({"decision": "perhaps"}),
        )
        .await;
        assert_eq!((s, b["field"].as_str()), (422, Some("decision")), "{b}");
        let (s, b) = post_json(
            &app,
            "/api/v1/shipments/SHP-A1/decide",
            &qa,
            json!({"decision": "reject", "reason": "coolant gone on arrival"}),
        )
        .await;
        assert_eq!((s, b["status"].as_str()), (200, Some("rejected")), "{b}");
        assert_eq!(state(&svc, vs[0].id.as_str()).await, VialStatus::Destroyed);
        let r = get(&app, "/api/v1/shipments/SHP-A1", Some(&op.0)).await;
        let d: Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(d["vials"][0]["status"], json!("destroyed"), "{backend:?}");
        assert_eq!(d["products"][0]["storage_c"], json!(-80.0));
        let r = get(&app, "/api/v1/shipments?status=rejected", Some(&op.0)).await;
        let p: Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(p["rows"].as_array().unwrap().len(), 1, "{backend:?}");
    }
}

//! Every error of one submission at once (issue 12 item 7): a future date together with a number
//! that cannot be read, or with a number the domain refuses (a negative volume, no vessels), each
//! shown next to its own field in the page's language, on the manufacturing and clinical forms;
//! the API lists every refused field (`fields: [{field, code, message, message_ja}]`, `field` kept).
//! Nothing is written (the audit event count does not move). On both backends.

use crate::common;
use common::*;
use secretome_store::testing::stores;

#[tokio::test]
async fn unreadable_fields_and_rule_refusals_are_shown_together() {
    for (backend, store) in stores("every_error_forms").await {
        let (app, svc) = demo_app(store).await;
        let op = session(&svc, "operator").await;
        let fut = future();
        // A count that cannot be read and an observation dated in the future: both shown.
        let body = refused_all(
            &app,
            &svc,
            &op,
            "/batches/B-2026-010/observations",
            &[
                ("observed_at", &fut),
                ("cell_count", "many"),
                ("viability_pct", "95"),
                ("confluence_pct", "60"),
            ],
            &["observed_at", "cell_count"],
        )
        .await;
        assert!(
            error_at(&body, "observed_at").contains("未来の日時は記録できません"),
            "{backend:?}"
        );
        assert!(error_at(&body, "cell_count").contains("数値を入力してください"));
        // Tissue in the future with a negative amount.
        let body = refused_all(
            &app,
            &svc,
            &op,
            "/donors/D-UC-002/tissues",
            &[
                ("tissue", "T-ALL"),
                ("collected_at", &fut),
                ("amount", "-10"),
                ("amount_unit", "g"),
            ],
            &["collected_at", "amount"],
        )
        .await;
        assert!(error_at(&body, "collected_at").contains("未来の日時は記録できません"));
        // A cell bank in the future with no vials and a negative cell count per vial.
        refused_all(
            &app,
            &svc,
            &op,
            "/donors/D-UC-002/banks",
            &[
                ("cell_bank", "MCB-ALL"),
                ("from", "T-UC-002"),
                ("passage", "2"),
                ("population_doublings", "6"),
                ("vials_frozen", "0"),
                ("cells_per_vial", "-1"),
                ("banked_at", &fut),
            ],
            &["banked_at", "vials_frozen", "cells_per_vial"],
        )
        .await;
        // A material received in the future without its supplier.
        refused_all(
            &app,
            &svc,
            &op,
            "/materials",
            &[
                ("material_lot", "RM-ALL"),
                ("material", "DMEM"),
                ("category", "medium"),
                ("supplier", ""),
                ("supplier_lot", "A1"),
                ("received_at", &fut),
                (
                    "expires_at",
                    &now().plus_hours(24.0 * 400.0).unwrap().to_string(),
                ),
            ],
            &["received_at", "supplier"],
        )
        .await;
        // A material used in the future in a negative quantity.
        refused_all(
            &app,
            &svc,
            &op,
            "/batches/B-2026-010/materials",
            &[
                ("material_lot", "RM-DMEM-2401"),
                ("quantity", "-10"),
                ("unit", "mL"),
                ("used_at", &fut),
            ],
            &["used_at", "quantity"],
        )
        .await;
        // Conditioning and harvest on a batch of its own (not run against a master batch record).
        svc.seed_batch(
            &svc.actor("operator").await.unwrap(),
            now(),
            secretome_service::NewBatch {
                id: "B-ALL".into(),
                cell_bank: "WCB-AD-002".into(),
                vessel: "multilayer5".into(),
                vessel_count: 2,
                seeding_density: 3000.0,
                seeded_at: now().plus_hours(-30.0).unwrap(),
            },
        )
        .await
        .unwrap();
        refused_all(
            &app,
            &svc,
            &op,
            "/batches/B-ALL/conditioning",
            &[
                ("medium_lot", "RM-SFM-2402"),
                ("hours", "0"),
                ("started_at", &fut),
            ],
            &["started_at", "hours"],
        )
        .await;
        let mut form = vec![("csrf", op.1.as_str())];
        let started = ago(1.0);
        form.extend([
            ("medium_lot", "RM-SFM-2402"),
            ("hours", "48"),
            ("started_at", started.as_str()),
        ]);
        let r = post_form(&app, "/batches/B-ALL/conditioning", Some(&op.0), &form).await;
        assert_eq!(r.status, 303, "{}", r.body);
        // A harvest one minute into a 48 h conditioning with a negative volume: both refused.
        let one_minute = now().plus_hours(-1.0 + 1.0 / 60.0).unwrap().to_string();
        let body = refused_all(
            &app,
            &svc,
            &op,
            "/batches/B-ALL/harvest",
            &[
                ("harvest", "H-ALL"),
                ("volume_ml", "-500"),
                ("harvested_at", &one_minute),
            ],
            &["harvested_at", "volume_ml"],
        )
        .await;
        assert!(!error_at(&body, "volume_ml").is_empty(), "{backend:?}");
        // … and a future harvest with a volume that cannot be read.
        refused_all(
            &app,
            &svc,
            &op,
            "/batches/B-ALL/harvest",
            &[
                ("harvest", "H-ALL"),
                ("volume_ml", "half a litre"),
                ("harvested_at", &fut),
            ],
            &["harvested_at", "volume_ml"],
        )
        .await;

        // An adverse event with a term that is not CTCAE and an onset in the future.
        let dr = session(&svc, "physician").await;
        refused_all(
            &app,
            &svc,
            &dr,
            "/patients/PT-000001/adverse-events",
            &[
                ("term", "Feeling odd"),
                ("grade", "2"),
                ("causality", "possibly"),
                ("onset_at", &fut),
                ("outcome", "recovering"),
            ],
            &["term", "onset_at"],
        )
        .await;
    }
}

#[tokio::test]
async fn the_api_lists_every_refused_field() {
    for (backend, store) in stores("every_error_api").await {
        let (app, svc) = demo_app(store).await;
        let op = session(&svc, "operator").await;
        let path = "/api/v1/batches/B-2026-010/observations";
        let before = svc.store().event_count().await.unwrap();
        let fields = |body: &serde_json::Value| -> Vec<String> {
            body["fields"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|f| f["field"].as_str().unwrap_or("").to_string())
                        .collect()
                })
                .unwrap_or_default()
        };
        // Three values the domain refuses at once.
        let (status, body) = post_json(
            &app,
            path,
            &op,
            serde_json::json!({
                "observed_at": future(),
                "cell_count": 1000000,
                "viability_pct": 150,
                "confluence_pct": -5,
            }),
        )
        .await;
        assert_eq!(status, 422, "{backend:?} {body}");
        let mut got = fields(&body);
        got.sort();
        assert_eq!(
            got,
            ["confluence_pct", "observed_at", "viability_pct"],
            "{body}"
        );
        for f in body["fields"].as_array().unwrap() {
            assert_eq!(f["code"], "invalid", "{f}");
            assert!(!f["message"].as_str().unwrap_or("").is_empty(), "{f}");
            assert!(!f["message_ja"].as_str().unwrap_or("").is_empty(), "{f}");
        }
        let observed = body["fields"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["field"] == "observed_at")
            .unwrap();
        assert!(
            observed["message_ja"]
                .as_str()
                .unwrap()
                .contains("未来の日時は記録できません"),
            "{observed}"
        );
        // `field` is kept for older clients.
        assert!(body["field"].as_str().is_some(), "{body}");
        // Unreadable values and a future time: every one listed.
        let (status, body) = post_json(
            &app,
            path,
            &op,
            serde_json::json!({
                "observed_at": future(),
                "cell_count": "many",
                "viability_pct": "high",
                "confluence_pct": 60,
            }),
        )
        .await;
        assert_eq!(status, 422, "{body}");
        let mut got = fields(&body);
        got.sort();
        assert_eq!(
            got,
            ["cell_count", "observed_at", "viability_pct"],
            "{body}"
        );
        assert_eq!(body["code"], "invalid", "{body}");
        assert_eq!(svc.store().event_count().await.unwrap(), before);
    }
}

/// The web's own form readers (a number that cannot be read, a required time left empty) refuse
/// with a typed reason: the Japanese page says it in Japanese with no English, the English page
/// in English, the API in both (`message`, `message_ja`) — none of it found by its English text.
#[tokio::test]
async fn a_form_readers_refusal_speaks_the_readers_language() {
    use secretome_web::i18n::words::english_runs;
    for (backend, store) in stores("every_error_lang").await {
        let (app, svc) = demo_app(store).await;
        let op = session(&svc, "operator").await;
        let en = format!("{}; secretome_lang=en", op.0);
        let observe = [
            ("observed_at", ""),
            ("cell_count", "many"),
            ("viability_pct", "95"),
            ("confluence_pct", "60"),
            ("csrf", op.1.as_str()),
        ];
        let material = [
            ("material_lot", "RM-LANG"),
            ("material", "DMEM"),
            ("category", "medium"),
            ("supplier", "Acme"),
            ("supplier_lot", "A1"),
            ("expires_at", ""),
            ("csrf", op.1.as_str()),
        ];
        let path = "/batches/B-2026-010/observations";
        for (cookie, count, expiry) in [
            (
                op.0.as_str(),
                "数値を入力してください",
                "日時を入力してください",
            ),
            (en.as_str(), "enter a number", "enter a date and time"),
        ] {
            let r = post_form(&app, path, Some(cookie), &observe).await;
            assert_eq!(r.status, 422, "{backend:?}");
            assert_eq!(error_at(&r.body, "cell_count"), count, "{backend:?}");
            let r = post_form(&app, "/materials", Some(cookie), &material).await;
            assert_eq!(r.status, 422, "{backend:?}");
            assert_eq!(error_at(&r.body, "expires_at"), expiry, "{backend:?}");
        }
        let r = post_form(&app, path, Some(&op.0), &observe).await;
        assert!(english_runs(&error_at(&r.body, "cell_count")).is_empty());
        // The API: both languages of the same reason, per field and joined.
        let api = format!("/api/v1{path}");
        let body =
            serde_json::json!({"cell_count": "many", "viability_pct": 95, "confluence_pct": 60});
        let (status, body) = post_json(&app, &api, &op, body).await;
        assert_eq!(status, 422, "{backend:?} {body}");
        let f = &body["fields"][0];
        assert_eq!(
            (
                f["field"].as_str(),
                f["message"].as_str(),
                f["message_ja"].as_str()
            ),
            (
                Some("cell_count"),
                Some("enter a number"),
                Some("数値を入力してください")
            ),
            "{body}"
        );
        assert_eq!(
            body["message_ja"], "cell_count: 数値を入力してください",
            "{body}"
        );
        // A body that is not JSON at all: said in Japanese too, where it stops being JSON.
        let req = axum::http::Request::post(api.as_str())
            .header("content-type", "application/json")
            .header("cookie", op.0.as_str())
            .header("x-csrf-token", op.1.as_str())
            .body(axum::body::Body::from("{\"cell_count\": "))
            .unwrap();
        let r = send(&app, req).await;
        let body: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(r.status, 422, "{body}");
        let ja = body["message_ja"].as_str().unwrap_or("");
        assert!(ja.contains("JSON として読めません"), "{body}");
        assert!(!ja.contains("EOF") && !ja.contains("parsing"), "{body}");
    }
}

//! The QC and QA operations under /api/v1 on both backends: 401 without a session, 403 for the wrong
//! role, 422 naming the field (also for a wrong signature password), 409 listing every reason a
//! release is refused, then the deviation assessed and approved and the lot released by signature.

use crate::common;
use common::*;
use secretome_store::testing::stores;
use serde_json::{Value, json};

#[tokio::test]
async fn api_statuses_and_signed_release() {
    for (backend, store) in stores("quality_api").await {
        let (app, svc) = demo_app(store).await;
        let qa = session(&svc, "qa").await;
        let qc = session(&svc, "qc").await;
        let op = session(&svc, "operator").await;
        let sign = "/api/v1/lots/L-2026-006/sign";
        let release =
            json!({"password": "demo", "meaning": "released", "reason": "all tests reviewed"});

        assert_eq!(
            post_json_as(&app, sign, None, release.clone()).await.0,
            401,
            "{backend:?}"
        );
        assert_eq!(post_json(&app, sign, &op, release.clone()).await.0, 403);
        let (s, v) = post_json(&app, sign, &qa, json!({"password": "demo", "reason": "x"})).await;
        assert_eq!((s, v["field"].as_str()), (422, Some("meaning")));
        let (s, v) = post_json(
            &app,
            sign,
            &qa,
            json!({"password": "demo", "meaning": "approved", "reason": "x"}),
        )
        .await;
        assert_eq!((s, v["field"].as_str()), (422, Some("meaning")));
        let (s, v) = post_json(
            &app,
            sign,
            &qa,
            json!({"password": "nope", "meaning": "released", "reason": "x"}),
        )
        .await;
        assert_eq!((s, v["field"].as_str()), (422, Some("password")));
        let (s, v) = post_json(&app, sign, &qa, release.clone()).await;
        assert_eq!(s, 409, "{v}");
        let kinds: Vec<&str> = v["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|r| r["kind"].as_str())
            .collect();
        assert_eq!(kinds, ["out_of_specification", "open_deviation"], "{v}");
        assert!(v["reasons"][0]["message_ja"].as_str().is_some());

        let (s, v) = post_json(
            &app,
            "/api/v1/lots/L-2026-006/results",
            &qc,
            json!({"test": "vegf", "value": "lots"}),
        )
        .await;
        assert_eq!((s, v["field"].as_str()), (422, Some("value")));
        let dev = "/api/v1/lots/L-2026-006/deviations/DEV-01";
        assert_eq!(
            post_json(&app, &format!("{dev}/approve"), &qc, json!({"reason": "x"}))
                .await
                .0,
            403
        );
        let (s, v) = post_json(
            &app,
            &format!("{dev}/approve"),
            &qa,
            json!({"reason": "too early"}),
        )
        .await;
        assert_eq!(s, 409, "open, not assessed: {v}");
        let (s, v) = post_json(
            &app,
            &format!("{dev}/assess"),
            &qc,
            json!({"assessment": "dilution error"}),
        )
        .await;
        assert_eq!((s, v["status"].as_str()), (200, Some("assessed")), "{v}");
        let (s, v) = post_json(
            &app,
            &format!("{dev}/approve"),
            &qa,
            json!({"reason": "accepted"}),
        )
        .await;
        assert_eq!((s, v["status"].as_str()), (200, Some("approved")), "{v}");

        let (s, v) = post_json(&app, sign, &qa, release).await;
        assert_eq!(s, 200, "{v}");
        assert_eq!(v["lot"]["status"], "released");
        assert_eq!(v["signature"]["meaning"], "released");
        assert_eq!(v["signature"]["signer_name"], "高橋 次郎");
        let r = get(&app, "/api/v1/lots/L-2026-006/record", Some(&qc.0)).await;
        let rec: Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(rec["signatures"][0]["signer"], "qa");
        assert!(
            rec["steps"]
                .as_array()
                .unwrap()
                .iter()
                .any(|s| s["action"] == "deviation.approve")
        );

        let doc = get(&app, "/api/v1/openapi.json", None).await.body;
        assert!(
            doc.contains("/api/v1/lots/{id}/sign")
                && doc.contains("/api/v1/lots/{id}/deviations/{n}/assess")
        );
    }
}

#[tokio::test]
async fn api_corrects_and_retests_a_result_keeping_the_original() {
    for (backend, store) in stores("quality_api_revise").await {
        let (app, svc) = demo_app(store).await;
        let op = svc.actor("operator").await.unwrap();
        let t = now();
        let expiry = t.plus_hours(24.0 * 300.0).unwrap();
        svc.fill_vials(&op, t, "L-2026-007", 4, 2.0, expiry, None)
            .await
            .unwrap();
        let qc = session(&svc, "qc").await;
        let qa = session(&svc, "qa").await;
        let results = "/api/v1/lots/L-2026-007/results";
        let revise = "/api/v1/lots/L-2026-007/results/revise";
        let (s, _) = post_json(
            &app,
            results,
            &qc,
            json!({"test": "endotoxin", "value": 0.12}),
        )
        .await;
        assert_eq!(s, 201, "{backend:?}");

        // Refused, each naming its field, and nothing written.
        let before = svc.store().event_count().await.unwrap();
        let fix = |extra: Value| {
            let mut b = json!({"test": "endotoxin", "change": "correction", "value": 0.1, "reason": "typing error"});
            for (k, v) in extra.as_object().unwrap() {
                b[k] = v.clone();
            }
            b
        };
        assert_eq!(post_json(&app, revise, &qa, fix(json!({}))).await.0, 403);
        for (extra, field) in [
            (json!({"reason": ""}), "reason"),
            (json!({"change": "undo"}), "change"),
            (json!({"value": "high"}), "value"),
            (json!({"value": -0.3}), "value"),
        ] {
            let (s, v) = post_json(&app, revise, &qc, fix(extra.clone())).await;
            assert_eq!(
                (s, v["field"].as_str()),
                (422, Some(field)),
                "{backend:?} {extra}: {v}"
            );
        }
        assert_eq!(svc.store().event_count().await.unwrap(), before);

        // A correction, then a retest: the valid result, the earlier ones in its history.
        let (s, v) = post_json(&app, revise, &qc, fix(json!({}))).await;
        assert_eq!(s, 200, "{backend:?} {v}");
        assert_eq!(v["value"], 0.1);
        assert_eq!(v["history"][0]["value"], 0.12);
        assert_eq!(v["history"][0]["change"], "correction");
        assert_eq!(v["history"][0]["reason"], "typing error");
        let (s, v) = post_json(&app, revise, &qc, json!({"test": "endotoxin", "change": "retest", "typed": "< 0.25", "reason": "rerun on retained sample"}))
        .await;
        assert_eq!(s, 200, "{backend:?} {v}");
        assert_eq!(v["history"].as_array().map(Vec::len), Some(2));
        assert_eq!(v["history"][1]["change"], "retest");
        assert_eq!(v["verdict"], "pass");
    }
}

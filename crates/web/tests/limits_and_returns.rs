//! The EM limits page and API (issue 14 item 2) and QA's returned-vial screen and API (issue 16
//! item 3), on both backends: QA changes a limit on the page (every bad field named at once, the
//! change then shown with who and why) and through the API, others may not; QA lists a returned
//! vial, refuses a decision without a reason, returns it to stock on the page and destroys another
//! through the API; physicians may not.

use crate::common;
use common::*;
use secretome_domain::vial::{Vial, VialStatus};
use secretome_service::{NewConsent, NewPatient, Service};
use secretome_store::testing::stores;
use serde_json::{Value, json};

#[tokio::test]
async fn qa_changes_em_limits_on_the_page_and_through_the_api() {
    for (backend, store) in stores("limits_pages").await {
        let (app, svc) = demo_app(store).await;
        let qa = session(&svc, "qa").await;
        let op = session(&svc, "operator").await;
        let r = get(&app, "/facility/limits", Some(&qa.0)).await;
        assert_eq!(r.status, 200, "{backend:?}");
        assert!(r.body.contains("data-limit=\"B/active_air\""));
        assert!(r.body.contains("id=\"lim-form\""));
        let r = get(&app, "/facility/limits", Some(&op.0)).await;
        assert_eq!(r.status, 200);
        assert!(!r.body.contains("id=\"lim-form\""), "only QA sees the form");

        // Every bad field at once, nothing written.
        let r = post_form(
            &app,
            "/facility/limits",
            Some(&qa.0),
            &[
                ("csrf", &qa.1),
                ("grade", "B"),
                ("sample_type", "active_air"),
                ("alert_limit", "9"),
                ("action_limit", "6"),
                ("reason", ""),
            ],
        )
        .await;
        assert_eq!(r.status, 422, "{backend:?}: {}", r.body);
        assert!(r.body.contains("id=\"err-reason\""), "{}", r.body);
        let r = post_form(
            &app,
            "/facility/limits",
            Some(&qa.0),
            &[
                ("csrf", &qa.1),
                ("grade", "B"),
                ("sample_type", "active_air"),
                ("alert_limit", "9"),
                ("action_limit", "6"),
                ("reason", "trend review"),
            ],
        )
        .await;
        assert_eq!(r.status, 422, "{backend:?}: {}", r.body);
        assert!(r.body.contains("id=\"err-alert_limit\""), "{}", r.body);

        let r = post_form(
            &app,
            "/facility/limits",
            Some(&qa.0),
            &[
                ("csrf", &qa.1),
                ("grade", "B"),
                ("sample_type", "active_air"),
                ("alert_limit", "2"),
                ("action_limit", "6"),
                ("reason", "傾向レビュー TR-2026-11"),
            ],
        )
        .await;
        assert_eq!(
            (r.status, r.location.as_str()),
            (303, "/facility/limits#limits"),
            "{}",
            r.body
        );
        let r = get(&app, "/facility/limits", Some(&qa.0)).await;
        assert!(r.body.contains("data-change=\"B/active_air/001\""));
        assert!(r.body.contains("傾向レビュー TR-2026-11"));
        assert!(r.body.contains("data-by=\"qa\""));

        // The API: QA changes one, an operator may not; everyone who reads sees every row.
        let (s, v) = post_json(&app, "/api/v1/em-limits", &qa, json!({"grade": "C", "sample_type": "settle_plate", "action_limit": 30, "reason": "trend"}))
        .await;
        assert_eq!(s, 201, "{v}");
        assert_eq!(v["id"], "C/settle_plate/001");
        assert_eq!(v["previous_action"], 50.0);
        let (s, _) = post_json(
            &app,
            "/api/v1/em-limits",
            &op,
            json!({"grade": "C", "sample_type": "settle_plate", "action_limit": 30, "reason": "x"}),
        )
        .await;
        assert_eq!(s, 403);
        let (s, v) = post_json(&app, "/api/v1/em-limits", &qa, json!({"grade": "C"})).await;
        assert_eq!(s, 422, "{v}");
        let r = get(&app, "/api/v1/em-limits", Some(&op.0)).await;
        let rows: Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(
            rows.as_array().map(Vec::len),
            Some(24),
            "4 grades × 6 types"
        );
    }
}

async fn returned(svc: &Service, skip: usize) -> String {
    let doc = svc.actor("physician").await.unwrap();
    let t = now().plus_hours(-0.5).unwrap();
    if skip == 0 {
        svc.register_patient(
            &doc,
            t,
            NewPatient {
                id: "PT-RET-01".into(),
                site: "CPC-TOKYO".into(),
                birth_year: 1960,
                sex: "female".into(),
                indication: "stroke".into(),
                physician: None,
            },
        )
        .await
        .unwrap();
        svc.record_consent(
            &doc,
            t,
            "PT-RET-01",
            NewConsent {
                indication: "stroke".into(),
                document_version: "IC-2026-01 v1".into(),
                explained_by: "医師".into(),
                explained_at: t,
                consented_at: t,
            },
        )
        .await
        .unwrap();
    }
    let v = svc
        .store()
        .list::<Vial>(Some(("lot", "L-2026-004")))
        .await
        .unwrap()
        .into_iter()
        .find(|v| v.status == VialStatus::Available)
        .unwrap();
    let (given, back) = (t.plus_hours(0.1).unwrap(), t.plus_hours(0.2).unwrap());
    svc.dispense_vial(&doc, given, v.id.as_str(), "PT-RET-01")
        .await
        .unwrap();
    svc.return_dispensed(&doc, back, v.id.as_str(), back, true, true)
        .await
        .unwrap();
    v.id.to_string()
}

#[tokio::test]
async fn qa_decides_returned_vials_on_the_page_and_through_the_api() {
    for (backend, store) in stores("returns_pages").await {
        let (app, svc) = demo_app(store).await;
        let qa = session(&svc, "qa").await;
        let doc = session(&svc, "physician").await;
        let a = returned(&svc, 0).await;
        let b = returned(&svc, 1).await;
        let r = get(&app, "/returns", Some(&qa.0)).await;
        assert_eq!(r.status, 200, "{backend:?}");
        assert!(r.body.contains(&format!("data-vial=\"{a}\"")), "{}", r.body);
        assert!(r.body.contains(&format!("data-vial=\"{b}\"")));
        assert_eq!(get(&app, "/returns", Some(&doc.0)).await.status, 403);

        let path = format!("/returns/{a}/decide");
        let r = post_form(
            &app,
            &path,
            Some(&qa.0),
            &[("csrf", &qa.1), ("decision", "stock"), ("reason", "")],
        )
        .await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(r.body.contains("id=\"err-reason\""), "{}", r.body);
        let r = post_form(
            &app,
            &path,
            Some(&qa.0),
            &[
                ("csrf", &qa.1),
                ("decision", "stock"),
                ("reason", "封緘異常なし (seal intact)"),
            ],
        )
        .await;
        assert_eq!(
            (r.status, r.location.as_str()),
            (303, "/returns"),
            "{}",
            r.body
        );
        let status = |id: String| {
            let svc = svc.clone();
            async move {
                svc.store()
                    .fetch::<Vial>(&id)
                    .await
                    .unwrap()
                    .unwrap()
                    .status
            }
        };
        assert_eq!(status(a.clone()).await, VialStatus::Available);

        let api = format!("/api/v1/returns/{b}/decision");
        let (s, _) = post_json(
            &app,
            &api,
            &doc,
            json!({"decision": "destroy", "reason": "x"}),
        )
        .await;
        assert_eq!(s, 403);
        let (s, v) = post_json(
            &app,
            &api,
            &qa,
            json!({"decision": "destroy", "reason": "label torn"}),
        )
        .await;
        assert_eq!(s, 200, "{v}");
        assert_eq!(v["qa_decision"], "destroy");
        assert_eq!(status(b.clone()).await, VialStatus::Destroyed);
        let r = get(&app, "/api/v1/returns", Some(&qa.0)).await;
        assert_eq!(r.body.trim(), "[]", "{backend:?}");
    }
}

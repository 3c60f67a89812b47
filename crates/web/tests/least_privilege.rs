//! Least privilege (issue 18) through the router on both backends: operators' and QC's traces and
//! vial pages carry no patient, only a count; a physician reads and writes only their site's
//! patients while QA reads every site; API tokens are bound to their creator and every write
//! their role allows works through the API, naming that user; a retried write with the same
//! `Idempotency-Key` makes one row.

use crate::common;
use axum::{body::Body, http::Request};
use common::*;
use secretome_domain::{Role, batch::Observation, clinical::Dispensing};
use secretome_store::{Table, testing::stores};
use serde_json::{Value, json};

async fn call(
    app: &axum::Router,
    path: &str,
    auth: &str,
    key: Option<&str>,
    body: Option<Value>,
) -> (u16, Value, String) {
    let mut b = Request::builder()
        .method(if body.is_some() { "POST" } else { "GET" })
        .uri(path)
        .header("content-type", "application/json")
        .header("authorization", format!("Bearer {auth}"));
    if let Some(k) = key {
        b = b.header("idempotency-key", k);
    }
    let r = send(
        app,
        b.body(body.map(|v| Body::from(v.to_string())).unwrap_or_default())
            .unwrap(),
    )
    .await;
    let v = serde_json::from_str(&r.body).unwrap_or(Value::Null);
    (r.status, v, r.body)
}

/// A fresh API token of `user` for `role`.
async fn token(svc: &secretome_service::Service, user: &str, role: &str) -> String {
    let a = svc.actor(user).await.unwrap();
    svc.create_api_token(&a, now(), "test", role)
        .await
        .unwrap()
        .secret
}

#[tokio::test]
async fn an_operators_trace_and_vial_page_show_no_patient_ids() {
    for (backend, store) in stores("lp_trace").await {
        let (app, svc) = demo_app(store).await;
        let given = svc.store().list::<Dispensing>(None).await.unwrap();
        let d = &given[0];
        let patient = d.patient.to_string();
        let vial = svc
            .store()
            .fetch::<secretome_domain::vial::Vial>(d.vial.as_str())
            .await
            .unwrap()
            .unwrap();
        let lot = vial.lot.to_string();
        let trace = format!("/api/v1/trace?id={lot}&dir=forward");
        for (user, sees) in [("operator", false), ("qc", false), ("qa", true)] {
            let t = token(&svc, user, user).await;
            let (s, v, body) = call(&app, &trace, &t, None, None).await;
            assert_eq!(s, 200, "{backend:?} {user}");
            let patients = v["nodes"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|n| n["kind"] == "patient")
                .count();
            assert_eq!(body.contains(&patient), sees, "{backend:?} {user}: {body}");
            if sees {
                assert!(patients > 0 && v.get("patients_withheld").is_none());
            } else {
                assert_eq!(patients, 0);
                assert!(
                    v["patients_withheld"].as_u64().unwrap() > 0,
                    "a count instead"
                );
                assert!(!body.contains("patient:"), "no edge to a patient");
            }
            // A trace from the patient is refused to those who may not see them.
            let from = format!("/api/v1/trace?id={patient}&dir=backward");
            assert_eq!(
                call(&app, &from, &t, None, None).await.0,
                if sees { 200 } else { 403 }
            );
        }
        let (op, _) = session(&svc, "operator").await;
        let page = get(&app, &format!("/trace?id={lot}&dir=forward"), Some(&op)).await;
        assert_eq!(page.status, 200);
        assert!(!page.body.contains(&patient), "{backend:?}");
        assert!(page.body.contains("id=\"trace-withheld\""));
        let vp = get(&app, &format!("/vials/{}", vial.id), Some(&op)).await;
        assert_eq!(vp.status, 200);
        assert!(!vp.body.contains(&patient), "{backend:?} vial page");
        let (qa, _) = session(&svc, "qa").await;
        let vq = get(&app, &format!("/vials/{}", vial.id), Some(&qa)).await;
        assert!(vq.body.contains(&patient), "QA still sees who received it");
    }
}

#[tokio::test]
async fn a_physician_reads_and_writes_only_the_patients_of_their_site() {
    for (backend, store) in stores("lp_site").await {
        let (app, svc) = demo_app(store).await;
        let admin = svc.actor("admin").await.unwrap();
        svc.create_site(&admin, now(), "CLINIC-OSAKA", "Osaka clinic", "Asia/Tokyo")
            .await
            .unwrap();
        svc.create_user(
            &admin,
            now(),
            "dr-osaka",
            "Dr Osaka",
            "CLINIC-OSAKA",
            vec![Role::Physician],
        )
        .await
        .unwrap();
        let osaka = token(&svc, "dr-osaka", "physician").await;
        let tokyo = token(&svc, "physician", "physician").await;
        let qa = token(&svc, "qa", "qa").await;

        let (s, v, _) = call(&app, "/api/v1/patients", &osaka, None, None).await;
        assert_eq!(
            (s, v["rows"].as_array().map(Vec::len)),
            (200, Some(0)),
            "{backend:?} {v}"
        );
        let (_, v, _) = call(&app, "/api/v1/patients", &tokyo, None, None).await;
        let tokyo_count = v["rows"].as_array().unwrap().len();
        assert!(tokyo_count > 0);
        let (_, v, _) = call(&app, "/api/v1/patients", &qa, None, None).await;
        assert_eq!(
            v["rows"].as_array().unwrap().len(),
            tokyo_count + 1,
            "QA reads every site: Tokyo's and the demo clinic's PT-CL-0001"
        );
        assert_eq!(
            call(&app, "/api/v1/patients/PT-000001", &osaka, None, None)
                .await
                .0,
            403
        );
        assert_eq!(
            call(&app, "/api/v1/patients/PT-000001/fhir", &osaka, None, None)
                .await
                .0,
            403
        );
        assert_eq!(
            call(&app, "/api/v1/patients/PT-000001", &tokyo, None, None)
                .await
                .0,
            200
        );
        // Registering a patient at another site is refused; at their own it works.
        let new = |id: &str, site: &str| json!({"id": id, "site": site, "birth_year": 1970, "sex": "male", "indication": "osteoarthritis"});
        let (s, v, _) = call(
            &app,
            "/api/v1/patients",
            &osaka,
            None,
            Some(new("PT-OS-1", "CPC-TOKYO")),
        )
        .await;
        assert_eq!(s, 403, "{v}");
        let (s, v, _) = call(
            &app,
            "/api/v1/patients",
            &osaka,
            None,
            Some(new("PT-OS-1", "CLINIC-OSAKA")),
        )
        .await;
        assert_eq!(s, 201, "{backend:?} {v}");
        let (_, v, _) = call(&app, "/api/v1/patients", &osaka, None, None).await;
        assert_eq!(v["rows"].as_array().unwrap().len(), 1);
        let (_, v, _) = call(&app, "/api/v1/patients", &tokyo, None, None).await;
        assert_eq!(
            v["rows"].as_array().unwrap().len(),
            tokyo_count,
            "Tokyo does not see Osaka's"
        );
    }
}

#[tokio::test]
async fn token_writes_work_through_the_api_and_name_the_user_behind_the_token() {
    for (backend, store) in stores("lp_tokens").await {
        let (app, svc) = demo_app(store).await;
        let qc = token(&svc, "qc", "qc").await;
        let qa = token(&svc, "qa", "qa").await;
        let dr = token(&svc, "physician", "physician").await;

        let (s, v, _) = call(
            &app,
            "/api/v1/lots/L-2026-005/deviations",
            &qc,
            None,
            Some(json!({"test": "vegf", "description": "plate edge effect"})),
        )
        .await;
        assert_eq!(s, 201, "{backend:?} QC deviation by token: {v}");
        // Opening a recall is signed: without the password, or with a wrong one, nothing opens.
        for body in [
            json!({"target": "RM-SFM-2402", "reason": "supplier notice"}),
            json!({"target": "RM-SFM-2402", "reason": "supplier notice", "password": "wrong"}),
        ] {
            let (s, v, _) = call(&app, "/api/v1/recalls", &qa, None, Some(body)).await;
            assert_eq!(
                (s, v["field"].as_str()),
                (422, Some("password")),
                "{backend:?}: {v}"
            );
        }
        let (s, v, _) = call(
            &app,
            "/api/v1/recalls",
            &qa,
            None,
            Some(json!({"target": "RM-SFM-2402", "reason": "supplier notice", "password": "demo"})),
        )
        .await;
        assert_eq!(s, 201, "{backend:?} recall by token: {v}");
        let (s, v, _) = call(
            &app,
            "/api/v1/patients",
            &dr,
            None,
            Some(json!({"id": "PT-TOK-1", "site": "CPC-TOKYO", "birth_year": 1980, "sex": "female", "indication": "skin"})),
        )
        .await;
        assert_eq!(s, 201, "{backend:?} patient by token: {v}");
        let ev = svc
            .store()
            .events_for(Table::Patient, "PT-TOK-1")
            .await
            .unwrap();
        assert_eq!(ev[0].actor, "physician", "the records name the user");
        assert_eq!(v["physician"], "physician");
        // No one mints a token above their own roles, the administrator included.
        let admin = svc.actor("admin").await.unwrap();
        assert!(
            svc.create_api_token(&admin, now(), "x", "qa")
                .await
                .is_err()
        );
    }
}

#[tokio::test]
async fn a_retried_write_with_the_same_idempotency_key_creates_one_row() {
    for (backend, store) in stores("lp_idem").await {
        let (app, svc) = demo_app(store).await;
        let op = token(&svc, "operator", "operator").await;
        let path = "/api/v1/batches/B-2026-010/observations";
        let count = || async {
            svc.store()
                .list::<Observation>(Some(("batch", "B-2026-010")))
                .await
                .unwrap()
                .len()
        };
        let before = count().await;
        let body = json!({"cell_count": 1.2e7, "viability_pct": 95, "confluence_pct": 70});
        let first = call(&app, path, &op, Some("obs-42"), Some(body.clone())).await;
        assert_eq!(first.0, 201, "{backend:?} {}", first.2);
        let again = call(&app, path, &op, Some("obs-42"), Some(body.clone())).await;
        assert_eq!(again, first, "the retry gets the first answer");
        assert_eq!(count().await, before + 1, "{backend:?}: one row");
        // The same key for another request is refused; another key writes again.
        let other = json!({"cell_count": 1.3e7, "viability_pct": 94, "confluence_pct": 75});
        let (s, v, _) = call(&app, path, &op, Some("obs-42"), Some(other.clone())).await;
        assert_eq!((s, v["field"].as_str()), (422, Some("Idempotency-Key")));
        assert_eq!(
            call(&app, path, &op, Some("obs-43"), Some(other)).await.0,
            201
        );
        assert_eq!(count().await, before + 2);
        // Keys are per user: QC's equal key does not replay the operator's answer.
        let qc = token(&svc, "qc", "qc").await;
        assert_eq!(
            call(&app, path, &qc, Some("obs-42"), Some(body)).await.0,
            403,
            "qc may not write observations: its own answer, not the operator's"
        );
    }
}

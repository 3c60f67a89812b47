//! The trace page and API through the router, on both backends, over the demo facility: a demo
//! lot traced backward reaches its donor in the graph, with links to the records' pages; a trace
//! over hundreds of vials is drawn with a collapsed "+ N more" box; the API answers exactly what
//! `secretome trace` prints; a patient works as a root; unknown ids and bad directions are refused
//! naming the field; a patient's FHIR bundle is served as `application/fhir+json`.

use crate::common;
use axum::{body::Body, http::Request};
use common::*;
use http_body_util::BodyExt;
use secretome_service::trace::Direction;
use secretome_store::testing::stores;
use serde_json::Value;
use tower::ServiceExt;

/// GET with a cookie: (status, content type, body).
async fn fetch(app: &axum::Router, path: &str, cookie: &str) -> (u16, String, String) {
    let req = Request::get(path)
        .header("cookie", cookie)
        .body(Body::empty())
        .unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status().as_u16();
    let ct = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let body = res.into_body().collect().await.unwrap().to_bytes();
    (status, ct, String::from_utf8_lossy(&body).into_owned())
}

#[tokio::test]
async fn the_trace_graph_reaches_the_donor_and_collapses_large_columns() {
    for (backend, store) in stores("trace_pages").await {
        let (app, svc) = demo_app(store).await;
        let (op, _) = session(&svc, "operator").await;

        // Backward from a demo lot: the donor, its tissue, bank, batch, harvest and materials.
        let r = get(&app, "/trace?id=L-2026-004&dir=backward", Some(&op)).await;
        assert_eq!(r.status, 200, "{backend:?}: {}", r.body);
        let svg = &r.body[r.body.find("<svg").expect("a graph")..];
        assert!(
            svg.contains(r#"data-node="lot:L-2026-004" data-root="true""#),
            "{backend:?}"
        );
        assert!(
            svg.contains(r#"data-node="donor:D-UC-001""#),
            "{backend:?}: donor reached"
        );
        assert!(svg.contains(r#"href="/donors/D-UC-001""#));
        let back = svc.trace(Direction::Backward, "L-2026-004").await.unwrap();
        for n in &back.nodes {
            let node = format!(r#"data-node="{}:{}""#, n.kind.as_str(), n.id);
            assert!(svg.contains(&node), "{backend:?}: {node} drawn");
        }
        assert!(
            !svg.contains("data-more"),
            "a small trace shows every record"
        );
        assert!(svg.contains("<line"), "edges drawn");

        // Forward from the conditioning medium: 240 vials in one column, collapsed.
        let r = get(&app, "/trace?id=RM-SFM-2402&dir=forward", Some(&op)).await;
        assert_eq!(r.status, 200, "{backend:?}");
        let fwd = svc.trace(Direction::Forward, "RM-SFM-2402").await.unwrap();
        let vials = fwd
            .nodes
            .iter()
            .filter(|n| n.kind.as_str() == "vial")
            .count();
        assert!(vials >= 240, "{backend:?}: {vials}");
        let more = format!(r#"data-more="vial" data-count="{}""#, vials - 8);
        assert!(r.body.contains(&more), "{backend:?}: {more}");
        assert!(
            r.body
                .matches(r#"class="tr-node" data-node="vial:"#)
                .count()
                == 8
        );
        assert!(
            r.body.matches("<line").count() < 100,
            "readable, not a hairball"
        );
        assert!(
            r.body.contains(&format!("<td class=\"num\">{vials}</td>")),
            "total shown"
        );

        // A patient as the root: refused to operators (they see no patients, issue 18), shown
        // and linked for the clinical roles.
        let r = get(&app, "/trace?id=PT-000001&dir=backward", Some(&op)).await;
        assert_eq!(r.status, 403, "{backend:?}");
        assert!(!r.body.contains(r#"data-node="patient:PT-000001""#));
        let (dr, _) = session(&svc, "physician").await;
        let r = get(&app, "/trace?id=PT-000001&dir=backward", Some(&dr)).await;
        assert!(
            r.body
                .contains(r#"data-node="patient:PT-000001" data-root="true""#)
                && r.body.contains(r#"href="/patients/PT-000001""#),
            "{backend:?}"
        );

        // Unknown id: the field says so (404); a bad direction: 422 naming dir.
        let r = get(&app, "/trace?id=NOPE-1&dir=forward", Some(&op)).await;
        assert_eq!(r.status, 404, "{backend:?}");
        assert!(r.body.contains(r#"id="err-id""#) && r.body.contains("NOPE-1"));
        let r = get(&app, "/trace?id=L-2026-004&dir=sideways", Some(&op)).await;
        assert_eq!(r.status, 422);
        assert!(r.body.contains(r#"id="err-dir""#));
        // The empty form.
        let r = get(&app, "/trace", Some(&op)).await;
        assert_eq!(r.status, 200);
        assert!(r.body.contains(r#"id="trace-form""#) && !r.body.contains("<svg"));
    }
}

#[tokio::test]
async fn the_api_answers_what_secretome_trace_prints_and_a_patient_is_a_root() {
    for (backend, store) in stores("trace_api").await {
        let (app, svc) = demo_app(store).await;
        let (dr, _) = session(&svc, "physician").await;
        for (id, dir, d) in [
            ("L-2026-004", "backward", Direction::Backward),
            ("L-2026-004", "forward", Direction::Forward),
            ("PT-000001", "backward", Direction::Backward),
        ] {
            let path = format!("/api/v1/trace?id={id}&dir={dir}");
            let (status, ct, body) = fetch(&app, &path, &dr).await;
            assert_eq!(status, 200, "{backend:?} {path}: {body}");
            assert!(ct.starts_with("application/json"), "{ct}");
            let got: Value = serde_json::from_str(&body).unwrap();
            // `secretome trace` prints serde_json::to_string of the service's Trace.
            let cli: Value = serde_json::from_str(
                &serde_json::to_string(&svc.trace(d, id).await.unwrap()).unwrap(),
            )
            .unwrap();
            assert_eq!(got, cli, "{backend:?} {path}");
            assert_eq!(got["root"]["id"], id);
            let node = &got["nodes"][0];
            assert!(node["kind"].is_string() && node["id"].is_string(), "{node}");
            let edge = &got["edges"][0];
            assert!(edge[0].is_string() && edge[1].is_string(), "{edge}");
        }
        // A patient traced backward reaches the vial, its lot and the donor.
        let (_, _, body) = fetch(&app, "/api/v1/trace?id=PT-000001&dir=backward", &dr).await;
        let t: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(t["root"]["kind"], "patient");
        let kinds: Vec<&str> = t["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|n| n["kind"].as_str())
            .collect();
        for k in ["vial", "lot", "donor"] {
            assert!(kinds.contains(&k), "{backend:?}: {k} in {kinds:?}");
        }
        // Refusals name the field.
        let (status, _, body) = fetch(&app, "/api/v1/trace?dir=forward", &dr).await;
        assert_eq!(status, 422);
        assert!(body.contains(r#""field":"id""#), "{body}");
        let (status, _, body) = fetch(&app, "/api/v1/trace?id=L-2026-004&dir=up", &dr).await;
        assert_eq!(status, 422);
        assert!(body.contains(r#""field":"dir""#), "{body}");
        let (status, _, _) = fetch(&app, "/api/v1/trace?id=NOPE-1", &dr).await;
        assert_eq!(status, 404);

        // The FHIR export of the same patient.
        let (status, ct, body) = fetch(&app, "/api/v1/patients/PT-000001/fhir", &dr).await;
        assert_eq!(status, 200, "{backend:?}: {body}");
        assert_eq!(ct, "application/fhir+json");
        let b: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(b["resourceType"], "Bundle");
        let entries = b["entry"].as_array().unwrap();
        assert!(
            entries
                .iter()
                .any(|e| e["resource"]["resourceType"] == "MedicationAdministration")
        );
        let (status, _, _) = fetch(&app, "/api/v1/patients/PT-NOBODY/fhir", &dr).await;
        assert_eq!(status, 404);

        // Both endpoints are in the OpenAPI document.
        let doc: Value =
            serde_json::from_str(&get(&app, "/api/v1/openapi.json", None).await.body).unwrap();
        assert!(doc["paths"]["/api/v1/trace"]["get"].is_object());
        assert!(doc["paths"]["/api/v1/patients/{id}/fhir"]["get"].is_object());
    }
}

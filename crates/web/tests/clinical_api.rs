//! The clinical JSON API on both backends, and what readers see: a physician registers a patient,
//! dispenses by scanned DIN barcode data, is refused a recalled vial (409 with the reason) and a dose
//! that is not a number (422 naming the field), records dose, adverse event and outcome; QA reads
//! the same record through the API and the pages, without the forms, and may not dispense.

use crate::common;
use common::*;
use secretome_domain::{
    isbt::Din,
    vial::{Vial, VialStatus},
};
use secretome_service::Service;
use secretome_store::testing::stores;
use serde_json::{Value, json};

async fn vials(svc: &Service, lot: &str, status: VialStatus) -> Vec<Vial> {
    svc.store()
        .list::<Vial>(Some(("lot", lot)))
        .await
        .unwrap()
        .into_iter()
        .filter(|v| v.status == status)
        .collect()
}

fn din(v: &Vial) -> Din {
    Din::parse(v.din.as_deref().expect("filled vials carry a DIN")).unwrap()
}

/// Posts a form as `who` and returns the response.
#[tokio::test]
async fn readers_see_no_forms_and_the_api_answers_the_same() {
    for (backend, store) in stores("clinical_api").await {
        let (app, svc) = demo_app(store).await;
        let doc = session(&svc, "physician").await;
        let qa = session(&svc, "qa").await;
        let (s, p) = post_json(&app, "/api/v1/patients", &doc, json!({"id": "PT-API-001", "site": "CPC-TOKYO", "birth_year": 1990, "sex": "female", "indication": "hair_loss"}))
        .await;
        assert_eq!(s, 201, "{backend:?}: {p}");
        let avail = vials(&svc, "L-2026-004", VialStatus::Available).await;
        let v = &avail[0];
        let base = "/api/v1/patients/PT-API-001";
        let (s, body) = post_json(
            &app,
            &format!("{base}/dispense"),
            &doc,
            json!({"vial": v.id.as_str()}),
        )
        .await;
        assert_eq!(s, 409, "no consent yet: {body}");
        assert!(
            body["error"]
                .as_str()
                .unwrap_or("")
                .contains("has no valid consent for hair_loss"),
            "{body}"
        );
        let (s, body) = post_json(&app, &format!("{base}/consents"), &doc, json!({"indication": "hair_loss", "document_version": "IC-HAIR v1", "explained_by": "Dr. API"}))
        .await;
        assert_eq!(
            (s, body["id"].as_str()),
            (201, Some("PT-API-001-CN-01")),
            "{body}"
        );
        let (s, body) = post_json(&app, &format!("{base}/dispense"), &doc, json!({"vial": format!("{}=<{}", din(v).barcode_data(), v.product_code.as_deref().unwrap())}))
        .await;
        assert_eq!(
            (s, body["vial"].as_str()),
            (201, Some(v.id.as_str())),
            "{body}"
        );
        let recalled = vials(&svc, "L-2026-002", VialStatus::Recalled).await;
        let (s, body) = post_json(
            &app,
            &format!("{base}/dispense"),
            &doc,
            json!({"vial": recalled[0].id.as_str()}),
        )
        .await;
        assert_eq!(s, 409);
        assert!(
            body["error"].as_str().unwrap_or("").contains("is recalled"),
            "{body}"
        );
        let (s, body) = post_json(
            &app,
            &format!("{base}/administrations"),
            &doc,
            json!({"vial": v.id.as_str(), "route": "scalp_injection", "dose_ml": "lots"}),
        )
        .await;
        assert_eq!((s, body["field"].as_str()), (422, Some("dose_ml")));
        // A rule's refusal answers with its code, the English and the Japanese, from its data.
        let never = &avail[1];
        let (s, body) = post_json(
            &app,
            &format!("{base}/administrations"),
            &doc,
            json!({"vial": never.id.as_str(), "route": "scalp_injection", "dose_ml": 1.0}),
        )
        .await;
        assert_eq!(
            (s, body["code"].as_str()),
            (409, Some("vial_not_dispensed")),
            "{body}"
        );
        assert_eq!(
            body["error"].as_str(),
            Some(format!("vial {} has not been dispensed for a patient", never.id).as_str())
        );
        assert_eq!(
            body["message_ja"].as_str(),
            Some(format!("バイアル {} は患者に払い出されていません", never.id).as_str())
        );
        let (s, body) = post_json(
            &app,
            &format!("{base}/administrations"),
            &doc,
            json!({"vial": v.id.as_str(), "route": "scalp_injection", "dose_ml": 1.0}),
        )
        .await;
        assert_eq!(
            (s, body["route"].as_str()),
            (201, Some("scalp_injection")),
            "{body}"
        );
        let (s, body) = post_json(&app, &format!("{base}/adverse-events"), &doc, json!({"term": "Pruritus", "grade": 1, "causality": "unlikely", "outcome": "recovered"}))
        .await;
        assert_eq!(
            (s, body["id"].as_str()),
            (201, Some("PT-API-001-AE-001")),
            "{body}"
        );
        let (s, body) = post_json(
            &app,
            &format!("{base}/outcomes"),
            &doc,
            json!({"scale": "hair_count", "value": 142}),
        )
        .await;
        assert_eq!(
            (s, body["id"].as_str()),
            (201, Some("PT-API-001-OC-0001")),
            "{body}"
        );
        // A life-threatening event the physician knew of weeks ago, not yet reported: overdue
        // on the dashboard (page and API) until both submissions are recorded.
        let (s, body) = post_json(&app, &format!("{base}/adverse-events"), &doc, json!({"term": "Anaphylaxis", "grade": 4, "causality": "possibly", "outcome": "recovered",
                   "onset_at": "2026-10-01T00:00:00Z", "aware_at": "2026-10-01T01:00:00Z"}))
        .await;
        assert_eq!((s, body["serious"].as_bool()), (201, Some(true)), "{body}");
        let rpt = "PT-API-001-AE-002-RPT";
        let r = get(&app, "/ae-reports", Some(&qa.0)).await;
        assert_eq!(r.status, 200, "{backend:?}");
        let overdue = &r.body[r
            .body
            .find("id=\"overdue-table\"")
            .expect("an overdue table")..];
        let overdue = &overdue[..overdue.find("id=\"due-soon\"").unwrap_or(overdue.len())];
        assert!(
            overdue.contains(&format!("data-report=\"{rpt}\"")) && overdue.contains("2026-10-08"),
            "7 days from 1 October (JST): {overdue}"
        );
        let d: Value =
            serde_json::from_str(&get(&app, "/api/v1/ae-reports", Some(&doc.0)).await.body)
                .unwrap();
        assert!(
            d["overdue"]
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r["report"]["id"] == rpt),
            "{d}"
        );
        let (s, body) = post_json(&app, &format!("/api/v1/ae-reports/{rpt}/submit"), &doc, json!({"committee_reported_at": "2026-10-05T00:00:00Z", "authority_reported_at": "2026-10-06T00:00:00Z", "reference": "R-1"}))
        .await;
        assert_eq!(
            (s, body["status"].as_str()),
            (200, Some("submitted")),
            "{body}"
        );
        let r = get(&app, "/ae-reports", Some(&qa.0)).await;
        assert!(!r.body.contains(&format!("data-report=\"{rpt}\"")));
        let terms: Value = serde_json::from_str(
            &get(&app, "/api/v1/ctcae?q=10002218", Some(&doc.0))
                .await
                .body,
        )
        .unwrap();
        assert_eq!(terms["terms"][0]["term"], "Anaphylaxis");
        assert_eq!(terms["terms"][0]["grades"], json!([3, 4, 5]));

        let (s, _) = post_json(
            &app,
            &format!("{base}/dispense"),
            &qa,
            json!({"vial": avail[1].id.as_str()}),
        )
        .await;
        assert_eq!(s, 403, "qa reads but does not dispense");

        let r = get(&app, base, Some(&qa.0)).await;
        assert_eq!(r.status, 200);
        let d: Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(
            d["dispensings"][0]["dispensing"]["vial"].as_str(),
            Some(v.id.as_str())
        );
        assert_eq!(d["administrations"][0]["dose_ml"].as_f64(), Some(1.0));
        let pruritus = d["adverse_events"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["id"] == "PT-API-001-AE-001")
            .expect("the first event");
        assert_eq!(
            (pruritus["grade"].as_i64(), pruritus["meddra_code"].as_str()),
            (Some(1), Some("10037087"))
        );
        assert_eq!(d["outcomes"][0]["value"].as_f64(), Some(142.0));

        let r = get(&app, "/patients/PT-API-001", Some(&qa.0)).await;
        assert_eq!(r.status, 200);
        assert!(r.body.contains("PT-API-001") && r.body.contains("頭皮注射"));
        assert!(
            !r.body.contains("id=\"dispense-form\"") && !r.body.contains("id=\"outcome-form\"")
        );
        let r = get(&app, "/patients?indication=hair_loss", Some(&qa.0)).await;
        assert!(
            r.body.contains("data-patient=\"PT-API-001\"")
                && !r.body.contains("id=\"patient-form\"")
        );
        assert_eq!(
            get(&app, "/patients", Some(&session(&svc, "operator").await.0))
                .await
                .status,
            403
        );
        let doc_api: Value =
            serde_json::from_str(&get(&app, "/api/v1/openapi.json", None).await.body).unwrap();
        assert!(doc_api["paths"]["/api/v1/patients/{id}/dispense"]["post"].is_object());
        assert!(doc_api["paths"]["/api/v1/patients/{id}"]["get"].is_object());
    }
}

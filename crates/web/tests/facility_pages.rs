//! The facility pages and `/api/v1` operations on both backends (issue 14): the register page shows
//! each instrument's due status (the demo incubator overdue); the EM page draws a trend chart per
//! sample type with the limits; a result entered on the page or through the API goes through the
//! same typed input (a bad value names the same field on both), and an action excursion opens the
//! lot's deviation; the particle counter CSV is imported from a file upload and through the API; a
//! 0.45 µm filter is refused naming `pore_um`; QA registers and calibrates equipment on the page;
//! QA's release page summarises the lot's rooms, EM, filtration and equipment.

use crate::common;
use axum::{body::Body, http::Request};
use common::*;
use secretome_store::testing::stores;
use serde_json::{Value, json};

/// RFC 3339 text of the lot's last step + `hours`.
async fn after_last_step(svc: &secretome_service::Service, lot: &str, hours: f64) -> String {
    let d = svc.lot_detail(lot).await.unwrap();
    let last = d.steps.iter().map(|s| s.performed_at).max().unwrap();
    last.plus_hours(hours).unwrap().to_string()
}

#[tokio::test]
async fn registers_em_entry_import_and_filtration_through_pages_and_api() {
    for (backend, store) in stores("facility_pages").await {
        let (app, svc) = demo_app(store).await;
        let qa = session(&svc, "qa").await;
        let qc = session(&svc, "qc").await;
        let op = session(&svc, "operator").await;

        // The register: rooms, the overdue incubator, qualifications, media fills.
        let r = get(&app, "/facility", Some(&qa.0)).await;
        assert_eq!(r.status, 200, "{backend:?}");
        assert!(r.body.contains("data-room=\"ISO-1\""), "{backend:?}");
        assert!(
            r.body
                .contains("data-equipment=\"INC-02\" data-status=\"overdue\""),
            "{backend:?}"
        );
        assert!(r.body.contains("期限切れ"));
        assert!(r.body.contains("data-qualification=\"operator/Q-"));
        let (s, v) = post_json(&app, "/api/v1/equipment", &qa, json!({})).await;
        assert_eq!((s, v["field"].as_str()), (422, Some("id")), "{v}");

        // QA registers a particle counter and records its calibration on the page.
        let r = post_form(
            &app,
            "/facility/equipment",
            Some(&qa.0),
            &[
                ("csrf", &qa.1),
                ("id", "PC-01"),
                ("name", "パーティクルカウンター1"),
                ("kind", "particle_counter"),
                ("room", "CPC-B1"),
                ("calibration_due", "2099-01-01T09:00"),
            ],
        )
        .await;
        assert_eq!(
            (r.status, r.location.as_str()),
            (303, "/facility#eq"),
            "{}",
            r.body
        );
        let r = post_form(
            &app,
            "/facility/equipment/calibrate",
            Some(&qa.0),
            &[
                ("csrf", &qa.1),
                ("id", "PC-01"),
                ("calibration_due", "2099-06-01T09:00"),
            ],
        )
        .await;
        assert_eq!(r.status, 422, "the reason is required");
        assert!(r.body.contains("id=\"err-reason\""), "{}", r.body);
        let (s, v) = get_json(&app, "/api/v1/equipment", &qa.0).await;
        assert_eq!(s, 200);
        let pc = v
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["id"] == "PC-01")
            .unwrap()
            .clone();
        assert_eq!(pc["status"], "ok");

        // EM entry: a bad value names the field on the page and in the API alike.
        let sampled = after_last_step(&svc, "L-2026-005", 2.0).await;
        let r = post_form(
            &app,
            "/facility/em",
            Some(&qc.0),
            &[
                ("csrf", &qc.1),
                ("room", "ISO-1"),
                ("sample_type", "settle_plate"),
                ("value", "many"),
                ("sampled_at", &sampled),
            ],
        )
        .await;
        assert_eq!(r.status, 422);
        assert!(r.body.contains("id=\"err-value\""), "{}", r.body);
        let em = json!({"room": "ISO-1", "sample_type": "settle_plate", "value": "many", "sampled_at": sampled});
        let (s, v) = post_json(&app, "/api/v1/em-results", &qc, em.clone()).await;
        assert_eq!((s, v["field"].as_str()), (422, Some("value")), "{v}");
        // A colony on the isolator's settle plate: an action excursion and L-2026-005's deviation.
        let mut em = em;
        em["value"] = json!(2);
        let (s, v) = post_json(&app, "/api/v1/em-results", &qc, em).await;
        assert_eq!(s, 201, "{v}");
        assert_eq!(v["result"]["outcome"], "action");
        assert_eq!(v["deviations"], json!(["L-2026-005/DEV-01"]));
        // The page shows it with the trend chart and its limits.
        let r = get(&app, "/facility/em?room=ISO-1", Some(&qc.0)).await;
        assert_eq!(r.status, 200);
        assert!(
            r.body.contains("id=\"trend-settle_plate\"><svg"),
            "{backend:?}"
        );
        assert!(r.body.contains("data-outcome=\"action\""));
        let (s, v) = get_json(&app, "/api/v1/em-results?room=ISO-1", &qc.0).await;
        assert_eq!(s, 200);
        assert!(
            v.as_array()
                .unwrap()
                .iter()
                .any(|e| e["outcome"] == "action")
        );

        // Particle counter CSV as a file upload on the page (the CSRF token in the query).
        let csv = format!("time,location,>=0.5um,>=5um\n{sampled},CPC-B1,1200,3\n");
        let boundary = "XyZ";
        let body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"pc.csv\"\r\nContent-Type: text/csv\r\n\r\n{csv}\r\n--{boundary}--\r\n"
        );
        let req = Request::post(format!("/facility/em/import?csrf={}", qc.1))
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .header("cookie", &qc.0)
            .body(Body::from(body))
            .unwrap();
        let r = send(&app, req).await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(r.body.matches("data-outcome=\"within\"").count() >= 2);
        // …and through the API, where an unknown location refuses the whole file.
        let req = Request::post("/api/v1/em-results/import")
            .header("content-type", "text/csv")
            .header("cookie", &qc.0)
            .header("x-csrf-token", &qc.1)
            .body(Body::from(format!(
                "time,location,>=0.5um,>=5um\n{sampled},X-9,1,1\n"
            )))
            .unwrap();
        let r = send(&app, req).await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(
            r.body.contains("line 2: location X-9 is not registered"),
            "{}",
            r.body
        );

        // A 0.45 µm filter is not a sterilising filter: refused naming pore_um, page and API.
        let f = json!({"lot": "L-2026-007", "filter_maker": "Sartorius", "filter_model": "Sartopore 2",
            "filter_lot": "SP2-1", "pore_um": 0.45, "sterilising_grade": true, "room": "ISO-1"});
        let (s, v) = post_json(&app, "/api/v1/filtrations", &op, f.clone()).await;
        assert_eq!((s, v["field"].as_str()), (422, Some("pore_um")), "{v}");
        let r = post_form(
            &app,
            "/facility/filtrations",
            Some(&op.0),
            &[
                ("csrf", &op.1),
                ("lot", "L-2026-007"),
                ("filter_maker", "Sartorius"),
                ("filter_model", "Sartopore 2"),
                ("filter_lot", "SP2-1"),
                ("pore_um", "0.45"),
                ("sterilising_grade", "1"),
                ("room", "ISO-1"),
            ],
        )
        .await;
        assert_eq!(r.status, 422);
        assert!(r.body.contains("id=\"err-pore_um\""), "{}", r.body);
        let r = get(&app, "/facility/filtrations?lot=L-2026-005", Some(&op.0)).await;
        assert_eq!(r.status, 200);
        assert!(
            r.body.contains("data-passed=\"true\""),
            "the demo's tests are listed"
        );

        // QA's release page summarises the lot's sterility: where it was handled, the EM of those
        // rooms with the excursion entered above, the filtration's passing tests, the equipment.
        let r = get(&app, "/lots/L-2026-005/record", Some(&qa.0)).await;
        assert_eq!(r.status, 200);
        let s = &r.body[r.body.find("id=\"sterility\"").expect("the summary")..];
        assert!(s.contains("<td class=\"mono\">ISO-1</td>"), "{backend:?}");
        assert!(
            s.contains("id=\"sterility-em-out\""),
            "the excursion is listed"
        );
        assert!(s.contains("data-outcome=\"action\""));
        assert!(s.contains("data-passed=\"true\""), "the post-use test");
        assert!(
            s.contains("data-equipment=\"CF-01\""),
            "the centrifuge used"
        );
        assert!(
            r.body
                .contains("data-kind=\"open_deviation\" data-subject=\"L-2026-005/DEV-01\"")
        );
    }
}

async fn get_json(app: &axum::Router, path: &str, cookie: &str) -> (u16, Value) {
    let r = get(app, path, Some(cookie)).await;
    (
        r.status,
        serde_json::from_str(&r.body).unwrap_or(Value::Null),
    )
}

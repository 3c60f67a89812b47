//! The recall pages through the router, on both backends: the demo's recall of L-2026-002 lists
//! the patients treated from it with their physician; QA opens a recall on a raw-material lot by
//! the form, every vial it reaches is blocked and the report lists every exposed patient; a
//! physician may record a follow-up but not open a recall; the API answers the same.

use crate::common;
use common::*;
use secretome_domain::{
    genealogy::NodeKind,
    vial::{Vial, VialStatus},
};
use secretome_store::{Direction, testing::stores};

#[tokio::test]
async fn qa_opens_a_recall_on_a_raw_material_lot_and_every_exposed_patient_is_listed() {
    for (backend, store) in stores("recall_pages").await {
        let (app, svc) = demo_app(store).await;
        let (qa, qa_csrf) = session(&svc, "qa").await;
        let (dr, dr_csrf) = session(&svc, "physician").await;

        // The demo's recall: the six patients treated from L-2026-002, with their physician.
        let r = get(&app, "/recalls/RCL-0001", Some(&qa)).await;
        assert_eq!(r.status, 200, "{backend:?}");
        assert!(r.body.contains("L-2026-002"), "{backend:?}");
        for p in ["PT-000001", "PT-000006"] {
            assert!(r.body.contains(&format!("data-patient=\"{p}\"")), "{p}");
        }
        assert!(!r.body.contains("data-patient=\"PT-000007\""));
        assert!(r.body.contains("data-physician=\"physician\""));
        // The patient list flags the patients with an open exposure, and only those.
        let list = get(&app, "/patients", Some(&dr)).await;
        assert!(
            list.body.contains("id=\"recall-alert-PT-000001\""),
            "{backend:?}"
        );
        assert!(
            !list.body.contains("id=\"recall-alert-PT-000007\""),
            "{backend:?}"
        );

        // A physician cannot open a recall.
        let r = post_form(
            &app,
            "/recalls",
            Some(&dr),
            &[
                ("csrf", &dr_csrf),
                ("target", "RM-SFM-2402"),
                ("reason", "x"),
            ],
        )
        .await;
        assert_eq!(r.status, 403, "{backend:?}");

        // An unknown target is refused on the form, naming the field; nothing is opened.
        let r = post_form(
            &app,
            "/recalls",
            Some(&qa),
            &[("csrf", &qa_csrf), ("target", "RM-NONE"), ("reason", "x")],
        )
        .await;
        assert_eq!(r.status, 422, "{backend:?}");
        assert!(r.body.contains("id=\"err-target\""), "{}", r.body);

        // QA previews a recall on the serum-free conditioning medium lot used by every batch:
        // lots, vials by state and patients are shown, nothing is written.
        let before = svc.store().event_count().await.unwrap();
        let r = post_form(
            &app,
            "/recalls",
            Some(&qa),
            &[
                ("csrf", &qa_csrf),
                ("target", "RM-SFM-2402"),
                ("reason", "供給元からのエンドトキシン逸脱通知"),
            ],
        )
        .await;
        assert_eq!(r.status, 200, "{backend:?} {}", r.body);
        assert!(
            r.body.contains("id=\"recall-preview\"") && r.body.contains("id=\"preview-vials\"")
        );
        assert!(r.body.contains("id=\"recall-sign\""));
        assert_eq!(svc.store().event_count().await.unwrap(), before);
        // A wrong password opens nothing; the right one signs and opens it.
        let sign = |password: &'static str| {
            let (app, qa, csrf) = (app.clone(), qa.clone(), qa_csrf.clone());
            async move {
                let form = [
                    ("csrf", csrf.as_str()),
                    ("target", "RM-SFM-2402"),
                    ("reason", "供給元からのエンドトキシン逸脱通知"),
                    ("confirm", "1"),
                    ("password", password),
                ];
                post_form(&app, "/recalls", Some(&qa), &form).await
            }
        };
        let r = sign("wrong").await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(r.body.contains("id=\"err-password\""));
        let r = sign("demo").await;
        assert_eq!(r.status, 303, "{backend:?} {}", r.body);
        assert_eq!(r.location, "/recalls/RCL-0002");
        let reached = svc.trace(Direction::Forward, "RM-SFM-2402").await.unwrap();
        let mut exposed = Vec::new();
        for n in reached.nodes.iter().filter(|n| n.kind == NodeKind::Vial) {
            let v: Vial = svc.store().fetch(&n.id).await.unwrap().unwrap();
            assert!(
                !matches!(
                    v.status,
                    VialStatus::Available | VialStatus::Quarantine | VialStatus::Dispensed
                ),
                "{backend:?}: {} is still {:?}",
                v.id,
                v.status
            );
        }
        for n in reached.nodes.iter().filter(|n| n.kind == NodeKind::Patient) {
            exposed.push(n.id.clone());
        }
        assert_eq!(
            exposed.len(),
            12,
            "every demo patient was treated from these lots"
        );
        let list = get(&app, "/patients", Some(&dr)).await;
        for p in &exposed {
            assert!(
                list.body.contains(&format!("id=\"recall-alert-{p}\"")),
                "{backend:?}: {p} flagged on the patient list"
            );
        }
        let r = get(&app, "/recalls/RCL-0002", Some(&dr)).await;
        assert_eq!(r.status, 200);
        for p in &exposed {
            assert!(
                r.body.contains(&format!("data-patient=\"{p}\"")),
                "{p} listed"
            );
        }

        // The physician records a follow-up; it shows with the note.
        let x = format!("RCL-0002-{}", exposed[0]);
        let r = post_form(
            &app,
            &format!("/recalls/RCL-0002/exposures/{x}/follow-up"),
            Some(&dr),
            &[("csrf", &dr_csrf), ("note", "電話連絡済み、症状なし")],
        )
        .await;
        assert_eq!(r.status, 303, "{}", r.body);
        let r = get(&app, "/recalls/RCL-0002", Some(&dr)).await;
        assert!(r.body.contains("電話連絡済み、症状なし"));

        // The API gives the same report.
        let r = get(&app, "/api/v1/recalls/RCL-0002", Some(&qa)).await;
        assert_eq!(r.status, 200);
        let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        // One row per patient, each with the reached vials dispensed for them.
        let listed: Vec<String> = v["exposures"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|x| x["exposure"]["patient"].as_str().map(str::to_string))
            .collect();
        let mut sorted = exposed.clone();
        sorted.sort();
        assert_eq!(listed, sorted);
        assert!(
            v["exposures"][0]["exposure"]["vials"]
                .as_array()
                .is_some_and(|a| !a.is_empty())
        );
        assert_eq!(v["recall"]["target_kind"], "material_lot");
    }
}

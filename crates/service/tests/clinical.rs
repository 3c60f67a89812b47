//! Clinical use cases on both backends, on the demo's vials: a physician registers a patient,
//! dispenses a released vial (by id and by its scanned DIN), records the dose, an adverse event
//! and outcomes; the patient's record and the indication summary show them.

use crate::clinical_inputs;
use crate::common;
use clinical_inputs::*;
use common::*;

use secretome_domain::vial::{Vial, VialStatus};
use secretome_service::{ErrorKind, Service, demo};
use secretome_store::{VerifyOutcome, testing::stores};
use std::sync::Arc;

#[tokio::test]
async fn a_physician_dispenses_gives_and_follows_up_a_dose() {
    for (backend, store) in stores("clinical_flow").await {
        let svc = Service::new(Arc::new(store));
        let now = t("2026-11-25T03:00:00Z");
        demo::build(&svc, now).await.unwrap();
        let doc = svc.actor("physician").await.unwrap();
        let before = svc.indication_summary("stroke").await.unwrap();
        svc.register_patient(&doc, now, patient("PT-T-001", "stroke"))
            .await
            .unwrap();
        svc.register_patient(&doc, now, patient("PT-T-002", "stroke"))
            .await
            .unwrap();
        common::consent(&svc, &doc, "PT-T-001", "stroke", now).await;
        common::consent(&svc, &doc, "PT-T-002", "stroke", now).await;

        // by the vial id, then by the DIN as a scanner sends it
        let v1 = vial(&svc, "L-2026-004", VialStatus::Available, 0).await;
        let v2 = vial(&svc, "L-2026-004", VialStatus::Available, 1).await;
        assert!(v1.location.is_some(), "demo vials sit in a freezer");
        let d1 = svc
            .dispense_vial(&doc, h(now, 1.0), v1.id.as_str(), "PT-T-001")
            .await
            .unwrap();
        assert_eq!(d1.vial, v1.id);
        let d2 = svc
            .dispense_vial(&doc, h(now, 1.0), &barcode(&v2), "PT-T-002")
            .await
            .unwrap();
        assert_eq!(d2.vial, v2.id, "{backend:?}: found by its DIN barcode");
        let after: Vial = svc.store().fetch(v1.id.as_str()).await.unwrap().unwrap();
        assert_eq!(
            (after.status, after.location),
            (VialStatus::Dispensed, None)
        );

        let a1 = svc
            .record_administration_for(
                &doc,
                h(now, 2.0),
                "PT-T-001",
                dose(v1.id.as_str(), 1.5, h(now, 2.0)),
            )
            .await
            .unwrap();
        svc.record_administration(&doc, h(now, 2.0), dose(v2.id.as_str(), 2.0, h(now, 2.0)))
            .await
            .unwrap();
        let e1 = svc
            .report_adverse_event(
                &doc,
                h(now, 30.0),
                ae(
                    "PT-T-001",
                    Some(v1.id.as_str()),
                    1,
                    "recovered",
                    h(now, 26.0),
                ),
            )
            .await
            .unwrap();
        assert_eq!(
            (e1.id.as_str(), e1.administration.as_deref()),
            ("PT-T-001-AE-001", Some(a1.id.as_str()))
        );
        let e2 = svc
            .report_adverse_event(
                &doc,
                h(now, 30.0),
                ae("PT-T-001", None, 4, "recovering", h(now, 28.0)),
            )
            .await
            .unwrap();
        assert_eq!(e2.id, "PT-T-001-AE-002");
        assert!(e2.serious, "grade 4 is serious whatever was ticked");

        // mRS: PT-T-001 4 → 2 (better), PT-T-002 3 → 3; baseline before the dose
        for (p, hours, v) in [
            ("PT-T-001", 0.5, "4"),
            ("PT-T-001", 24.0 * 30.0 + 2.0, "3"),
            ("PT-T-001", 24.0 * 90.0 + 2.0, "2"),
            ("PT-T-002", 24.0 * 7.0 + 2.0, "3"),
            ("PT-T-002", 24.0 * 60.0 + 2.0, "3"),
        ] {
            svc.record_outcome(
                &doc,
                h(now, 24.0 * 100.0),
                outcome(p, "mrs", v, h(now, hours)),
            )
            .await
            .unwrap();
        }

        let d = svc.patient_detail("PT-T-001").await.unwrap();
        assert_eq!(d.dispensings.len(), 1);
        assert!(d.dispensings[0].administered);
        assert_eq!(d.administrations[0].dose_ml, 1.5);
        let aes: Vec<&str> = d.adverse_events.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(aes, ["PT-T-001-AE-001", "PT-T-001-AE-002"], "onset order");
        let oc: Vec<&str> = d.outcomes.iter().map(|o| o.id.as_str()).collect();
        assert_eq!(
            oc,
            ["PT-T-001-OC-0001", "PT-T-001-OC-0002", "PT-T-001-OC-0003"]
        );
        assert_eq!(d.first_dose_at, Some(h(now, 2.0)));

        // the demo's own stroke patients are counted too: compare with what was there before
        let s = svc.indication_summary("stroke").await.unwrap();
        let pts = |n: usize| n + before.patients.len();
        assert_eq!(
            (s.patients.len(), s.doses),
            (pts(2), before.doses + 2),
            "{backend:?}"
        );
        assert!((s.total_ml - before.total_ml - 3.5).abs() < 1e-9);
        let mut grades = before.ae_by_grade;
        grades[0] += 1;
        grades[3] += 1;
        assert_eq!((s.ae_by_grade, s.serious), (grades, before.serious + 1));
        let mrs = &s.scales[0];
        assert!(!mrs.higher_is_better);
        let mine = |id: &str| {
            mrs.patients
                .iter()
                .find(|p| p.patient.as_str() == id)
                .unwrap()
                .clone()
        };
        let one = mine("PT-T-001");
        assert_eq!(one.change, Some(-2.0));
        assert_eq!(mine("PT-T-002").change, Some(0.0));
        assert!(one.points[0].0 < 0.0, "baseline before the first dose");
        assert!(
            (one.points[2].0 - 90.0).abs() < 1e-6,
            "days since the first dose"
        );
        let changes: Vec<f64> = mrs.patients.iter().filter_map(|p| p.change).collect();
        let mean = changes.iter().sum::<f64>() / changes.len() as f64;
        assert!((mrs.mean_change.unwrap() - mean).abs() < 1e-9);
        let b = &before.scales[0];
        assert_eq!(
            (mrs.improved, mrs.worsened),
            (b.improved + 1, b.worsened),
            "no change is neither"
        );
        assert_eq!(patients_of(&svc, "stroke").await.unwrap().len(), pts(2));
        assert!(
            patients_of(&svc, "ageing_care")
                .await
                .unwrap()
                .iter()
                .all(|p| p.indication.as_str() == "ageing_care")
        );
        assert_eq!(
            patients_of(&svc, "flu").await.unwrap_err().kind(),
            ErrorKind::Invalid
        );
        let overview = svc.indications_overview().await.unwrap();
        let stroke = overview
            .iter()
            .find(|r| r.indication.as_str() == "stroke")
            .unwrap();
        assert_eq!((stroke.patients, stroke.doses), (pts(2), before.doses + 2));
        let out = svc.verify_audit().await.unwrap();
        assert!(
            matches!(out, VerifyOutcome::Intact { .. }),
            "{backend:?}: {out:?}"
        );
    }
}

/// The patients of one indication, through the paged list (one page holds the test's few).
async fn patients_of(
    svc: &Service,
    indication: &str,
) -> Result<Vec<secretome_domain::clinical::Patient>, secretome_service::ServiceError> {
    let filter = secretome_service::PatientFilter {
        indication: Some(indication.into()),
        ..Default::default()
    };
    let page = svc.patients_page(&filter, None, Some(200)).await?;
    Ok(page.rows.into_iter().map(|r| r.patient).collect())
}

/// An indication's outcome series count days from the patient's earliest dose, whichever dose was
/// recorded first; the patient list counts both doses (issue 19: the first dose is found in SQL).
#[tokio::test]
async fn outcome_days_count_from_the_earliest_dose_recorded_in_any_order() {
    for (backend, store) in stores("clinical_first_dose").await {
        let svc = Service::new(Arc::new(store));
        let now = t("2026-11-25T03:00:00Z");
        demo::build(&svc, now).await.unwrap();
        let doc = svc.actor("physician").await.unwrap();
        svc.register_patient(&doc, now, patient("PT-T-101", "stroke"))
            .await
            .unwrap();
        common::consent(&svc, &doc, "PT-T-101", "stroke", now).await;
        let v1 = vial(&svc, "L-2026-004", VialStatus::Available, 0).await;
        let v2 = vial(&svc, "L-2026-004", VialStatus::Available, 1).await;
        for v in [&v1, &v2] {
            svc.dispense_vial(&doc, h(now, 1.0), v.id.as_str(), "PT-T-101")
                .await
                .unwrap();
        }
        // the later dose is recorded first
        for (v, at) in [(&v1, 48.0), (&v2, 2.0)] {
            svc.record_administration_for(
                &doc,
                h(now, 50.0),
                "PT-T-101",
                dose(v.id.as_str(), 1.0, h(now, at)),
            )
            .await
            .unwrap();
        }
        for (days, v) in [(30.0, "4"), (60.0, "2")] {
            svc.record_outcome(
                &doc,
                h(now, 24.0 * 100.0),
                outcome("PT-T-101", "mrs", v, h(now, 2.0 + 24.0 * days)),
            )
            .await
            .unwrap();
        }
        let s = svc.indication_summary("stroke").await.unwrap();
        let mine = s.scales[0]
            .patients
            .iter()
            .find(|p| p.patient.as_str() == "PT-T-101")
            .unwrap();
        let days: Vec<f64> = mine.points.iter().map(|p| p.0).collect();
        assert_eq!(days.len(), 2, "{backend:?}");
        assert!(
            (days[0] - 30.0).abs() < 1e-9 && (days[1] - 60.0).abs() < 1e-9,
            "{backend:?}: days from the earliest dose, got {days:?}"
        );
        assert_eq!(mine.change, Some(-2.0), "{backend:?}");
        let row = s
            .patients
            .iter()
            .find(|r| r.patient.id.as_str() == "PT-T-101")
            .unwrap();
        assert_eq!(
            (row.doses, row.last_visit),
            (2, Some(h(now, 2.0 + 24.0 * 60.0))),
            "{backend:?}"
        );
    }
}

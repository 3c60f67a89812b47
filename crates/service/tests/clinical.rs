//! Clinical use cases on both backends, on the demo's vials: a physician registers a patient,
//! dispenses a released vial (by id and by its scanned DIN), records the dose, an adverse event
//! and outcomes, and the indication summary shows them; every refusal says why and writes nothing.

mod common;
use common::*;

use secretome_domain::{
    Actor, UtcTime,
    isbt::Din,
    vial::{Vial, VialStatus},
};
use secretome_service::{
    ErrorKind, NewAdministration, NewAdverseEvent, NewOutcome, NewPatient, Service, demo,
};
use secretome_store::{VerifyOutcome, testing::stores};
use std::sync::Arc;

/// The first vial of `lot` in `status` (the demo's numbering may change; its states do not).
async fn vial(svc: &Service, lot: &str, status: VialStatus, skip: usize) -> Vial {
    svc.store()
        .list::<Vial>(Some(("lot", lot)))
        .await
        .unwrap()
        .into_iter()
        .filter(|v| v.status == status)
        .nth(skip)
        .unwrap_or_else(|| panic!("demo has a {status:?} vial in {lot}"))
}

fn barcode(v: &Vial) -> String {
    Din::parse(v.din.as_deref().expect("filled vials carry a DIN"))
        .unwrap()
        .barcode_data()
}

fn patient(id: &str, indication: &str) -> NewPatient {
    NewPatient {
        id: id.into(),
        site: "CPC-TOKYO".into(),
        birth_year: 1961,
        sex: "female".into(),
        indication: indication.into(),
        physician: None,
    }
}

fn dose(vial: &str, ml: f64, at: UtcTime) -> NewAdministration {
    NewAdministration {
        vial: vial.into(),
        route: "iv_drip".into(),
        dose_ml: ml,
        administered_at: at,
    }
}

fn outcome(p: &str, scale: &str, value: &str, at: UtcTime) -> NewOutcome {
    NewOutcome {
        patient: p.into(),
        scale: scale.into(),
        value: value.into(),
        visit_at: at,
    }
}

fn ae(p: &str, adm: Option<&str>, grade: i64, outcome: &str, at: UtcTime) -> NewAdverseEvent {
    NewAdverseEvent {
        patient: p.into(),
        administration: adm.map(str::to_string),
        term: "Injection site reaction".into(),
        grade,
        serious: false,
        onset_at: at,
        outcome: outcome.into(),
    }
}

fn h(t: UtcTime, hours: f64) -> UtcTime {
    t.plus_hours(hours).unwrap()
}

#[tokio::test]
async fn a_physician_dispenses_gives_and_follows_up_a_dose() {
    for (backend, store) in stores("clinical_flow").await {
        let svc = Service::new(Arc::new(store));
        let now = t("2026-11-25T03:00:00Z");
        demo::build(&svc, now).await.unwrap();
        let doc = svc.actor("physician").await.unwrap();
        svc.register_patient(&doc, now, patient("PT-T-001", "stroke"))
            .await
            .unwrap();
        svc.register_patient(&doc, now, patient("PT-T-002", "stroke"))
            .await
            .unwrap();

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

        let s = svc.indication_summary("stroke").await.unwrap();
        assert_eq!((s.patients.len(), s.doses), (2, 2), "{backend:?}");
        assert!((s.total_ml - 3.5).abs() < 1e-9);
        assert_eq!((s.ae_by_grade, s.serious), ([1, 0, 0, 1, 0], 1));
        let mrs = &s.scales[0];
        assert!(!mrs.higher_is_better);
        let one = mrs
            .patients
            .iter()
            .find(|p| p.patient.as_str() == "PT-T-001")
            .unwrap();
        assert_eq!(one.change, Some(-2.0));
        assert!(one.points[0].0 < 0.0, "baseline before the first dose");
        assert!(
            (one.points[2].0 - 90.0).abs() < 1e-6,
            "days since the first dose"
        );
        assert_eq!(mrs.mean_change, Some(-1.0));
        assert_eq!((mrs.improved, mrs.worsened), (1, 0));
        assert_eq!(svc.list_patients(Some("stroke")).await.unwrap().len(), 2);
        assert!(
            svc.list_patients(Some("hair_loss"))
                .await
                .unwrap()
                .is_empty()
        );
        assert_eq!(
            svc.list_patients(Some("flu")).await.unwrap_err().kind(),
            ErrorKind::Invalid
        );
        let overview = svc.indications_overview().await.unwrap();
        let stroke = overview
            .iter()
            .find(|r| r.indication.as_str() == "stroke")
            .unwrap();
        assert_eq!(
            (stroke.patients, stroke.doses, stroke.adverse_events),
            (2, 2, 2)
        );
        let out = svc.verify_audit().await.unwrap();
        assert!(
            matches!(out, VerifyOutcome::Intact { .. }),
            "{backend:?}: {out:?}"
        );
    }
}

#[tokio::test]
async fn refusals_say_why_and_write_nothing() {
    for (backend, store) in stores("clinical_refusals").await {
        let svc = Service::new(Arc::new(store));
        let now = t("2026-11-25T03:00:00Z");
        demo::build(&svc, now).await.unwrap();
        let doc = svc.actor("physician").await.unwrap();
        let op: Actor = svc.actor("operator").await.unwrap();
        svc.register_patient(&doc, now, patient("PT-R-001", "stroke"))
            .await
            .unwrap();
        svc.register_patient(&doc, now, patient("PT-R-002", "osteoarthritis"))
            .await
            .unwrap();
        let later = h(now, 1.0);

        let q = vial(&svc, "L-2026-005", VialStatus::Quarantine, 0).await;
        refused(
            &svc,
            svc.dispense_vial(&doc, later, q.id.as_str(), "PT-R-001"),
            ErrorKind::Conflict,
            "is quarantine: cannot be dispensed",
        )
        .await;
        let r = vial(&svc, "L-2026-002", VialStatus::Recalled, 0).await;
        refused(
            &svc,
            svc.dispense_vial(&doc, later, r.id.as_str(), "PT-R-001"),
            ErrorKind::Conflict,
            "is recalled: cannot be dispensed",
        )
        .await;
        let r2 = vial(&svc, "L-2026-002", VialStatus::Recalled, 1).await;
        refused(
            &svc,
            svc.dispense_vial(&doc, later, &barcode(&r2), "PT-R-001"),
            ErrorKind::Conflict,
            "is recalled",
        )
        .await;
        refused(
            &svc,
            svc.dispense_vial(&doc, later, "=G12342699999900", "PT-R-001"),
            ErrorKind::NotFound,
            "not found",
        )
        .await;

        let ok = vial(&svc, "L-2026-001", VialStatus::Available, 0).await;
        refused(
            &svc,
            svc.dispense_vial(&op, later, ok.id.as_str(), "PT-R-001"),
            ErrorKind::Forbidden,
            "physician",
        )
        .await;
        let expired_at = h(ok.expires_at, 1.0);
        refused(
            &svc,
            svc.dispense_vial(&doc, expired_at, ok.id.as_str(), "PT-R-001"),
            ErrorKind::Conflict,
            "expired",
        )
        .await;
        refused(
            &svc,
            svc.record_administration(&doc, later, dose(ok.id.as_str(), 1.0, later)),
            ErrorKind::Conflict,
            "has not been dispensed",
        )
        .await;
        svc.dispense_vial(&doc, later, ok.id.as_str(), "PT-R-001")
            .await
            .unwrap();
        refused(
            &svc,
            svc.dispense_vial(&doc, later, ok.id.as_str(), "PT-R-002"),
            ErrorKind::Conflict,
            "is dispensed: cannot be dispensed",
        )
        .await;

        let too_much = dose(ok.id.as_str(), ok.fill_volume_ml + 0.5, later);
        refused(
            &svc,
            svc.record_administration(&doc, later, too_much),
            ErrorKind::Invalid,
            "more than the vial holds",
        )
        .await;
        refused(
            &svc,
            svc.record_administration_for(
                &doc,
                later,
                "PT-R-002",
                dose(ok.id.as_str(), 1.0, later),
            ),
            ErrorKind::Conflict,
            "was dispensed for patient PT-R-001",
        )
        .await;
        let mut bad_route = dose(ok.id.as_str(), 1.0, later);
        bad_route.route = "oral".into();
        refused(
            &svc,
            svc.record_administration(&doc, later, bad_route),
            ErrorKind::Invalid,
            "route",
        )
        .await;

        refused(
            &svc,
            svc.report_adverse_event(&doc, later, ae("PT-R-001", None, 6, "recovered", later)),
            ErrorKind::Invalid,
            "CTCAE grade must be 1–5",
        )
        .await;
        refused(
            &svc,
            svc.report_adverse_event(&doc, later, ae("PT-R-001", None, 5, "recovered", later)),
            ErrorKind::Invalid,
            "fatal",
        )
        .await;
        refused(
            &svc,
            svc.report_adverse_event(
                &doc,
                later,
                ae("PT-R-001", Some("L-2026-001-9999"), 1, "recovered", later),
            ),
            ErrorKind::Invalid,
            "administration",
        )
        .await;
        refused(
            &svc,
            svc.report_adverse_event(&op, later, ae("PT-R-001", None, 1, "recovered", later)),
            ErrorKind::Forbidden,
            "physician",
        )
        .await;

        refused(
            &svc,
            svc.record_outcome(&doc, later, outcome("PT-R-001", "womac", "40", later)),
            ErrorKind::Invalid,
            "womac is not followed for stroke",
        )
        .await;
        refused(
            &svc,
            svc.record_outcome(&doc, later, outcome("PT-R-001", "mrs", "7", later)),
            ErrorKind::Invalid,
            "mrs must be within 0–6",
        )
        .await;
        refused(
            &svc,
            svc.record_outcome(&doc, later, outcome("PT-R-001", "mrs", "2", h(later, 1.0))),
            ErrorKind::Invalid,
            "future",
        )
        .await;
        refused(
            &svc,
            svc.record_outcome(&doc, later, outcome("PT-NOPE", "mrs", "2", later)),
            ErrorKind::NotFound,
            "PT-NOPE",
        )
        .await;
        // the numbering is per patient and unaffected by refusals
        let m = svc
            .record_outcome(&doc, later, outcome("PT-R-002", "womac", "40", later))
            .await
            .unwrap();
        assert_eq!(m.id, "PT-R-002-OC-0001", "{backend:?}");
        let e = svc
            .report_adverse_event(&doc, later, ae("PT-R-001", None, 2, "recovering", later))
            .await
            .unwrap();
        assert_eq!(e.id, "PT-R-001-AE-001");
    }
}

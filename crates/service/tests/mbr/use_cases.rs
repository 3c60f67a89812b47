//! The manufacturing use cases execute the steps their master binds (issue 15 item 3), on both
//! backends: seeding from a master records its first step, conditioning, harvest, processing and
//! filling record theirs with their own values judged against the limits (a breach opens a
//! deviation naming the step, or refuses the whole use case), a use case waits for the earlier
//! steps (a step awaiting verification refuses the harvest), the operator's page does not take a
//! bound step, and the review lists corrections and a grade A step done by an unqualified person
//! until QA decides a deviation on it.

use super::*;
use secretome_domain::{mbr::UseCase, processing::StepKind};
use secretome_service::NewBatch;

fn bound(mut s: MasterStep, u: UseCase) -> MasterStep {
    s.use_case = Some(u);
    s
}

/// Seeding (2500–3500 cells/cm²), conditioning (44–52 h, verified), harvest (400–650 mL after
/// 44–56 h), centrifugation in grade A (300–500 g refused outside, 5–15 min), filling (1.9–2.1 mL).
fn bound_steps() -> Vec<MasterStep> {
    use OnBreach::{Deviation, Refuse};
    let mut cent = bound(
        step(
            "CENT",
            Stage::Processing,
            vec![
                param("g_force", "g", 300.0, 500.0, Refuse),
                param("minutes", "min", 5.0, 15.0, Deviation),
            ],
            false,
        ),
        UseCase::Centrifugation,
    );
    cent.room_grade = Some("A".into());
    vec![
        bound(
            step(
                "SEED",
                Stage::Culture,
                vec![param(
                    "seeding_density",
                    "cells/cm²",
                    2500.0,
                    3500.0,
                    Deviation,
                )],
                false,
            ),
            UseCase::Seeding,
        ),
        bound(
            step(
                "COND",
                Stage::Conditioning,
                vec![param("hours", "h", 44.0, 52.0, Deviation)],
                true,
            ),
            UseCase::Conditioning,
        ),
        bound(
            step(
                "HARV",
                Stage::Harvest,
                vec![
                    param("volume_ml", "mL", 400.0, 650.0, Deviation),
                    param("conditioning_hours", "h", 44.0, 56.0, Deviation),
                ],
                false,
            ),
            UseCase::Harvest,
        ),
        cent,
        bound(
            step(
                "FILL",
                Stage::Filling,
                vec![param("fill_volume", "mL", 1.9, 2.1, Deviation)],
                false,
            ),
            UseCase::Filling,
        ),
    ]
}

fn new_batch(id: &str, density: f64, at: UtcTime) -> NewBatch {
    NewBatch {
        id: id.into(),
        cell_bank: "WCB-AD-001".into(),
        vessel: "multilayer5".into(),
        vessel_count: 2,
        seeding_density: density,
        seeded_at: at,
    }
}

#[tokio::test]
async fn a_master_binds_a_use_case_only_to_values_it_supplies() {
    for (backend, store) in stores("mbr_binding").await {
        let svc = service(store);
        let now = t(NOW);
        let c = setup(&svc, now).await;
        let mut steps = bound_steps();
        steps[2].parameters[0].code = "pore_um".into();
        let e = svc
            .create_document(&c.qa, now, new_doc("MBR-BAD"), "first", Some(steps))
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Invalid, "{backend:?}: {e}");
        assert!(
            e.to_string().contains("pore_um") && e.to_string().contains("volume_ml"),
            "{backend:?}: {e}"
        );
        let mut steps = bound_steps();
        steps.swap(0, 1);
        steps[0].stage = Stage::Culture;
        let e = svc
            .create_document(&c.qa, now, new_doc("MBR-BAD2"), "first", Some(steps))
            .await
            .unwrap_err();
        assert!(e.to_string().contains("first step"), "{backend:?}: {e}");
    }
}

#[tokio::test]
async fn the_use_cases_execute_the_steps_their_master_binds() {
    for (backend, store) in stores("mbr_use_cases").await {
        let svc = service(store);
        let now = t(NOW);
        let h = |x: f64| now.plus_hours(x).unwrap();
        let c = setup(&svc, now).await;
        let v = effective_master_for(
            &svc,
            &c,
            h(-300.0),
            doc_for("MBR-BOUND", TissueSource::Adipose),
            bound_steps(),
        )
        .await;
        let draft = svc
            .create_document(
                &c.qa,
                h(-300.0),
                doc_for("MBR-DRAFT", TissueSource::Adipose),
                "first",
                Some(bound_steps()),
            )
            .await
            .unwrap();
        // A draft seeds nothing.
        refused(
            &svc,
            svc.seed_batch_from_master(
                &c.op,
                h(-240.0),
                new_batch("B-G1", 3000.0, h(-240.0)),
                &draft.id,
            ),
            ErrorKind::Conflict,
            "is draft",
        )
        .await;
        assert!(svc.execution("B-G1").await.unwrap().is_none());
        // Seeding from the master records its first step: 3800 cells/cm² opens a deviation.
        let (b, ex, seeded) = svc
            .seed_batch_from_master(&c.op, h(-240.0), new_batch("B-G1", 3800.0, h(-240.0)), &v)
            .await
            .unwrap();
        assert_eq!(ex.master, v);
        assert_eq!(b.id.as_str(), "B-G1");
        let seeded = seeded.expect("the seeding step is recorded");
        assert_eq!(seeded.record.step, "SEED");
        assert_eq!(seeded.deviations.len(), 1, "{backend:?}");
        assert!(
            seeded.deviations[0]
                .description
                .contains("2500–3500 cells/cm²")
        );
        // The operator's page does not take a step a use case records.
        refused(
            &svc,
            svc.record_step(
                &c.op,
                h(-100.0),
                "B-G1",
                "COND",
                &[("hours".into(), 48.0)],
                h(-100.0),
                None,
            ),
            ErrorKind::Conflict,
            "conditioning use case",
        )
        .await;
        // Conditioning for 53 h: recorded through the use case, with its deviation, awaiting a
        // second person; the harvest waits for that verification.
        svc.start_conditioning(
            &c.op,
            h(-96.0),
            "B-G1",
            "RM-SFM-2402",
            53.0,
            false,
            h(-96.0),
        )
        .await
        .unwrap();
        let view = svc.execution("B-G1").await.unwrap().unwrap();
        let cond = view.records.iter().find(|r| r.step == "COND").unwrap();
        assert_eq!(cond.status.as_str(), "awaiting_verification", "{backend:?}");
        assert_eq!(cond.entered[0].value, 53.0);
        assert_eq!(view.deviations.len(), 2, "{backend:?}");
        refused(
            &svc,
            svc.harvest(&c.op, h(-43.0), "B-G1", "H-G1", 500.0, h(-43.0), None),
            ErrorKind::Conflict,
            "verification",
        )
        .await;
        svc.verify_step(&c.op2, h(-90.0), "B-G1", "COND", "second-pw")
            .await
            .unwrap();
        // The harvest records its volume and the conditioning time it ended.
        svc.harvest(&c.op, h(-43.0), "B-G1", "H-G1", 700.0, h(-43.0), None)
            .await
            .unwrap();
        let view = svc.execution("B-G1").await.unwrap().unwrap();
        let harv = view.records.iter().find(|r| r.step == "HARV").unwrap();
        assert!(!harv.entered[0].within, "700 mL is above 650");
        assert!(
            (harv.entered[1].value - 53.0).abs() < 1e-6,
            "{:?}",
            harv.entered
        );
        assert_eq!(view.deviations.len(), 3, "{backend:?}");
        svc.pool_lot(
            &c.op,
            h(-40.0),
            "L-G1",
            "MSC-CM-01",
            &[("H-G1".into(), 600.0)],
        )
        .await
        .unwrap();
        // A centrifugation the master refuses records nothing at all.
        let cent = |g: f64| StepKind::Centrifugation {
            g_force: g,
            minutes: 10.0,
        };
        refused(
            &svc,
            svc.record_processing_step(&c.op2, h(-30.0), "L-G1", cent(800.0), h(-30.0)),
            ErrorKind::Invalid,
            "g_force",
        )
        .await;
        let s = svc
            .record_processing_step(&c.op2, h(-30.0), "L-G1", cent(400.0), h(-30.0))
            .await
            .unwrap();
        assert_eq!(s.seq, 1, "{backend:?}: the refused one left nothing");
        refused(
            &svc,
            svc.record_processing_step(&c.op2, h(-29.0), "L-G1", cent(400.0), h(-29.0)),
            ErrorKind::Conflict,
            "no further centrifugation",
        )
        .await;
        // A correction keeps its reason and the values replaced; its new breach opens a deviation.
        let (corrected, opened) = svc
            .correct_step(
                &c.op,
                h(-20.0),
                "B-G1",
                "CENT",
                &[("g_force".into(), 400.0), ("minutes".into(), 20.0)],
                "timer read 20 min, not 10",
            )
            .await
            .unwrap();
        assert_eq!(corrected.corrections[0].previous[1].value, 10.0);
        assert_eq!(opened.len(), 1, "{backend:?}");
        sterile_filter(&svc, &c.op, "L-G1", h(-10.0)).await;
        let exp = t("2027-06-25T03:00:00Z");
        svc.fill_vials(&c.op, now, "L-G1", 5, 2.0, exp, None)
            .await
            .unwrap();
        let view = svc.execution("B-G1").await.unwrap().unwrap();
        let fill = view.records.iter().find(|r| r.step == "FILL").unwrap();
        assert_eq!(fill.entered[0].value, 2.0);
        assert!(view.next.is_none(), "{backend:?}: every step recorded");
        // Review by exception: the correction, and CENT (grade A) by operator2, who holds no
        // aseptic qualification, until QA decides a deviation on it.
        let ex = svc.batch_record_exceptions("L-G1").await.unwrap();
        let of = |k: ExceptionKind| ex.exceptions.iter().find(|e| e.kind == k).cloned();
        assert!(
            of(ExceptionKind::Correction)
                .unwrap()
                .message
                .contains("timer")
        );
        let unq = of(ExceptionKind::Unqualified).expect("unqualified operator flagged");
        assert!(
            !unq.dispositioned && unq.step == "CENT",
            "{backend:?}: {unq:?}"
        );
        let d = svc
            .raise_step_deviation(
                &c.qa,
                now,
                "B-G1",
                "CENT",
                "operator2 centrifuged in grade A before qualification",
            )
            .await
            .unwrap();
        svc.decide_step_deviation(&c.qa2, now, &d.id, true, "retrained; product unaffected")
            .await
            .unwrap();
        let ex = svc.batch_record_exceptions("L-G1").await.unwrap();
        assert!(
            ex.exceptions
                .iter()
                .any(|e| e.kind == ExceptionKind::Unqualified && e.dispositioned),
            "{backend:?}: {:?}",
            ex.exceptions
        );
        let out = svc.verify_audit().await.unwrap();
        assert!(
            matches!(out, VerifyOutcome::Intact { .. }),
            "{backend:?}: {out:?}"
        );
    }
}

#[tokio::test]
async fn training_refers_to_the_sop_version_in_force() {
    use secretome_domain::facility::QualificationKind;
    use secretome_service::facility::NewQualification;
    for (backend, store) in stores("mbr_training").await {
        let svc = service(store);
        let now = t(NOW);
        let h = |x: f64| now.plus_hours(x).unwrap();
        let c = setup(&svc, now).await;
        let sop = NewDocument {
            code: "SOP-TRN-001".into(),
            kind: DocumentKind::Sop,
            title: "Aseptic filling".into(),
            title_ja: "無菌充填".into(),
            product: None,
            cell_source: None,
        };
        let v1 = svc
            .create_document(&c.qa, h(-100.0), sop, "first issue", None)
            .await
            .unwrap();
        svc.submit_version(&c.qa, h(-100.0), &v1.id).await.unwrap();
        svc.approve_version(&c.qa2, h(-100.0), &v1.id, "second-pw", "ok")
            .await
            .unwrap();
        svc.make_effective(&c.qa, h(-90.0), &v1.id).await.unwrap();
        let q = |version: &str, at: UtcTime| NewQualification {
            operator: "operator2".into(),
            kind: QualificationKind::Sop,
            sop: "SOP-TRN-001 無菌充填".into(),
            sop_version: version.into(),
            trained_at: at,
            expires_at: None,
        };
        let rec = svc
            .record_qualification(&c.qa, now, q("1", h(-10.0)))
            .await
            .unwrap();
        assert_eq!(rec.document_version.as_deref(), Some("SOP-TRN-001/v1"));
        // Before v1 was in force, or a version that does not exist: refused, naming the field.
        for (v, at) in [("1", h(-95.0)), ("2", h(-10.0))] {
            let e = svc
                .record_qualification(&c.qa, now, q(v, at))
                .await
                .unwrap_err();
            assert_eq!(e.kind(), ErrorKind::Invalid, "{backend:?}: {e}");
            assert!(e.to_string().contains("sop_version"), "{backend:?}: {e}");
        }
        // An SOP outside document control is recorded as before.
        let mut other = q("7", h(-10.0));
        other.sop = "SOP-OLD-009 旧手順".into();
        let rec = svc.record_qualification(&c.qa, now, other).await.unwrap();
        assert!(rec.document_version.is_none());
    }
}

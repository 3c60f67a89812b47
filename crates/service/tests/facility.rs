//! Sterility assurance through the use cases on both backends (issue 14): filling refused without a
//! passing ≤ 0.22 µm sterilising filtration; release refused for a missing or failed integrity
//! test, an EM action excursion's deviation, equipment found out of calibration and a failed media
//! fill, and allowed once each is cleared; an action excursion opens deviations on exactly the lots
//! processed in its room/zone in its window; an out-of-calibration instrument or an unqualified
//! operator is refused with the reason named; the particle counter CSV import.

use crate::common;
use common::*;

use secretome_domain::{
    Role, UtcTime,
    facility::{EmOutcome, EmSampleType, IntegrityMethod, IntegrityStage},
    processing::StepKind,
    qc::BlockerKind,
};
use secretome_service::{
    ErrorKind, Service, demo,
    facility::{NewEmResult, NewFiltration, NewIntegrityTest, NewMediaFill, StepPlace},
};
use secretome_store::testing::stores;
use std::sync::Arc;

const NOW: &str = "2026-11-25T03:00:00Z";

async fn kinds(svc: &Service, lot: &str) -> Vec<BlockerKind> {
    let qa = svc.actor("qa").await.unwrap();
    let mut k: Vec<BlockerKind> = svc
        .release_check(&qa, lot)
        .await
        .unwrap()
        .into_iter()
        .map(|b| b.kind)
        .collect();
    k.dedup();
    k
}

/// When the lot's last processing step was done.
async fn last_step(svc: &Service, lot: &str) -> UtcTime {
    let d = svc.lot_detail(lot).await.unwrap();
    d.steps.iter().map(|s| s.performed_at).max().unwrap()
}

fn filtration(lot: &str, pore: f64, at: UtcTime) -> NewFiltration {
    NewFiltration {
        lot: lot.into(),
        filter_maker: "Sartorius".into(),
        filter_model: "Sartopore 2".into(),
        filter_lot: "SP2-7781".into(),
        pore_um: pore,
        sterilising_grade: true,
        room: Some("ISO-1".into()),
        performed_at: at,
    }
}

fn integrity(f: &str, stage: IntegrityStage, measured: f64, at: UtcTime) -> NewIntegrityTest {
    NewIntegrityTest {
        filtration: f.into(),
        stage,
        method: IntegrityMethod::BubblePoint,
        maker_limit: 3.2,
        measured,
        unit: "bar".into(),
        tested_at: at,
    }
}

#[tokio::test]
async fn filling_needs_a_passing_sterilising_filtration() {
    for (backend, store) in stores("facility_fill").await {
        let svc = Service::new(Arc::new(store));
        let now = t(NOW);
        demo::build(&svc, now).await.unwrap();
        let op = svc.actor("operator").await.unwrap();
        let qc = svc.actor("qc").await.unwrap();
        svc.harvest(
            &op,
            now,
            "B-2026-009",
            "H-F1",
            500.0,
            now.plus_hours(-36.0 * 24.0).unwrap(),
            None,
        )
        .await
        .unwrap();
        svc.pool_lot(&op, now, "L-F1", "MSC-CM-01", &[("H-F1".into(), 400.0)])
            .await
            .unwrap();
        let exp = t("2027-06-25T03:00:00Z");
        refused(
            &svc,
            svc.fill_vials(&op, now, "L-F1", 5, 2.0, exp, None),
            ErrorKind::Conflict,
            "no sterilising (≤ 0.22 µm) filtration is recorded",
        )
        .await;
        // A 0.45 µm filter is not a sterilising filter; neither is an unrated one.
        let e = refused(
            &svc,
            svc.record_sterile_filtration(&op, now, filtration("L-F1", 0.45, now)),
            ErrorKind::Invalid,
            "pore_um",
        )
        .await;
        assert!(e.to_string().contains("≤ 0.22 µm"), "{backend:?}: {e}");
        let mut unrated = filtration("L-F1", 0.2, now);
        unrated.sterilising_grade = false;
        refused(
            &svc,
            svc.record_sterile_filtration(&op, now, unrated),
            ErrorKind::Invalid,
            "sterilising_grade",
        )
        .await;
        // A filter that fails its pre-use test cannot be used for filling.
        let pre = now.plus_hours(-1.0).unwrap();
        let f = svc
            .record_sterile_filtration(&op, now, filtration("L-F1", 0.22, now))
            .await
            .unwrap();
        let bad = svc
            .record_integrity_test(&op, now, integrity(&f.id, IntegrityStage::PreUse, 2.9, pre))
            .await
            .unwrap();
        assert!(!bad.passed);
        refused(
            &svc,
            svc.fill_vials(&op, now, "L-F1", 5, 2.0, exp, None),
            ErrorKind::Conflict,
            "failed an integrity test",
        )
        .await;
        // A second filtration through a good filter: filling goes ahead, release waits for the
        // post-use test.
        let later = now.plus_hours(0.5).unwrap();
        let f2 = svc
            .record_sterile_filtration(&op, later, filtration("L-F1", 0.22, later))
            .await
            .unwrap();
        svc.fill_vials(&op, later, "L-F1", 5, 2.0, exp, None)
            .await
            .unwrap();
        let k = kinds(&svc, "L-F1").await;
        // The replaced filter (failed before use) does not count; the one used awaits its test.
        assert!(!k.contains(&BlockerKind::IntegrityTestFailed), "{k:?}");
        assert!(k.contains(&BlockerKind::IntegrityTestMissing), "{k:?}");
        let _ = qc;
        svc.record_integrity_test(
            &op,
            later,
            integrity(&f2.id, IntegrityStage::PostUse, 3.5, later),
        )
        .await
        .unwrap();
        let k = kinds(&svc, "L-F1").await;
        assert!(!k.contains(&BlockerKind::IntegrityTestMissing), "{k:?}");
        // A failed post-use test blocks release.
        svc.record_integrity_test(
            &op,
            later,
            integrity(&f2.id, IntegrityStage::PostUse, 2.0, later),
        )
        .await
        .unwrap();
        let b = svc
            .release_check(&svc.actor("qa").await.unwrap(), "L-F1")
            .await
            .unwrap();
        assert!(
            b.iter().any(|b| b.kind == BlockerKind::IntegrityTestFailed
                && b.message.contains("measured 2 bar, maker's limit 3.2 bar")),
            "{backend:?}: {b:?}"
        );
    }
}

#[tokio::test]
async fn an_action_excursion_opens_deviations_on_exactly_the_lots_in_its_window() {
    for (backend, store) in stores("facility_em").await {
        let svc = Service::new(Arc::new(store));
        let now = t(NOW);
        demo::build(&svc, now).await.unwrap();
        let qc = svc.actor("qc").await.unwrap();
        let qa = svc.actor("qa").await.unwrap();
        // The demo's own excursion reached L-2026-007 (in process) only.
        let d7 = svc.lot_qc("L-2026-007").await.unwrap().deviations;
        assert!(
            d7.iter().any(|d| d.description.contains("ISO-1/EM-")),
            "{backend:?}"
        );
        for lot in ["L-2026-004", "L-2026-005", "L-2026-006"] {
            let d = svc.lot_qc(lot).await.unwrap().deviations;
            assert!(!d.iter().any(|d| d.description.contains("EM-")), "{lot}");
        }
        // L-2026-005 is releasable; then a settle plate in the isolator grows a colony the day it
        // was processed there.
        assert!(kinds(&svc, "L-2026-005").await.is_empty(), "{backend:?}");
        let sampled = last_step(&svc, "L-2026-005").await.plus_hours(2.0).unwrap();
        let r = svc
            .record_em_result(
                &qc,
                now,
                NewEmResult {
                    room: "ISO-1".into(),
                    point: Some("作業面".into()),
                    sample_type: EmSampleType::SettlePlate,
                    value: 2.0,
                    sampled_at: sampled,
                },
            )
            .await
            .unwrap();
        assert_eq!(r.result.outcome, EmOutcome::Action);
        assert_eq!(r.deviations, vec!["L-2026-005/DEV-01".to_string()]);
        assert!(r.decided_lots.is_empty(), "{:?}", r.decided_lots);
        assert_eq!(
            kinds(&svc, "L-2026-005").await,
            vec![BlockerKind::OpenDeviation]
        );
        let e = refused(
            &svc,
            svc.release_lot(&qa, now, "L-2026-005", "ok"),
            ErrorKind::Conflict,
            "L-2026-005/DEV-01",
        )
        .await;
        assert!(e.to_string().contains("is open"), "{e}");
        // An alert (grade B active air above half the action limit) opens nothing.
        let r = svc
            .record_em_result(
                &qc,
                now,
                NewEmResult {
                    room: "CPC-B1".into(),
                    point: None,
                    sample_type: EmSampleType::ActiveAir,
                    value: 7.0,
                    sampled_at: sampled,
                },
            )
            .await
            .unwrap();
        assert_eq!(r.result.outcome, EmOutcome::Alert);
        assert!(r.deviations.is_empty());
        // The unknown room is refused, naming the field.
        refused(
            &svc,
            svc.record_em_result(
                &qc,
                now,
                NewEmResult {
                    room: "NOWHERE".into(),
                    point: None,
                    sample_type: EmSampleType::ActiveAir,
                    value: 1.0,
                    sampled_at: sampled,
                },
            ),
            ErrorKind::Invalid,
            "room: room NOWHERE is not registered",
        )
        .await;
        // Particle counter CSV: an unknown location refuses the whole file; a good file imports
        // two results per row, and ≥ 5 µm above grade A's 29/m³ is an action excursion that
        // reaches the lots of the room's zones too.
        let bad =
            format!("time,location,>=0.5um,>=5um\n{sampled},ISO-1,100,0\n{sampled},X-9,1,1\n");
        refused(
            &svc,
            svc.import_particle_csv(&qc, now, &bad),
            ErrorKind::Invalid,
            "line 3: location X-9 is not registered",
        )
        .await;
        let good = format!("time,location,>=0.5um,>=5um\n{sampled},ISO-1,1200,40\n");
        let out = svc.import_particle_csv(&qc, now, &good).await.unwrap();
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].result.outcome, EmOutcome::Within);
        assert_eq!(out[1].result.outcome, EmOutcome::Action);
        assert_eq!(out[1].deviations, vec!["L-2026-005/DEV-02".to_string()]);
    }
}

#[tokio::test]
async fn release_is_refused_for_equipment_and_media_fill_and_allowed_when_clear() {
    for (backend, store) in stores("facility_release").await {
        let svc = Service::new(Arc::new(store));
        let now = t(NOW);
        demo::build(&svc, now).await.unwrap();
        let qa = svc.actor("qa").await.unwrap();
        assert!(kinds(&svc, "L-2026-005").await.is_empty(), "{backend:?}");
        // A failed media fill of the product blocks its lots until QA closes it.
        let m = svc
            .record_media_fill(
                &qa,
                now,
                NewMediaFill {
                    product: "MSC-CM-01".into(),
                    room: "ISO-1".into(),
                    performed_at: now.plus_hours(-48.0).unwrap(),
                    units_filled: 3000,
                    units_positive: 1,
                    participants: vec!["operator".into()],
                },
            )
            .await
            .unwrap();
        assert_eq!(
            kinds(&svc, "L-2026-005").await,
            vec![BlockerKind::MediaFillFailed]
        );
        refused(
            &svc,
            svc.release_lot(&qa, now, "L-2026-005", "ok"),
            ErrorKind::Conflict,
            "media fill MSC-CM-01/MF-002",
        )
        .await;
        svc.close_media_fill(
            &qa,
            now,
            &m.id,
            "原因調査完了、CAPA-2026-014 (root cause found)",
        )
        .await
        .unwrap();
        assert!(kinds(&svc, "L-2026-005").await.is_empty());
        // The centrifuge is found to have been out of tolerance since before L-2026-005 was spun:
        // its calibration due date is corrected and the lot is blocked, naming the instrument.
        let before = svc.lot_detail("L-2026-005").await.unwrap().steps[0]
            .performed_at
            .plus_hours(-24.0)
            .unwrap();
        svc.calibrate_equipment(
            &qa,
            now,
            "CF-01",
            Some(before),
            None,
            "校正不合格の遡及評価",
        )
        .await
        .unwrap();
        let b = svc.release_check(&qa, "L-2026-005").await.unwrap();
        assert!(
            b.iter().any(|b| b.kind == BlockerKind::EquipmentUnfit
                && b.message.contains("CF-01")
                && b.message_ja.contains("校正期限切れ")),
            "{b:?}"
        );
        refused(
            &svc,
            svc.release_lot(&qa, now, "L-2026-005", "ok"),
            ErrorKind::Conflict,
            "out of calibration",
        )
        .await;
        svc.calibrate_equipment(
            &qa,
            now,
            "CF-01",
            Some(now.plus_hours(24.0 * 180.0).unwrap()),
            None,
            "再校正、影響評価で問題なし",
        )
        .await
        .unwrap();
        let l = svc
            .release_lot(&qa, now, "L-2026-005", "全項目適合")
            .await
            .unwrap();
        assert_eq!(l.status.as_str(), "released");
    }
}

#[tokio::test]
async fn unfit_equipment_and_unqualified_operators_are_refused_with_the_reason() {
    for (backend, store) in stores("facility_refuse").await {
        let svc = Service::new(Arc::new(store));
        let now = t(NOW);
        demo::build(&svc, now).await.unwrap();
        let admin = svc.actor("admin").await.unwrap();
        let op = svc.actor("operator").await.unwrap();
        let step = || StepKind::Centrifugation {
            g_force: 300.0,
            minutes: 5.0,
        };
        let at = now.plus_hours(-1.0).unwrap();
        let place = |room: &str, eq: Option<&str>| StepPlace {
            room: Some(room.into()),
            equipment: eq.map(str::to_string),
        };
        // The demo's CO₂ incubator 2 is past its calibration date.
        refused(
            &svc,
            svc.record_processing_step_at(
                &op,
                now,
                "L-2026-007",
                step(),
                at,
                &place("CPC-B1", Some("INC-02")),
            ),
            ErrorKind::Conflict,
            "equipment INC-02 (CO₂ インキュベーター2) is out of calibration",
        )
        .await;
        // A new operator without gowning or aseptic qualification: refused in the isolator
        // (grade A), allowed in the grade B room.
        svc.create_user(
            &admin,
            now,
            "op2",
            "新人 三郎",
            "CPC-TOKYO",
            vec![Role::Operator],
        )
        .await
        .unwrap();
        let op2 = svc.actor("op2").await.unwrap();
        let e = refused(
            &svc,
            svc.record_processing_step_at(
                &op2,
                now,
                "L-2026-007",
                step(),
                at,
                &place("ISO-1", None),
            ),
            ErrorKind::Conflict,
            "operator op2 has no gowning or aseptic_process qualification",
        )
        .await;
        assert!(
            e.to_string().contains("grade A zone ISO-1"),
            "{backend:?}: {e}"
        );
        let s = svc
            .record_processing_step_at(
                &op2,
                now,
                "L-2026-007",
                step(),
                at,
                &place("CPC-B1", Some("CF-01")),
            )
            .await
            .unwrap();
        assert_eq!(s.room.as_deref(), Some("CPC-B1"));
        assert_eq!(s.operator.as_ref().map(|u| u.as_str()), Some("op2"));
        // The qualified operator may work in the isolator.
        svc.record_processing_step_at(&op, now, "L-2026-007", step(), at, &place("ISO-1", None))
            .await
            .unwrap();
        // Unregistered room or equipment: refused naming the field.
        refused(
            &svc,
            svc.record_processing_step_at(&op, now, "L-2026-007", step(), at, &place("X-1", None)),
            ErrorKind::Invalid,
            "room: room X-1 is not registered",
        )
        .await;
    }
}

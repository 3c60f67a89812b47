//! Plausible records (issue 12, item 1) through the use cases, on both backends: no event time after
//! the moment of entry (beyond the stated 5-minute tolerance) or before the record it follows; a
//! harvest outside its conditioning window refused, or recorded with a deviation that the batch
//! record flags and that QA must close before the lot is released; text lengths limited.

use crate::common;
use common::*;

use secretome_domain::{UtcTime, processing::StepKind};
use secretome_service::{
    ErrorKind, NewBank, NewBatch, NewMaterialLot, NewObservation, NewTissue, Service, demo,
};
use secretome_store::testing::stores;
use std::sync::Arc;

fn now() -> UtcTime {
    t("2026-11-25T03:00:00Z")
}
/// A typing error of the kind the issue names: a date weeks after the moment of entry.
fn future() -> UtcTime {
    t("2027-01-15T00:00:00Z")
}
fn hours(h: f64) -> UtcTime {
    now().plus_hours(h).unwrap()
}

#[tokio::test]
async fn future_times_are_refused_on_every_manufacturing_record() {
    for (_backend, store) in stores("plaus_future").await {
        let svc = Service::new(Arc::new(store));
        demo::build(&svc, now()).await.unwrap();
        let op = svc.actor("operator").await.unwrap();
        let fut = "must not be in the future";
        let tissue = NewTissue {
            id: "T-FUT".into(),
            donor: "D-UC-002".into(),
            collected_at: future(),
            amount: 10.0,
            amount_unit: "g".into(),
        };
        let e = refused(
            &svc,
            svc.collect_tissue(&op, now(), tissue),
            ErrorKind::Invalid,
            fut,
        )
        .await;
        assert!(e.to_string().starts_with("collected_at:"), "{e}");
        let bank = NewBank {
            id: "WCB-FUT".into(),
            from: "MCB-UC-002".into(),
            working: true,
            passage: 4,
            population_doublings: 12.0,
            vials_frozen: 10,
            cells_per_vial: 1e6,
            banked_at: future(),
        };
        let e = refused(
            &svc,
            svc.create_cell_bank(&op, now(), bank),
            ErrorKind::Invalid,
            fut,
        )
        .await;
        assert!(e.to_string().starts_with("banked_at:"), "{e}");
        let material = NewMaterialLot {
            id: "RM-FUT".into(),
            material: "DMEM".into(),
            category: "medium".into(),
            supplier: "Acme".into(),
            supplier_lot: "A1".into(),
            received_at: future(),
            expires_at: t("2028-01-01T00:00:00Z"),
        };
        let e = refused(
            &svc,
            svc.receive_material(&op, now(), material),
            ErrorKind::Invalid,
            fut,
        )
        .await;
        assert!(e.to_string().starts_with("received_at:"), "{e}");
        let batch = NewBatch {
            id: "B-FUT".into(),
            cell_bank: "WCB-UC-002".into(),
            vessel: "t175".into(),
            vessel_count: 2,
            seeding_density: 3000.0,
            seeded_at: future(),
        };
        let e = refused(
            &svc,
            svc.seed_batch(&op, now(), batch),
            ErrorKind::Invalid,
            fut,
        )
        .await;
        assert!(e.to_string().starts_with("seeded_at:"), "{e}");
        let obs = NewObservation {
            batch: "B-2026-010".into(),
            observed_at: future(),
            cell_count: 1e6,
            viability_pct: 95.0,
            confluence_pct: 50.0,
            note: None,
        };
        let e = refused(
            &svc,
            svc.record_observation(&op, now(), obs),
            ErrorKind::Invalid,
            fut,
        )
        .await;
        assert!(e.to_string().starts_with("observed_at:"), "{e}");
        let e = refused(
            &svc,
            svc.record_material_use(
                &op,
                now(),
                "B-2026-010",
                "RM-DMEM-2401",
                10.0,
                "mL",
                future(),
            ),
            ErrorKind::Invalid,
            fut,
        )
        .await;
        assert!(e.to_string().starts_with("used_at:"), "{e}");
        let e = refused(
            &svc,
            svc.start_conditioning(
                &op,
                now(),
                "B-2026-010",
                "RM-SFM-2402",
                48.0,
                false,
                future(),
            ),
            ErrorKind::Invalid,
            fut,
        )
        .await;
        assert!(e.to_string().starts_with("started_at:"), "{e}");
        let e = refused(
            &svc,
            svc.harvest(&op, now(), "B-2026-009", "H-FUT", 100.0, future(), None),
            ErrorKind::Invalid,
            fut,
        )
        .await;
        assert!(e.to_string().starts_with("harvested_at:"), "{e}");
        let step = StepKind::Filtration { pore_um: 0.22 };
        let e = refused(
            &svc,
            svc.record_processing_step(&op, now(), "L-2026-007", step.clone(), future()),
            ErrorKind::Invalid,
            fut,
        )
        .await;
        assert!(e.to_string().starts_with("performed_at:"), "{e}");
        // Within the stated tolerance (5 minutes, a workstation clock slightly ahead) it is accepted.
        svc.record_processing_step(&op, now(), "L-2026-007", step, hours(4.0 / 60.0))
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn times_before_the_record_they_follow_are_refused() {
    for (_backend, store) in stores("plaus_order").await {
        let svc = Service::new(Arc::new(store));
        demo::build(&svc, now()).await.unwrap();
        let op = svc.actor("operator").await.unwrap();
        let long_ago = t("2025-01-01T00:00:00Z");
        let obs = NewObservation {
            batch: "B-2026-010".into(),
            observed_at: long_ago,
            cell_count: 1e6,
            viability_pct: 95.0,
            confluence_pct: 50.0,
            note: None,
        };
        refused(
            &svc,
            svc.record_observation(&op, now(), obs),
            ErrorKind::Invalid,
            "observed_at: cannot be before seeding",
        )
        .await;
        refused(
            &svc,
            svc.record_material_use(
                &op,
                now(),
                "B-2026-010",
                "RM-DMEM-2401",
                10.0,
                "mL",
                long_ago,
            ),
            ErrorKind::Invalid,
            "used_at: cannot be before the batch was seeded",
        )
        .await;
        refused(
            &svc,
            svc.harvest(&op, now(), "B-2026-009", "H-OLD", 100.0, long_ago, None),
            ErrorKind::Invalid,
            "harvested_at: cannot be before the start of conditioning",
        )
        .await;
        let bank = NewBank {
            id: "WCB-OLD".into(),
            from: "MCB-UC-002".into(),
            working: true,
            passage: 4,
            population_doublings: 12.0,
            vials_frozen: 10,
            cells_per_vial: 1e6,
            banked_at: long_ago,
        };
        refused(
            &svc,
            svc.create_cell_bank(&op, now(), bank),
            ErrorKind::Invalid,
            "banked_at: cannot be before the master bank",
        )
        .await;
        // Processing steps follow the pooling and each other.
        let step = StepKind::Filtration { pore_um: 0.22 };
        refused(
            &svc,
            svc.record_processing_step(&op, now(), "L-2026-007", step.clone(), long_ago),
            ErrorKind::Invalid,
            "performed_at: cannot be before the lot was pooled",
        )
        .await;
        svc.record_processing_step(&op, now(), "L-2026-007", step.clone(), hours(-2.0))
            .await
            .unwrap();
        refused(
            &svc,
            svc.record_processing_step(&op, now(), "L-2026-007", step, hours(-3.0)),
            ErrorKind::Invalid,
            "performed_at: cannot be before the previous step",
        )
        .await;
        // An observation's note is limited (2,000 characters).
        let obs = NewObservation {
            batch: "B-2026-010".into(),
            observed_at: hours(-1.0),
            cell_count: 1e6,
            viability_pct: 95.0,
            confluence_pct: 50.0,
            note: Some("あ".repeat(2001)),
        };
        refused(
            &svc,
            svc.record_observation(&op, now(), obs),
            ErrorKind::Invalid,
            "note: must be at most 2000 characters",
        )
        .await;
    }
}

#[tokio::test]
async fn early_harvest_needs_a_deviation_which_the_batch_record_flags_and_qa_must_close() {
    for (_backend, store) in stores("plaus_window").await {
        let svc = Service::new(Arc::new(store));
        demo::build(&svc, now()).await.unwrap();
        let op = svc.actor("operator").await.unwrap();
        // A batch of its own, not run against a master batch record (the demo's culturing batch
        // B-2026-010 is, and its master wants the confluence check and a verified start first).
        svc.seed_batch(
            &op,
            now(),
            NewBatch {
                id: "B-EARLY".into(),
                cell_bank: "WCB-AD-002".into(),
                vessel: "multilayer5".into(),
                vessel_count: 2,
                seeding_density: 3000.0,
                seeded_at: hours(-30.0),
            },
        )
        .await
        .unwrap();
        let started = hours(-1.0);
        svc.start_conditioning(&op, now(), "B-EARLY", "RM-SFM-2402", 48.0, false, started)
            .await
            .unwrap();
        // One minute into a 48 h conditioning: refused without a reason, naming the window.
        let early = started.plus_hours(1.0 / 60.0).unwrap();
        let e = refused(
            &svc,
            svc.harvest(&op, now(), "B-EARLY", "H-EARLY", 500.0, early, None),
            ErrorKind::Invalid,
            "before the stated 48 h",
        )
        .await;
        assert!(e.to_string().starts_with("harvested_at:"), "{e}");
        let h = svc
            .harvest(
                &op,
                now(),
                "B-EARLY",
                "H-EARLY",
                500.0,
                early,
                Some("incubator alarm: medium pH out of range"),
            )
            .await
            .unwrap();
        assert!(h.deviation.as_deref().unwrap().contains("incubator alarm"));
        // Pooling it opens a deviation on the lot …
        svc.pool_lot(
            &op,
            now(),
            "L-EARLY",
            "MSC-CM-01",
            &[("H-EARLY".into(), 400.0)],
        )
        .await
        .unwrap();
        let rec = svc.batch_record("L-EARLY").await.unwrap();
        let flagged: Vec<_> = rec
            .harvests
            .iter()
            .filter(|h| h.deviation.is_some())
            .collect();
        assert_eq!(flagged.len(), 1);
        assert_eq!(flagged[0].stated_h, Some(48.0));
        assert!(flagged[0].actual_h.unwrap() < 0.1);
        assert_eq!(rec.qc.deviations.len(), 1);
        assert!(rec.qc.deviations[0].description.contains("H-EARLY"));
        assert!(!rec.qc.deviations[0].status.is_closed());
        // … which blocks release until QA closes it.
        assert!(
            rec.qc
                .blockers
                .iter()
                .any(|b| b.kind == secretome_domain::qc::BlockerKind::OpenDeviation),
            "{:?}",
            rec.qc.blockers
        );
        // A harvest inside the window carries no deviation.
        let ok = svc
            .harvest(
                &op,
                now(),
                "B-2026-009",
                "H-OK",
                100.0,
                hours(-36.0 * 24.0),
                None,
            )
            .await
            .unwrap();
        assert_eq!(ok.deviation, None);
    }
}

//! The culture stage as master steps (issue 15), on both backends: seeding from a master judges
//! the passage number with the seeding density; a step bound to observations takes the batch's
//! latest observation made since the step before it when the batch moves on (conditioning here),
//! its confluence out of limits opening a deviation naming step, parameter, limit and value, a
//! value the master refuses refusing the conditioning; and a master written for another cell source
//! than the batch's cell bank is refused at batch start.

use super::*;
use secretome_domain::mbr::UseCase;
use secretome_service::{NewBatch, NewObservation};

fn bound(mut s: MasterStep, u: UseCase) -> MasterStep {
    s.use_case = Some(u);
    s
}

/// Seeding (2500–3500 cells/cm², passage 1–3), the confluence check before conditioning
/// (confluence 70–95 %, viability ≥ 85 % refused below), conditioning (44–52 h).
fn culture_steps() -> Vec<MasterStep> {
    use OnBreach::{Deviation, Refuse};
    vec![
        bound(
            step(
                "SEED",
                Stage::Culture,
                vec![
                    param("seeding_density", "cells/cm²", 2500.0, 3500.0, Deviation),
                    param("passage", "", 1.0, 3.0, Deviation),
                ],
                false,
            ),
            UseCase::Seeding,
        ),
        bound(
            step(
                "CONF",
                Stage::Culture,
                vec![
                    param("confluence_pct", "%", 70.0, 95.0, Deviation),
                    param("viability_pct", "%", 85.0, 100.0, Refuse),
                ],
                false,
            ),
            UseCase::Observation,
        ),
        bound(
            step(
                "COND",
                Stage::Conditioning,
                vec![param("hours", "h", 44.0, 52.0, Deviation)],
                false,
            ),
            UseCase::Conditioning,
        ),
    ]
}

fn batch(id: &str, bank: &str, at: UtcTime) -> NewBatch {
    NewBatch {
        id: id.into(),
        cell_bank: bank.into(),
        vessel: "multilayer5".into(),
        vessel_count: 2,
        seeding_density: 3000.0,
        seeded_at: at,
    }
}

fn observation(batch: &str, at: UtcTime, confluence: f64, viability: f64) -> NewObservation {
    NewObservation {
        batch: batch.into(),
        observed_at: at,
        cell_count: 2.0e7,
        viability_pct: viability,
        confluence_pct: confluence,
        note: None,
    }
}

#[tokio::test]
async fn the_culture_stage_runs_through_its_use_cases_against_the_master() {
    for (backend, store) in stores("mbr_culture").await {
        let svc = service(store);
        let now = t(NOW);
        let h = |x: f64| now.plus_hours(x).unwrap();
        let c = setup(&svc, now).await;
        let ad = effective_master_for(
            &svc,
            &c,
            h(-300.0),
            doc_for("MBR-CUL-AD", TissueSource::Adipose),
            culture_steps(),
        )
        .await;
        // The demo's working bank WCB-AD-001 is at passage 3: the batch is passage 4, outside
        // 1–3, and its seeding opens a deviation naming it.
        let (b, _, seeded) = svc
            .seed_batch_from_master(
                &c.op,
                h(-240.0),
                batch("B-C1", "WCB-AD-001", h(-240.0)),
                &ad,
            )
            .await
            .unwrap();
        assert_eq!(b.passage, 4, "{backend:?}");
        let seeded = seeded.expect("the seeding step is recorded");
        assert_eq!(seeded.deviations.len(), 1, "{backend:?}");
        let desc = &seeded.deviations[0].description;
        for part in ["SEED", "passage", "1–3", "4"] {
            assert!(desc.contains(part), "{backend:?}: {desc} lacks {part}");
        }
        // The operator's page: the confluence check is taken from the observations, the
        // conditioning is next.
        let view = svc.execution("B-C1").await.unwrap().unwrap();
        assert_eq!(view.observing.as_ref().unwrap().code, "CONF", "{backend:?}");
        assert_eq!(view.next.as_ref().unwrap().code, "COND", "{backend:?}");
        // No observation since the seeding: conditioning is refused, naming the step.
        let e = refused(
            &svc,
            svc.start_conditioning(
                &c.op,
                h(-96.0),
                "B-C1",
                "RM-SFM-2402",
                48.0,
                false,
                h(-96.0),
            ),
            ErrorKind::Conflict,
            "CONF",
        )
        .await;
        assert_eq!(e.code(), "observation_due", "{backend:?}: {e}");
        // A day-2 observation and a late one whose viability the master refuses: the latest
        // counts, so the conditioning is refused and nothing is written.
        svc.record_observation(&c.op, h(-200.0), observation("B-C1", h(-200.0), 20.0, 96.0))
            .await
            .unwrap();
        svc.record_observation(&c.op, h(-100.0), observation("B-C1", h(-100.0), 98.0, 80.0))
            .await
            .unwrap();
        refused(
            &svc,
            svc.start_conditioning(
                &c.op,
                h(-96.0),
                "B-C1",
                "RM-SFM-2402",
                48.0,
                false,
                h(-96.0),
            ),
            ErrorKind::Invalid,
            "viability_pct",
        )
        .await;
        // Counted again: viable, but over-confluent — recorded with its deviation, and the
        // conditioning after it.
        svc.record_observation(&c.op, h(-98.0), observation("B-C1", h(-98.0), 98.0, 92.0))
            .await
            .unwrap();
        svc.start_conditioning(
            &c.op,
            h(-96.0),
            "B-C1",
            "RM-SFM-2402",
            48.0,
            false,
            h(-96.0),
        )
        .await
        .unwrap();
        let view = svc.execution("B-C1").await.unwrap().unwrap();
        let steps: Vec<&str> = view.records.iter().map(|r| r.step.as_str()).collect();
        assert_eq!(steps, ["SEED", "CONF", "COND"], "{backend:?}");
        let conf = &view.records[1];
        assert_eq!(conf.performed_at, h(-98.0), "{backend:?}");
        assert!(
            conf.note.as_deref().unwrap_or("").contains("B-C1/OBS-003"),
            "{backend:?}: {:?}",
            conf.note
        );
        let dev = view
            .deviations
            .iter()
            .find(|d| d.step == "CONF")
            .expect("the confluence deviation");
        for part in ["CONF", "confluence_pct", "70–95 %", "98"] {
            assert!(
                dev.description.contains(part),
                "{backend:?}: {} lacks {part}",
                dev.description
            );
        }
        assert!(
            view.observing.is_none() && view.next.is_none(),
            "{backend:?}"
        );
        let out = svc.verify_audit().await.unwrap();
        assert!(
            matches!(out, VerifyOutcome::Intact { .. }),
            "{backend:?}: {out:?}"
        );
    }
}

#[tokio::test]
async fn a_master_is_used_only_for_a_batch_of_its_cell_source() {
    for (backend, store) in stores("mbr_cell_source").await {
        let svc = service(store);
        let now = t(NOW);
        let h = |x: f64| now.plus_hours(x).unwrap();
        let c = setup(&svc, now).await;
        let ad = effective_master_for(
            &svc,
            &c,
            h(-300.0),
            doc_for("MBR-SRC-AD", TissueSource::Adipose),
            culture_steps(),
        )
        .await;
        // B-2026-009 is grown from umbilical cord (WCB-UC-002).
        let e = refused(
            &svc,
            svc.start_execution(&c.op, now, "B-2026-009", &ad),
            ErrorKind::Conflict,
            "umbilical cord",
        )
        .await;
        assert_eq!(e.code(), "master_for_other_source", "{backend:?}: {e}");
        assert!(e.to_string().contains("adipose"), "{backend:?}: {e}");
        // Seeding from it is refused as a whole: no batch either.
        let e = refused(
            &svc,
            svc.seed_batch_from_master(
                &c.op,
                h(-240.0),
                batch("B-SRC", "WCB-UC-002", h(-240.0)),
                &ad,
            ),
            ErrorKind::Conflict,
            "WCB-UC-002",
        )
        .await;
        assert_eq!(e.code(), "master_for_other_source", "{backend:?}: {e}");
        assert!(svc.execution("B-SRC").await.unwrap().is_none());
        // A master may not have an observation step verified by a second person: it is taken
        // from the observations as the batch moves on.
        let mut steps = culture_steps();
        steps[1].needs_second_person = true;
        let e = svc
            .create_document(
                &c.qa,
                now,
                doc_for("MBR-SRC-BAD", TissueSource::Adipose),
                "first",
                Some(steps),
            )
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Invalid, "{backend:?}: {e}");
        assert!(e.to_string().contains("observation"), "{backend:?}: {e}");
        // Its own source's batch starts from it.
        svc.seed_batch_from_master(
            &c.op,
            h(-240.0),
            batch("B-SRC", "WCB-AD-002", h(-240.0)),
            &ad,
        )
        .await
        .unwrap();
    }
}

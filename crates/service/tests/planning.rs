//! The planner on the demo facility's own batches: growth calibrated per cell source with 95 %
//! intervals, and a realistic campaign planned with those parameters.

use secretome_domain::UtcTime;
use secretome_planner::{CellSource, PlanRequest};
use secretome_service::{Service, demo};
use secretome_store::testing::stores;
use std::sync::Arc;

#[tokio::test]
async fn calibration_from_the_demo_batches_and_a_plan() {
    for (backend, store) in stores("planning").await {
        let svc = Service::new(Arc::new(store));
        let now = UtcTime::parse("now", "2026-11-25T03:00:00Z").unwrap();
        demo::build(&svc, now).await.unwrap();
        let batches = svc.finished_batches().await.unwrap();
        assert_eq!(
            batches.len(),
            8,
            "{backend:?}: eight harvested demo batches"
        );
        assert!(
            batches
                .iter()
                .all(|b| b.observations.len() == 6 && b.conditioning.is_some())
        );

        let report = svc.calibration().await.unwrap();
        for source in [
            CellSource::BoneMarrow,
            CellSource::Adipose,
            CellSource::UmbilicalCord,
        ] {
            let g = report
                .group(source, None)
                .unwrap_or_else(|| panic!("{source:?} calibrated"));
            let growth = g
                .growth
                .as_ref()
                .unwrap_or_else(|| panic!("{source:?} growth: {:?}", g.notes));
            let td = &growth.doubling_time_h;
            assert!(
                td.lower95 < td.value && td.value < td.upper95,
                "{source:?} interval {td:?}"
            );
            // the demo grew bone marrow slowest and umbilical cord fastest
            match source {
                CellSource::BoneMarrow => assert!(td.value > 35.0, "{td:?}"),
                CellSource::UmbilicalCord => assert!(td.value < 32.0, "{td:?}"),
                CellSource::Adipose => {}
            }
        }

        // Single-harvest lots carry QC's factor results back to their batches: umbilical cord has
        // three (L-2026-004/005/006), enough for fitted secretion rates with measured vs predicted.
        let with_measured = batches.iter().filter(|b| !b.measured.is_empty()).count();
        assert_eq!(
            with_measured, 5,
            "{backend:?}: single-harvest lots with results"
        );
        let uc = report.group(CellSource::UmbilicalCord, None).unwrap();
        let vegf = uc
            .secretion
            .iter()
            .find(|s| s.factor == secretome_planner::Factor::Vegf)
            .expect("VEGF rate fitted");
        assert!(vegf.rate.lower95 < vegf.rate.value && vegf.rate.value < vegf.rate.upper95);
        assert_eq!(vegf.batches.len(), 3, "measured vs predicted per batch");
        assert!(
            vegf.batches
                .iter()
                .all(|m| m.measured > 0.0 && m.predicted > 0.0)
        );

        let req = PlanRequest::from_toml(
            "source = \"umbilical-cord\"\ndeadline = \"2027-03-31\"\n[target]\nvials = 100\nvial_ml = 2.0\n",
        )
        .unwrap();
        let plan = Service::plan_with(&report, &req, now).unwrap();
        assert!(plan.outcome.vials >= 100, "{backend:?}");
        assert!(!plan.steps.is_empty());
    }
}

#[tokio::test]
async fn running_batches_are_compared_with_their_plan_until_a_write_changes_them() {
    for (backend, store) in stores("tracking").await {
        let svc = Service::new(Arc::new(store));
        let now = UtcTime::parse("now", "2026-11-25T03:00:00Z").unwrap();
        demo::build(&svc, now).await.unwrap();
        let state = svc.planning_state().await.unwrap();
        let ids: Vec<&str> = state.running.iter().map(|r| r.batch.as_str()).collect();
        assert_eq!(ids, ["B-2026-009", "B-2026-010"], "{backend:?}");
        for r in state.running.iter() {
            assert!(
                !r.tracking.comparisons.is_empty(),
                "{backend:?} {}: counts compared",
                r.batch
            );
            assert_eq!(
                r.tracking.status,
                secretome_planner::TrackStatus::OnPlan,
                "{backend:?} {}: {:?}",
                r.batch,
                r.tracking.warnings
            );
        }
        // nothing written since: the page gets the same calibration, not a second one
        let again = svc.planning_state().await.unwrap();
        assert!(Arc::ptr_eq(&state.report, &again.report), "{backend:?}");
        assert!(Arc::ptr_eq(&state.running, &again.running), "{backend:?}");
        // the latest count far below the band flags the batch (an isolated earlier one would not),
        // on the next page at once
        let op = svc.actor("operator").await.unwrap();
        let b: secretome_domain::batch::CultureBatch =
            svc.store().fetch("B-2026-010").await.unwrap().unwrap();
        let at = b.seeded_at.plus_hours(150.0).unwrap(); // after the last demo count: the latest one
        let o = secretome_service::NewObservation {
            batch: "B-2026-010".into(),
            observed_at: at,
            cell_count: 1000.0,
            viability_pct: 60.0,
            confluence_pct: 1.0,
            note: None,
        };
        svc.record_observation(&op, now, o).await.unwrap();
        let after = svc.planning_state().await.unwrap();
        let r = after
            .running
            .iter()
            .find(|r| r.batch == "B-2026-010")
            .unwrap();
        assert_eq!(
            r.tracking.status,
            secretome_planner::TrackStatus::OffPlan,
            "{backend:?}: {:?}",
            r.tracking.warnings
        );
    }
}

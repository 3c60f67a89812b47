//! The site's EM limits under change control and harvests in an excursion's window (issue 14
//! items 2 and 1), on both backends: QA alone changes a grade × sample type limit, with a reason;
//! the change keeps the value it replaced and is audited; results are judged against the limit in
//! force when they were sampled (the Annex 1 default before the change, the site's after). An
//! action excursion reaches exactly the lots whose harvests were done in that zone in its window —
//! through the release check while the harvest is not yet pooled, by a deviation once it is.

use crate::common;
use common::*;

use secretome_domain::{
    facility::{EmOutcome, EmSampleType, Grade, em::Limits},
    qc::BlockerKind,
};
use secretome_service::{
    ErrorKind, Service, demo,
    facility::{NewEmLimit, NewEmResult, StepPlace},
};
use secretome_store::{Table, testing::stores};
use std::sync::Arc;

const NOW: &str = "2026-11-25T03:00:00Z";

fn em(room: &str, t: EmSampleType, value: f64, at: secretome_domain::UtcTime) -> NewEmResult {
    NewEmResult {
        room: room.into(),
        point: None,
        sample_type: t,
        value,
        sampled_at: at,
    }
}

#[tokio::test]
async fn qa_changes_a_limit_under_change_control_and_results_follow_the_limit_in_force() {
    for (backend, store) in stores("facility_limits").await {
        let svc = Service::new(Arc::new(store));
        let now = t(NOW);
        demo::build(&svc, now).await.unwrap();
        let qa = svc.actor("qa").await.unwrap();
        let qc = svc.actor("qc").await.unwrap();
        let change = |alert, action, reason: &str| NewEmLimit {
            grade: Grade::B,
            sample_type: EmSampleType::ActiveAir,
            alert,
            action,
            effective_from: None,
            reason: reason.into(),
        };
        // Only QA changes a limit; every bad field is named at once; nothing is written.
        refused(
            &svc,
            svc.set_em_limit(&qc, now, change(Some(2.0), 6.0, "trend")),
            ErrorKind::Forbidden,
            "",
        )
        .await;
        let e = refused(
            &svc,
            svc.set_em_limit(&qa, now, change(Some(9.0), 6.0, " ")),
            ErrorKind::Invalid,
            "alert_limit",
        )
        .await;
        assert!(e.to_string().contains("reason"), "{backend:?}: {e}");
        let rows = svc.em_limits(now).await.unwrap();
        let b_air = |rows: &[secretome_service::facility::LimitRow]| {
            rows.iter()
                .find(|r| r.grade == Grade::B && r.sample_type == EmSampleType::ActiveAir)
                .unwrap()
                .clone()
        };
        let annex = Some(Limits {
            alert: Some(5.0),
            action: 10.0,
        });
        assert_eq!(b_air(&rows).in_force, annex);
        assert!(b_air(&rows).changes.is_empty());

        // The change: 2 / 6 CFU/m³ from now, replacing the Annex 1 default 5 / 10.
        let l = svc
            .set_em_limit(&qa, now, change(Some(2.0), 6.0, "trend review TR-2026-11"))
            .await
            .unwrap();
        assert_eq!(
            (l.previous_alert, l.previous_action),
            (Some(5.0), Some(10.0))
        );
        assert_eq!(l.set_by.as_str(), "qa");
        let rows = svc.em_limits(now).await.unwrap();
        assert_eq!(
            b_air(&rows).in_force,
            Some(Limits {
                alert: Some(2.0),
                action: 6.0
            })
        );
        assert_eq!(b_air(&rows).default, annex, "the default stays shown");
        let events = svc.store().events_for(Table::EmLimit, &l.id).await.unwrap();
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].action, "em_limit.set");
        assert_eq!(events[0].reason.as_deref(), Some("trend review TR-2026-11"));

        // 7 CFU/m³ sampled before the change is judged against the default (alert); sampled after,
        // against the site's limit (action). Grade C rooms keep their defaults.
        let later = now.plus_hours(2.0).unwrap();
        let before = svc
            .record_em_result(
                &qc,
                later,
                em(
                    "CPC-B1",
                    EmSampleType::ActiveAir,
                    7.0,
                    now.plus_hours(-1.0).unwrap(),
                ),
            )
            .await
            .unwrap();
        assert_eq!(before.result.outcome, EmOutcome::Alert, "{backend:?}");
        assert_eq!(before.result.action_limit, Some(10.0));
        let after = svc
            .record_em_result(
                &qc,
                later,
                em(
                    "CPC-B1",
                    EmSampleType::ActiveAir,
                    7.0,
                    now.plus_hours(1.0).unwrap(),
                ),
            )
            .await
            .unwrap();
        assert_eq!(after.result.outcome, EmOutcome::Action, "{backend:?}");
        assert_eq!(
            (after.result.alert_limit, after.result.action_limit),
            (Some(2.0), Some(6.0))
        );
        // A change may not reach back: results already sampled keep their judgement.
        refused(
            &svc,
            svc.set_em_limit(
                &qa,
                later,
                NewEmLimit {
                    effective_from: Some(now),
                    ..change(Some(1.0), 4.0, "tighter")
                },
            ),
            ErrorKind::Invalid,
            "effective_from",
        )
        .await;
    }
}

#[tokio::test]
async fn an_excursion_reaches_exactly_the_lots_of_harvests_in_its_window() {
    for (backend, store) in stores("facility_harvest_window").await {
        let svc = Service::new(Arc::new(store));
        let now = t(NOW);
        demo::build(&svc, now).await.unwrap();
        let op = svc.actor("operator").await.unwrap();
        let qc = svc.actor("qc").await.unwrap();
        let h = now.plus_hours(-36.0 * 24.0).unwrap();
        let at = |hours: f64| h.plus_hours(hours).unwrap();
        let plate = EmSampleType::SettlePlate;
        // The cabinet was in control an hour before the harvest.
        svc.record_em_result(&qc, now, em("BSC-1", plate, 0.0, at(-1.0)))
            .await
            .unwrap();
        let place = StepPlace {
            room: Some("BSC-1".into()),
            equipment: None,
        };
        svc.harvest_at(&op, now, "B-2026-009", "H-W1", 500.0, h, None, &place)
            .await
            .unwrap();
        // An excursion while the harvest is not pooled yet reaches no lot now ...
        let first = svc
            .record_em_result(&qc, now, em("BSC-1", plate, 1.0, at(1.0)))
            .await
            .unwrap();
        assert_eq!(first.result.outcome, EmOutcome::Action);
        assert!(first.deviations.is_empty(), "{backend:?}");
        // ... but once pooled, each lot of it is blocked by that excursion in the release check.
        for (lot, ml) in [("L-W1", 300.0), ("L-W2", 150.0)] {
            svc.pool_lot(&op, now, lot, "MSC-CM-01", &[("H-W1".into(), ml)])
                .await
                .unwrap();
        }
        let qa = svc.actor("qa").await.unwrap();
        let blockers = svc.release_check(&qa, "L-W1").await.unwrap();
        assert!(
            blockers
                .iter()
                .any(|b| b.kind == BlockerKind::EmExcursion && b.subject == first.result.id),
            "{backend:?}: {blockers:?}"
        );
        // A later excursion in the same window opens a deviation on exactly the two lots.
        let second = svc
            .record_em_result(&qc, now, em("BSC-1", plate, 2.0, at(1.5)))
            .await
            .unwrap();
        assert_eq!(
            second.deviations,
            vec!["L-W1/DEV-01".to_string(), "L-W2/DEV-01".to_string()],
            "{backend:?}"
        );
        // Back in control, then an excursion whose window holds no harvest: no lot is reached.
        svc.record_em_result(&qc, now, em("BSC-1", plate, 0.0, at(2.0)))
            .await
            .unwrap();
        let third = svc
            .record_em_result(&qc, now, em("BSC-1", plate, 3.0, at(3.0)))
            .await
            .unwrap();
        assert_eq!(third.result.outcome, EmOutcome::Action);
        assert!(third.deviations.is_empty(), "{:?}", third.deviations);
        assert!(third.decided_lots.is_empty());
    }
}

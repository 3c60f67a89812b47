//! QC results as the lab writes them (issue 12, item 2) through the use cases, on both backends:
//! impossible negatives and text in numeric tests refused with nothing written; 陰性 judged as
//! negative; censored `< 0.25 EU/mL` stored and judged as such; corrections and retests need a
//! reason, keep the original visible, and an out-of-specification original opens an OOS
//! investigation QA must close before release; the release check and the CoA rows use the valid
//! result.

use crate::common;
use common::*;

use secretome_domain::{
    UtcTime,
    qc::{BlockerKind, Verdict, reading::Censor, result::Change},
};
use secretome_service::{ErrorKind, NewResult, Service, demo};
use secretome_store::testing::stores;
use std::sync::Arc;

const LOT: &str = "L-2026-007";

fn now() -> UtcTime {
    t("2026-11-25T03:00:00Z")
}

fn typed(test: &str, value: &str) -> NewResult {
    NewResult {
        lot: LOT.into(),
        test: test.into(),
        typed: Some(value.into()),
        ..Default::default()
    }
}

/// The demo facility with lot L-2026-007 filled (in quarantine, no results yet).
async fn filled(svc: &Service) {
    demo::build(svc, now()).await.unwrap();
    let op = svc.actor("operator").await.unwrap();
    let exp = now().plus_hours(24.0 * 300.0).unwrap();
    svc.fill_vials(&op, now(), LOT, 4, 2.0, exp, None)
        .await
        .unwrap();
}

#[tokio::test]
async fn results_are_read_as_the_lab_writes_them() {
    for (_backend, store) in stores("qcrec_read").await {
        let svc = Service::new(Arc::new(store));
        filled(&svc).await;
        let qc = svc.actor("qc").await.unwrap();
        // Endotoxin −0.3 EU/mL: refused (typed, and as a number through the API path).
        refused(
            &svc,
            svc.record_result(&qc, now(), typed("endotoxin", "−0.3")),
            ErrorKind::Invalid,
            "value: cannot be negative",
        )
        .await;
        refused(
            &svc,
            svc.record_result(&qc, now(), result(LOT, "endotoxin", Some(-0.3), None)),
            ErrorKind::Invalid,
            "value: cannot be negative",
        )
        .await;
        // Text in a numeric test (EGF, pg/mL): refused on both paths.
        refused(
            &svc,
            svc.record_result(&qc, now(), typed("egf", "high")),
            ErrorKind::Invalid,
            "value: enter a number in pg/mL",
        )
        .await;
        refused(
            &svc,
            svc.record_result(&qc, now(), result(LOT, "egf", None, Some("high"))),
            ErrorKind::Invalid,
            "value: test egf takes a number",
        )
        .await;
        // A word that is not a result of the test: refused naming the accepted terms.
        refused(
            &svc,
            svc.record_result(&qc, now(), result(LOT, "sterility", None, Some("OK"))),
            ErrorKind::Invalid,
            "陰性 / negative",
        )
        .await;
        // 陰性 (the word the form suggests) for sterility: negative, pass.
        let r = svc
            .record_result(&qc, now(), result(LOT, "sterility", None, Some("陰性")))
            .await
            .unwrap();
        assert_eq!(
            (r.outcome.as_deref(), r.verdict),
            (Some("negative"), Verdict::Pass)
        );
        // Full-width 検出せず for residual cells.
        let r = svc
            .record_result(
                &qc,
                now(),
                result(LOT, "residual_cells", None, Some("検出せず　")),
            )
            .await
            .unwrap();
        assert_eq!(r.verdict, Verdict::Pass);
        // A gel-clot result below the test's sensitivity, in full width: `< 0.25 EU/mL`.
        let r = svc
            .record_result(&qc, now(), typed("endotoxin", "＜０．２５"))
            .await
            .unwrap();
        assert_eq!((r.value, r.censor), (Some(0.25), Some(Censor::Below)));
        assert_eq!(r.verdict, Verdict::Pass);
        // Stored and read back as such on this backend.
        let q = svc.lot_qc(LOT).await.unwrap();
        let row = q
            .rows
            .iter()
            .find(|r| r.test.code.as_str() == "endotoxin")
            .unwrap();
        let stored = row.result.as_ref().unwrap();
        assert_eq!(stored.censor, Some(Censor::Below));
        assert_eq!(stored.shown(), "< 0.25 EU/mL");
        assert_eq!(row.verdict, Some(Verdict::Pass));
        // Above the upper limit of quantitation on a report-only test: kept as `> 2000`.
        let r = svc
            .record_result(&qc, now(), typed("vegf", "> 2,000 pg/mL"))
            .await
            .unwrap();
        assert_eq!(
            (r.censor, r.verdict),
            (Some(Censor::Above), Verdict::Reported)
        );
    }
}

#[tokio::test]
async fn retest_keeps_the_original_and_an_oos_original_needs_qa() {
    for (_backend, store) in stores("qcrec_retest").await {
        let svc = Service::new(Arc::new(store));
        filled(&svc).await;
        let qc = svc.actor("qc").await.unwrap();
        let qa = svc.actor("qa").await.unwrap();
        let first = svc
            .record_result(&qc, now(), typed("endotoxin", "0.8"))
            .await
            .unwrap();
        assert_eq!(first.verdict, Verdict::Fail);
        // A retest needs a reason; nothing is written without one.
        refused(
            &svc,
            svc.revise_result(&qc, now(), typed("endotoxin", "0.1"), Change::Retest, "  "),
            ErrorKind::Invalid,
            "reason",
        )
        .await;
        // Only QC records retests.
        refused(
            &svc,
            svc.revise_result(&qa, now(), typed("endotoxin", "0.1"), Change::Retest, "r"),
            ErrorKind::Forbidden,
            "record a retest",
        )
        .await;
        let later = now().plus_hours(2.0).unwrap();
        let r = svc
            .revise_result(
                &qc,
                later,
                typed("endotoxin", "< 0.25"),
                Change::Retest,
                "OOS phase I: sample contaminated at dilution; retest on the retained sample",
            )
            .await
            .unwrap();
        assert_eq!(r.verdict, Verdict::Pass);
        assert_eq!(r.history.len(), 1, "the original stays visible");
        assert_eq!(r.history[0].value, Some(0.8));
        assert_eq!(r.history[0].verdict, Verdict::Fail);
        assert_eq!(r.history[0].change, Change::Retest);
        // The OOS original opened an investigation naming the test.
        let q = svc.lot_qc(LOT).await.unwrap();
        let oos: Vec<_> = q
            .deviations
            .iter()
            .filter(|d| d.test.as_ref().is_some_and(|t| t.as_str() == "endotoxin"))
            .collect();
        assert_eq!(oos.len(), 1);
        assert!(
            oos[0]
                .description
                .starts_with("OOS investigation: endotoxin result 0.8 EU/mL")
        );
        // The release check judges the valid (retested) result, and the open OOS blocks release.
        let blockers = svc.release_check(&qa, LOT).await.unwrap();
        assert!(
            !blockers
                .iter()
                .any(|b| b.kind == BlockerKind::OutOfSpecification && b.subject == "endotoxin"),
            "{blockers:?}"
        );
        assert!(
            blockers
                .iter()
                .any(|b| b.kind == BlockerKind::OpenDeviation && b.subject == oos[0].id),
            "{blockers:?}"
        );
        // The CoA rows (lot_qc) show the valid result.
        let row = q
            .rows
            .iter()
            .find(|r| r.test.code.as_str() == "endotoxin")
            .unwrap();
        assert_eq!(row.result.as_ref().unwrap().shown(), "< 0.25 EU/mL");
        // A second replacement of a now-passing result opens no second OOS investigation; the
        // history keeps both earlier results, oldest first.
        let c = svc
            .correct_result(
                &qc,
                later,
                &format!("{LOT}/endotoxin"),
                Some(0.2),
                None,
                "typing error",
            )
            .await
            .unwrap();
        assert_eq!(c.history.len(), 2);
        assert_eq!(c.history[1].censor, Some(Censor::Below));
        assert_eq!(
            svc.lot_qc(LOT).await.unwrap().deviations.len(),
            q.deviations.len()
        );
        // The audit trail holds the correction with its reason.
        let events = svc
            .store()
            .events_for(
                secretome_store::Table::TestResult,
                &format!("{LOT}/endotoxin"),
            )
            .await
            .unwrap();
        let actions: Vec<_> = events.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(
            actions,
            [
                "test_result.record",
                "test_result.retest",
                "test_result.correct"
            ]
        );
        assert_eq!(events[2].reason.as_deref(), Some("typing error"));
    }
}

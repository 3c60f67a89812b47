//! QC and QA through the use cases on both backends: release refused listing every reason (missing
//! test, out of specification without an approved deviation, open deviation, signer took part) with
//! nothing written; release allowed once QA approves the deviation covering the failing result; the
//! specification version in force at filling stays with the lot; role checks.

use crate::common;
use common::*;

use secretome_domain::{
    Role,
    qc::{BlockerKind, DeviationStatus, Verdict},
};
use secretome_service::{ErrorKind, Service, demo};
use secretome_store::testing::stores;
use std::sync::Arc;

#[tokio::test]
async fn release_lists_every_reason_and_writes_nothing() {
    for (backend, store) in stores("qc_release").await {
        let svc = Service::new(Arc::new(store));
        let now = t("2026-11-25T03:00:00Z");
        demo::build(&svc, now).await.unwrap();
        let admin = svc.actor("admin").await.unwrap();
        let qc = svc.actor("qc").await.unwrap();
        // A user who is both operator and QA makes and fills a lot, then tries to release it.
        svc.create_user(
            &admin,
            now,
            "opqa",
            "兼務者",
            "CPC-TOKYO",
            vec![Role::Operator, Role::Qa],
        )
        .await
        .unwrap();
        let opqa = svc.actor("opqa").await.unwrap();
        svc.harvest(
            &opqa,
            now,
            "B-2026-009",
            "H-T1",
            500.0,
            now.plus_hours(-36.0 * 24.0).unwrap(),
            None,
        )
        .await
        .unwrap();
        let parts = [("H-T1".to_string(), 400.0)];
        svc.pool_lot(&opqa, now, "L-T1", "MSC-CM-01", &parts)
            .await
            .unwrap();
        let exp = t("2027-11-25T03:00:00Z");
        sterile_filter(&svc, &opqa, "L-T1", now).await;
        svc.fill_vials(&opqa, now, "L-T1", 10, 2.0, exp, None)
            .await
            .unwrap();
        // Every test but sterility passes; endotoxin fails; a deviation is opened on sterility.
        let spec = svc.lot_qc("L-T1").await.unwrap().specification.unwrap();
        for test in spec.tests.iter().filter(|x| x.code.as_str() != "sterility") {
            let r = match test.code.as_str() {
                "endotoxin" => result("L-T1", "endotoxin", Some(0.9), None),
                "mycoplasma" => result("L-T1", "mycoplasma", None, Some("negative")),
                "residual_cells" => result("L-T1", "residual_cells", None, Some("not detected")),
                "appearance" => result("L-T1", "appearance", None, Some("conforms")),
                "ev_particles" => result("L-T1", "ev_particles", Some(2.0e9), None),
                code => result("L-T1", code, Some(100.0), None),
            };
            svc.record_result(&qc, now, r).await.unwrap();
        }
        let dev = svc
            .open_deviation(&qc, now, "L-T1", Some("sterility"), "sample bottle leaked")
            .await
            .unwrap();
        assert_eq!(dev.id, "L-T1/DEV-01");

        let blockers = svc.release_check(&opqa, "L-T1").await.unwrap();
        let kinds: Vec<(BlockerKind, &str)> = blockers
            .iter()
            .map(|b| (b.kind, b.subject.as_str()))
            .collect();
        assert_eq!(
            kinds,
            [
                (BlockerKind::MissingResult, "sterility"),
                (BlockerKind::OutOfSpecification, "endotoxin"),
                (BlockerKind::OpenDeviation, "L-T1/DEV-01"),
                (BlockerKind::SegregationOfDuties, "opqa"),
            ],
            "{backend:?}"
        );
        assert!(blockers.iter().all(|b| !b.message_ja.is_empty()));
        let e = refused(
            &svc,
            svc.release_lot(&opqa, now, "L-T1", "ok"),
            ErrorKind::Conflict,
            "lot L-T1 cannot be released: (1) test sterility (Sterility): no result entered",
        )
        .await;
        for part in [
            "(2) test endotoxin (Endotoxin): result 0.9 EU/mL is out of specification (< 0.5 EU/mL)",
            "(3) deviation L-T1/DEV-01 is open",
            "(4) segregation of duties: opqa",
        ] {
            assert!(e.to_string().contains(part), "{e}");
        }
        let l = svc.lot_detail("L-T1").await.unwrap();
        assert_eq!(l.lot.status.as_str(), "quarantine");
        assert!(l.vials.iter().all(|v| v.status.as_str() == "quarantine"));

        // Another QA sees the same reasons except their own part.
        let qa = svc.actor("qa").await.unwrap();
        let b = svc.release_check(&qa, "L-T1").await.unwrap();
        assert_eq!(b.len(), 3);
        // A lot still in process cannot be released, whatever its records.
        refused(
            &svc,
            svc.release_lot(&qa, now, "L-2026-007", "ok"),
            ErrorKind::Conflict,
            "lot L-2026-007 is in_process: cannot be released",
        )
        .await;
    }
}

#[tokio::test]
async fn release_goes_ahead_once_qa_approves_the_deviation() {
    for (backend, store) in stores("qc_approve").await {
        let svc = Service::new(Arc::new(store));
        let now = t("2026-11-25T03:00:00Z");
        demo::build(&svc, now).await.unwrap();
        let (qc, qa) = (
            svc.actor("qc").await.unwrap(),
            svc.actor("qa").await.unwrap(),
        );
        // The demo's L-2026-006: particles below the minimum, deviation open.
        let q = svc.lot_qc("L-2026-006").await.unwrap();
        let row = q
            .rows
            .iter()
            .find(|r| r.test.code.as_str() == "ev_particles")
            .unwrap();
        assert_eq!(row.verdict, Some(Verdict::Fail));
        assert_eq!(row.criterion, "≥ 1000000000 particles/mL");
        assert_eq!(q.deviations.len(), 1);
        let dev = q.deviations[0].id.clone();
        let refusal = refused(
            &svc,
            svc.release_lot(&qa, now, "L-2026-006", "ok"),
            ErrorKind::Conflict,
            "ev_particles",
        )
        .await;
        assert!(refusal.to_string().contains("is open"), "{refusal}");
        // QA cannot approve before QC's assessment; then QC assesses and QA approves.
        refused(
            &svc,
            svc.approve_deviation(&qa, now, &dev, "ok"),
            ErrorKind::Conflict,
            "is open: cannot be approved",
        )
        .await;
        svc.assess_deviation(
            &qc,
            now,
            &dev,
            "再測定 2.1 × 10⁹ /mL: 希釈誤りと判定 (dilution error)",
        )
        .await
        .unwrap();
        let b = svc.release_check(&qa, "L-2026-006").await.unwrap();
        assert_eq!(b.len(), 2, "{backend:?}: still OOS and awaiting QA: {b:?}");
        let d = svc
            .approve_deviation(
                &qa,
                now,
                &dev,
                "製品品質への影響なし (no impact on quality)",
            )
            .await
            .unwrap();
        assert_eq!(d.status, DeviationStatus::Approved);
        let q = svc.lot_qc("L-2026-006").await.unwrap();
        assert!(q.blockers.is_empty(), "{:?}", q.blockers);
        let row = q
            .rows
            .iter()
            .find(|r| r.test.code.as_str() == "ev_particles")
            .unwrap();
        assert_eq!(row.covered_by.as_deref(), Some(dev.as_str()));
        let l = svc
            .release_lot(&qa, now, "L-2026-006", "逸脱承認済み、他項目適合")
            .await
            .unwrap();
        assert_eq!(l.status.as_str(), "released");
        let detail = svc.lot_detail("L-2026-006").await.unwrap();
        assert!(
            detail
                .vials
                .iter()
                .all(|v| v.status.as_str() == "available")
        );
        // The demo's other quarantine lot is complete and releasable as it stands.
        assert!(
            svc.release_check(&qa, "L-2026-005")
                .await
                .unwrap()
                .is_empty()
        );
        assert!(matches!(
            svc.verify_audit().await.unwrap(),
            secretome_store::VerifyOutcome::Intact { .. }
        ));
    }
}

//! QC rules through the use cases on both backends: the specification version in force at filling
//! stays with the lot when a later version becomes effective; filling without an effective
//! specification is refused; role checks come first; bad input names the field.

use crate::common;
use common::*;

use secretome_domain::qc::{Acceptance, BlockerKind, Verdict};
use secretome_service::{ErrorKind, NewProduct, NewTest, Service, demo};
use secretome_store::testing::stores;
use std::sync::Arc;

#[tokio::test]
async fn the_specification_in_force_at_filling_stays_with_the_lot() {
    for (backend, store) in stores("qc_spec").await {
        let svc = Service::new(Arc::new(store));
        let now = t("2026-11-25T03:00:00Z");
        demo::build(&svc, now).await.unwrap();
        let (admin, qa, op) = (
            svc.actor("admin").await.unwrap(),
            svc.actor("qa").await.unwrap(),
            svc.actor("operator").await.unwrap(),
        );
        let spec_of = |lot: &'static str| {
            let svc = svc.clone();
            async move { svc.lot_qc(lot).await.unwrap().lot.specification }
        };
        assert_eq!(spec_of("L-2026-001").await.as_deref(), Some("MSC-CM-01/v1"));
        assert_eq!(spec_of("L-2026-005").await.as_deref(), Some("MSC-CM-01/v2"));
        assert_eq!(spec_of("L-2026-007").await, None, "not filled yet");
        let versions = svc.specifications("MSC-CM-01").await.unwrap();
        let states: Vec<&str> = versions.iter().map(|s| s.status.as_str()).collect();
        assert_eq!(states, ["superseded", "effective"], "{backend:?}");

        // v3 adds a test; L-2026-005 keeps v2 and stays releasable, a lot filled now gets v3.
        let mut tests: Vec<NewTest> = versions[1]
            .tests
            .iter()
            .cloned()
            .map(NewTest::from)
            .collect();
        tests.push(NewTest {
            code: "ph".into(),
            name: "pH".into(),
            name_ja: "pH".into(),
            method: "JP 2.54".into(),
            unit: None,
            acceptance: Acceptance::range(Some(7.0), Some(7.8)),
        });
        let v3 = svc
            .create_specification(&qa, now, "MSC-CM-01", tests)
            .await
            .unwrap();
        assert_eq!(
            (v3.id.as_str(), v3.status.as_str()),
            ("MSC-CM-01/v3", "draft")
        );
        svc.make_specification_effective(&qa, now, &v3.id)
            .await
            .unwrap();
        let versions = svc.specifications("MSC-CM-01").await.unwrap();
        let states: Vec<&str> = versions.iter().map(|s| s.status.as_str()).collect();
        assert_eq!(states, ["superseded", "superseded", "effective"]);
        assert_eq!(spec_of("L-2026-005").await.as_deref(), Some("MSC-CM-01/v2"));
        assert!(
            svc.release_check(&qa, "L-2026-005")
                .await
                .unwrap()
                .is_empty()
        );
        let exp = t("2027-11-25T03:00:00Z");
        svc.fill_vials(&op, now, "L-2026-007", 5, 2.0, exp, None)
            .await
            .unwrap();
        assert_eq!(spec_of("L-2026-007").await.as_deref(), Some("MSC-CM-01/v3"));
        let b = svc.release_check(&qa, "L-2026-007").await.unwrap();
        // (Besides the demo's EM deviation and the filter's pending post-use test, issue 14.)
        let missing = b
            .iter()
            .filter(|b| b.kind == secretome_domain::qc::BlockerKind::MissingResult)
            .count();
        assert_eq!(missing, 16, "every v3 test is missing: {b:?}");

        // A product without an effective specification cannot be filled.
        svc.create_product(
            &admin,
            now,
            NewProduct {
                id: "EXO-01".into(),
                name: "Exosome concentrate".into(),
                name_ja: "エクソソーム濃縮液".into(),
                shelf_life_days: 180,
                storage_temperature_c: -80.0,
                isbt_code: Some("S0002".into()),
            },
        )
        .await
        .unwrap();
        svc.harvest(
            &op,
            now,
            "B-2026-009",
            "H-T2",
            300.0,
            now.plus_hours(-36.0 * 24.0).unwrap(),
            None,
        )
        .await
        .unwrap();
        let parts = [("H-T2".to_string(), 100.0)];
        svc.pool_lot(&op, now, "L-EXO", "EXO-01", &parts)
            .await
            .unwrap();
        sterile_filter(&svc, &op, "L-EXO", now).await;
        refused(
            &svc,
            svc.fill_vials(&op, now, "L-EXO", 5, 2.0, exp, None),
            ErrorKind::Conflict,
            "product EXO-01 has no effective specification",
        )
        .await;
        // Only a draft can be made effective.
        let old = svc
            .create_specification(&qa, now, "EXO-01", vec![NewTest::from(v3.tests[0].clone())])
            .await
            .unwrap();
        svc.make_specification_effective(&qa, now, &old.id)
            .await
            .unwrap();
        refused(
            &svc,
            svc.make_specification_effective(&qa, now, &old.id),
            ErrorKind::Conflict,
            "is effective: cannot be made effective",
        )
        .await;
    }
}

#[tokio::test]
async fn roles_and_bad_input_are_checked_first() {
    for (_, store) in stores("qc_roles").await {
        let svc = Service::new(Arc::new(store));
        let now = t("2026-11-25T03:00:00Z");
        demo::build(&svc, now).await.unwrap();
        let (op, qc, qa) = (
            svc.actor("operator").await.unwrap(),
            svc.actor("qc").await.unwrap(),
            svc.actor("qa").await.unwrap(),
        );
        let dev = svc.lot_qc("L-2026-006").await.unwrap().deviations[0]
            .id
            .clone();
        svc.assess_deviation(&qc, now, &dev, "assessed")
            .await
            .unwrap();
        refused(
            &svc,
            svc.approve_deviation(&qc, now, &dev, "ok"),
            ErrorKind::Forbidden,
            "qc needs role qa to approve a deviation",
        )
        .await;
        refused(
            &svc,
            svc.record_result(&op, now, result("L-2026-005", "endotoxin", Some(0.1), None)),
            ErrorKind::Forbidden,
            "operator needs role qc to record a QC result",
        )
        .await;
        refused(
            &svc,
            svc.create_specification(&op, now, "MSC-CM-01", vec![]),
            ErrorKind::Forbidden,
            "operator needs role admin or qa to create a specification",
        )
        .await;
        refused(
            &svc,
            svc.assess_deviation(&qa, now, &dev, "x"),
            ErrorKind::Forbidden,
            "qa needs role qc to assess a deviation",
        )
        .await;
        // bad input names the field; a second result for a test is a conflict; corrections need a reason
        refused(
            &svc,
            svc.record_result(
                &qc,
                now,
                result("L-2026-005", "endotoxin", None, Some("low")),
            ),
            ErrorKind::Invalid,
            "value: test endotoxin takes a number in EU/mL, not text",
        )
        .await;
        refused(
            &svc,
            svc.record_result(&qc, now, result("L-2026-005", "endotoxin", Some(0.1), None)),
            ErrorKind::Conflict,
            "already has a result for test endotoxin",
        )
        .await;
        refused(
            &svc,
            svc.correct_result(&qc, now, "L-2026-005/endotoxin", Some(0.2), None, " "),
            ErrorKind::Invalid,
            "reason",
        )
        .await;
        let c = svc
            .correct_result(
                &qc,
                now,
                "L-2026-005/endotoxin",
                Some(0.6),
                None,
                "transcription error",
            )
            .await
            .unwrap();
        assert_eq!(c.verdict, Verdict::Fail);
        let b = svc.release_check(&qa, "L-2026-005").await.unwrap();
        assert_eq!(b[0].kind, BlockerKind::OutOfSpecification);
        refused(
            &svc,
            svc.record_result(&qc, now, result("L-2026-007", "endotoxin", Some(0.1), None)),
            ErrorKind::Conflict,
            "lot L-2026-007 is in_process: cannot take test results",
        )
        .await;
    }
}

//! Bad input and broken rules through the use cases: each a typed error with a clear message, and
//! nothing written (the audit event count does not move).

use crate::common;
use common::*;

use secretome_domain::{Actor, Role, ids::UserName};
use secretome_service::{ErrorKind, Service, demo};
use secretome_store::testing::stores;
use std::sync::Arc;

#[tokio::test]
async fn bad_input_is_typed_and_writes_nothing() {
    for (backend, store) in stores("rules").await {
        let svc = Service::new(Arc::new(store));
        let now = t("2026-11-25T03:00:00Z");
        demo::build(&svc, now).await.unwrap();
        let op = svc.actor("operator").await.unwrap();
        let qa = svc.actor("qa").await.unwrap();
        // fails on its second write (the batch is updated, then the harvest id is a duplicate):
        // the first write is rolled back with it
        refused(
            &svc,
            svc.harvest(
                &op,
                now,
                "B-2026-009",
                "H-2026-001",
                500.0,
                now.plus_hours(-36.0 * 24.0).unwrap(),
                None,
            ),
            ErrorKind::Conflict,
            "harvest H-2026-001 already exists",
        )
        .await;
        let b: secretome_domain::batch::CultureBatch =
            svc.store().fetch("B-2026-009").await.unwrap().unwrap();
        assert_eq!(b.status.as_str(), "conditioning", "{backend:?}");
        svc.harvest(
            &op,
            now,
            "B-2026-009",
            "H-T1",
            500.0,
            now.plus_hours(-36.0 * 24.0).unwrap(),
            None,
        )
        .await
        .unwrap();
        let n0 = svc.store().event_count().await.unwrap();
        eprintln!("{backend:?}: {n0} events before");
        // illegal transition
        refused(
            &svc,
            svc.release_lot(&qa, now, "L-2026-007", "ok"),
            ErrorKind::Conflict,
            "lot L-2026-007 is in_process: cannot be released",
        )
        .await;
        refused(
            &svc,
            svc.open_recall(&qa, now, "L-2026-003", "x"),
            ErrorKind::Conflict,
            "is rejected",
        )
        .await;
        // dangling reference
        let nb = secretome_service::NewBatch {
            id: "B-X".into(),
            cell_bank: "WCB-NOPE".into(),
            vessel: "t175".into(),
            vessel_count: 1,
            seeding_density: 3000.0,
            seeded_at: now,
        };
        refused(
            &svc,
            svc.seed_batch(&op, now, nb),
            ErrorKind::NotFound,
            "cell_bank WCB-NOPE not found",
        )
        .await;
        // duplicate identifier
        refused(
            &svc,
            svc.register_donor(&op, now, "D-AD-001", "adipose", "IC", now),
            ErrorKind::Conflict,
            "donor D-AD-001 already exists",
        )
        .await;
        // unknown enum value
        refused(
            &svc,
            svc.register_donor(&op, now, "D-NEW", "blood", "IC", now),
            ErrorKind::Invalid,
            "source: unknown tissue source \"blood\"",
        )
        .await;
        // negative volume
        let exp = t("2027-11-25T03:00:00Z");
        refused(
            &svc,
            svc.fill_vials(&op, now, "L-2026-007", 10, -5.0, exp, None),
            ErrorKind::Invalid,
            "fill_volume_ml: must be greater than 0",
        )
        .await;
        // a multi-row change refused on its second part leaves the first untouched
        let parts = vec![
            ("H-T1".to_string(), 100.0),
            ("H-2026-001".to_string(), 1.0e6),
        ];
        refused(
            &svc,
            svc.pool_lot(&op, now, "L-X", "P", &parts),
            ErrorKind::Invalid,
            "harvests[1].volume_ml",
        )
        .await;
        // wrong role
        refused(
            &svc,
            svc.release_lot(&op, now, "L-2026-005", "ok"),
            ErrorKind::Forbidden,
            "operator needs role qa to release a lot",
        )
        .await;
        // a correction without a reason
        refused(
            &svc,
            svc.correct_observation(&op, now, "B-2026-001/OBS-001", 1.0, 90.0, 10.0, " "),
            ErrorKind::Invalid,
            "reason",
        )
        .await;
        assert_eq!(svc.store().event_count().await.unwrap(), n0);
        let h: secretome_domain::batch::Harvest = svc.store().fetch("H-T1").await.unwrap().unwrap();
        assert_eq!(h.remaining_ml, 500.0);
    }
}

#[tokio::test]
async fn whoever_made_the_lot_cannot_release_it() {
    for (_, store) in stores("sod").await {
        let svc = Service::new(Arc::new(store));
        let now = t("2026-11-25T03:00:00Z");
        demo::build(&svc, now).await.unwrap();
        let admin = svc.actor("admin").await.unwrap();
        // An operator who is also QA recorded steps of L-2026-005: refused. Another QA may release.
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
        svc.record_processing_step(
            &opqa,
            now,
            "L-2026-007",
            secretome_domain::processing::StepKind::Filtration { pore_um: 0.22 },
            now,
        )
        .await
        .unwrap();
        assert!(
            svc.lot_participants("L-2026-007")
                .await
                .unwrap()
                .contains("opqa")
        );
        let qa_only = Actor::new(UserName::new("qa").unwrap(), vec![Role::Qa]);
        let p5 = svc.lot_participants("L-2026-005").await.unwrap();
        assert!(p5.contains("operator") && !p5.contains("qa"), "{p5:?}");
        let e = svc
            .release_lot(
                &Actor::new(UserName::new("operator").unwrap(), vec![Role::Qa]),
                now,
                "L-2026-005",
                "ok",
            )
            .await
            .unwrap_err();
        assert!(
            e.to_string()
                .contains("cannot be released: (1) segregation of duties: operator"),
            "{e}"
        );
        let l = svc
            .release_lot(&qa_only, now, "L-2026-005", "meets specification")
            .await
            .unwrap();
        assert_eq!(l.status.as_str(), "released");
        let d = svc.lot_detail("L-2026-005").await.unwrap();
        assert!(d.vials.iter().all(|v| v.status.as_str() == "available"));
    }
}

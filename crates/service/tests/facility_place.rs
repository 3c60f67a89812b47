//! Harvests and fills record where they were done, with what and by whom, like processing steps
//! (issue 14 item 3), on both backends: an out-of-calibration instrument or an operator without
//! aseptic qualification in a grade A zone is refused with the reason named, for a harvest and
//! for a fill alike, and nothing is written; an accepted fill keeps its room, equipment and
//! operator, and an EM action excursion in the filling zone during the filling reaches that lot.

use crate::common;
use common::*;

use secretome_domain::{
    Role,
    facility::{EmOutcome, EmSampleType, IntegrityMethod, IntegrityStage},
};
use secretome_service::{
    ErrorKind, Service, demo,
    facility::{NewEmResult, NewFiltration, NewIntegrityTest, StepPlace},
};
use secretome_store::testing::stores;
use std::sync::Arc;

const NOW: &str = "2026-11-25T03:00:00Z";

fn place(room: &str, eq: Option<&str>) -> StepPlace {
    StepPlace {
        room: Some(room.into()),
        equipment: eq.map(str::to_string),
    }
}

#[tokio::test]
async fn harvests_and_fills_check_and_record_their_place() {
    for (backend, store) in stores("facility_place").await {
        let svc = Service::new(Arc::new(store));
        let now = t(NOW);
        demo::build(&svc, now).await.unwrap();
        let admin = svc.actor("admin").await.unwrap();
        let op = svc.actor("operator").await.unwrap();
        let qc = svc.actor("qc").await.unwrap();
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
        let harvested = now.plus_hours(-36.0 * 24.0).unwrap();

        // Harvest: the overdue incubator is refused, naming it; so is an unqualified operator in
        // the cabinet (grade A); nothing is written either time.
        refused(
            &svc,
            svc.harvest_at(
                &op,
                now,
                "B-2026-009",
                "H-P1",
                500.0,
                harvested,
                None,
                &place("CPC-B1", Some("INC-02")),
            ),
            ErrorKind::Conflict,
            "equipment INC-02 (CO₂ インキュベーター2) is out of calibration",
        )
        .await;
        refused(
            &svc,
            svc.harvest_at(
                &op2,
                now,
                "B-2026-009",
                "H-P1",
                500.0,
                harvested,
                None,
                &place("BSC-1", None),
            ),
            ErrorKind::Conflict,
            "operator op2 has no gowning or aseptic_process qualification",
        )
        .await;
        let h = svc
            .harvest_at(
                &op,
                now,
                "B-2026-009",
                "H-P1",
                500.0,
                harvested,
                None,
                &place("BSC-1", None),
            )
            .await
            .unwrap();
        assert_eq!(
            (h.room.as_deref(), h.operator.as_ref().map(|u| u.as_str())),
            (Some("BSC-1"), Some("operator")),
            "{backend:?}"
        );

        // Fill: the same checks at the time of filling.
        svc.pool_lot(&op, now, "L-P1", "MSC-CM-01", &[("H-P1".into(), 400.0)])
            .await
            .unwrap();
        let f = svc
            .record_sterile_filtration(
                &op,
                now,
                NewFiltration {
                    lot: "L-P1".into(),
                    filter_maker: "Sartorius".into(),
                    filter_model: "Sartopore 2".into(),
                    filter_lot: "SP2-7781".into(),
                    pore_um: 0.2,
                    sterilising_grade: true,
                    room: Some("ISO-1".into()),
                    performed_at: now,
                },
            )
            .await
            .unwrap();
        let exp = t("2027-06-25T03:00:00Z");
        refused(
            &svc,
            svc.fill_vials_at(&op2, now, "L-P1", 5, 2.0, exp, None, &place("ISO-1", None)),
            ErrorKind::Conflict,
            "may not record an aseptic step in grade A zone ISO-1",
        )
        .await;
        refused(
            &svc,
            svc.fill_vials_at(
                &op,
                now,
                "L-P1",
                5,
                2.0,
                exp,
                None,
                &place("ISO-1", Some("INC-02")),
            ),
            ErrorKind::Conflict,
            "INC-02",
        )
        .await;
        refused(
            &svc,
            svc.fill_vials_at(&op, now, "L-P1", 5, 2.0, exp, None, &place("NOWHERE", None)),
            ErrorKind::Invalid,
            "room: room NOWHERE is not registered",
        )
        .await;
        svc.fill_vials_at(&op, now, "L-P1", 5, 2.0, exp, None, &place("ISO-1", None))
            .await
            .unwrap();
        let lot = svc.lot_detail("L-P1").await.unwrap().lot;
        assert_eq!(lot.fill_room.as_deref(), Some("ISO-1"));
        assert_eq!(lot.filled_by.as_ref().map(|u| u.as_str()), Some("operator"));
        svc.record_integrity_test(
            &op,
            now,
            NewIntegrityTest {
                filtration: f.id,
                stage: IntegrityStage::PostUse,
                method: IntegrityMethod::BubblePoint,
                maker_limit: 3.2,
                measured: 3.6,
                unit: "bar".into(),
                tested_at: now,
            },
        )
        .await
        .unwrap();

        // A glove print with growth in the isolator right after the filling reaches the lot.
        let r = svc
            .record_em_result(
                &qc,
                now.plus_hours(0.5).unwrap(),
                NewEmResult {
                    room: "ISO-1".into(),
                    point: Some("右手".into()),
                    sample_type: EmSampleType::GlovePrint,
                    value: 1.0,
                    sampled_at: now.plus_hours(0.25).unwrap(),
                },
            )
            .await
            .unwrap();
        assert_eq!(r.result.outcome, EmOutcome::Action);
        assert!(
            r.deviations.contains(&"L-P1/DEV-01".to_string()),
            "{backend:?}: {:?}",
            r.deviations
        );
    }
}

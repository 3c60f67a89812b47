//! Inventory through the use cases, on both backends: freezers registered by an admin, moves
//! checked against the freezer's box grid and refused on an occupied position naming the vial
//! there, filling only into a registered freezer and never past the product's shelf life, and the
//! expiry sweep marking only unused vials past expiry — after which they cannot be dispensed.

use crate::common;
use common::*;

use secretome_domain::vial::{Vial, VialStatus};
use secretome_service::{ErrorKind, NewFreezer, NewPatient, Placement, Service, demo};
use secretome_store::{Table, testing::stores};
use std::sync::Arc;

async fn vial(svc: &Service, id: &str) -> Vial {
    svc.store().fetch(id).await.unwrap().unwrap()
}

#[tokio::test]
async fn moves_are_checked_against_the_grid_and_an_occupied_position() {
    for (backend, store) in stores("inventory_moves").await {
        let svc = Service::new(Arc::new(store));
        let now = t("2026-11-25T03:00:00Z");
        demo::build(&svc, now).await.unwrap();
        let op = svc.actor("operator").await.unwrap();
        let (qc, admin) = (
            svc.actor("qc").await.unwrap(),
            svc.actor("admin").await.unwrap(),
        );
        let v1 = "L-2026-001-0001";
        assert_eq!(
            vial(&svc, v1).await.location.as_deref(),
            Some("FRZ-01/R1/L-2026-001-B01/A1"),
            "{backend:?}: filled into the demo freezer's first box"
        );
        refused(
            &svc,
            svc.move_vial(&op, now, v1, "FRZ-01/R1/L-2026-001-B01/A2", None),
            ErrorKind::Conflict,
            "position FRZ-01/R1/L-2026-001-B01/A2 is occupied by vial L-2026-001-0002",
        )
        .await;
        refused(
            &svc,
            svc.move_vial(&op, now, v1, "FRZ-01/R2/SPARE/J1", None),
            ErrorKind::Invalid,
            "position J1 is outside the 9×9 box of freezer FRZ-01",
        )
        .await;
        refused(
            &svc,
            svc.move_vial(&op, now, v1, "FRZ-01/R2/SPARE/A10", None),
            ErrorKind::Invalid,
            "outside the 9×9 box",
        )
        .await;
        refused(
            &svc,
            svc.move_vial(&op, now, v1, "FRZ-99/R1/B1/A1", None),
            ErrorKind::Invalid,
            "freezer \"FRZ-99\" is not registered",
        )
        .await;
        refused(
            &svc,
            svc.move_vial(&op, now, v1, "FRZ-01 R1 B1 A1", None),
            ErrorKind::Invalid,
            "location",
        )
        .await;
        refused(
            &svc,
            svc.move_vial(&qc, now, v1, "FRZ-01/R2/SPARE/A1", None),
            ErrorKind::Forbidden,
            "operator",
        )
        .await;
        // A destroyed vial (rejected lot) stays where it is.
        refused(
            &svc,
            svc.move_vial(&op, now, "L-2026-003-0001", "FRZ-01/R2/SPARE/A1", None),
            ErrorKind::Conflict,
            "destroyed",
        )
        .await;

        let mv = svc
            .move_vial(&op, now, v1, "FRZ-01/R2/SPARE/A1", Some("rack reorganised"))
            .await
            .unwrap();
        assert_eq!(
            mv.id,
            format!("{v1}-MV-002"),
            "MV-001 is the put-away at filling"
        );
        assert_eq!(
            mv.from_location.as_deref(),
            Some("FRZ-01/R1/L-2026-001-B01/A1")
        );
        assert_eq!(
            vial(&svc, v1).await.location.as_deref(),
            Some("FRZ-01/R2/SPARE/A1")
        );
        // The position it left is free again.
        svc.move_vial(
            &op,
            now,
            "L-2026-001-0002",
            "FRZ-01/R1/L-2026-001-B01/A1",
            None,
        )
        .await
        .unwrap();
        let d = svc.vial_detail(v1, now).await.unwrap();
        let history: Vec<_> = d.moves.iter().map(|m| m.to_location.clone()).collect();
        assert_eq!(
            history,
            [
                Some("FRZ-01/R1/L-2026-001-B01/A1".to_string()),
                Some("FRZ-01/R2/SPARE/A1".to_string())
            ]
        );
        let events = svc
            .store()
            .events_for(Table::VialMove, &mv.id)
            .await
            .unwrap();
        assert_eq!(events.len(), 1);
        assert_eq!(
            (events[0].action.as_str(), events[0].actor.as_str()),
            ("vial.move", "operator")
        );

        let map = svc.freezer_map("FRZ-01", now).await.unwrap();
        let spare = map
            .racks
            .iter()
            .find(|r| r.rack == "R2")
            .and_then(|r| r.boxes.iter().find(|b| b.name == "SPARE"))
            .expect("box SPARE on rack R2");
        assert_eq!((spare.rows.len(), spare.cols.len(), spare.used), (9, 9, 1));
        assert_eq!((spare.rows[8].letter, spare.rows[8].cells.len()), ('I', 9));
        let a1 = &spare.rows[0].cells[0];
        assert_eq!(a1.position, "A1");
        assert_eq!(a1.vial.as_ref().map(|c| c.id.as_str()), Some(v1));

        // Freezers: registered by an admin only; filling goes only into a registered one.
        let new = NewFreezer {
            id: "FRZ-02".into(),
            name: "−80 °C chest".into(),
            site: "CPC-TOKYO".into(),
            temperature_c: -80.0,
            box_rows: 2,
            box_cols: 3,
        };
        refused(
            &svc,
            svc.create_freezer(&op, now, new.clone()),
            ErrorKind::Forbidden,
            "admin",
        )
        .await;
        svc.create_freezer(&admin, now, new).await.unwrap();
        let nowhere = Placement {
            freezer: "FRZ-404".into(),
            rack: "R1".into(),
        };
        let exp = now.plus_hours(24.0 * 300.0).unwrap();
        refused(
            &svc,
            svc.fill_vials(&op, now, "L-2026-007", 7, 2.0, exp, Some(&nowhere)),
            ErrorKind::Invalid,
            "freezer \"FRZ-404\" is not registered",
        )
        .await;
        refused(
            &svc,
            svc.fill_vials(
                &op,
                now,
                "L-2026-007",
                7,
                2.0,
                now.plus_hours(24.0 * 366.0).unwrap(),
                None,
            ),
            ErrorKind::Invalid,
            "365-day shelf life of MSC-CM-01",
        )
        .await;
        let chest = Placement {
            freezer: "FRZ-02".into(),
            rack: "R1".into(),
        };
        let vials = svc
            .fill_vials(&op, now, "L-2026-007", 7, 2.0, exp, Some(&chest))
            .await
            .unwrap();
        let at: Vec<_> = vials.iter().filter_map(|v| v.location.clone()).collect();
        assert_eq!(at[0], "FRZ-02/R1/L-2026-007-B01/A1");
        assert_eq!(
            at[5], "FRZ-02/R1/L-2026-007-B01/B3",
            "2 × 3 boxes, row by row"
        );
        assert_eq!(at[6], "FRZ-02/R1/L-2026-007-B02/A1", "then the next box");
        let listed = svc.freezers(now).await.unwrap();
        let counts: Vec<_> = listed
            .iter()
            .map(|f| (f.freezer.id.as_str(), f.vials))
            .collect();
        assert!(counts.contains(&("FRZ-02", 7)), "{counts:?}");
        assert!(
            counts.contains(&("LN2-01", 2)),
            "demo retained samples: {counts:?}"
        );
    }
}

#[tokio::test]
async fn expiry_sweep_marks_only_unused_vials_past_expiry() {
    for (backend, store) in stores("inventory_expiry").await {
        let svc = Service::new(Arc::new(store));
        let now = t("2026-11-25T03:00:00Z");
        demo::build(&svc, now).await.unwrap();
        let (op, qc, doc) = (
            svc.actor("operator").await.unwrap(),
            svc.actor("qc").await.unwrap(),
            svc.actor("physician").await.unwrap(),
        );
        // One vial of the oldest released lot is dispensed before its lot expires.
        svc.register_patient(
            &doc,
            now,
            NewPatient {
                id: "PT-000901".into(),
                site: "CPC-TOKYO".into(),
                birth_year: 1961,
                sex: "female".into(),
                indication: "osteoarthritis".into(),
                physician: None,
            },
        )
        .await
        .unwrap();
        common::consent(&svc, &doc, "PT-000901", "osteoarthritis", now).await;
        svc.dispense_vial(&doc, now, "L-2026-001-0003", "PT-000901")
            .await
            .unwrap();
        let first = vial(&svc, "L-2026-001-0001").await;
        let later = vial(&svc, "L-2026-004-0030").await;
        assert!(first.expires_at < later.expires_at);
        let sweep = first.expires_at;

        refused(
            &svc,
            svc.expire_vials(&qc, sweep),
            ErrorKind::Forbidden,
            "operator or qa",
        )
        .await;
        let before = svc.store().event_count().await.unwrap();
        let expired = svc.expire_vials(&op, sweep).await.unwrap();
        // L-2026-001's 40 vials, less the dispensed one; nothing of the lots filled later, nor
        // of the recalled or rejected ones (already blocked).
        assert_eq!(expired.len(), 39, "{backend:?}");
        assert!(expired.iter().all(|v| v.lot.as_str() == "L-2026-001"));
        assert_eq!(
            svc.store().event_count().await.unwrap() - before,
            39,
            "one audit event per vial"
        );
        assert_eq!(
            vial(&svc, "L-2026-001-0001").await.status,
            VialStatus::Expired
        );
        assert_eq!(
            vial(&svc, "L-2026-001-0003").await.status,
            VialStatus::Dispensed
        );
        assert_eq!(
            vial(&svc, "L-2026-004-0030").await.status,
            VialStatus::Available
        );
        assert_eq!(
            vial(&svc, "L-2026-005-0001").await.status,
            VialStatus::Quarantine
        );
        assert_eq!(
            vial(&svc, "L-2026-002-0039").await.status,
            VialStatus::Recalled
        );
        let ev = svc
            .store()
            .events_for(Table::Vial, "L-2026-001-0001")
            .await
            .unwrap();
        let last = ev.last().unwrap();
        assert_eq!(last.action, "vial.expire");
        assert!(last.reason.as_deref().unwrap_or("").contains("expiry"));
        // A second sweep finds nothing more.
        assert!(svc.expire_vials(&op, sweep).await.unwrap().is_empty());

        // An expired vial cannot be dispensed; one of a later lot still can.
        refused(
            &svc,
            svc.dispense_vial(&doc, sweep, "L-2026-001-0004", "PT-000901"),
            ErrorKind::Conflict,
            "L-2026-001-0004",
        )
        .await;
        svc.dispense_vial(&doc, sweep, "L-2026-004-0030", "PT-000901")
            .await
            .unwrap();

        // Flagged on the map and the vial page.
        let d = svc.vial_detail("L-2026-001-0004", sweep).await.unwrap();
        assert!(d.expired);
        assert!(
            !svc.vial_detail("L-2026-004-0031", sweep)
                .await
                .unwrap()
                .expired
        );
        let map = svc.freezer_map("FRZ-01", sweep).await.unwrap();
        let cells: Vec<_> = map
            .racks
            .iter()
            .flat_map(|r| &r.boxes)
            .flat_map(|b| b.rows.iter().flat_map(|r| &r.cells))
            .filter_map(|c| c.vial.as_ref())
            .collect();
        let flag = |id: &str| cells.iter().find(|c| c.id == id).map(|c| c.expired);
        assert_eq!(flag("L-2026-001-0004"), Some(true));
        assert_eq!(flag("L-2026-004-0031"), Some(false));
    }
}

#[tokio::test]
async fn filling_into_a_position_a_vial_was_moved_to_names_the_occupant() {
    for (_, store) in stores("inventory_fill_clash").await {
        let svc = Service::new(Arc::new(store));
        let now = t("2026-11-25T03:00:00Z");
        demo::build(&svc, now).await.unwrap();
        let op = svc.actor("operator").await.unwrap();
        // A vial parked where the next lot's first box will be.
        svc.move_vial(
            &op,
            now,
            "L-2026-001-0001",
            "FRZ-01/R7/L-2026-NEXT-B01/A1",
            None,
        )
        .await
        .unwrap();
        svc.harvest(
            &op,
            now,
            "B-2026-009",
            "H-2026-NEXT",
            500.0,
            now.plus_hours(-36.0 * 24.0).unwrap(),
            None,
        )
        .await
        .unwrap();
        svc.pool_lot(
            &op,
            now,
            "L-2026-NEXT",
            "MSC-CM-01",
            &[("H-2026-NEXT".to_string(), 400.0)],
        )
        .await
        .unwrap();
        sterile_filter(&svc, &op, "L-2026-NEXT", now).await;
        let place = Placement {
            freezer: "FRZ-01".into(),
            rack: "R7".into(),
        };
        refused(
            &svc,
            svc.fill_vials(
                &op,
                now,
                "L-2026-NEXT",
                4,
                2.0,
                t("2026-12-25T03:00:00Z"),
                Some(&place),
            ),
            ErrorKind::Conflict,
            "position FRZ-01/R7/L-2026-NEXT-B01/A1 is occupied by vial L-2026-001-0001",
        )
        .await;
    }
}

//! Recall (issue 5): a recall opened on a raw-material lot blocks every vial it reaches, recalls
//! the released lots and lists every exposed patient with their physician, on both databases;
//! dispensing a blocked vial is refused; two concurrent dispensings of one vial over separate
//! connections: exactly one succeeds.

use crate::common;

use common::{refused, t};
use secretome_domain::{
    UtcTime,
    genealogy::NodeKind,
    lot::{Lot, LotStatus},
    vial::{Vial, VialStatus},
};
use secretome_service::{ErrorKind, NewAdministration, NewPatient, Service, demo};
use secretome_store::{Direction, SqlStore, VerifyOutcome, testing};
use std::sync::Arc;

fn now() -> UtcTime {
    t("2026-11-20T03:00:00Z")
}

fn patient(id: &str, indication: &str) -> NewPatient {
    NewPatient {
        id: id.into(),
        site: "CPC-TOKYO".into(),
        birth_year: 1958,
        sex: "female".into(),
        indication: indication.into(),
        physician: None,
    }
}

/// The first released lot of the demo and its available vials.
async fn released(svc: &Service) -> (Lot, Vec<Vial>) {
    let lot = svc
        .store()
        .list::<Lot>(None)
        .await
        .unwrap()
        .into_iter()
        .find(|l| l.status == LotStatus::Released)
        .expect("the demo has a released lot");
    let vials = svc
        .store()
        .list::<Vial>(Some(("lot", lot.id.as_str())))
        .await
        .unwrap()
        .into_iter()
        .filter(|v| v.status == VialStatus::Available)
        .collect();
    (lot, vials)
}

#[tokio::test]
async fn a_recall_on_a_raw_material_lot_blocks_every_vial_and_lists_every_exposed_patient() {
    for (backend, store) in testing::stores("recall_material").await {
        let svc = Service::new(Arc::new(store));
        demo::build(&svc, now()).await.unwrap();
        let dr = svc.actor("physician").await.unwrap();
        let qa = svc.actor("qa").await.unwrap();
        let (lot, vials) = released(&svc).await;
        assert!(vials.len() >= 3, "{backend:?}");
        svc.register_patient(&dr, now(), patient("PT-900001", "stroke"))
            .await
            .unwrap();
        svc.register_patient(&dr, now(), patient("PT-900002", "osteoarthritis"))
            .await
            .unwrap();
        common::consent(&svc, &dr, "PT-900001", "stroke", now()).await;
        common::consent(&svc, &dr, "PT-900002", "osteoarthritis", now()).await;
        // P1 is given a dose; P2's vial is dispensed but not yet given.
        svc.dispense_vial(&dr, now(), vials[0].id.as_str(), "PT-900001")
            .await
            .unwrap();
        svc.record_administration(
            &dr,
            now(),
            NewAdministration {
                vial: vials[0].id.to_string(),
                route: "iv_drip".into(),
                dose_ml: 1.0,
                administered_at: now(),
                dose_reason: None,
            },
        )
        .await
        .unwrap();
        // P2's vial is dispensed by scanning its DIN and product code barcodes (the DIN alone
        // names the lot, whose vials are its divisions).
        let din = secretome_domain::isbt::Din::parse(vials[1].din.as_deref().unwrap()).unwrap();
        let pc =
            secretome_domain::isbt::ProductCode::parse(vials[1].product_code.as_deref().unwrap())
                .unwrap();
        let scanned = format!("{}{}", din.barcode_data(), pc.barcode_data());
        svc.dispense_vial(&dr, now(), &scanned, "PT-900002")
            .await
            .unwrap();

        // A raw-material lot upstream of the released lot.
        let up = svc
            .trace(Direction::Backward, lot.id.as_str())
            .await
            .unwrap();
        let material = up
            .nodes
            .iter()
            .find(|n| n.kind == NodeKind::MaterialLot)
            .expect("the lot used raw materials")
            .id
            .clone();
        let reached = svc.trace(Direction::Forward, &material).await.unwrap();
        let reached_vials: Vec<&str> = reached
            .nodes
            .iter()
            .filter(|n| n.kind == NodeKind::Vial)
            .map(|n| n.id.as_str())
            .collect();
        assert!(reached_vials.contains(&vials[2].id.as_str()));

        // Only QA opens a recall; an unknown target names the field; neither writes anything.
        refused(
            &svc,
            svc.open_recall(&dr, now(), &material, "supplier notice"),
            ErrorKind::Forbidden,
            "qa",
        )
        .await;
        refused(
            &svc,
            svc.open_recall(&qa, now(), "NO-SUCH-LOT", "supplier notice"),
            ErrorKind::Invalid,
            "target",
        )
        .await;

        let report = svc
            .open_recall(&qa, now(), &material, "supplier notice: endotoxin")
            .await
            .unwrap();
        assert!(report.recall.lots.contains(&lot.id.to_string()));
        // Every vial the material reached is now blocked, or was already given.
        for id in &reached_vials {
            let v: Vial = svc.store().fetch(id).await.unwrap().unwrap();
            assert!(
                matches!(
                    v.status,
                    VialStatus::Recalled
                        | VialStatus::Administered
                        | VialStatus::Destroyed
                        | VialStatus::Expired
                ),
                "{backend:?}: vial {id} is {:?}",
                v.status
            );
        }
        let l: Lot = svc.store().fetch(lot.id.as_str()).await.unwrap().unwrap();
        assert_eq!(l.status, LotStatus::Recalled);
        // Every patient the material reached is listed (the demo's clinic patients too), and ours
        // with whether the dose had been given, and their contact physician.
        let reached_patients: std::collections::BTreeSet<String> = reached
            .nodes
            .iter()
            .filter(|n| n.kind == NodeKind::Patient)
            .map(|n| n.id.clone())
            .collect();
        let listed: Vec<String> = report
            .exposures
            .iter()
            .map(|e| e.exposure.patient.to_string())
            .collect();
        // Once each: a patient given several of the reached vials is one row to follow up.
        assert_eq!(listed.len(), reached_patients.len(), "{backend:?}");
        assert_eq!(
            listed
                .iter()
                .cloned()
                .collect::<std::collections::BTreeSet<_>>(),
            reached_patients,
            "{backend:?}"
        );
        let ours: Vec<(String, Vec<String>, bool, String)> = report
            .exposures
            .iter()
            .filter(|e| e.exposure.patient.as_str().starts_with("PT-9"))
            .map(|e| {
                (
                    e.exposure.patient.to_string(),
                    e.exposure.vials.iter().map(|v| v.to_string()).collect(),
                    e.exposure.administered,
                    e.exposure.physician.to_string(),
                )
            })
            .collect();
        assert_eq!(
            ours,
            vec![
                (
                    "PT-900001".into(),
                    vec![vials[0].id.to_string()],
                    true,
                    "physician".into()
                ),
                (
                    "PT-900002".into(),
                    vec![vials[1].id.to_string()],
                    false,
                    "physician".into()
                ),
            ],
            "{backend:?}"
        );
        assert!(report.recall.vials_blocked as usize >= vials.len() - 1);
        // A blocked vial cannot be dispensed, nor the dispensed one given.
        refused(
            &svc,
            svc.dispense_vial(&dr, now(), vials[2].id.as_str(), "PT-900001"),
            ErrorKind::Conflict,
            "recalled",
        )
        .await;
        refused(
            &svc,
            svc.record_administration(
                &dr,
                now(),
                NewAdministration {
                    vial: vials[1].id.to_string(),
                    route: "iv_drip".into(),
                    dose_ml: 1.0,
                    administered_at: now(),
                    dose_reason: None,
                },
            ),
            ErrorKind::Conflict,
            "recalled",
        )
        .await;
        // Follow-up is recorded once.
        let first = &report.exposures[0].exposure;
        assert_eq!(first.followed_up_at, None);
        svc.follow_up_exposure(&dr, now(), &first.id, "called, no symptoms")
            .await
            .unwrap();
        refused(
            &svc,
            svc.follow_up_exposure(&dr, now(), &first.id, "again"),
            ErrorKind::Conflict,
            "already",
        )
        .await;
        let out = svc.verify_audit().await.unwrap();
        assert!(
            matches!(out, VerifyOutcome::Intact { .. }),
            "{backend:?}: {out:?}"
        );
    }
}

/// A second store on the same database: its own pool, so its own connections.
async fn second_connection(url: &str) -> SqlStore {
    SqlStore::connect_existing(url).await.unwrap()
}

#[tokio::test]
async fn two_concurrent_dispensings_of_one_vial_exactly_one_succeeds() {
    let mut urls = vec![testing::sqlite_store("dispense_race").await];
    if let Some(pg) = testing::postgres_store("dispense_race").await {
        urls.push(pg);
    }
    for (store, url) in urls {
        let a = Service::new(Arc::new(store));
        demo::build(&a, now()).await.unwrap();
        let b = Service::new(Arc::new(second_connection(&url).await));
        let dr = a.actor("physician").await.unwrap();
        for p in ["PT-900010", "PT-900011"] {
            a.register_patient(&dr, now(), patient(p, "hair_loss"))
                .await
                .unwrap();
            common::consent(&a, &dr, p, "hair_loss", now()).await;
        }
        let (_, vials) = released(&a).await;
        for v in vials.iter().take(5) {
            let (ra, rb) = tokio::join!(
                a.dispense_vial(&dr, now(), v.id.as_str(), "PT-900010"),
                b.dispense_vial(&dr, now(), v.id.as_str(), "PT-900011"),
            );
            let wins = [ra.is_ok(), rb.is_ok()];
            assert_eq!(
                wins.iter().filter(|w| **w).count(),
                1,
                "{url}: vial {} {ra:?} {rb:?}",
                v.id
            );
            let loser = ra.err().or(rb.err()).unwrap();
            assert_eq!(loser.kind(), ErrorKind::Conflict, "{loser}");
            assert!(loser.to_string().contains("dispensed"), "{loser}");
        }
        let out = a.verify_audit().await.unwrap();
        assert!(matches!(out, VerifyOutcome::Intact { .. }), "{out:?}");
    }
}

#[tokio::test]
async fn a_recall_keeps_reaching_what_an_earlier_recall_blocked_and_what_is_made_later() {
    for (backend, store) in testing::stores("recall_later").await {
        let svc = Service::new(Arc::new(store));
        demo::build(&svc, now()).await.unwrap();
        let dr = svc.actor("physician").await.unwrap();
        let qa = svc.actor("qa").await.unwrap();
        let op = svc.actor("operator").await.unwrap();
        let (lot, vials) = released(&svc).await;
        svc.register_patient(&dr, now(), patient("PT-900003", "chronic_pain"))
            .await
            .unwrap();
        common::consent(&svc, &dr, "PT-900003", "chronic_pain", now()).await;
        svc.dispense_vial(&dr, now(), vials[0].id.as_str(), "PT-900003")
            .await
            .unwrap();
        // A first recall on the lot blocks the dispensed vial and lists the patient.
        let first = svc
            .open_recall(&qa, now(), lot.id.as_str(), "visible particles")
            .await
            .unwrap();
        assert!(
            first
                .exposures
                .iter()
                .any(|e| e.exposure.patient.as_str() == "PT-900003")
        );
        // A second recall, on the serum-free medium upstream, still lists that patient.
        let second = svc
            .open_recall(&qa, now(), "RM-SFM-2402", "supplier notice")
            .await
            .unwrap();
        let p = second
            .exposures
            .iter()
            .find(|e| e.exposure.patient.as_str() == "PT-900003")
            .unwrap_or_else(|| panic!("{backend:?}: the patient is listed again"));
        assert_eq!(p.exposure.vials, vec![vials[0].id.clone()]);
        assert!(!p.exposure.administered);
        // A lot in quarantine whose vials the recall blocked can still be rejected.
        let rejected = svc
            .reject_lot(
                &qa,
                now(),
                "L-2026-005",
                "reached by a recall of its medium",
            )
            .await
            .unwrap();
        assert_eq!(rejected.status, LotStatus::Rejected, "{backend:?}");
        // The recalled medium cannot be used any more.
        refused(
            &svc,
            svc.record_material_use(&op, now(), "B-2026-010", "RM-SFM-2402", 10.0, "mL", now()),
            ErrorKind::Conflict,
            "material_lot RM-SFM-2402 is under recall",
        )
        .await;
        // A lot made after the recall from the recalled medium cannot be filled.
        svc.harvest(
            &op,
            now(),
            "B-2026-009",
            "H-2026-LATE",
            500.0,
            now().plus_hours(-36.0 * 24.0).unwrap(),
            None,
        )
        .await
        .unwrap();
        svc.pool_lot(
            &op,
            now(),
            "L-2026-LATE",
            "MSC-CM-01",
            &[("H-2026-LATE".to_string(), 400.0)],
        )
        .await
        .unwrap();
        refused(
            &svc,
            svc.fill_vials(
                &op,
                now(),
                "L-2026-LATE",
                10,
                2.0,
                t("2027-06-01T00:00:00Z"),
                None,
            ),
            ErrorKind::Conflict,
            &format!("under recall {}", second.recall.id),
        )
        .await;
        // Only QA, physicians and admin read a recall's patients.
        let operator_read = svc.recall_report(&op, &second.recall.id).await;
        assert!(operator_read.is_err(), "{backend:?}");
    }
}

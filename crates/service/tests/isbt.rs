//! ISBT 128 identity of a lot's vials, on both backends (docs/isbt128.md): filling gives the lot
//! one DIN and each vial its division; scanning a vial's DIN with its product code finds that
//! vial, the DIN alone finds the lot and its vials; a wrong check character, a wrong flag,
//! full-width input and an unknown DIN are told apart; the collection type follows the donors.

use crate::clinical_inputs;
use crate::common;
use clinical_inputs::patient;
use common::*;

use secretome_domain::{
    Actor, Role,
    genealogy::NodeKind,
    ids::UserName,
    isbt::{Din, ProductCode},
    lot::Lot,
    vial::{Vial, VialStatus},
};
use secretome_service::{
    ErrorKind, Service, ServiceError, demo,
    scan::{ScanError, ScanFound},
};
use secretome_store::{Direction, VerifyOutcome, testing::stores};
use std::collections::BTreeSet;
use std::sync::Arc;

const NOW: &str = "2026-11-25T03:00:00Z";

fn actor(name: &str, role: Role) -> Actor {
    Actor::new(UserName::new(name).unwrap(), vec![role])
}

fn full_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            ' ' => '\u{3000}',
            '!'..='~' => char::from_u32(u32::from(c) + 0xFEE0).unwrap(),
            c => c,
        })
        .collect()
}

async fn lot_vials(svc: &Service, lot: &str) -> Vec<Vial> {
    let mut v = svc.store().list::<Vial>(Some(("lot", lot))).await.unwrap();
    v.sort_by_key(|v| v.seq);
    v
}

fn scan_error(e: ServiceError) -> ScanError {
    match e {
        ServiceError::Scan(s) => s,
        other => panic!("expected a scan error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_lot_is_one_din_and_its_vials_are_divisions_found_by_scanning() {
    for (backend, store) in stores("isbt_scan").await {
        let svc = Service::new(Arc::new(store));
        demo::build(&svc, t(NOW)).await.unwrap();
        let lot: Lot = svc.store().fetch("L-2026-004").await.unwrap().unwrap();
        let vials = lot_vials(&svc, "L-2026-004").await;
        assert_eq!(vials.len(), 40, "{backend:?}");
        // One DIN for the pool, kept on the lot; 40 divisions Aa…Bn under it, all distinct.
        let dins = lot.dins.clone().expect("a filled lot keeps its DINs");
        assert_eq!(dins.len(), 1, "{backend:?}");
        assert!(vials.iter().all(|v| v.din.as_ref() == Some(&dins[0])));
        let codes: Vec<&str> = vials
            .iter()
            .map(|v| v.product_code.as_deref().unwrap())
            .collect();
        assert_eq!(codes[0], "S0001VAa");
        assert_eq!(codes[25], "S0001VAz");
        assert_eq!(codes[26], "S0001VBa");
        assert_eq!(codes[39], "S0001VBn");
        assert_eq!(codes.iter().collect::<BTreeSet<_>>().len(), 40);
        // Every lot of the demo has a DIN of its own.
        let mut all = BTreeSet::new();
        for l in svc.store().list::<Lot>(None).await.unwrap() {
            for d in l.dins.unwrap_or_default() {
                assert!(all.insert(d.clone()), "{backend:?}: DIN {d} given twice");
            }
        }
        assert!(all.len() >= 6, "{backend:?}: {all:?}");

        let v = &vials[6];
        let din = Din::parse(&dins[0]).unwrap();
        let pc = ProductCode::parse(v.product_code.as_deref().unwrap()).unwrap();
        let eye = format!("{} {} {pc}", din.eye_readable(), din.check_character());
        let linear = format!("{}{}", din.barcode_data(), pc.barcode_data());
        for typed in [eye.clone(), linear.clone()] {
            match svc.scan(&typed).await.unwrap() {
                ScanFound::Vial { vial, full_width } => {
                    assert_eq!(vial.id, v.id, "{backend:?}: {typed}");
                    assert!(!full_width);
                }
                other => panic!("{backend:?}: {typed} found {other:?}"),
            }
        }
        // Full-width (an IME left in 全角): normalised, then found, and said so.
        match svc.scan(&full_width(&eye)).await.unwrap() {
            ScanFound::Vial { vial, full_width } => {
                assert_eq!(vial.id, v.id);
                assert!(full_width, "{backend:?}");
            }
            other => panic!("{backend:?}: found {other:?}"),
        }
        // The DIN alone names the lot and lists its vials, in filling order.
        for typed in [din.barcode_data(), full_width(&din.eye_readable())] {
            match svc.scan(&typed).await.unwrap() {
                ScanFound::Lot { lot, vials, .. } => {
                    assert_eq!(lot.id.as_str(), "L-2026-004", "{backend:?}: {typed}");
                    assert_eq!(vials.len(), 40);
                    assert_eq!(vials[6].id, v.id);
                }
                other => panic!("{backend:?}: {typed} found {other:?}"),
            }
        }
        // Trace from a scanned DIN starts at the lot; from DIN + product code, at the vial.
        let tr = svc
            .trace(Direction::Backward, &din.barcode_data())
            .await
            .unwrap();
        assert_eq!(
            (tr.root.kind, tr.root.id.as_str()),
            (NodeKind::Lot, "L-2026-004")
        );
        let tr = svc.trace(Direction::Backward, &linear).await.unwrap();
        assert_eq!(
            (tr.root.kind, tr.root.id.clone()),
            (NodeKind::Vial, v.id.to_string())
        );

        // Each failure its own answer.
        let wrong_check = format!(
            "{din}{}",
            secretome_domain::isbt::mod37_2_character((din.checksum() + 1) % 37)
        );
        let e = scan_error(svc.scan(&wrong_check).await.unwrap_err());
        assert_eq!(e.code(), "check_character", "{backend:?}");
        assert!(
            e.to_string()
                .contains(&format!("the DIN's is {}", din.check_character()))
        );
        let wrong_flag = format!("={din}{:02}", 60 + (din.checksum() + 1) % 37);
        let e = scan_error(svc.scan(&wrong_flag).await.unwrap_err());
        assert_eq!(e.code(), "flag", "{backend:?}");
        let unknown = Din::new(din.fin(), din.year(), 999_999).unwrap();
        let e = svc
            .scan(&full_width(&unknown.barcode_data()))
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::NotFound);
        let e = scan_error(e);
        assert_eq!(
            e,
            ScanError::UnknownDin {
                din: unknown.to_string(),
                full_width: true
            }
        );
        let e = scan_error(
            svc.scan(&format!("{}=<S0001VZz", din.barcode_data()))
                .await
                .unwrap_err(),
        );
        assert_eq!(e.code(), "unknown_container", "{backend:?}");

        // Dispensing needs one vial: the DIN alone is refused, naming the lot; nothing written.
        let doc = actor("physician", Role::Physician);
        svc.register_patient(&doc, t(NOW), patient("PT-I-001", "stroke"))
            .await
            .unwrap();
        common::consent(&svc, &doc, "PT-I-001", "stroke", t(NOW)).await;
        let e = refused(
            &svc,
            svc.dispense_vial(&doc, t(NOW), &din.barcode_data(), "PT-I-001"),
            ErrorKind::Invalid,
            "is lot L-2026-004 (40 vials)",
        )
        .await;
        assert_eq!(scan_error(e).code(), "din_names_lot");
        let free = vials
            .iter()
            .find(|v| v.status == VialStatus::Available)
            .expect("the released demo lot has available vials");
        let code = free.product_code.as_deref().unwrap();
        let typed = format!("{} {} {code}", din.eye_readable(), din.check_character());
        let d = svc
            .dispense_vial(&doc, t(NOW), &full_width(&typed), "PT-I-001")
            .await
            .unwrap();
        assert_eq!(d.vial, free.id, "{backend:?}");
    }
}

#[tokio::test]
async fn the_collection_type_follows_the_donor_autologous_or_not() {
    for (backend, store) in stores("isbt_autologous").await {
        let svc = Service::new(Arc::new(store));
        demo::build(&svc, t(NOW)).await.unwrap();
        // L-2026-007 is still in process, pooled from one donor's harvest.
        let donors: BTreeSet<String> = svc
            .trace(Direction::Backward, "L-2026-007")
            .await
            .unwrap()
            .nodes
            .into_iter()
            .filter(|n| n.kind == NodeKind::Donor)
            .map(|n| n.id)
            .collect();
        assert_eq!(donors.len(), 1, "{backend:?}");
        let donor = donors.first().unwrap();
        let op = actor("operator", Role::Operator);
        let doc = actor("physician", Role::Physician);
        svc.register_patient(&doc, t(NOW), patient("PT-AUTO-01", "stroke"))
            .await
            .unwrap();
        refused(
            &svc,
            svc.designate_autologous(&op, t(NOW), donor, "PT-NONE"),
            ErrorKind::NotFound,
            "PT-NONE",
        )
        .await;
        let d = svc
            .designate_autologous(&op, t(NOW), donor, "PT-AUTO-01")
            .await
            .unwrap();
        assert_eq!(
            d.autologous_for.as_ref().map(|p| p.as_str()),
            Some("PT-AUTO-01")
        );
        let fill = t("2026-11-25T04:00:00Z");
        let vials = svc
            .fill_vials(
                &op,
                fill,
                "L-2026-007",
                3,
                1.0,
                t("2027-11-25T04:00:00Z"),
                None,
            )
            .await
            .unwrap();
        let codes: Vec<&str> = vials
            .iter()
            .map(|v| v.product_code.as_deref().unwrap())
            .collect();
        // Autologous: type of donation 1; three vials, first-level divisions.
        assert_eq!(codes, ["S00011A0", "S00011B0", "S00011C0"], "{backend:?}");
        let lot: Lot = svc.store().fetch("L-2026-007").await.unwrap().unwrap();
        assert_eq!(lot.dins.map(|d| d.len()), Some(1));
        // The other demo lots' donors are volunteers: V.
        let v = lot_vials(&svc, "L-2026-004").await;
        assert_eq!(v[0].product_code.as_deref(), Some("S0001VAa"));
        let outcome = svc.store().verify().await.unwrap();
        assert!(
            matches!(outcome, VerifyOutcome::Intact { .. }),
            "{backend:?}: {outcome:?}"
        );
    }
}

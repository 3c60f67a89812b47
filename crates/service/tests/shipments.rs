//! Shipments on both backends (issue 16): packed at the facility, dispatched, received at a clinic;
//! vials are dispensed only where they were received; a logger excursion quarantines exactly the
//! shipment's vials until QA releases (with a reason) or rejects them; a bad logger file is refused
//! naming line and column; a freezer set warmer than the product's storage temperature is refused.

use crate::clinical_inputs;
use crate::common;
use clinical_inputs::*;
use common::*;

use secretome_domain::{
    Role, UtcTime,
    shipment::ShipmentStatus,
    vial::{Vial, VialStatus},
};
use secretome_service::{ErrorKind, NewFreezer, NewPatient, NewShipment, Service, demo};
use secretome_store::{VerifyOutcome, testing::stores};
use std::sync::Arc;

const LOT: &str = "L-2026-004";

fn h(t: UtcTime, hours: f64) -> UtcTime {
    t.plus_hours(hours).unwrap()
}

/// The demo, a clinic `CL-OSAKA` with its physician `dr-osaka`, and a patient of each site.
async fn setup(svc: &Service, now: UtcTime) {
    demo::build(svc, now).await.unwrap();
    let admin = svc.actor("admin").await.unwrap();
    svc.create_site(
        &admin,
        now,
        "CL-OSAKA",
        "大阪クリニック (Osaka clinic)",
        "Asia/Tokyo",
    )
    .await
    .unwrap();
    svc.create_user(
        &admin,
        now,
        "dr-osaka",
        "大阪 医師",
        "CL-OSAKA",
        vec![Role::Physician],
    )
    .await
    .unwrap();
    let osaka = svc.actor("dr-osaka").await.unwrap();
    svc.register_patient(
        &osaka,
        now,
        NewPatient {
            site: "CL-OSAKA".into(),
            ..patient("PT-OS-001", "stroke")
        },
    )
    .await
    .unwrap();
    common::consent(svc, &osaka, "PT-OS-001", "stroke", now).await;
    let tokyo = svc.actor("physician").await.unwrap();
    svc.register_patient(&tokyo, now, patient("PT-TK-001", "stroke"))
        .await
        .unwrap();
    common::consent(svc, &tokyo, "PT-TK-001", "stroke", now).await;
}

async fn available(svc: &Service, n: usize) -> Vec<Vial> {
    let mut out = Vec::new();
    for i in 0..n {
        out.push(vial(svc, LOT, VialStatus::Available, i + 5).await);
    }
    out
}

fn shipment(id: &str, vials: &[String]) -> NewShipment {
    NewShipment {
        id: id.into(),
        to_site: "CL-OSAKA".into(),
        vials: vials.to_vec(),
        shipper: "dry_ice".into(),
        logger_id: "EL-USB-0042".into(),
    }
}

/// Packs, dispatches and receives (intact) the given vials at CL-OSAKA.
async fn ship(svc: &Service, now: UtcTime, id: &str, vials: &[Vial]) {
    let op = svc.actor("operator").await.unwrap();
    let ids: Vec<String> = vials.iter().map(|v| v.id.to_string()).collect();
    svc.pack_shipment(&op, now, shipment(id, &ids))
        .await
        .unwrap();
    svc.dispatch_shipment(&op, h(now, 0.5), id).await.unwrap();
    let dr = svc.actor("dr-osaka").await.unwrap();
    let r = svc
        .receive_shipment(&dr, h(now, 20.0), id, &ids, "intact")
        .await
        .unwrap();
    assert_eq!(r.status, ShipmentStatus::Received);
}

async fn status(svc: &Service, v: &Vial) -> VialStatus {
    svc.store()
        .fetch::<Vial>(v.id.as_str())
        .await
        .unwrap()
        .unwrap()
        .status
}

#[tokio::test]
async fn a_vial_is_dispensed_only_where_its_shipment_was_received() {
    for (backend, store) in stores("shipment_flow").await {
        let svc = Service::new(Arc::new(store));
        let now = t("2026-11-25T03:00:00Z");
        setup(&svc, now).await;
        let (op, osaka, tokyo) = (
            svc.actor("operator").await.unwrap(),
            svc.actor("dr-osaka").await.unwrap(),
            svc.actor("physician").await.unwrap(),
        );
        let vs = available(&svc, 3).await;
        let ids: Vec<String> = vs.iter().map(|v| v.id.to_string()).collect();
        // a vial scanned by its DIN barcode is found too
        let scanned = vec![ids[0].clone(), barcode(&vs[1]), ids[2].clone()];
        let s = svc
            .pack_shipment(&op, now, shipment("SHP-0001", &scanned))
            .await
            .unwrap();
        assert_eq!((s.from_site.as_str(), s.limit_c), ("CPC-TOKYO", -70.0));
        let packed: Vial = svc.store().fetch(vs[0].id.as_str()).await.unwrap().unwrap();
        assert_eq!(
            packed.location, None,
            "{backend:?}: it left its freezer position"
        );

        // in transit: nowhere dispensable
        refused(
            &svc,
            svc.dispense_vial(&osaka, h(now, 1.0), &ids[0], "PT-OS-001"),
            ErrorKind::Conflict,
            "has not been received yet",
        )
        .await;
        svc.dispatch_shipment(&op, h(now, 0.5), "SHP-0001")
            .await
            .unwrap();
        // receipt needs every packed vial, at the destination
        refused(
            &svc,
            svc.receive_shipment(&osaka, h(now, 20.0), "SHP-0001", &ids[..2], "intact"),
            ErrorKind::Invalid,
            &format!("packed but not scanned: {}", ids[2]),
        )
        .await;
        refused(
            &svc,
            svc.receive_shipment(&tokyo, h(now, 20.0), "SHP-0001", &ids, "intact"),
            ErrorKind::Invalid,
            "addressed to CL-OSAKA",
        )
        .await;
        svc.receive_shipment(&osaka, h(now, 20.0), "SHP-0001", &ids, "intact")
            .await
            .unwrap();

        // a Tokyo physician cannot dispense a vial received in Osaka …
        refused(
            &svc,
            svc.dispense_vial(&tokyo, h(now, 21.0), &ids[0], "PT-TK-001"),
            ErrorKind::Conflict,
            "dispensed only where they were received",
        )
        .await;
        // … nor Osaka one still in the Tokyo freezer
        let home = vial(&svc, LOT, VialStatus::Available, 0).await;
        assert!(home.location.is_some());
        refused(
            &svc,
            svc.dispense_vial(&osaka, h(now, 21.0), home.id.as_str(), "PT-OS-001"),
            ErrorKind::Conflict,
            "not at CL-OSAKA",
        )
        .await;
        let d = svc
            .dispense_vial(&osaka, h(now, 21.0), &ids[0], "PT-OS-001")
            .await
            .unwrap();
        assert_eq!(d.vial, vs[0].id, "{backend:?}");
        // a never-shipped vial is still dispensed at its freezer's site
        svc.dispense_vial(&tokyo, h(now, 21.0), home.id.as_str(), "PT-TK-001")
            .await
            .unwrap();
        let out = svc.verify_audit().await.unwrap();
        assert!(
            matches!(out, VerifyOutcome::Intact { .. }),
            "{backend:?}: {out:?}"
        );
    }
}

#[tokio::test]
async fn an_excursion_quarantines_exactly_the_shipments_vials_until_qa_decides() {
    for (backend, store) in stores("shipment_excursion").await {
        let svc = Service::new(Arc::new(store));
        let now = t("2026-11-25T03:00:00Z");
        setup(&svc, now).await;
        let (op, osaka, qa) = (
            svc.actor("operator").await.unwrap(),
            svc.actor("dr-osaka").await.unwrap(),
            svc.actor("qa").await.unwrap(),
        );
        let vs = available(&svc, 6).await;
        ship(&svc, now, "SHP-A", &vs[0..2]).await;
        ship(&svc, now, "SHP-B", &vs[2..4]).await;
        ship(&svc, now, "SHP-C", &vs[4..6]).await;
        let all_before: Vec<Vial> = svc.store().list(Some(("lot", LOT))).await.unwrap();

        // a file with unreadable cells: every one named, nothing written
        refused(
            &svc,
            svc.import_shipment_log(
                &qa,
                h(now, 21.0),
                "SHP-A",
                "bad.csv",
                "time,temperature_c\n2026-11-25T04:00:00Z,-79\nnoon,-79\n2026-11-25T05:00:00Z,warm\n",
            ),
            ErrorKind::Invalid,
            "bad.csv: line 3, column 1 (time)",
        )
        .await;

        // the EasyLog export of SHP-A, local (JST) times: 13:00 JST = 04:00 UTC, −55 °C
        let easylog = "SHP-A box,Time,Celsius(°C),Serial Number\n\
                       1,2026-11-25 12:30:00,-79.0,012345\n\
                       2,2026-11-25 13:00:00,-55.0\n\
                       3,2026-11-25 13:30:00,-78.5\n";
        let a = svc
            .import_shipment_log(&op, h(now, 21.0), "SHP-A", "SHP-A.csv", easylog)
            .await
            .unwrap();
        assert_eq!(a.status, ShipmentStatus::Quarantined, "{backend:?}");
        let x = a.excursion.unwrap();
        assert_eq!((x.temperature_c, x.at), (-55.0, t("2026-11-25T04:00:00Z")));
        // SHP-B's log is within the limit
        let b = svc
            .import_shipment_log(
                &op,
                h(now, 21.0),
                "SHP-B",
                "b.csv",
                "time,temperature_c\n2026-11-25T04:00:00Z,-78.6\n2026-11-25T05:00:00Z,-78.4\n",
            )
            .await
            .unwrap();
        assert_eq!((b.status, b.excursion), (ShipmentStatus::Received, None));

        // exactly SHP-A's vials changed, to quarantine
        let all_after: Vec<Vial> = svc.store().list(Some(("lot", LOT))).await.unwrap();
        let changed: Vec<&str> = all_before
            .iter()
            .zip(&all_after)
            .filter(|(b, a)| b.status != a.status)
            .map(|(b, _)| b.id.as_str())
            .collect();
        assert_eq!(
            changed,
            vec![vs[0].id.as_str(), vs[1].id.as_str()],
            "{backend:?}"
        );
        assert_eq!(status(&svc, &vs[0]).await, VialStatus::Quarantine);

        refused(
            &svc,
            svc.dispense_vial(&osaka, h(now, 22.0), vs[0].id.as_str(), "PT-OS-001"),
            ErrorKind::Conflict,
            "quarantined",
        )
        .await;
        // only QA decides, and a release needs a reason
        refused(
            &svc,
            svc.decide_shipment(&op, h(now, 23.0), "SHP-A", true, "fine"),
            ErrorKind::Forbidden,
            "qa",
        )
        .await;
        refused(
            &svc,
            svc.decide_shipment(&qa, h(now, 23.0), "SHP-A", true, "  "),
            ErrorKind::Invalid,
            "reason",
        )
        .await;
        let rel = svc
            .decide_shipment(
                &qa,
                h(now, 23.0),
                "SHP-A",
                true,
                "30 min at −55 °C is within the stability study",
            )
            .await
            .unwrap();
        assert_eq!(rel.status, ShipmentStatus::Released);
        assert_eq!(status(&svc, &vs[0]).await, VialStatus::Available);
        svc.dispense_vial(&osaka, h(now, 24.0), vs[0].id.as_str(), "PT-OS-001")
            .await
            .unwrap();

        // SHP-C arrives with its coolant gone: quarantined on receipt; QA rejects it
        let c = svc
            .import_shipment_log(
                &op,
                h(now, 21.0),
                "SHP-C",
                "c.csv",
                "time,temperature_c\n2026-11-25T06:00:00Z,-20\n",
            )
            .await
            .unwrap();
        assert_eq!(c.status, ShipmentStatus::Quarantined);
        svc.decide_shipment(&qa, h(now, 23.0), "SHP-C", false, "thawed in transit")
            .await
            .unwrap();
        assert_eq!(status(&svc, &vs[4]).await, VialStatus::Destroyed);
        assert_eq!(
            status(&svc, &vs[2]).await,
            VialStatus::Available,
            "SHP-B untouched"
        );
        let out = svc.verify_audit().await.unwrap();
        assert!(
            matches!(out, VerifyOutcome::Intact { .. }),
            "{backend:?}: {out:?}"
        );
    }
}

#[tokio::test]
async fn a_freezer_warmer_than_the_products_storage_temperature_is_refused() {
    for (backend, store) in stores("shipment_cold").await {
        let svc = Service::new(Arc::new(store));
        let now = t("2026-11-25T03:00:00Z");
        demo::build(&svc, now).await.unwrap();
        let admin = svc.actor("admin").await.unwrap();
        svc.create_freezer(
            &admin,
            now,
            NewFreezer {
                id: "FRZ-20".into(),
                name: "−20 °C freezer".into(),
                site: "CPC-TOKYO".into(),
                temperature_c: -20.0,
                box_rows: 9,
                box_cols: 9,
            },
        )
        .await
        .unwrap();
        let op = svc.actor("operator").await.unwrap();
        let v = vial(&svc, LOT, VialStatus::Available, 0).await;
        let e = refused(
            &svc,
            svc.move_vial(&op, now, v.id.as_str(), "FRZ-20/R1/B1/A1", None),
            ErrorKind::Invalid,
            "warmer than",
        )
        .await;
        assert!(e.to_string().starts_with("location: "), "{backend:?}: {e}");
        // the −150 °C tank takes it
        svc.move_vial(&op, now, v.id.as_str(), "LN2-01/R1/B1/A1", None)
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn an_excursion_found_in_transit_quarantines_before_arrival_and_receipt_keeps_it() {
    for (backend, store) in stores("shipment_transit").await {
        let svc = Service::new(Arc::new(store));
        let now = t("2026-11-25T03:00:00Z");
        setup(&svc, now).await;
        let (op, osaka, qa) = (
            svc.actor("operator").await.unwrap(),
            svc.actor("dr-osaka").await.unwrap(),
            svc.actor("qa").await.unwrap(),
        );
        let vs = available(&svc, 2).await;
        let ids: Vec<String> = vs.iter().map(|v| v.id.to_string()).collect();
        svc.pack_shipment(&op, now, shipment("SHP-T", &ids))
            .await
            .unwrap();
        svc.dispatch_shipment(&op, h(now, 0.5), "SHP-T")
            .await
            .unwrap();
        // the carrier's logger is read out before the box arrives: warm in transit
        let s = svc
            .import_shipment_log(
                &qa,
                h(now, 10.0),
                "SHP-T",
                "t.csv",
                "time,temperature_c\n2026-11-25T05:00:00Z,-78\n2026-11-25T06:00:00Z,-40\n",
            )
            .await
            .unwrap();
        assert_eq!(s.status, ShipmentStatus::Quarantined, "{backend:?}");
        assert_eq!(status(&svc, &vs[0]).await, VialStatus::Quarantine);
        // it still arrives and is received, quarantined
        let r = svc
            .receive_shipment(&osaka, h(now, 20.0), "SHP-T", &ids, "intact")
            .await
            .unwrap();
        assert_eq!(r.status, ShipmentStatus::Quarantined, "{backend:?}");
        refused(
            &svc,
            svc.dispense_vial(&osaka, h(now, 21.0), &ids[1], "PT-OS-001"),
            ErrorKind::Conflict,
            "quarantined",
        )
        .await;
        svc.decide_shipment(&qa, h(now, 22.0), "SHP-T", true, "within stability data")
            .await
            .unwrap();
        svc.dispense_vial(&osaka, h(now, 23.0), &ids[1], "PT-OS-001")
            .await
            .unwrap();
    }
}

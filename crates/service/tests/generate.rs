//! `secretome generate` on both backends: a small synthetic history has the counts asked for, an
//! intact audit chain (written through the bulk path), unique DINs consistent with the DIN
//! sequence rows, vials in states that match their dispensings and administrations, a raw-material
//! lot whose forward trace reaches patients; consents behind every dispensing, shipments with
//! their logger series and an excursion QA decided, adverse events with their reports; and a
//! second run into the same database is refused.
//! lot whose forward trace reaches patients, every batch executed against the master batch record;
//! and a second run into the same database is refused.

use crate::common;

use secretome_domain::{
    UtcTime,
    clinical::{Administration, AdverseEvent, AeReport, Consent, Dispensing, Patient},
    facility::{EmResult, Room, SterileFiltration},
    isbt::Din,
    lot::Lot,
    material::RawMaterialLot,
    shipment::{Shipment, ShipmentStatus},
    site::DinSequence,
    vial::{Vial, VialStatus},
};
use secretome_service::{
    ErrorKind, Service,
    generate::{GenerateSpec, Progress},
};
use secretome_store::{Direction, VerifyOutcome, testing::stores};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};

fn spec() -> GenerateSpec {
    GenerateSpec {
        vials: 2_000,
        patients: 300,
        years: 2,
        sites: 2,
        seed: 7,
    }
}

#[tokio::test]
async fn a_small_generated_history_is_complete_consistent_and_verifiable() {
    let now = UtcTime::parse("now", "2026-11-25T03:00:00Z").unwrap();
    for (backend, store) in stores("generate").await {
        let svc = Service::new(Arc::new(store));
        let seen = Mutex::new(Vec::<Progress>::new());
        let report = |p: Progress| seen.lock().unwrap().push(p);
        let s = svc.generate(now, &spec(), &report).await.unwrap();
        let b = format!("{backend:?}");
        assert_eq!((s.vials, s.patients, s.sites), (2_000, 300, 2), "{b}");
        let last = *seen.lock().unwrap().last().expect("progress reported");
        assert_eq!((last.vials, last.vials_total), (2_000, 2_000), "{b}");

        let store = svc.store();
        let vials: Vec<Vial> = store.list(None).await.unwrap();
        let patients: Vec<Patient> = store.list(None).await.unwrap();
        assert_eq!((vials.len(), patients.len()), (2_000, 300), "{b}");

        // The facility at scale (issue 14): a room and an isolator per site, daily EM, and every
        // lot filtered with passing integrity tests, handled by qualified operators with
        // equipment in calibration.
        let rooms: Vec<Room> = store.list(None).await.unwrap();
        assert_eq!(rooms.len(), 4, "{b}");
        let em: Vec<EmResult> = store.list(None).await.unwrap();
        assert!(em.len() > 2 * 2 * 700, "{b}: {} EM results", em.len());
        let filtrations: Vec<SterileFiltration> = store.list(None).await.unwrap();
        assert_eq!(filtrations.len(), s.lots, "{b}");
        let lots: Vec<Lot> = store.list(None).await.unwrap();
        let last = lots.iter().max_by_key(|l| l.created_at).expect("lots");
        assert_eq!(
            last.fill_room.as_deref().map(|r| r.starts_with("ISO-")),
            Some(true)
        );
        // Issue 15: every batch executed against the master in force, each of its six steps
        // recorded through the use-case rules, and nothing departed.
        assert_eq!(s.executions, s.batches, "{b}");
        assert_eq!(s.step_records, 6 * s.batches, "{b}");
        let ex = svc.batch_record_exceptions(last.id.as_str()).await.unwrap();
        assert!(
            ex.guided && ex.exceptions.is_empty(),
            "{b}: {:?}",
            ex.exceptions
        );
        let st = svc.lot_sterility(last.id.as_str()).await.unwrap();
        assert!(!st.uses.is_empty(), "{b}");
        assert!(st.uses.iter().all(|u| u.unqualified.is_none()), "{b}");
        assert!(st.equipment.iter().all(|e| e.unfit.is_none()), "{b}");
        assert!(st.em_within > 0 && st.em_out.is_empty(), "{b}");
        assert!(
            !st.tests.is_empty() && st.tests.iter().all(|t| t.passed),
            "{b}"
        );
        assert_eq!(
            patients
                .iter()
                .map(|p| p.site.as_str())
                .collect::<BTreeSet<_>>()
                .len(),
            2,
            "{b}: patients at both sites"
        );

        // Vial states agree with the clinical records.
        let dispensed: Vec<Dispensing> = store.list(None).await.unwrap();
        let given: Vec<Administration> = store.list(None).await.unwrap();
        assert!(s.dispensed > 100, "{b}: only {} dispensed", s.dispensed);
        assert_eq!(
            (dispensed.len(), given.len()),
            (s.dispensed, s.administered),
            "{b}"
        );
        let status = |st: VialStatus| vials.iter().filter(|v| v.status == st).count();
        assert_eq!(status(VialStatus::Administered), s.administered, "{b}");
        assert_eq!(
            status(VialStatus::Dispensed) + status(VialStatus::Administered),
            s.dispensed,
            "{b}"
        );
        assert!(
            status(VialStatus::Available) + status(VialStatus::Expired) > 0,
            "{b}"
        );

        // The clinic side at scale (issue 16): every dispensing has its patient's consent for
        // its indication; shipments of stock went to the other site with their logger series,
        // the first with an excursion QA decided (its vials available or destroyed, none left in
        // quarantine); adverse events each have their report.
        let consents: Vec<Consent> = store.list(None).await.unwrap();
        assert_eq!(consents.len(), s.consents, "{b}");
        assert_eq!(s.consents, s.patients, "{b}");
        for d in &dispensed {
            let i = d
                .indication
                .expect("generated dispensings name the indication");
            assert!(
                consents
                    .iter()
                    .any(|c| c.patient == d.patient && c.covers(i, d.dispensed_at)),
                "{b}: {} has no consent",
                d.id
            );
        }
        let shipments: Vec<Shipment> = store.list(None).await.unwrap();
        assert_eq!(shipments.len(), s.shipments, "{b}");
        assert!(!shipments.is_empty(), "{b}: no shipment");
        let first = shipments.iter().min_by_key(|x| x.packed_at).unwrap();
        assert!(first.excursion.is_some(), "{b}");
        assert!(
            matches!(
                first.status,
                ShipmentStatus::Released | ShipmentStatus::Rejected
            ),
            "{b}: {:?}",
            first.status
        );
        for sh in &shipments {
            assert_ne!(sh.from_site, sh.to_site, "{b}");
            assert!(
                sh.log_readings.as_ref().is_some_and(|r| r.len() > 24),
                "{b}"
            );
            for id in &sh.vials {
                let v = vials.iter().find(|v| &v.id == id).unwrap();
                assert!(
                    matches!(
                        v.status,
                        VialStatus::Available | VialStatus::Destroyed | VialStatus::Expired
                    ),
                    "{b}: {} {:?}",
                    v.id,
                    v.status
                );
                assert_eq!(v.location, None, "{b}: a shipped vial left its freezer");
            }
        }
        let events: Vec<AdverseEvent> = store.list(None).await.unwrap();
        let reports: Vec<AeReport> = store.list(None).await.unwrap();
        assert_eq!(
            (events.len(), reports.len()),
            (s.adverse_events, s.adverse_events),
            "{b}"
        );

        // DINs: one per lot (its vials are divisions), each (DIN, product code) once, and each
        // year's sequence row is one past its highest number.
        let mut per_year: BTreeMap<String, u32> = BTreeMap::new();
        let mut dins = BTreeSet::new();
        let mut lot_of_din: BTreeMap<String, String> = BTreeMap::new();
        for v in &vials {
            let din = Din::parse(v.din.as_deref().expect("every vial has a DIN")).unwrap();
            let code = v.product_code.clone().expect("and a product code");
            assert!(
                dins.insert((din.to_string(), code.clone())),
                "{b}: duplicate {din} {code}"
            );
            let lot = lot_of_din
                .entry(din.to_string())
                .or_insert_with(|| v.lot.to_string());
            assert_eq!(lot.as_str(), v.lot.as_str(), "{b}: DIN {din} in two lots");
            let key = format!("{}{:02}", din.fin().as_str(), din.year());
            let top = per_year.entry(key).or_default();
            *top = (*top).max(din.sequence());
        }
        let seqs: Vec<DinSequence> = store.list(None).await.unwrap();
        assert_eq!(seqs.len(), per_year.len(), "{b}");
        for s in &seqs {
            assert_eq!(s.next, i64::from(per_year[&s.id]) + 1, "{b}: {}", s.id);
        }
        assert_eq!(
            svc.setting("isbt.fin").await.unwrap().as_deref(),
            Some("G1234")
        );

        // The bulk path chained every event exactly as one-by-one inserts would.
        match svc.verify_audit().await.unwrap() {
            VerifyOutcome::Intact { events, .. } => assert_eq!(events as i64, s.events, "{b}"),
            VerifyOutcome::Broken { finding } => panic!("{b}: {finding}"),
        }

        // Some raw-material lot reaches patients going forward, through batches, lots and vials.
        let materials: Vec<RawMaterialLot> = store.list(None).await.unwrap();
        let mut reached = false;
        for m in &materials {
            let t = svc.trace(Direction::Forward, m.id.as_str()).await.unwrap();
            let kinds: BTreeSet<&str> = t.nodes.iter().map(|n| n.kind.as_str()).collect();
            if kinds.contains("patient") {
                assert!(
                    kinds.is_superset(&["batch", "harvest", "lot", "vial"].into()),
                    "{b}"
                );
                reached = true;
                break;
            }
        }
        assert!(reached, "{b}: no raw-material lot reaches a patient");

        // A second run into the same (now non-empty) database is refused, writing nothing.
        common::refused(
            &svc,
            svc.generate(now, &spec(), &|_| {}),
            ErrorKind::Conflict,
            "not empty",
        )
        .await;
    }
}

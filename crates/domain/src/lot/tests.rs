//! Tests of the lot and vial state machines: every legal path, every illegal transition refused.

use super::*;
use crate::ids::{BatchId, HarvestId};
use proptest::prelude::*;

fn t(s: &str) -> UtcTime {
    UtcTime::parse("t", s).unwrap()
}
fn harvest(id: &str, ml: f64) -> Harvest {
    Harvest {
        id: HarvestId::new(id).unwrap(),
        batch: BatchId::new("B-1").unwrap(),
        harvested_at: t("2026-03-01T00:00:00Z"),
        volume_ml: ml,
        remaining_ml: ml,
        deviation: None,
        room: None,
        equipment: None,
        operator: None,
    }
}
fn user(s: &str) -> UserName {
    UserName::new(s).unwrap()
}
fn pooled() -> Lot {
    let parts = [
        PoolPart {
            harvest: harvest("H-1", 100.0),
            volume_ml: 100.0,
        },
        PoolPart {
            harvest: harvest("H-2", 80.0),
            volume_ml: 50.0,
        },
    ];
    let (lot, hs) = Lot::pool(
        LotNumber::new("L-1").unwrap(),
        "SUP-ADI-01",
        &parts,
        t("2026-03-02T00:00:00Z"),
    )
    .unwrap();
    assert_eq!(hs[1].remaining_ml, 30.0);
    lot
}

#[test]
fn pooling_sums_volumes_and_refuses_overdraw() {
    let lot = pooled();
    assert_eq!(lot.volume_ml, 150.0);
    assert_eq!(lot.status, LotStatus::InProcess);
    let parts = [PoolPart {
        harvest: harvest("H-3", 10.0),
        volume_ml: 11.0,
    }];
    let e = Lot::pool(
        LotNumber::new("L-2").unwrap(),
        "P",
        &parts,
        t("2026-03-02T00:00:00Z"),
    )
    .unwrap_err();
    assert!(
        e.to_string()
            .starts_with("harvests[0].volume_ml: harvest H-3 has only 10 mL left"),
        "{e}"
    );
    let neg = [PoolPart {
        harvest: harvest("H-3", 10.0),
        volume_ml: -1.0,
    }];
    assert!(
        Lot::pool(
            LotNumber::new("L-2").unwrap(),
            "P",
            &neg,
            t("2026-03-02T00:00:00Z")
        )
        .is_err()
    );
}

#[test]
fn fill_release_makes_vials_available() {
    let lot = pooled();
    let (q, vials) = lot
        .fill(
            40,
            2.0,
            t("2027-03-02T00:00:00Z"),
            t("2026-03-03T00:00:00Z"),
        )
        .unwrap();
    assert_eq!(q.status, LotStatus::Quarantine);
    assert_eq!(vials.len(), 40);
    assert_eq!(vials[0].id.as_str(), "L-1-0001");
    assert!(vials.iter().all(|v| v.status == VialStatus::Quarantine));
    let r = q
        .release(
            &user("qa"),
            &[user("op")],
            "meets specification",
            t("2026-03-10T00:00:00Z"),
        )
        .unwrap();
    assert_eq!(r.status, LotStatus::Released);
    assert_eq!(r.decided_by, Some(user("qa")));
    // A recall changes the state only: the release decision stays on the lot.
    let recalled = r.recall("visible particles").unwrap();
    assert_eq!(recalled.status, LotStatus::Recalled);
    assert_eq!(
        (&recalled.decided_by, &recalled.decision_reason),
        (&r.decided_by, &r.decision_reason)
    );
    let v = vials[0].make_available().unwrap();
    let d = v.dispense(r.status, t("2026-04-01T00:00:00Z")).unwrap();
    assert_eq!(d.administer().unwrap().status, VialStatus::Administered);
}

#[test]
fn overfilling_is_refused() {
    let e = pooled()
        .fill(
            100,
            2.0,
            t("2027-01-01T00:00:00Z"),
            t("2026-03-03T00:00:00Z"),
        )
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "count: 100 × 2 mL = 200 mL exceeds the lot's 150 mL"
    );
}

#[test]
fn illegal_lot_transitions_are_typed_errors() {
    let lot = pooled();
    let e = lot
        .release(&user("qa"), &[], "ok", t("2026-03-10T00:00:00Z"))
        .unwrap_err();
    assert_eq!(e.to_string(), "lot L-1 is in_process: cannot be released");
    assert!(matches!(e, DomainError::Transition(_)));
    assert!(lot.recall("x").is_err());
    let (q, _) = lot
        .fill(
            10,
            1.0,
            t("2027-01-01T00:00:00Z"),
            t("2026-03-03T00:00:00Z"),
        )
        .unwrap();
    assert!(
        q.fill(1, 1.0, t("2027-01-01T00:00:00Z"), t("2026-03-03T00:00:00Z"))
            .is_err()
    );
    let rej = q
        .reject(&user("qa"), "sterility failed", t("2026-03-10T00:00:00Z"))
        .unwrap();
    assert!(
        rej.release(&user("qa"), &[], "ok", t("2026-03-10T00:00:00Z"))
            .is_err()
    );
    assert!(rej.recall("x").is_err());
}

#[test]
fn signer_who_made_the_lot_cannot_release_it() {
    let (q, _) = pooled()
        .fill(
            10,
            1.0,
            t("2027-01-01T00:00:00Z"),
            t("2026-03-03T00:00:00Z"),
        )
        .unwrap();
    let e = q
        .release(
            &user("alice"),
            &[user("bob"), user("alice")],
            "ok",
            t("2026-03-10T00:00:00Z"),
        )
        .unwrap_err();
    assert!(
        e.to_string()
            .starts_with("segregation of duties: alice recorded a step")
    );
}

#[test]
fn vial_cannot_be_dispensed_unless_released_available_and_unexpired() {
    let (q, vials) = pooled()
        .fill(2, 1.0, t("2026-06-01T00:00:00Z"), t("2026-03-03T00:00:00Z"))
        .unwrap();
    let e = vials[0]
        .dispense(q.status, t("2026-04-01T00:00:00Z"))
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "vial L-1-0001 is quarantine: cannot be dispensed"
    );
    let avail = vials[0].make_available().unwrap();
    let e = avail
        .dispense(LotStatus::Recalled, t("2026-04-01T00:00:00Z"))
        .unwrap_err();
    assert!(e.to_string().contains("its lot L-1 is recalled"));
    let e = avail
        .dispense(LotStatus::Released, t("2026-07-01T00:00:00Z"))
        .unwrap_err();
    assert!(e.to_string().contains("expired"));
    let recalled = avail.recall().unwrap();
    assert!(
        recalled
            .dispense(LotStatus::Released, t("2026-04-01T00:00:00Z"))
            .is_err()
    );
    assert!(recalled.recall().is_none());
}

#[derive(Debug, Clone, Copy)]
enum Act {
    Available,
    Destroy,
    Recall,
    Dispense,
    Administer,
    Expire,
}

proptest! {
    /// Whatever sequence of actions is attempted, a terminal vial never changes state and an
    /// administered vial was always dispensed first.
    #[test]
    fn vial_state_machine_never_leaves_a_terminal_state(acts in prop::collection::vec(0u8..6, 0..12)) {
        let (_, vials) = pooled().fill(1, 1.0, t("2026-06-01T00:00:00Z"), t("2026-03-03T00:00:00Z")).unwrap();
        let mut v = vials[0].clone();
        let mut was_dispensed = false;
        for a in acts {
            let act = [Act::Available, Act::Destroy, Act::Recall, Act::Dispense, Act::Administer, Act::Expire][a as usize];
            let before = v.status;
            let next = match act {
                Act::Available => v.make_available().ok(),
                Act::Destroy => v.destroy().ok(),
                Act::Recall => v.recall(),
                Act::Dispense => v.dispense(LotStatus::Released, t("2026-04-01T00:00:00Z")).ok(),
                Act::Administer => v.administer().ok(),
                Act::Expire => v.expire(t("2026-07-01T00:00:00Z")).ok(),
            };
            if let Some(n) = next {
                prop_assert!(!before.is_terminal(), "{:?} left terminal {:?}", act, before);
                if n.status == VialStatus::Dispensed { was_dispensed = true; }
                if n.status == VialStatus::Administered { prop_assert!(was_dispensed); }
                v = n;
            }
        }
    }
}

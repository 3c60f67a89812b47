//! Tests of the deviation state machine: open → assessed → approved | rejected, with every illegal
//! transition refused and the assessor barred from deciding.

use super::*;
use crate::qc::testkit::{effective, lot, t, user};

#[test]
fn open_assess_approve() {
    let s = effective(1);
    let d = crate::qc::testkit::deviation(&s, 1, Some("endotoxin"));
    assert_eq!(d.status, DeviationStatus::Open);
    assert!(!d.covers("endotoxin"));
    let a = d
        .assess(
            &user("qc"),
            "sampling error; retest within limit",
            t("2026-03-05T00:00:00Z"),
        )
        .unwrap();
    assert_eq!(a.status, DeviationStatus::Assessed);
    assert!(!a.status.is_closed() && !a.covers("endotoxin"));
    let ok = a
        .approve(
            &user("qa"),
            "impact assessed: none",
            t("2026-03-06T00:00:00Z"),
        )
        .unwrap();
    assert_eq!(ok.status, DeviationStatus::Approved);
    assert_eq!(ok.decided_by.as_ref().map(|u| u.as_str()), Some("qa"));
    assert!(ok.covers("endotoxin") && !ok.covers("sterility"));
    assert!(ok.status.is_closed());
    let no = a
        .reject(
            &user("qa"),
            "retest not justified",
            t("2026-03-06T00:00:00Z"),
        )
        .unwrap();
    assert_eq!(no.status, DeviationStatus::Rejected);
    assert!(no.status.is_closed() && !no.covers("endotoxin"));
}

#[test]
fn illegal_transitions_are_refused() {
    let s = effective(1);
    let now = t("2026-03-05T00:00:00Z");
    let d = crate::qc::testkit::deviation(&s, 1, None);
    let e = d.approve(&user("qa"), "ok", now).unwrap_err();
    assert_eq!(
        e.to_string(),
        "deviation L-1/DEV-01 is open: cannot be approved"
    );
    assert!(d.reject(&user("qa"), "no", now).is_err());
    let a = d.assess(&user("qc"), "x", now).unwrap();
    assert_eq!(
        a.assess(&user("qc"), "again", now).unwrap_err().to_string(),
        "deviation L-1/DEV-01 is assessed: cannot be assessed"
    );
    let ok = a.approve(&user("qa"), "ok", now).unwrap();
    assert!(ok.approve(&user("qa"), "ok", now).is_err());
    assert!(ok.reject(&user("qa"), "no", now).is_err());
    // the assessor may not decide on their own assessment
    let e = a.approve(&user("qc"), "ok", now).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("segregation of duties: qc assessed"),
        "{e}"
    );
    // texts are required
    assert_eq!(
        d.assess(&user("qc"), " ", now).unwrap_err().to_string(),
        "assessment: must not be empty"
    );
    assert_eq!(
        a.approve(&user("qa"), "", now).unwrap_err().to_string(),
        "reason: must not be empty"
    );
}

#[test]
fn opening_checks_the_lot_and_the_test() {
    let s = effective(1);
    let mut l = lot(&s);
    let (qc, now) = (user("qc"), t("2026-03-05T00:00:00Z"));
    let open = |l: &crate::lot::Lot, test: Option<&str>, text: &str| {
        Deviation::open("L-1/DEV-01".into(), l, Some(&s), test, text, &qc, now)
    };
    let e = open(&l, Some("ph"), "x").unwrap_err();
    assert!(
        e.to_string()
            .starts_with("test: \"ph\" is not a test of lot L-1's specification"),
        "{e}"
    );
    assert_eq!(
        open(&l, None, " ").unwrap_err().to_string(),
        "description: must not be empty"
    );
    assert!(open(&l, Some(" "), "x").unwrap().test.is_none());
    l.status = crate::lot::LotStatus::Released;
    let e = open(&l, None, "x").unwrap_err();
    assert_eq!(
        e.to_string(),
        "lot L-1 is released: cannot take a deviation"
    );
    l.status = crate::lot::LotStatus::InProcess;
    l.specification = None;
    assert!(Deviation::open("D".into(), &l, None, None, "spill", &qc, now).is_ok());
    assert!(Deviation::open("D".into(), &l, None, Some("egf"), "spill", &qc, now).is_err());
}

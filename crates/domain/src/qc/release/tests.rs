//! Tests of the release rule: each blocker alone, all of them together, and what clears each one.

use super::*;
use crate::qc::testkit::{deviation, effective, passing, result, t, user};

fn kinds(b: &[ReleaseBlocker]) -> Vec<(BlockerKind, &str)> {
    b.iter().map(|x| (x.kind, x.subject.as_str())).collect()
}

#[test]
fn complete_passing_results_release() {
    let s = effective(1);
    assert!(release_blockers(&s, &passing(&s), &[]).is_empty());
}

#[test]
fn every_missing_test_is_listed() {
    let s = effective(1);
    let b = release_blockers(&s, &passing(&s)[..1], &[]);
    assert_eq!(
        kinds(&b),
        [
            (BlockerKind::MissingResult, "sterility"),
            (BlockerKind::MissingResult, "egf")
        ]
    );
    assert_eq!(
        b[0].message,
        "test sterility (sterility test): no result entered"
    );
    assert_eq!(b[0].message_ja, "試験結果未入力: sterility試験 (sterility)");
    // a result against another specification version does not count
    let other = effective(2);
    let b = release_blockers(&s, &passing(&other), &[]);
    assert_eq!(b.len(), 3);
}

#[test]
fn a_failing_result_blocks_until_an_approved_deviation_covers_it() {
    let s = effective(1);
    let mut rs = passing(&s);
    rs[0] = result(&s, "endotoxin", Some(0.8), None);
    let b = release_blockers(&s, &rs, &[]);
    assert_eq!(kinds(&b), [(BlockerKind::OutOfSpecification, "endotoxin")]);
    assert!(
        b[0].message
            .contains("0.8 EU/mL is out of specification (< 0.5 EU/mL)"),
        "{}",
        b[0].message
    );
    assert!(
        b[0].message_ja.starts_with("規格外: "),
        "{}",
        b[0].message_ja
    );

    let now = t("2026-03-05T00:00:00Z");
    let open = deviation(&s, 1, Some("endotoxin"));
    let b = release_blockers(&s, &rs, std::slice::from_ref(&open));
    assert_eq!(
        kinds(&b),
        [
            (BlockerKind::OutOfSpecification, "endotoxin"),
            (BlockerKind::OpenDeviation, "L-1/DEV-01")
        ]
    );
    assert!(b[1].message_ja.starts_with("未完了の逸脱: L-1/DEV-01"));
    let assessed = open.assess(&user("qc"), "retest ok", now).unwrap();
    assert_eq!(
        release_blockers(&s, &rs, std::slice::from_ref(&assessed)).len(),
        2
    );
    let rejected = assessed.reject(&user("qa"), "no", now).unwrap();
    assert_eq!(
        kinds(&release_blockers(&s, &rs, std::slice::from_ref(&rejected))),
        [(BlockerKind::OutOfSpecification, "endotoxin")]
    );
    let approved = assessed.approve(&user("qa"), "ok", now).unwrap();
    assert!(release_blockers(&s, &rs, std::slice::from_ref(&approved)).is_empty());
    // an approved deviation naming another test, or none, covers nothing
    let mut elsewhere = approved;
    elsewhere.test = None;
    assert_eq!(release_blockers(&s, &rs, &[elsewhere]).len(), 1);
}

#[test]
fn all_reasons_at_once_and_in_the_error() {
    let s = effective(1);
    let rs = vec![result(&s, "sterility", None, Some("growth"))];
    let devs = vec![deviation(&s, 1, None)];
    let mut b = release_blockers(&s, &rs, &devs);
    let lot = crate::ids::LotNumber::new("L-1").unwrap();
    b.push(segregation_of_duties(&user("op"), &lot));
    assert_eq!(
        kinds(&b),
        [
            (BlockerKind::MissingResult, "endotoxin"),
            (BlockerKind::OutOfSpecification, "sterility"),
            (BlockerKind::MissingResult, "egf"),
            (BlockerKind::OpenDeviation, "L-1/DEV-01"),
            (BlockerKind::SegregationOfDuties, "op"),
        ]
    );
    let e = crate::DomainError::ReleaseBlocked {
        lot: "L-1".into(),
        blockers: b,
    };
    let msg = e.to_string();
    assert!(
        msg.starts_with("lot L-1 cannot be released: (1) test endotoxin"),
        "{msg}"
    );
    assert!(
        msg.contains("(5) segregation of duties: op recorded a step"),
        "{msg}"
    );
    let nb = no_specification(&lot);
    assert_eq!(nb.kind, BlockerKind::NoSpecification);
    assert!(nb.message_ja.starts_with("規格未設定"));
}

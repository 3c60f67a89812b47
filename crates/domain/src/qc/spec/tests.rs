//! Tests of specifications: criteria checked and judged, versions made effective and superseded,
//! the version in force at a time.

use super::*;
use crate::qc::testkit::{effective, spec, t, test_spec};

#[test]
fn ranges_judge_inclusive_and_exclusive_bounds() {
    let below = Acceptance::below(0.5);
    assert_eq!(below.judge(Some(0.49), None).unwrap(), Verdict::Pass);
    assert_eq!(below.judge(Some(0.5), None).unwrap(), Verdict::Fail);
    let r = Acceptance::range(Some(10.0), Some(20.0));
    assert_eq!(r.judge(Some(10.0), None).unwrap(), Verdict::Pass);
    assert_eq!(r.judge(Some(20.0), None).unwrap(), Verdict::Pass);
    assert_eq!(r.judge(Some(20.1), None).unwrap(), Verdict::Fail);
    assert_eq!(r.judge(Some(9.9), None).unwrap(), Verdict::Fail);
    let min_only = Acceptance::range(Some(1e9), None);
    assert_eq!(min_only.judge(Some(5e9), None).unwrap(), Verdict::Pass);
    assert_eq!(min_only.judge(Some(4e8), None).unwrap(), Verdict::Fail);
    let e = r.judge(None, Some("ok")).unwrap_err();
    assert_eq!(e.to_string(), "value: this test needs a numeric value");
}

#[test]
fn pass_fail_and_report_only() {
    let pf = Acceptance::pass_fail("negative");
    assert_eq!(pf.judge(None, Some(" Negative ")).unwrap(), Verdict::Pass);
    assert_eq!(pf.judge(None, Some("positive")).unwrap(), Verdict::Fail);
    assert!(
        pf.judge(Some(1.0), None)
            .unwrap_err()
            .to_string()
            .starts_with("outcome: ")
    );
    let ro = Acceptance::ReportOnly;
    assert_eq!(ro.judge(Some(3.0), None).unwrap(), Verdict::Reported);
    assert_eq!(ro.judge(None, Some("x")).unwrap(), Verdict::Reported);
    assert!(ro.judge(None, None).is_err());
}

#[test]
fn criteria_are_checked_naming_the_field() {
    let e = Acceptance::range(None, None).validated("tests[0].acceptance");
    assert!(
        e.unwrap_err()
            .to_string()
            .starts_with("tests[0].acceptance: ")
    );
    let e = Acceptance::range(Some(5.0), Some(1.0)).validated("a");
    assert_eq!(
        e.unwrap_err().to_string(),
        "a.min: must not exceed the maximum (5 > 1)"
    );
    let e = Acceptance::range(Some(f64::NAN), None).validated("a");
    assert_eq!(e.unwrap_err().to_string(), "a.min: must be a finite number");
    let e = Acceptance::pass_fail(" ").validated("a");
    assert_eq!(e.unwrap_err().to_string(), "a.expected: must not be empty");
}

#[test]
fn criteria_print_as_on_a_certificate() {
    assert_eq!(
        Acceptance::below(0.5).criterion(Some("EU/mL")),
        "< 0.5 EU/mL"
    );
    assert_eq!(
        Acceptance::range(Some(100.0), Some(2000.0)).criterion(Some("µg/mL")),
        "100–2000 µg/mL"
    );
    assert_eq!(
        Acceptance::pass_fail("negative").criterion(None),
        "negative"
    );
    assert_eq!(
        Acceptance::ReportOnly.criterion(Some("pg/mL")),
        "report only"
    );
    assert_eq!(
        Acceptance::ReportOnly.criterion_ja(Some("pg/mL")),
        "報告のみ"
    );
}

#[test]
fn a_draft_needs_unique_valid_tests() {
    let s = spec(2);
    assert_eq!(s.id, "P-1/v2");
    assert_eq!(s.status, SpecStatus::Draft);
    let p = crate::ids::ProductCode::new("P-1").unwrap();
    let now = t("2026-01-01T00:00:00Z");
    let e = Specification::draft(p.clone(), 1, vec![], now).unwrap_err();
    assert_eq!(
        e.to_string(),
        "tests: a specification needs at least one test"
    );
    let dup = vec![
        test_spec("egf", None, Acceptance::ReportOnly),
        test_spec("egf", None, Acceptance::ReportOnly),
    ];
    let e = Specification::draft(p.clone(), 1, dup, now).unwrap_err();
    assert_eq!(e.to_string(), "tests[1].code: test egf is listed twice");
    let mut bad = test_spec("egf", None, Acceptance::ReportOnly);
    bad.name_ja = "".into();
    let e = Specification::draft(p.clone(), 1, vec![bad], now).unwrap_err();
    assert_eq!(e.to_string(), "tests[0].name_ja: must not be empty");
    assert!(Specification::draft(p, 0, spec(1).tests, now).is_err());
}

#[test]
fn making_a_newer_version_effective_supersedes_the_older() {
    let v1 = effective(1);
    assert_eq!(v1.status, SpecStatus::Effective);
    let at = t("2026-06-01T00:00:00Z");
    let (v2, old) = spec(2)
        .make_effective(std::slice::from_ref(&v1), at)
        .unwrap();
    assert_eq!(v2.status, SpecStatus::Effective);
    assert_eq!(v2.effective_from, Some(at));
    let old = old.unwrap();
    assert_eq!(old.id, "P-1/v1");
    assert_eq!(old.status, SpecStatus::Superseded);
    assert_eq!(old.superseded_at, Some(at));
    // only a draft becomes effective; an older draft cannot displace a newer effective version
    let e = v2.make_effective(&[], at).unwrap_err();
    assert_eq!(
        e.to_string(),
        "specification P-1/v2 is effective: cannot be made effective"
    );
    let e = spec(1).make_effective(&[v2], at).unwrap_err();
    assert!(e.to_string().contains("newer"), "{e}");
}

#[test]
fn the_version_in_force_is_the_effective_one_from_that_time() {
    let v1 = effective(1);
    let at = t("2026-06-01T00:00:00Z");
    let (v2, old) = spec(2)
        .make_effective(std::slice::from_ref(&v1), at)
        .unwrap();
    let all = vec![old.unwrap(), v2, spec(3)];
    let f = Specification::in_force(&all, "P-1", t("2026-07-01T00:00:00Z")).unwrap();
    assert_eq!(f.id, "P-1/v2");
    // before v2's effective time nothing is in force any more (v1 is superseded)
    let e = Specification::in_force(&all, "P-1", t("2026-05-01T00:00:00Z")).unwrap_err();
    assert!(e.to_string().contains("no effective specification"), "{e}");
    let e = Specification::in_force(&all, "P-2", at).unwrap_err();
    assert_eq!(
        e.to_string(),
        "product P-2 has no effective specification: make a specification version effective before filling"
    );
}

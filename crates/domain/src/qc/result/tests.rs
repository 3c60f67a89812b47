//! Tests of results: checked against the lot's specification, verdict computed, corrections.

use super::*;
use crate::qc::reading::Censor;
use crate::qc::testkit::{effective, entry, lot, result, spec, t, user};

#[test]
fn verdicts_are_computed_against_the_criterion() {
    let s = effective(1);
    let r = result(&s, "endotoxin", Some(0.8), None);
    assert_eq!(r.id, "L-1/endotoxin");
    assert_eq!(r.verdict, Verdict::Fail);
    assert_eq!(r.unit.as_deref(), Some("EU/mL"), "unit taken from the test");
    assert_eq!(r.shown(), "0.8 EU/mL");
    assert_eq!(
        result(&s, "endotoxin", Some(0.2), None).verdict,
        Verdict::Pass
    );
    assert_eq!(
        result(&s, "sterility", None, Some("negative")).verdict,
        Verdict::Pass
    );
    assert_eq!(
        result(&s, "sterility", None, Some("growth")).verdict,
        Verdict::Fail
    );
    assert_eq!(
        result(&s, "egf", Some(10.0), None).verdict,
        Verdict::Reported
    );
}

#[test]
fn bad_results_name_the_field() {
    let s = effective(1);
    let l = lot(&s);
    let (qc, now) = (user("qc"), t("2026-03-03T00:00:00Z"));
    let rec = |e| {
        TestResult::record(&l, &s, e, &qc, now)
            .unwrap_err()
            .to_string()
    };
    assert!(
        rec(entry("ph", Some(7.0), None)).starts_with("test: specification P-1/v1 has no test")
    );
    assert_eq!(
        rec(entry("endotoxin", Some(f64::INFINITY), None)),
        "value: must be a finite number"
    );
    assert!(
        rec(entry("endotoxin", None, Some("low")))
            .starts_with("value: test endotoxin takes a number in EU/mL, not text")
    );
    let mut wrong_unit = entry("endotoxin", Some(0.1), None);
    wrong_unit.unit = Some("EU/mg".into());
    assert_eq!(
        rec(wrong_unit),
        "unit: test endotoxin is reported in EU/mL, not EU/mg"
    );
    let mut bad_run = entry("egf", Some(1.0), None);
    bad_run.source = ResultSource::AssayRun {
        assay_run: "run 1".into(),
    };
    assert!(rec(bad_run).starts_with("assay_run: "));
}

#[test]
fn results_only_for_a_lot_awaiting_release_under_that_specification() {
    let s = effective(1);
    let mut l = lot(&s);
    let (qc, now) = (user("qc"), t("2026-03-03T00:00:00Z"));
    let other = effective(2);
    let e = TestResult::record(&l, &other, entry("egf", Some(1.0), None), &qc, now).unwrap_err();
    assert_eq!(
        e.to_string(),
        "lot L-1 is tested against P-1/v1, not P-1/v2"
    );
    l.status = crate::lot::LotStatus::Released;
    let e = TestResult::record(&l, &s, entry("egf", Some(1.0), None), &qc, now).unwrap_err();
    assert_eq!(
        e.to_string(),
        "lot L-1 is released: cannot take test results"
    );
    l.status = crate::lot::LotStatus::InProcess;
    l.specification = None;
    assert!(TestResult::record(&l, &spec(1), entry("egf", Some(1.0), None), &qc, now).is_err());
}

#[test]
fn a_correction_recomputes_the_verdict_keeps_the_source_and_the_original() {
    let s = effective(1);
    let r = result(&s, "endotoxin", Some(0.8), None);
    let c = r
        .revised(
            &lot(&s),
            &s,
            entry("endotoxin", Some(0.08), None),
            Change::Correction,
            "typing error: 0.08 read as 0.8",
            &user("qc2"),
            t("2026-03-05T00:00:00Z"),
        )
        .unwrap();
    assert_eq!(c.id, r.id);
    assert_eq!(c.verdict, Verdict::Pass);
    assert_eq!(c.entered_by.as_str(), "qc2");
    assert_eq!(c.source, ResultSource::Manual);
    assert_eq!(c.history.len(), 1);
    assert_eq!(c.history[0].value, Some(0.8));
    assert_eq!(c.history[0].verdict, Verdict::Fail);
    assert_eq!(c.history[0].change, Change::Correction);
    assert!(c.had_failure(), "the OOS original is remembered");
    let e = r
        .revised(
            &lot(&s),
            &s,
            entry("endotoxin", Some(0.08), None),
            Change::Retest,
            " ",
            &user("qc2"),
            t("2026-03-05T00:00:00Z"),
        )
        .unwrap_err();
    assert!(e.to_string().starts_with("reason:"));
}

#[test]
fn results_as_the_lab_writes_them() {
    let s = effective(1);
    let l = lot(&s);
    let (qc, now) = (user("qc"), t("2026-03-03T00:00:00Z"));
    let test = |code: &str| s.test(code).unwrap().clone();
    let rec = |code: &str, typed: &str| {
        ResultEntry::typed(&test(code), "value", typed)
            .and_then(|e| TestResult::record(&l, &s, e, &qc, now))
    };
    // Negative endotoxin: refused, not judged pass.
    let e = rec("endotoxin", "-0.3").unwrap_err();
    assert!(
        e.to_string().starts_with("value: cannot be negative"),
        "{e}"
    );
    let e = TestResult::record(&l, &s, entry("endotoxin", Some(-0.3), None), &qc, now).unwrap_err();
    assert!(
        e.to_string().starts_with("value: cannot be negative"),
        "{e}"
    );
    // 陰性 for sterility is negative: pass.
    let r = rec("sterility", "陰性").unwrap();
    assert_eq!(
        (r.outcome.as_deref(), r.verdict),
        (Some("negative"), Verdict::Pass)
    );
    assert_eq!(rec("sterility", "陽性").unwrap().verdict, Verdict::Fail);
    assert!(
        rec("sterility", "たぶん")
            .unwrap_err()
            .to_string()
            .starts_with("outcome:")
    );
    // Text in a numeric test (EGF, report only in pg/mL) is refused, on both paths.
    assert!(
        rec("egf", "high")
            .unwrap_err()
            .to_string()
            .starts_with("value: enter a number in pg/mL")
    );
    let e = TestResult::record(&l, &s, entry("egf", None, Some("high")), &qc, now).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("value: test egf takes a number in pg/mL"),
        "{e}"
    );
    // A gel-clot result below its sensitivity: `< 0.25 EU/mL`, stored as such, meets `< 0.5`.
    let r = rec("endotoxin", "＜０．２５ EU/mL").unwrap();
    assert_eq!((r.value, r.censor), (Some(0.25), Some(Censor::Below)));
    assert_eq!(r.verdict, Verdict::Pass);
    assert_eq!(r.shown(), "< 0.25 EU/mL");
    // `< 1` does not show conformity to `< 0.5`; `> 0.1` cannot either.
    assert_eq!(rec("endotoxin", "< 1").unwrap().verdict, Verdict::Fail);
    assert_eq!(rec("endotoxin", "> 0.1").unwrap().verdict, Verdict::Fail);
    // Above the ULOQ on a report-only test: reported, kept as `> 2000`.
    let r = rec("egf", "> 2000").unwrap();
    assert_eq!(
        (r.censor, r.verdict),
        (Some(Censor::Above), Verdict::Reported)
    );
}

#[test]
fn results_round_trip_through_json_as_rows_do() {
    let s = effective(1);
    let mut r = result(&s, "egf", Some(150.0), None);
    r.source = ResultSource::AssayRun {
        assay_run: "RUN-2026-001".into(),
    };
    let v = serde_json::to_value(&r).unwrap();
    assert_eq!(v["source"], "assay_run");
    assert_eq!(v["assay_run"], "RUN-2026-001");
    assert_eq!(v["outcome"], serde_json::Value::Null);
    // rows come back without their NULL columns
    let mut obj = v.as_object().unwrap().clone();
    obj.retain(|_, x| !x.is_null());
    let back: TestResult = serde_json::from_value(serde_json::Value::Object(obj)).unwrap();
    assert_eq!(back, r);
    let m = result(&s, "sterility", None, Some("negative"));
    let v = serde_json::to_value(&m).unwrap();
    assert_eq!(v["source"], "manual");
    assert!(v.get("assay_run").is_none());
}

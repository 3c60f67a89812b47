//! Fixtures shared by the QC unit tests: a small specification (one range, one pass/fail, one
//! report-only test), a lot filled under it, results and deviations.

use crate::{
    UtcTime,
    ids::{LotNumber, ProductCode, TestCode, UserName},
    lot::{Lot, LotStatus},
    qc::{
        deviation::Deviation,
        result::{ResultEntry, TestResult},
        spec::{Acceptance, Specification, TestSpec},
    },
};

pub fn t(s: &str) -> UtcTime {
    UtcTime::parse("t", s).unwrap()
}

pub fn user(u: &str) -> UserName {
    UserName::new(u).unwrap()
}

pub fn test_spec(code: &str, unit: Option<&str>, acceptance: Acceptance) -> TestSpec {
    TestSpec {
        code: TestCode::new(code).unwrap(),
        name: format!("{code} test"),
        name_ja: format!("{code}試験"),
        method: "method".into(),
        unit: unit.map(str::to_string),
        acceptance,
    }
}

/// `P-1/v<version>`: endotoxin < 0.5 EU/mL, sterility negative, egf report only.
pub fn spec(version: i64) -> Specification {
    Specification::draft(
        ProductCode::new("P-1").unwrap(),
        version,
        vec![
            test_spec("endotoxin", Some("EU/mL"), Acceptance::below(0.5)),
            test_spec("sterility", None, Acceptance::pass_fail("negative")),
            test_spec("egf", Some("pg/mL"), Acceptance::ReportOnly),
        ],
        t("2026-01-01T00:00:00Z"),
    )
    .unwrap()
}

pub fn effective(version: i64) -> Specification {
    spec(version)
        .make_effective(&[], t("2026-01-02T00:00:00Z"))
        .unwrap()
        .0
}

/// A lot in quarantine filled under `spec`.
pub fn lot(spec: &Specification) -> Lot {
    Lot {
        id: LotNumber::new("L-1").unwrap(),
        product: "P-1".into(),
        status: LotStatus::Quarantine,
        volume_ml: 100.0,
        created_at: t("2026-03-01T00:00:00Z"),
        filled_at: Some(t("2026-03-02T00:00:00Z")),
        expires_at: Some(t("2027-03-02T00:00:00Z")),
        decided_at: None,
        decided_by: None,
        decision_reason: None,
        specification: Some(spec.id.clone()),
        dins: None,
        fill_room: None,
        fill_equipment: None,
        filled_by: None,
    }
}

pub fn entry(test: &str, value: Option<f64>, outcome: Option<&str>) -> ResultEntry {
    ResultEntry {
        test: test.into(),
        value,
        outcome: outcome.map(str::to_string),
        ..Default::default()
    }
}

pub fn result(
    spec: &Specification,
    test: &str,
    value: Option<f64>,
    outcome: Option<&str>,
) -> TestResult {
    TestResult::record(
        &lot(spec),
        spec,
        entry(test, value, outcome),
        &user("qc"),
        t("2026-03-03T00:00:00Z"),
    )
    .unwrap()
}

/// All three tests passing (or reported).
pub fn passing(spec: &Specification) -> Vec<TestResult> {
    vec![
        result(spec, "endotoxin", Some(0.1), None),
        result(spec, "sterility", None, Some("Negative")),
        result(spec, "egf", Some(120.0), None),
    ]
}

pub fn deviation(spec: &Specification, n: u32, test: Option<&str>) -> Deviation {
    Deviation::open(
        format!("L-1/DEV-{n:02}"),
        &lot(spec),
        Some(spec),
        test,
        "endotoxin above limit; retest shows sampling contamination",
        &user("qc"),
        t("2026-03-04T00:00:00Z"),
    )
    .unwrap()
}

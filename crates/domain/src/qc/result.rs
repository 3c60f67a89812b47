//! Test results (試験結果): one result per test of the lot's specification, entered by hand or taken
//! from an assay run, with the verdict computed against the test's criterion when it is entered.

use crate::{
    DomainError, UtcTime,
    ids::{LotNumber, UserName},
    lot::{Lot, LotStatus},
    qc::spec::{Specification, TestSpec},
    quantity::text,
};
use serde::{Deserialize, Serialize};

/// How a result judged against its criterion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Pass,
    Fail,
    /// Report-only test: characterisation, no criterion.
    Reported,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Fail => "fail",
            Verdict::Reported => "reported",
        }
    }
    pub fn name_ja(self) -> &'static str {
        match self {
            Verdict::Pass => "適合",
            Verdict::Fail => "規格外",
            Verdict::Reported => "報告",
        }
    }
}

/// Where a result came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "source", rename_all = "snake_case")]
pub enum ResultSource {
    Manual,
    /// Accepted from an assay run (plate import); `assay_run` references it.
    AssayRun {
        assay_run: String,
    },
}

/// A result as entered, before it is checked against the specification.
#[derive(Debug, Clone, PartialEq)]
pub struct ResultEntry {
    pub test: String,
    pub value: Option<f64>,
    pub outcome: Option<String>,
    pub unit: Option<String>,
    pub source: ResultSource,
}

/// A test result; its id is `<lot>/<test>` (one result per test; corrections update it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TestResult {
    pub id: String,
    pub lot: LotNumber,
    pub specification: String,
    pub test: crate::ids::TestCode,
    pub value: Option<f64>,
    pub outcome: Option<String>,
    pub unit: Option<String>,
    #[serde(flatten)]
    pub source: ResultSource,
    pub verdict: Verdict,
    pub entered_at: UtcTime,
    pub entered_by: UserName,
}

/// A result's value, outcome and unit after checking, with its verdict.
struct Checked {
    value: Option<f64>,
    outcome: Option<String>,
    unit: Option<String>,
    verdict: Verdict,
}

/// Checks value, outcome and unit against a test and computes the verdict.
fn checked(
    test: &TestSpec,
    value: Option<f64>,
    outcome: Option<&str>,
    unit: Option<&str>,
) -> Result<Checked, DomainError> {
    if value.is_some_and(|v| !v.is_finite()) {
        return Err(DomainError::invalid("value", "must be a finite number"));
    }
    let outcome = match outcome.map(str::trim) {
        None | Some("") => None,
        Some(o) => Some(text("outcome", o)?),
    };
    let unit = match (unit.map(str::trim), test.unit.as_deref()) {
        (None | Some(""), u) => u.map(str::to_string),
        (Some(given), Some(expected)) if given != expected => {
            return Err(DomainError::invalid(
                "unit",
                format!("test {} is reported in {expected}, not {given}", test.code),
            ));
        }
        (Some(given), _) => Some(text("unit", given)?),
    };
    let verdict = test.acceptance.judge(value, outcome.as_deref())?;
    Ok(Checked {
        value,
        outcome,
        unit,
        verdict,
    })
}

impl TestResult {
    /// Records a result for `lot` (in quarantine, filled under `spec`), by `by` at `now`.
    pub fn record(
        lot: &Lot,
        spec: &Specification,
        entry: ResultEntry,
        by: &UserName,
        now: UtcTime,
    ) -> Result<TestResult, DomainError> {
        if lot.status != LotStatus::Quarantine {
            return Err(crate::TransitionError {
                entity: "lot",
                id: lot.id.to_string(),
                from: lot.status.as_str(),
                action: "take test results",
            }
            .into());
        }
        if lot.specification.as_deref() != Some(spec.id.as_str()) {
            return Err(DomainError::Rule(format!(
                "lot {} is tested against {}, not {}",
                lot.id,
                lot.specification.as_deref().unwrap_or("no specification"),
                spec.id
            )));
        }
        let test = spec.test(&entry.test).ok_or_else(|| {
            DomainError::invalid(
                "test",
                format!("specification {} has no test {:?}", spec.id, entry.test),
            )
        })?;
        if let ResultSource::AssayRun { assay_run } = &entry.source {
            crate::ids::check_identifier("assay_run", assay_run)?;
        }
        let Checked {
            value,
            outcome,
            unit,
            verdict,
        } = checked(
            test,
            entry.value,
            entry.outcome.as_deref(),
            entry.unit.as_deref(),
        )?;
        Ok(TestResult {
            id: format!("{}/{}", lot.id, test.code),
            lot: lot.id.clone(),
            specification: spec.id.clone(),
            test: test.code.clone(),
            value,
            outcome,
            unit,
            source: entry.source,
            verdict,
            entered_at: now,
            entered_by: by.clone(),
        })
    }

    /// A correction (the reason is required by the audit trail): new value or outcome, verdict
    /// recomputed. Only while the lot awaits its release decision.
    pub fn corrected(
        &self,
        lot: &Lot,
        spec: &Specification,
        value: Option<f64>,
        outcome: Option<&str>,
        by: &UserName,
        now: UtcTime,
    ) -> Result<TestResult, DomainError> {
        let entry = ResultEntry {
            test: self.test.to_string(),
            value,
            outcome: outcome.map(str::to_string),
            unit: self.unit.clone(),
            source: self.source.clone(),
        };
        TestResult::record(lot, spec, entry, by, now)
    }

    /// The result as shown: `0.12 EU/mL`, `negative`.
    pub fn shown(&self) -> String {
        match (self.value, &self.outcome) {
            (Some(v), _) => match &self.unit {
                Some(u) => format!("{} {u}", crate::quantity::display_number(v)),
                None => crate::quantity::display_number(v),
            },
            (None, Some(o)) => o.clone(),
            (None, None) => String::new(),
        }
    }
}

#[cfg(test)]
mod tests;

//! Test results (試験結果): one result per test of the lot's specification, entered by hand or taken
//! from an assay run, with the verdict computed against the test's criterion when it is entered.

use crate::{
    DomainError, UtcTime,
    ids::{LotNumber, UserName},
    lot::{Lot, LotStatus},
    qc::reading::{self, Censor},
    qc::spec::{Acceptance, Specification, TestSpec},
    quantity::text,
};
use serde::{Deserialize, Serialize};

/// How a result judged against its criterion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
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
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "source", rename_all = "snake_case")]
pub enum ResultSource {
    #[default]
    Manual,
    /// Accepted from an assay run (plate import); `assay_run` references it.
    AssayRun { assay_run: String },
}

/// A result as entered, before it is checked against the specification.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ResultEntry {
    pub test: String,
    pub value: Option<f64>,
    /// `<` or `>`: the value is a limit the true value lies below or above.
    pub censor: Option<Censor>,
    pub outcome: Option<String>,
    pub unit: Option<String>,
    pub source: ResultSource,
}

/// Whether a test takes a number (a range, or a report-only test with a unit) or a word.
pub fn is_numeric(test: &TestSpec) -> bool {
    match test.acceptance {
        Acceptance::Range { .. } => true,
        Acceptance::PassFail { .. } => false,
        Acceptance::ReportOnly => test.unit.is_some(),
    }
}

impl ResultEntry {
    /// Reads one result as the lab writes it (`< 0.25`, `１２０`, `陰性`) for `test`: a number
    /// (possibly censored) for a numeric test, a word for a qualitative one. `field` names the input.
    pub fn typed(test: &TestSpec, field: &str, typed: &str) -> Result<ResultEntry, DomainError> {
        let mut e = ResultEntry {
            test: test.code.to_string(),
            ..Default::default()
        };
        if reading::normalise(typed).is_empty() {
            return Err(DomainError::invalid(
                field,
                crate::Why::said("enter a result", "入力してください"),
            ));
        }
        if is_numeric(test) {
            let (censor, v) = reading::parse_number(field, typed, test.unit.as_deref())?;
            e.value = Some(v);
            e.censor = censor;
        } else {
            e.outcome = Some(typed.to_string());
        }
        Ok(e)
    }
}

/// What a correction or a retest replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    /// The entry was wrong (a typing error): the same measurement, recorded right.
    Correction,
    /// The test was run again; the new run is the valid result.
    Retest,
}

impl Change {
    pub fn as_str(self) -> &'static str {
        match self {
            Change::Correction => "correction",
            Change::Retest => "retest",
        }
    }
}

/// An earlier result of the same test, kept visible on the result after a correction or a retest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PriorResult {
    pub value: Option<f64>,
    #[serde(default)]
    pub censor: Option<Censor>,
    pub outcome: Option<String>,
    pub verdict: Verdict,
    pub entered_at: UtcTime,
    pub entered_by: UserName,
    /// How it was replaced, when, by whom and why.
    pub change: Change,
    pub replaced_at: UtcTime,
    pub replaced_by: UserName,
    pub reason: String,
}

/// A test result; its id is `<lot>/<test>` (one result per test; corrections update it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TestResult {
    pub id: String,
    pub lot: LotNumber,
    pub specification: String,
    pub test: crate::ids::TestCode,
    pub value: Option<f64>,
    /// `<` / `>` when the value is a limit (below the LOQ, above the ULOQ).
    #[serde(default)]
    pub censor: Option<Censor>,
    pub outcome: Option<String>,
    pub unit: Option<String>,
    #[serde(flatten)]
    pub source: ResultSource,
    pub verdict: Verdict,
    pub entered_at: UtcTime,
    pub entered_by: UserName,
    /// Earlier results of this test (corrected or retested), oldest first: the original stays visible.
    #[serde(default)]
    pub history: Vec<PriorResult>,
}

/// A result's value, outcome and unit after checking, with its verdict.
struct Checked {
    value: Option<f64>,
    censor: Option<Censor>,
    outcome: Option<String>,
    unit: Option<String>,
    verdict: Verdict,
}

/// Checks value, outcome and unit against a test and computes the verdict.
fn checked(
    test: &TestSpec,
    value: Option<f64>,
    censor: Option<Censor>,
    outcome: Option<&str>,
    unit: Option<&str>,
) -> Result<Checked, DomainError> {
    let value = value
        .map(|v| reading::non_negative("value", v))
        .transpose()?;
    let outcome = match outcome.map(reading::normalise).as_deref() {
        None | Some("") => None,
        Some(o) => Some(match &test.acceptance {
            Acceptance::PassFail { expected } => {
                reading::parse_outcome("outcome", &text("outcome", o)?, expected)?
            }
            _ if is_numeric(test) && value.is_none() => {
                return Err(DomainError::invalid(
                    "value",
                    crate::Why::said(
                        format!(
                            "test {} takes a number{}, not text ({o:?})",
                            test.code,
                            test.unit
                                .as_deref()
                                .map(|u| format!(" in {u}"))
                                .unwrap_or_default()
                        ),
                        format!(
                            "数値を入力してください (試験 {}{}; 入力値 {o:?})",
                            test.code,
                            test.unit
                                .as_deref()
                                .map(|u| format!(", 単位 {u}"))
                                .unwrap_or_default()
                        ),
                    ),
                ));
            }
            _ => text("outcome", o)?,
        }),
    };
    let censor = censor.filter(|_| value.is_some());
    let unit = match (unit.map(str::trim), test.unit.as_deref()) {
        (None | Some(""), u) => u.map(str::to_string),
        (Some(given), Some(expected)) if given != expected => {
            return Err(DomainError::invalid(
                "unit",
                crate::Why::said(
                    format!("test {} is reported in {expected}, not {given}", test.code),
                    format!(
                        "単位が規格と異なります (試験 {}: {expected}, 入力 {given})",
                        test.code
                    ),
                ),
            ));
        }
        (Some(given), _) => Some(text("unit", given)?),
    };
    let verdict = test
        .acceptance
        .judge_censored(value, censor, outcome.as_deref())?;
    Ok(Checked {
        value,
        censor,
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
            return Err(DomainError::Rule(crate::rule::Rule::OtherSpecification {
                lot: lot.id.to_string(),
                tested_against: lot
                    .specification
                    .as_deref()
                    .unwrap_or("no specification")
                    .to_string(),
                given: spec.id.to_string(),
            }));
        }
        let test = spec.test(&entry.test).ok_or_else(|| {
            DomainError::invalid(
                "test",
                crate::Why::said(
                    format!("specification {} has no test {:?}", spec.id, entry.test),
                    format!("規格 {} に試験 {:?} はありません", spec.id, entry.test),
                ),
            )
        })?;
        if let ResultSource::AssayRun { assay_run } = &entry.source {
            crate::ids::check_identifier("assay_run", assay_run)?;
        }
        let Checked {
            value,
            censor,
            outcome,
            unit,
            verdict,
        } = checked(
            test,
            entry.value,
            entry.censor,
            entry.outcome.as_deref(),
            entry.unit.as_deref(),
        )?;
        Ok(TestResult {
            id: format!("{}/{}", lot.id, test.code),
            lot: lot.id.clone(),
            specification: spec.id.clone(),
            test: test.code.clone(),
            value,
            censor,
            outcome,
            unit,
            source: entry.source,
            verdict,
            entered_at: now,
            entered_by: by.clone(),
            history: Vec::new(),
        })
    }

    /// A correction (a wrong entry) or a retest (a new run) of this result: the new value or
    /// outcome with its verdict recomputed, the reason required, and this result kept in `history`
    /// so the original stays visible. Only while the lot awaits its release decision.
    #[allow(clippy::too_many_arguments)]
    pub fn revised(
        &self,
        lot: &Lot,
        spec: &Specification,
        entry: ResultEntry,
        change: Change,
        reason: &str,
        by: &UserName,
        now: UtcTime,
    ) -> Result<TestResult, DomainError> {
        let reason = text("reason", reason)?;
        let entry = ResultEntry {
            test: self.test.to_string(),
            unit: entry.unit.or_else(|| self.unit.clone()),
            source: match change {
                Change::Correction => self.source.clone(),
                Change::Retest => entry.source,
            },
            ..entry
        };
        let mut next = TestResult::record(lot, spec, entry, by, now)?;
        next.history = self.history.clone();
        next.history.push(PriorResult {
            value: self.value,
            censor: self.censor,
            outcome: self.outcome.clone(),
            verdict: self.verdict,
            entered_at: self.entered_at,
            entered_by: self.entered_by.clone(),
            change,
            replaced_at: now,
            replaced_by: by.clone(),
            reason,
        });
        Ok(next)
    }

    /// Whether this result or any it replaced was out of specification (an OOS to investigate).
    pub fn had_failure(&self) -> bool {
        self.verdict == Verdict::Fail || self.history.iter().any(|p| p.verdict == Verdict::Fail)
    }

    /// The result as shown: `0.12 EU/mL`, `negative`.
    pub fn shown(&self) -> String {
        shown(
            self.value,
            self.censor,
            self.outcome.as_deref(),
            self.unit.as_deref(),
        )
    }
}

/// A value or outcome as shown: `< 0.25 EU/mL`, `120 pg/mL`, `negative`.
pub fn shown(
    value: Option<f64>,
    censor: Option<Censor>,
    outcome: Option<&str>,
    unit: Option<&str>,
) -> String {
    {
        let prefix = censor
            .map(|c| format!("{} ", c.as_str()))
            .unwrap_or_default();
        match (value, outcome) {
            (Some(v), _) => match unit {
                Some(u) => format!("{prefix}{} {u}", crate::quantity::display_number(v)),
                None => format!("{prefix}{}", crate::quantity::display_number(v)),
            },
            (None, Some(o)) => o.to_string(),
            (None, None) => String::new(),
        }
    }
}

impl PriorResult {
    /// The earlier result as shown (`< 0.25 EU/mL`, `positive`).
    pub fn shown(&self, unit: Option<&str>) -> String {
        shown(self.value, self.censor, self.outcome.as_deref(), unit)
    }
}

#[cfg(test)]
mod tests;

//! Versioned specifications (規格): each version of a product's specification lists its tests with a
//! method, a unit and an acceptance criterion. A version is `draft → effective → superseded`; making
//! v(n+1) effective supersedes v(n), and a lot is tested against the version in force when it was filled.

use crate::{
    DomainError, TransitionError, UtcTime,
    ids::{ProductCode, TestCode},
    qc::reading::{self, Censor},
    qc::result::Verdict,
    quantity::text,
};
use serde::{Deserialize, Serialize};

/// How a result is judged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Acceptance {
    /// A numeric result within `min`…`max` (either bound optional; inclusive unless marked exclusive,
    /// e.g. endotoxin `< 0.5 EU/mL` is `max: 0.5, max_exclusive: true`).
    Range {
        min: Option<f64>,
        max: Option<f64>,
        #[serde(default)]
        min_exclusive: bool,
        #[serde(default)]
        max_exclusive: bool,
    },
    /// A text outcome that must equal `expected` (case and surrounding space ignored), e.g. "negative".
    PassFail { expected: String },
    /// Characterisation only: any result is "reported" (growth-factor content has no published limits).
    ReportOnly,
}

impl Acceptance {
    /// `min ≤ x ≤ max`-style range with inclusive bounds.
    pub fn range(min: Option<f64>, max: Option<f64>) -> Acceptance {
        Acceptance::Range {
            min,
            max,
            min_exclusive: false,
            max_exclusive: false,
        }
    }

    /// `x < max`.
    pub fn below(max: f64) -> Acceptance {
        Acceptance::Range {
            min: None,
            max: Some(max),
            min_exclusive: false,
            max_exclusive: true,
        }
    }

    pub fn pass_fail(expected: &str) -> Acceptance {
        Acceptance::PassFail {
            expected: expected.to_string(),
        }
    }

    /// Checks the criterion itself; `field` names it (e.g. `tests[3].acceptance`).
    pub fn validated(self, field: &str) -> Result<Acceptance, DomainError> {
        match self {
            Acceptance::Range {
                min,
                max,
                min_exclusive,
                max_exclusive,
            } => {
                for (b, name) in [(min, "min"), (max, "max")] {
                    if b.is_some_and(|v| !v.is_finite()) {
                        return Err(DomainError::invalid(
                            format!("{field}.{name}"),
                            crate::Why::Finite,
                        ));
                    }
                }
                match (min, max) {
                    (None, None) => {
                        return Err(DomainError::invalid(
                            field,
                            crate::Why::said(
                                "a range needs a minimum, a maximum or both (or use report only)",
                                "範囲には下限・上限 (または両方) が必要です (報告のみも可)",
                            ),
                        ));
                    }
                    (Some(lo), Some(hi)) if lo > hi => {
                        return Err(DomainError::invalid(
                            format!("{field}.min"),
                            crate::Why::said(
                                format!("must not exceed the maximum ({lo} > {hi})"),
                                format!("下限が上限を超えています ({lo} > {hi})"),
                            ),
                        ));
                    }
                    _ => {}
                }
                Ok(Acceptance::Range {
                    min,
                    max,
                    min_exclusive: min_exclusive && min.is_some(),
                    max_exclusive: max_exclusive && max.is_some(),
                })
            }
            Acceptance::PassFail { expected } => Ok(Acceptance::PassFail {
                expected: text(&format!("{field}.expected"), &expected)?,
            }),
            Acceptance::ReportOnly => Ok(Acceptance::ReportOnly),
        }
    }

    /// Judges a result: a numeric `value` for a range, a text `outcome` for pass/fail, either for
    /// report only. A result of the wrong kind is an error naming the missing field.
    pub fn judge(&self, value: Option<f64>, outcome: Option<&str>) -> Result<Verdict, DomainError> {
        self.judge_censored(value, None, outcome)
    }

    /// Like `judge`, for a value that may be censored: `< v` (the true value lies below `v`) meets a
    /// maximum `m` when `v ≤ m` and never demonstrates a minimum above 0; `> v` meets a minimum `m`
    /// when `v ≥ m` and never demonstrates a maximum. Outcomes are compared through the controlled
    /// vocabulary (陰性 and negative are the same result).
    pub fn judge_censored(
        &self,
        value: Option<f64>,
        censor: Option<Censor>,
        outcome: Option<&str>,
    ) -> Result<Verdict, DomainError> {
        match self {
            Acceptance::Range {
                min,
                max,
                min_exclusive,
                max_exclusive,
            } => {
                let Some(v) = value else {
                    return Err(DomainError::invalid(
                        "value",
                        crate::Why::said(
                            "this test needs a numeric value",
                            "この試験には数値を入力してください",
                        ),
                    ));
                };
                let (low_ok, high_ok) = match censor {
                    None => (
                        min.is_none_or(|m| if *min_exclusive { v > m } else { v >= m }),
                        max.is_none_or(|m| if *max_exclusive { v < m } else { v <= m }),
                    ),
                    Some(Censor::Below) => (
                        min.is_none_or(|m| m <= 0.0 && !*min_exclusive),
                        max.is_none_or(|m| v <= m),
                    ),
                    Some(Censor::Above) => (min.is_none_or(|m| v >= m), max.is_none()),
                };
                Ok(if low_ok && high_ok {
                    Verdict::Pass
                } else {
                    Verdict::Fail
                })
            }
            Acceptance::PassFail { expected } => {
                let Some(o) = outcome else {
                    return Err(DomainError::invalid(
                        "outcome",
                        crate::Why::said(
                            format!("this test needs a text outcome (expected {expected:?})"),
                            format!(
                                "この試験には判定語 (陰性など) を入力してください ({expected:?})"
                            ),
                        ),
                    ));
                };
                let same = match (reading::canonical(o), reading::canonical(expected)) {
                    (Some(a), Some(b)) => a == b,
                    _ => {
                        reading::normalise(o).to_lowercase()
                            == reading::normalise(expected).to_lowercase()
                    }
                };
                Ok(if same { Verdict::Pass } else { Verdict::Fail })
            }
            Acceptance::ReportOnly => {
                if value.is_none() && outcome.is_none() {
                    return Err(DomainError::invalid(
                        "value",
                        crate::Why::said("enter a value or an outcome", "入力してください"),
                    ));
                }
                Ok(Verdict::Reported)
            }
        }
    }

    /// The criterion as printed on a batch record or certificate, e.g. `< 0.5 EU/mL`, `negative`.
    pub fn criterion(&self, unit: Option<&str>) -> String {
        self.describe(unit, "report only")
    }

    /// The criterion in Japanese: 報告のみ, the expected outcome in Japanese (陰性), `かつ`, and
    /// counts in the unit as 個.
    pub fn criterion_ja(&self, unit: Option<&str>) -> String {
        // Counts written as a word in the unit (`particles/mL`) read as 個 in Japanese.
        let unit = unit.map(|u| u.replace("particles", "個"));
        let out = self.describe(unit.as_deref(), "報告のみ");
        match self {
            Acceptance::PassFail { expected } => outcome_ja(expected).to_string(),
            _ => out.replace(" and ", " かつ "),
        }
    }

    fn describe(&self, unit: Option<&str>, report: &str) -> String {
        let u = unit.map(|u| format!(" {u}")).unwrap_or_default();
        match self {
            Acceptance::Range {
                min,
                max,
                min_exclusive,
                max_exclusive,
            } => match (min, max) {
                (Some(lo), Some(hi)) if !min_exclusive && !max_exclusive => {
                    format!("{lo}–{hi}{u}")
                }
                _ => {
                    let lo = min.map(|v| format!("{} {v}", if *min_exclusive { ">" } else { "≥" }));
                    let hi = max.map(|v| format!("{} {v}", if *max_exclusive { "<" } else { "≤" }));
                    let parts: Vec<String> = lo.into_iter().chain(hi).collect();
                    format!("{}{u}", parts.join(" and "))
                }
            },
            Acceptance::PassFail { expected } => expected.clone(),
            Acceptance::ReportOnly => report.to_string(),
        }
    }
}

/// The Japanese of a qualitative outcome a criterion expects (`reading::VOCABULARY`, the terms a
/// result is read in either language); an outcome the facility wrote itself is shown as written.
pub fn outcome_ja(expected: &str) -> &str {
    reading::canonical(expected)
        .and_then(reading::term_ja)
        .unwrap_or(expected)
}

/// One test of a specification.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TestSpec {
    pub code: TestCode,
    pub name: String,
    pub name_ja: String,
    pub method: String,
    pub unit: Option<String>,
    pub acceptance: Acceptance,
}

impl TestSpec {
    /// Checks names, method, unit and criterion; `field` prefixes the errors (e.g. `tests[2]`).
    pub fn validated(self, field: &str) -> Result<TestSpec, DomainError> {
        Ok(TestSpec {
            name: text(&format!("{field}.name"), &self.name)?,
            name_ja: text(&format!("{field}.name_ja"), &self.name_ja)?,
            method: text(&format!("{field}.method"), &self.method)?,
            unit: match self.unit.as_deref().map(str::trim) {
                None | Some("") => None,
                Some(u) => Some(text(&format!("{field}.unit"), u)?),
            },
            acceptance: self.acceptance.validated(&format!("{field}.acceptance"))?,
            code: self.code,
        })
    }

    pub fn criterion(&self) -> String {
        self.acceptance.criterion(self.unit.as_deref())
    }
    pub fn criterion_ja(&self) -> String {
        self.acceptance.criterion_ja(self.unit.as_deref())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SpecStatus {
    Draft,
    Effective,
    Superseded,
}

impl SpecStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            SpecStatus::Draft => "draft",
            SpecStatus::Effective => "effective",
            SpecStatus::Superseded => "superseded",
        }
    }
    pub fn name_ja(self) -> &'static str {
        match self {
            SpecStatus::Draft => "草案",
            SpecStatus::Effective => "施行中",
            SpecStatus::Superseded => "改訂により廃止",
        }
    }
}

/// One version of a product's specification; its id is `<product>/v<version>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Specification {
    pub id: String,
    pub product: ProductCode,
    pub version: i64,
    pub status: SpecStatus,
    pub effective_from: Option<UtcTime>,
    pub superseded_at: Option<UtcTime>,
    pub tests: Vec<TestSpec>,
    pub created_at: UtcTime,
}

impl Specification {
    /// A new draft version; at least one test, test codes unique, every test checked.
    pub fn draft(
        product: ProductCode,
        version: i64,
        tests: Vec<TestSpec>,
        now: UtcTime,
    ) -> Result<Specification, DomainError> {
        if version < 1 {
            return Err(DomainError::invalid(
                "version",
                crate::Why::AtLeast("1".into()),
            ));
        }
        if tests.is_empty() {
            return Err(DomainError::invalid(
                "tests",
                crate::Why::said(
                    "a specification needs at least one test",
                    "規格には試験項目が 1 つ以上必要です",
                ),
            ));
        }
        let mut checked: Vec<TestSpec> = Vec::with_capacity(tests.len());
        for (i, t) in tests.into_iter().enumerate() {
            if checked.iter().any(|c| c.code == t.code) {
                return Err(DomainError::invalid(
                    format!("tests[{i}].code"),
                    crate::Why::said(
                        format!("test {} is listed twice", t.code),
                        format!("試験 {} が 2 回指定されています", t.code),
                    ),
                ));
            }
            checked.push(t.validated(&format!("tests[{i}]"))?);
        }
        Ok(Specification {
            id: format!("{product}/v{version}"),
            product,
            version,
            status: SpecStatus::Draft,
            effective_from: None,
            superseded_at: None,
            tests: checked,
            created_at: now,
        })
    }

    pub fn test(&self, code: &str) -> Option<&TestSpec> {
        self.tests.iter().find(|t| t.code.as_str() == code)
    }

    fn refuse(&self, action: &'static str) -> DomainError {
        TransitionError {
            entity: "specification",
            id: self.id.clone(),
            from: self.status.as_str(),
            action,
        }
        .into()
    }

    /// Makes this draft effective from `at`. `versions` are all versions of the same product:
    /// the one effective now is returned superseded; a newer effective version refuses.
    pub fn make_effective(
        &self,
        versions: &[Specification],
        at: UtcTime,
    ) -> Result<(Specification, Option<Specification>), DomainError> {
        if self.status != SpecStatus::Draft {
            return Err(self.refuse("be made effective"));
        }
        let current = versions
            .iter()
            .find(|s| s.product == self.product && s.status == SpecStatus::Effective);
        let previous = match current {
            Some(c) if c.version > self.version => {
                return Err(DomainError::Rule(crate::rule::Rule::NewerSpecification {
                    newer: c.id.to_string(),
                    spec: self.id.to_string(),
                }));
            }
            Some(c) if c.effective_from.is_some_and(|f| f > at) => {
                return Err(DomainError::invalid(
                    "effective_from",
                    crate::Why::said(
                        format!("{} is effective only from a later time", c.id),
                        format!("{} はまだ施行されていません", c.id),
                    ),
                ));
            }
            Some(c) => {
                let mut old = c.clone();
                old.status = SpecStatus::Superseded;
                old.superseded_at = Some(at);
                Some(old)
            }
            None => None,
        };
        let mut next = self.clone();
        next.status = SpecStatus::Effective;
        next.effective_from = Some(at);
        Ok((next, previous))
    }

    /// The version of `product` in force at `at` (effective, from `at` or earlier), or a rule error:
    /// a lot cannot be filled without a specification to test it against.
    pub fn in_force<'a>(
        versions: &'a [Specification],
        product: &str,
        at: UtcTime,
    ) -> Result<&'a Specification, DomainError> {
        versions
            .iter()
            .filter(|s| s.product.as_str() == product && s.status == SpecStatus::Effective)
            .filter(|s| s.effective_from.is_some_and(|f| f <= at))
            .max_by_key(|s| s.version)
            .ok_or_else(|| {
                DomainError::Rule(crate::rule::Rule::NoEffectiveSpecification {
                    product: product.to_string(),
                })
            })
    }
}

#[cfg(test)]
mod tests;

//! Deviations (逸脱): something that did not go as specified — most often an out-of-specification
//! result — recorded against a lot, optionally naming the test it covers. State machine
//! `open → assessed → approved | rejected` (closed). An approved deviation that names a test covers
//! that test's failing result at release; open or assessed deviations block release.

use crate::{
    DomainError, TransitionError, UtcTime,
    ids::{LotNumber, TestCode, UserName},
    lot::{Lot, LotStatus},
    qc::spec::Specification,
    quantity::text,
};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeviationStatus {
    Open,
    Assessed,
    Approved,
    Rejected,
}

impl DeviationStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DeviationStatus::Open => "open",
            DeviationStatus::Assessed => "assessed",
            DeviationStatus::Approved => "approved",
            DeviationStatus::Rejected => "rejected",
        }
    }
    pub fn name_ja(self) -> &'static str {
        match self {
            DeviationStatus::Open => "未評価",
            DeviationStatus::Assessed => "評価済 (承認待ち)",
            DeviationStatus::Approved => "承認",
            DeviationStatus::Rejected => "却下",
        }
    }
    /// Approved or rejected: QA has decided.
    pub fn is_closed(self) -> bool {
        matches!(self, DeviationStatus::Approved | DeviationStatus::Rejected)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Deviation {
    pub id: String,
    pub lot: LotNumber,
    /// The test whose result this deviation covers, if any.
    pub test: Option<TestCode>,
    pub description: String,
    pub status: DeviationStatus,
    pub opened_at: UtcTime,
    pub opened_by: UserName,
    pub assessment: Option<String>,
    pub assessed_at: Option<UtcTime>,
    pub assessed_by: Option<UserName>,
    pub decided_at: Option<UtcTime>,
    pub decided_by: Option<UserName>,
    pub decision_reason: Option<String>,
}

impl Deviation {
    /// Opens a deviation on a lot not yet decided. A named `test` must be in the lot's specification.
    pub fn open(
        id: String,
        lot: &Lot,
        spec: Option<&Specification>,
        test: Option<&str>,
        description: &str,
        by: &UserName,
        now: UtcTime,
    ) -> Result<Deviation, DomainError> {
        if !matches!(lot.status, LotStatus::InProcess | LotStatus::Quarantine) {
            return Err(TransitionError {
                entity: "lot",
                id: lot.id.to_string(),
                from: lot.status.as_str(),
                action: "take a deviation",
            }
            .into());
        }
        let test = match test.map(str::trim) {
            None | Some("") => None,
            Some(code) => {
                let found = spec.and_then(|s| s.test(code)).ok_or_else(|| {
                    DomainError::invalid(
                        "test",
                        crate::Why::said(
                            format!(
                                "{code:?} is not a test of lot {}'s specification ({})",
                                lot.id,
                                lot.specification.as_deref().unwrap_or("none yet")
                            ),
                            format!(
                                "ロットの規格にない試験です ({code:?}; ロット {}, 規格 {})",
                                lot.id,
                                lot.specification.as_deref().unwrap_or("なし")
                            ),
                        ),
                    )
                })?;
                Some(found.code.clone())
            }
        };
        Ok(Deviation {
            id,
            lot: lot.id.clone(),
            test,
            description: text("description", description)?,
            status: DeviationStatus::Open,
            opened_at: now,
            opened_by: by.clone(),
            assessment: None,
            assessed_at: None,
            assessed_by: None,
            decided_at: None,
            decided_by: None,
            decision_reason: None,
        })
    }

    fn refuse(&self, action: &'static str) -> DomainError {
        TransitionError {
            entity: "deviation",
            id: self.id.clone(),
            from: self.status.as_str(),
            action,
        }
        .into()
    }

    /// QC's assessment (impact, root cause, proposed disposition): `open → assessed`.
    pub fn assess(
        &self,
        by: &UserName,
        assessment: &str,
        now: UtcTime,
    ) -> Result<Deviation, DomainError> {
        if self.status != DeviationStatus::Open {
            return Err(self.refuse("be assessed"));
        }
        let mut d = self.clone();
        d.status = DeviationStatus::Assessed;
        d.assessment = Some(text("assessment", assessment)?);
        d.assessed_at = Some(now);
        d.assessed_by = Some(by.clone());
        Ok(d)
    }

    /// QA's approval: `assessed → approved`. Whoever assessed may not approve their own assessment.
    pub fn approve(
        &self,
        by: &UserName,
        reason: &str,
        now: UtcTime,
    ) -> Result<Deviation, DomainError> {
        self.decide(DeviationStatus::Approved, "be approved", by, reason, now)
    }

    /// QA's rejection of the assessment: `assessed → rejected` (closed; a failing result stays uncovered).
    pub fn reject(
        &self,
        by: &UserName,
        reason: &str,
        now: UtcTime,
    ) -> Result<Deviation, DomainError> {
        self.decide(DeviationStatus::Rejected, "be rejected", by, reason, now)
    }

    fn decide(
        &self,
        to: DeviationStatus,
        action: &'static str,
        by: &UserName,
        reason: &str,
        now: UtcTime,
    ) -> Result<Deviation, DomainError> {
        if self.status != DeviationStatus::Assessed {
            return Err(self.refuse(action));
        }
        if self.assessed_by.as_ref() == Some(by) {
            return Err(DomainError::Rule(crate::rule::Rule::AssessorDecides {
                by: by.to_string(),
                deviation: self.id.to_string(),
            }));
        }
        let mut d = self.clone();
        d.status = to;
        d.decided_at = Some(now);
        d.decided_by = Some(by.clone());
        d.decision_reason = Some(text("reason", reason)?);
        Ok(d)
    }

    /// Approved and naming `test`: this deviation accepts that test's failing result.
    pub fn covers(&self, test: &str) -> bool {
        self.status == DeviationStatus::Approved
            && self.test.as_ref().is_some_and(|t| t.as_str() == test)
    }
}

#[cfg(test)]
mod tests;

//! Deviations (逸脱) taken on a batch's step — a value outside its limits (naming the step, the
//! parameter, the limit and the value) or a step skipped with its reason — QA's disposition of
//! them, and the filling gate: every step before filling complete, or skipped with its deviation
//! approved.

use crate::{
    DomainError, TransitionError, UtcTime,
    ids::UserName,
    mbr::{
        execution::{BatchExecution, ParamValue, StepRecord, StepStatus},
        master::{MasterRecord, MasterStep, Stage},
    },
    qc::DeviationStatus,
    quantity::text,
};
use serde::{Deserialize, Serialize};

/// A deviation taken on a batch's step (`<batch>/<step>/D<n>`): a value outside its limits, or a
/// step skipped. QA decides it: `open → approved | rejected`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct StepDeviation {
    pub id: String,
    pub execution: String,
    pub step: String,
    pub parameter: Option<String>,
    pub description: String,
    pub status: DeviationStatus,
    pub opened_at: UtcTime,
    pub opened_by: UserName,
    pub decided_at: Option<UtcTime>,
    pub decided_by: Option<UserName>,
    pub decision_reason: Option<String>,
}

impl StepDeviation {
    fn new(
        execution: &BatchExecution,
        step: &MasterStep,
        n: usize,
        parameter: Option<String>,
        description: String,
        by: &UserName,
        now: UtcTime,
    ) -> StepDeviation {
        StepDeviation {
            id: format!("{}/{}/D{n}", execution.id, step.code),
            execution: execution.id.clone(),
            step: step.code.clone(),
            parameter,
            description,
            status: DeviationStatus::Open,
            opened_at: now,
            opened_by: by.clone(),
            decided_at: None,
            decided_by: None,
            decision_reason: None,
        }
    }

    /// Opened automatically for a value outside its limits: names step, parameter, limit and value.
    pub fn breach(
        execution: &BatchExecution,
        step: &MasterStep,
        n: usize,
        v: &ParamValue,
        by: &UserName,
        now: UtcTime,
    ) -> StepDeviation {
        let name = step
            .parameters
            .iter()
            .find(|p| p.code == v.parameter)
            .map_or(v.parameter.as_str(), |p| p.name.as_str());
        let description = format!(
            "step {} ({}): {} ({}) = {} {} is outside the limit {} / 工程 {} の {} が規格外",
            step.code,
            step.name,
            name,
            v.parameter,
            v.value,
            v.unit,
            v.limit,
            step.name_ja,
            v.parameter
        );
        StepDeviation::new(
            execution,
            step,
            n,
            Some(v.parameter.clone()),
            description,
            by,
            now,
        )
    }

    /// Opened when a step is skipped, with the operator's reason.
    pub fn skip(
        execution: &BatchExecution,
        step: &MasterStep,
        n: usize,
        reason: &str,
        by: &UserName,
        now: UtcTime,
    ) -> Result<StepDeviation, DomainError> {
        let reason = text("reason", reason)?;
        let description = format!(
            "step {} ({}) skipped / 工程省略: {reason}",
            step.code, step.name
        );
        Ok(StepDeviation::new(
            execution,
            step,
            n,
            None,
            description,
            by,
            now,
        ))
    }

    /// Raised by hand on a recorded step (an operator found to be unqualified, equipment overdue,
    /// anything else that departed), with what happened.
    pub fn raised(
        execution: &BatchExecution,
        step: &MasterStep,
        n: usize,
        description: &str,
        by: &UserName,
        now: UtcTime,
    ) -> Result<StepDeviation, DomainError> {
        let description = text("description", description)?;
        Ok(StepDeviation::new(
            execution,
            step,
            n,
            None,
            format!("step {} ({}): {description}", step.code, step.name),
            by,
            now,
        ))
    }

    /// QA's disposition (`open → approved | rejected`), not by whoever opened it.
    pub fn decide(
        &self,
        approve: bool,
        by: &UserName,
        reason: &str,
        now: UtcTime,
    ) -> Result<StepDeviation, DomainError> {
        if self.status != DeviationStatus::Open {
            return Err(TransitionError {
                entity: "deviation",
                id: self.id.clone(),
                from: self.status.as_str(),
                action: "be decided",
            }
            .into());
        }
        if by == &self.opened_by {
            return Err(DomainError::Rule(crate::rule::Rule::OpenerDecides {
                by: by.to_string(),
                deviation: self.id.to_string(),
            }));
        }
        let mut d = self.clone();
        d.status = if approve {
            DeviationStatus::Approved
        } else {
            DeviationStatus::Rejected
        };
        d.decided_at = Some(now);
        d.decided_by = Some(by.clone());
        d.decision_reason = Some(text("reason", reason)?);
        Ok(d)
    }
}

/// Why a batch may not go on to filling: every step of a stage before filling must be complete,
/// or skipped with its deviation approved by QA.
pub fn unfinished_before_filling(
    master: &MasterRecord,
    records: &[StepRecord],
    deviations: &[StepDeviation],
) -> Vec<String> {
    let mut out = Vec::new();
    for s in master.steps.iter().filter(|s| s.stage < Stage::Filling) {
        match records.iter().find(|r| r.step == s.code) {
            None => out.push(format!("step {} ({}) is not recorded", s.code, s.name)),
            Some(r) if r.status == StepStatus::AwaitingVerification => out.push(format!(
                "step {} ({}) awaits a second person's verification",
                s.code, s.name
            )),
            Some(r) if r.status == StepStatus::Skipped => {
                let approved = deviations.iter().any(|d| {
                    d.step == s.code
                        && d.parameter.is_none()
                        && d.status == DeviationStatus::Approved
                });
                if !approved {
                    out.push(format!(
                        "step {} ({}) was skipped and QA has not approved its deviation",
                        s.code, s.name
                    ));
                }
            }
            Some(_) => {}
        }
    }
    out
}

//! A batch executed against one fixed master batch record version (製造記録): the step records
//! with the values entered and how each compares with its limits, the second person's
//! verification, and the deviations (逸脱) a value outside its limits or a skipped step opens.
//! Order rule: a step is recorded only after every earlier step is complete or skipped through a
//! recorded deviation; a step needing verification is complete only when a different person
//! confirms it.

use crate::{
    DomainError, TransitionError, UtcTime,
    ids::{BatchId, UserName},
    mbr::{
        document::DocumentVersion,
        master::{MasterRecord, MasterStep, OnBreach, Stage},
    },
    plausible,
    qc::DeviationStatus,
    quantity::text,
};
use serde::{Deserialize, Serialize};

/// A batch started from a master: its id is the batch's id, `master` the version it follows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BatchExecution {
    pub id: String,
    pub batch: BatchId,
    pub master: String,
    pub started_at: UtcTime,
    pub started_by: UserName,
}

impl BatchExecution {
    /// Starts `batch` against `version`, which must be the effective version of a master record.
    pub fn start(
        batch: &BatchId,
        version: &DocumentVersion,
        by: &UserName,
        now: UtcTime,
    ) -> Result<BatchExecution, DomainError> {
        version.require_effective()?;
        Ok(BatchExecution {
            id: batch.to_string(),
            batch: batch.clone(),
            master: version.id.clone(),
            started_at: now,
            started_by: by.clone(),
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepStatus {
    /// Recorded; a second person has yet to confirm it.
    AwaitingVerification,
    Complete,
    /// Not done, through a recorded deviation.
    Skipped,
}

impl StepStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            StepStatus::AwaitingVerification => "awaiting_verification",
            StepStatus::Complete => "complete",
            StepStatus::Skipped => "skipped",
        }
    }
    pub fn name_ja(self) -> &'static str {
        match self {
            StepStatus::AwaitingVerification => "確認待ち",
            StepStatus::Complete => "完了",
            StepStatus::Skipped => "省略 (逸脱)",
        }
    }
}

/// A value entered for a parameter, with the limit it was judged against.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParamValue {
    pub parameter: String,
    pub value: f64,
    pub unit: String,
    pub limit: String,
    pub within: bool,
}

/// One step of the master as recorded for a batch (`<batch>/<step>`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StepRecord {
    pub id: String,
    pub execution: String,
    pub step: String,
    /// Position of the step in the master (0-based).
    pub seq: i64,
    pub stage: Stage,
    pub status: StepStatus,
    pub entered: Vec<ParamValue>,
    pub performed_at: UtcTime,
    pub recorded_at: UtcTime,
    pub recorded_by: UserName,
    pub verified_at: Option<UtcTime>,
    pub verified_by: Option<UserName>,
    pub note: Option<String>,
}

/// The step a record for `step` would be, checked against the order rule: the step exists, is not
/// recorded yet, and every earlier step is complete or skipped.
pub fn check_order<'a>(
    master: &'a MasterRecord,
    records: &[StepRecord],
    step: &str,
) -> Result<(usize, &'a MasterStep), DomainError> {
    let (idx, s) = master.step(step).ok_or_else(|| {
        DomainError::invalid("step", format!("{step:?} is not a step of this master"))
    })?;
    if records.iter().any(|r| r.step == s.code) {
        return Err(DomainError::Rule(crate::rule::Rule::StepRecorded {
            step: s.code.to_string(),
        }));
    }
    for earlier in &master.steps[..idx] {
        match records.iter().find(|r| r.step == earlier.code) {
            None => {
                return Err(DomainError::Rule(crate::rule::Rule::StepComesFirst {
                    step: earlier.code.to_string(),
                    name: earlier.name.to_string(),
                }));
            }
            Some(r) if r.status == StepStatus::AwaitingVerification => {
                return Err(DomainError::Rule(
                    crate::rule::Rule::StepAwaitsVerification {
                        step: earlier.code.to_string(),
                    },
                ));
            }
            Some(_) => {}
        }
    }
    Ok((idx, s))
}

/// The first step of the master with no record yet.
pub fn next_step<'a>(master: &'a MasterRecord, records: &[StepRecord]) -> Option<&'a MasterStep> {
    master
        .steps
        .iter()
        .find(|s| !records.iter().any(|r| r.step == s.code))
}

/// Judges the entered values of `step`: every parameter needs exactly one value; a value outside
/// its limits of a parameter that refuses breaches is refused naming the parameter.
pub fn evaluate(
    step: &MasterStep,
    values: &[(String, f64)],
) -> Result<Vec<ParamValue>, DomainError> {
    if let Some((unknown, _)) = values
        .iter()
        .find(|(c, _)| !step.parameters.iter().any(|p| &p.code == c))
    {
        return Err(DomainError::invalid(
            unknown.as_str(),
            format!("not a parameter of step {}", step.code),
        ));
    }
    let mut out = Vec::with_capacity(step.parameters.len());
    for p in &step.parameters {
        let v = values
            .iter()
            .find(|(c, _)| c == &p.code)
            .map(|(_, v)| *v)
            .ok_or_else(|| DomainError::invalid(p.code.as_str(), "enter a value"))?;
        let within = p.within(v)?;
        let limit = p.limit.text(&p.unit);
        if !within && p.on_breach == OnBreach::Refuse {
            return Err(DomainError::invalid(
                p.code.as_str(),
                format!(
                    "{v} {} is outside the limit {limit}: the master refuses it (do not go on; ask QA)",
                    p.unit
                ),
            ));
        }
        out.push(ParamValue {
            parameter: p.code.clone(),
            value: v,
            unit: p.unit.clone(),
            limit,
            within,
        });
    }
    Ok(out)
}

impl StepRecord {
    /// Records `step` (position `seq`) with its judged values, done at `performed_at`.
    #[allow(clippy::too_many_arguments)]
    pub fn record(
        execution: &BatchExecution,
        seq: usize,
        step: &MasterStep,
        values: Vec<ParamValue>,
        performed_at: UtcTime,
        note: Option<String>,
        by: &UserName,
        now: UtcTime,
    ) -> Result<StepRecord, DomainError> {
        plausible::not_after_entry("performed_at", performed_at, now)?;
        plausible::not_before(
            "performed_at",
            performed_at,
            execution.started_at,
            "the batch's start",
        )?;
        Ok(StepRecord {
            id: format!("{}/{}", execution.id, step.code),
            execution: execution.id.clone(),
            step: step.code.clone(),
            seq: seq as i64,
            stage: step.stage,
            status: if step.needs_second_person {
                StepStatus::AwaitingVerification
            } else {
                StepStatus::Complete
            },
            entered: values,
            performed_at,
            recorded_at: now,
            recorded_by: by.clone(),
            verified_at: None,
            verified_by: None,
            note: plausible::note("note", note)?,
        })
    }

    /// The record of a step not done, through a deviation.
    pub fn skipped(
        execution: &BatchExecution,
        seq: usize,
        step: &MasterStep,
        by: &UserName,
        now: UtcTime,
    ) -> StepRecord {
        StepRecord {
            id: format!("{}/{}", execution.id, step.code),
            execution: execution.id.clone(),
            step: step.code.clone(),
            seq: seq as i64,
            stage: step.stage,
            status: StepStatus::Skipped,
            entered: Vec::new(),
            performed_at: now,
            recorded_at: now,
            recorded_by: by.clone(),
            verified_at: None,
            verified_by: None,
            note: None,
        }
    }

    /// The second person's confirmation: `awaiting_verification → complete`, never by the person
    /// who recorded the step.
    pub fn verify(&self, by: &UserName, now: UtcTime) -> Result<StepRecord, DomainError> {
        if self.status != StepStatus::AwaitingVerification {
            return Err(TransitionError {
                entity: "step record",
                id: self.id.clone(),
                from: self.status.as_str(),
                action: "be verified",
            }
            .into());
        }
        if by == &self.recorded_by {
            return Err(DomainError::invalid(
                "verifier",
                format!(
                    "{by} recorded step {} and cannot verify it: a second, different person confirms",
                    self.step
                ),
            ));
        }
        let mut r = self.clone();
        r.status = StepStatus::Complete;
        r.verified_at = Some(now);
        r.verified_by = Some(by.clone());
        Ok(r)
    }
}

/// A deviation taken on a batch's step (`<batch>/<step>/D<n>`): a value outside its limits, or a
/// step skipped. QA decides it: `open → approved | rejected`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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

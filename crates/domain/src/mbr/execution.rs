//! A batch executed against one fixed master batch record version (製造記録): the step records
//! with the values entered and how each compares with its limits, the place (room, equipment) they
//! were done in, the second person's verification and the corrections made afterwards (each with
//! its reason and the values it replaced). The deviations live in `deviation`. Order rule: a step is recorded only after every earlier step is complete or skipped through a
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
    quantity::text,
};
use serde::{Deserialize, Serialize};

/// A batch started from a master: its id is the batch's id, `master` the version it follows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct BatchExecution {
    pub id: String,
    pub batch: BatchId,
    pub master: String,
    pub started_at: UtcTime,
    pub started_by: UserName,
}

impl BatchExecution {
    /// Starts `batch` against `version`, which must be the effective version of a master record;
    /// `at` is when the batch began (its seeding): steps are not done before it.
    pub fn start(
        batch: &BatchId,
        version: &DocumentVersion,
        by: &UserName,
        at: UtcTime,
    ) -> Result<BatchExecution, DomainError> {
        version.require_effective()?;
        Ok(BatchExecution {
            id: batch.to_string(),
            batch: batch.clone(),
            master: version.id.clone(),
            started_at: at,
            started_by: by.clone(),
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ParamValue {
    pub parameter: String,
    pub value: f64,
    pub unit: String,
    pub limit: String,
    pub within: bool,
}

/// One step of the master as recorded for a batch (`<batch>/<step>`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
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
    /// The room/zone and the equipment the step was done in/with, when the use case names them.
    #[serde(default)]
    pub room: Option<String>,
    #[serde(default)]
    pub equipment: Option<String>,
    /// Corrections made after the step was recorded, oldest first (stored NULL while none).
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub corrections: Vec<Correction>,
}

fn null_as_empty<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<Correction>, D::Error> {
    Ok(Option::<Vec<Correction>>::deserialize(d)?.unwrap_or_default())
}

/// A correction of a step's values: who, when, why, and the values it replaced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Correction {
    pub at: UtcTime,
    pub by: UserName,
    pub reason: String,
    pub previous: Vec<ParamValue>,
}

/// The step a record for `step` would be, checked against the order rule: the step exists, is not
/// recorded yet, and every earlier step is complete or skipped.
pub fn check_order<'a>(
    master: &'a MasterRecord,
    records: &[StepRecord],
    step: &str,
) -> Result<(usize, &'a MasterStep), DomainError> {
    let (idx, s) = master.step(step).ok_or_else(|| {
        DomainError::invalid(
            "step",
            crate::Why::said(
                format!("{step:?} is not a step of this master"),
                format!("{step:?} はこの指図書の工程ではありません"),
            ),
        )
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
            crate::Why::said(
                format!("not a parameter of step {}", step.code),
                format!("工程 {} のパラメータではありません", step.code),
            ),
        ));
    }
    let mut out = Vec::with_capacity(step.parameters.len());
    for p in &step.parameters {
        let v = values
            .iter()
            .find(|(c, _)| c == &p.code)
            .map(|(_, v)| *v)
            .ok_or_else(|| {
                DomainError::invalid(
                    p.code.as_str(),
                    crate::Why::said("enter a value", "値を入力してください"),
                )
            })?;
        let within = p.within(v)?;
        let limit = p.limit.text(&p.unit);
        if !within && p.on_breach == OnBreach::Refuse {
            return Err(DomainError::invalid(
                p.code.as_str(),
                crate::Why::said(
                    format!(
                        "{v} {} is outside the limit {limit}: the master refuses it (do not go on; ask QA)",
                        p.unit
                    ),
                    format!(
                        "指図書の許容範囲外です: 作業を止めて QA に相談してください ({v} {}; 許容範囲 {limit})",
                        p.unit
                    ),
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

/// Judges the values a use case supplies (`use_case::UseCase::supplies`) for its bound step: only
/// the step's parameters are taken, then judged as `evaluate` does.
pub fn evaluate_supplied(
    step: &MasterStep,
    supplied: &[(String, f64)],
) -> Result<Vec<ParamValue>, DomainError> {
    let taken: Vec<(String, f64)> = supplied
        .iter()
        .filter(|(c, _)| step.parameters.iter().any(|p| &p.code == c))
        .cloned()
        .collect();
    evaluate(step, &taken)
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
            ("the batch's start", "バッチの開始"),
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
            room: None,
            equipment: None,
            corrections: Vec::new(),
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
            room: None,
            equipment: None,
            corrections: Vec::new(),
        }
    }

    /// The step with corrected values (already judged by `evaluate`), keeping the values replaced
    /// with the reason. A skipped step has nothing to correct; a step needing a second person
    /// awaits a new verification.
    pub fn correct(
        &self,
        step: &MasterStep,
        values: Vec<ParamValue>,
        reason: &str,
        by: &UserName,
        now: UtcTime,
    ) -> Result<StepRecord, DomainError> {
        if self.status == StepStatus::Skipped {
            return Err(TransitionError {
                entity: "step record",
                id: self.id.clone(),
                from: self.status.as_str(),
                action: "be corrected",
            }
            .into());
        }
        let reason = text("reason", reason)?;
        let mut r = self.clone();
        r.corrections.push(Correction {
            at: now,
            by: by.clone(),
            reason,
            previous: std::mem::replace(&mut r.entered, values),
        });
        if step.needs_second_person {
            r.status = StepStatus::AwaitingVerification;
            r.verified_at = None;
            r.verified_by = None;
        }
        Ok(r)
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
                crate::Why::said(
                    format!(
                        "{by} recorded step {} and cannot verify it: a second, different person confirms",
                        self.step
                    ),
                    format!(
                        "記録した本人は確認できません: 別の担当者が確認します ({by}, 工程 {})",
                        self.step
                    ),
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

//! Which manufacturing use case executes a master step (issue 15, "one set of rules, not two"): a
//! step bound to a use case — seeding, starting conditioning, harvest, a processing step of one
//! kind, filling — is recorded by that use case when the batch was started from a master, with the
//! values the use case already takes (the seeding density, the conditioning hours, the harvest
//! volume …) judged against the step's limits by the same rules as a step entered on the
//! operator's page. A bound step's parameters must be values its use case supplies, so a master
//! can never ask a use case for a value it does not have. `record` and `execute` are the one path
//! a step takes, from the operator's page, a use case, or the generator.

use crate::{
    DomainError, UtcTime,
    ids::UserName,
    mbr::{
        deviation::StepDeviation,
        execution::{BatchExecution, ParamValue, StepRecord, check_order, evaluate_supplied},
        master::{MasterRecord, MasterStep},
    },
    processing::StepKind,
};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum UseCase {
    /// `seed_batch_from_master`: the batch is seeded and started from the master at once.
    Seeding,
    /// `start_conditioning`.
    Conditioning,
    /// `harvest` / `harvest_at`.
    Harvest,
    /// `record_processing_step` with a centrifugation.
    Centrifugation,
    /// … with a filtration.
    Filtration,
    /// … with an ultrafiltration / concentration.
    Ultrafiltration,
    /// … with a sterilisation.
    Sterilisation,
    /// `fill_vials` / `fill_vials_at`.
    Filling,
}

impl UseCase {
    pub const ALL: [UseCase; 8] = [
        UseCase::Seeding,
        UseCase::Conditioning,
        UseCase::Harvest,
        UseCase::Centrifugation,
        UseCase::Filtration,
        UseCase::Ultrafiltration,
        UseCase::Sterilisation,
        UseCase::Filling,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            UseCase::Seeding => "seeding",
            UseCase::Conditioning => "conditioning",
            UseCase::Harvest => "harvest",
            UseCase::Centrifugation => "centrifugation",
            UseCase::Filtration => "filtration",
            UseCase::Ultrafiltration => "ultrafiltration",
            UseCase::Sterilisation => "sterilisation",
            UseCase::Filling => "filling",
        }
    }

    pub fn name_ja(self) -> &'static str {
        match self {
            UseCase::Seeding => "播種",
            UseCase::Conditioning => "馴化開始",
            UseCase::Harvest => "回収",
            UseCase::Centrifugation => "遠心分離",
            UseCase::Filtration => "ろ過",
            UseCase::Ultrafiltration => "限外ろ過 / 濃縮",
            UseCase::Sterilisation => "滅菌",
            UseCase::Filling => "充填",
        }
    }

    pub fn parse(s: &str) -> Result<UseCase, DomainError> {
        UseCase::ALL
            .into_iter()
            .find(|u| u.as_str() == s.trim())
            .ok_or_else(|| DomainError::invalid("use_case", format!("unknown use case {s:?}")))
    }

    /// The values the use case supplies, by parameter code.
    pub fn supplies(self) -> &'static [&'static str] {
        match self {
            UseCase::Seeding => &["seeding_density", "vessel_count"],
            UseCase::Conditioning => &["hours"],
            UseCase::Harvest => &["volume_ml", "conditioning_hours"],
            UseCase::Centrifugation => &["g_force", "minutes"],
            UseCase::Filtration => &["pore_um"],
            UseCase::Ultrafiltration => &["cutoff_kda", "concentration_factor"],
            UseCase::Sterilisation => &[],
            UseCase::Filling => &["fill_volume", "count"],
        }
    }

    /// The use case of a processing step's kind, and the values it supplies.
    pub fn of_processing(kind: &StepKind) -> (UseCase, Vec<(String, f64)>) {
        let v = |pairs: &[(&str, f64)]| {
            pairs
                .iter()
                .map(|(c, v)| (c.to_string(), *v))
                .collect::<Vec<_>>()
        };
        match kind {
            StepKind::Centrifugation { g_force, minutes } => (
                UseCase::Centrifugation,
                v(&[("g_force", *g_force), ("minutes", *minutes)]),
            ),
            StepKind::Filtration { pore_um } => (UseCase::Filtration, v(&[("pore_um", *pore_um)])),
            StepKind::Ultrafiltration {
                cutoff_kda,
                concentration_factor,
            } => (
                UseCase::Ultrafiltration,
                v(&[
                    ("cutoff_kda", *cutoff_kda),
                    ("concentration_factor", *concentration_factor),
                ]),
            ),
            StepKind::Sterilisation { .. } => (UseCase::Sterilisation, Vec::new()),
        }
    }

    /// Refuses a parameter the use case does not supply, naming what it does.
    pub fn check_parameter(self, step: &str, code: &str) -> Result<(), DomainError> {
        if self.supplies().contains(&code) {
            return Ok(());
        }
        Err(DomainError::invalid(
            format!("parameter {code}"),
            format!(
                "step {step} is executed by {}, which supplies {}",
                self.as_str(),
                if self.supplies().is_empty() {
                    "no values".to_string()
                } else {
                    self.supplies().join(", ")
                }
            ),
        ))
    }
}

/// Records step `idx` with its judged values, and the deviation each value outside its limits
/// opens (numbered after the `deviations` the execution has).
#[allow(clippy::too_many_arguments)]
pub fn record(
    ex: &BatchExecution,
    (idx, s): (usize, &MasterStep),
    entered: Vec<ParamValue>,
    deviations: usize,
    performed_at: UtcTime,
    note: Option<String>,
    by: &UserName,
    now: UtcTime,
) -> Result<(StepRecord, Vec<StepDeviation>), DomainError> {
    let record = StepRecord::record(ex, idx, s, entered, performed_at, note, by, now)?;
    let opened = record
        .entered
        .iter()
        .filter(|v| !v.within)
        .enumerate()
        .map(|(i, v)| StepDeviation::breach(ex, s, deviations + i + 1, v, by, now))
        .collect();
    Ok((record, opened))
}

/// The step of `master` bound to `use_case` that the use case records now, or None when the master
/// binds no step to it; refused when every bound step is recorded already.
pub fn bound_step<'a>(
    master: &'a MasterRecord,
    records: &[StepRecord],
    use_case: UseCase,
    batch: &str,
) -> Result<Option<&'a MasterStep>, DomainError> {
    let bound: Vec<&MasterStep> = master
        .steps
        .iter()
        .filter(|s| s.use_case == Some(use_case))
        .collect();
    if bound.is_empty() {
        return Ok(None);
    }
    match bound
        .iter()
        .find(|s| !records.iter().any(|r| r.step == s.code))
    {
        Some(s) => Ok(Some(*s)),
        None => Err(DomainError::Rule(crate::rule::Rule::NoFurtherStep {
            batch: batch.to_string(),
            use_case: use_case.as_str().to_string(),
            recorded: bound
                .iter()
                .map(|s| s.code.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        })),
    }
}

/// The use case's execution of its bound step: the step must be next in the master's order (an
/// earlier step missing, skipped without approval or awaiting verification refuses it), its values
/// are judged against the limits (a refused breach refuses the use case). None when the master
/// binds no step to the use case.
#[allow(clippy::too_many_arguments)]
pub fn execute(
    ex: &BatchExecution,
    master: &MasterRecord,
    records: &[StepRecord],
    deviations: usize,
    use_case: UseCase,
    supplied: &[(String, f64)],
    performed_at: UtcTime,
    by: &UserName,
    now: UtcTime,
) -> Result<Option<(StepRecord, Vec<StepDeviation>)>, DomainError> {
    let batch = ex.batch.as_str();
    let Some(step) = bound_step(master, records, use_case, batch)? else {
        return Ok(None);
    };
    let (idx, s) = check_order(master, records, &step.code)?;
    let entered = evaluate_supplied(s, supplied)?;
    record(
        ex,
        (idx, s),
        entered,
        deviations,
        performed_at,
        None,
        by,
        now,
    )
    .map(Some)
}

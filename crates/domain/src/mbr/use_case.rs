//! Which manufacturing use case executes a master step (issue 15, "one set of rules, not two"): a
//! step bound to a use case — seeding, starting conditioning, harvest, a processing step of one
//! kind, filling — is recorded by that use case when the batch was started from a master, with the
//! values the use case already takes (the seeding density, the conditioning hours, the harvest
//! volume …) judged against the step's limits by the same rules as a step entered on the
//! operator's page. A bound step's parameters must be values its use case supplies, so a master
//! can never ask a use case for a value it does not have. `record` and `execute` are the one path
//! a step takes, from the operator's page, a use case, or the generator.
//!
//! Observations are repeated (a count every day), so a step bound to `Observation` — the culture's
//! check before it moves on (confluence before conditioning) — is not recorded by each one: it takes
//! the batch's latest observation made since the step before it when the batch moves past it (the
//! next step recorded, by a use case or on the operator's page; `settle_observations`).

use crate::{
    DomainError, UtcTime,
    batch::Observation,
    ids::UserName,
    mbr::{
        deviation::StepDeviation,
        execution::{
            BatchExecution, ParamValue, StepRecord, check_order, evaluate_supplied, next_step,
        },
        master::{MasterRecord, MasterStep},
    },
    processing::StepKind,
    rule::Rule,
};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum UseCase {
    /// `seed_batch_from_master`: the batch is seeded and started from the master at once.
    Seeding,
    /// `record_observation`: the latest observation when the batch moves past the step.
    Observation,
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
    pub const ALL: [UseCase; 9] = [
        UseCase::Seeding,
        UseCase::Observation,
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
            UseCase::Observation => "observation",
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
            UseCase::Observation => "観察記録",
            UseCase::Conditioning => "馴化開始",
            UseCase::Harvest => "上清回収",
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
            .ok_or_else(|| {
                DomainError::invalid(
                    "use_case",
                    crate::Why::said(
                        format!("unknown use case {s:?}"),
                        format!("{s:?} は記録の操作にありません"),
                    ),
                )
            })
    }

    /// The values the use case supplies, by parameter code.
    pub fn supplies(self) -> &'static [&'static str] {
        match self {
            UseCase::Seeding => &["seeding_density", "vessel_count", "passage"],
            UseCase::Observation => &["cell_count", "viability_pct", "confluence_pct"],
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
        let supplied = self.supplies().join(", ");
        Err(DomainError::invalid(
            format!("parameter {code}"),
            crate::Why::said(
                format!(
                    "step {step} is executed by {}, which supplies {}",
                    self.as_str(),
                    if supplied.is_empty() {
                        "no values"
                    } else {
                        &supplied
                    }
                ),
                format!(
                    "工程 {step} は別の操作 (画面) で記録します ({}: {})",
                    self.as_str(),
                    if supplied.is_empty() {
                        "値なし"
                    } else {
                        &supplied
                    }
                ),
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

/// The observation step the batch moves past when `target` (or, for None, a use case's step) is
/// recorded next: the first step not yet recorded, when it is bound to `Observation`, is not
/// `target` and every step before it is complete.
pub fn due_observation<'a>(
    master: &'a MasterRecord,
    records: &[StepRecord],
    target: Option<&str>,
) -> Option<(usize, &'a MasterStep)> {
    let s = next_step(master, records)?;
    if s.use_case != Some(UseCase::Observation) || target == Some(s.code.as_str()) {
        return None;
    }
    check_order(master, records, &s.code).ok()
}

/// Records the observation steps due before `target` (`due_observation`), each from the batch's
/// latest observation made since the step before it was done and not after `until` (when the
/// batch moves on), its values judged against the step's limits like any step's; refused, naming
/// the step, when no observation was made since.
#[allow(clippy::too_many_arguments)]
pub fn settle_observations(
    ex: &BatchExecution,
    master: &MasterRecord,
    records: &[StepRecord],
    deviations: usize,
    target: Option<&str>,
    observations: &[Observation],
    until: UtcTime,
    by: &UserName,
    now: UtcTime,
) -> Result<Vec<(StepRecord, Vec<StepDeviation>)>, DomainError> {
    let mut done: Vec<StepRecord> = records.to_vec();
    let mut opened = deviations;
    let mut out = Vec::new();
    while let Some((idx, s)) = due_observation(master, &done, target) {
        let since = done
            .iter()
            .map(|r| r.performed_at)
            .max()
            .unwrap_or(ex.started_at);
        let Some(o) = observations
            .iter()
            .filter(|o| o.observed_at >= since && o.observed_at <= until)
            .max_by_key(|o| (o.observed_at, o.id.clone()))
        else {
            return Err(DomainError::Rule(Rule::ObservationDue {
                batch: ex.batch.to_string(),
                step: s.code.clone(),
                after: idx
                    .checked_sub(1)
                    .map(|i| master.steps[i].code.clone())
                    .unwrap_or_default(),
            }));
        };
        let supplied = [
            ("cell_count".to_string(), o.cell_count),
            ("viability_pct".to_string(), o.viability_pct),
            ("confluence_pct".to_string(), o.confluence_pct),
        ];
        let entered = evaluate_supplied(s, &supplied)?;
        let (r, d) = record(
            ex,
            (idx, s),
            entered,
            opened,
            o.observed_at,
            Some(format!("observation {}", o.id)),
            by,
            now,
        )?;
        opened += d.len();
        done.push(r.clone());
        out.push((r, d));
    }
    Ok(out)
}

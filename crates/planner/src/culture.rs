//! Forward simulation of a whole culture: expansion stages across vessels with passaging (explicit
//! stages, or by split ratio), the serum-free conditioning phase, downstream recovery and
//! concentration, vials and doses.

use serde::{Deserialize, Serialize};

use crate::error::{PlanError, Said, at_least, fraction, non_negative, open_fraction, positive};
use crate::factor::Factor;
use crate::kinetics::concentration;
use crate::kinetics::{Growth, population_doublings};
use crate::params::SourceParams;
use crate::vessel::{Vessel, VesselSpec};

/// One stage: a set of identical vessels seeded together and grown to a confluence fraction.
/// The last stage of a process is the one that is conditioned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StagePlan {
    /// Vessel type.
    pub vessel: Vessel,
    /// Number of vessels (≥ 1).
    pub vessels: u32,
    /// Cells seeded; `None` = all cells recovered from the previous stage (split-ratio passaging).
    pub seeded_cells: Option<f64>,
    /// Fraction of confluence (0–1, exclusive) at which the stage is passaged or conditioned.
    pub grow_to_confluence: f64,
}

/// The serum-free conditioning phase (cells assumed not to grow, N constant).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConditioningSpec {
    /// Duration T, h.
    pub hours: f64,
    /// Medium per vessel, mL; `None` = the vessel's working volume.
    pub volume_ml_per_vessel: Option<f64>,
}

/// Clarification, ultrafiltration, filling.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DownstreamSpec {
    /// Fraction of the conditioned medium volume recovered at harvest and clarification (0–1].
    pub volume_recovery: f64,
    /// Ultrafiltration concentration factor (≥ 1; 1 = no concentration).
    pub concentration_factor: f64,
    /// Fraction of each factor recovered (0–1]; `None` = each factor's own parameter.
    pub factor_recovery: Option<f64>,
    /// Fill volume per vial, mL.
    pub vial_ml: f64,
    /// Doses per vial.
    pub doses_per_vial: u32,
    /// Hours from harvest to filled vials.
    pub hours: f64,
}

/// A whole process to simulate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProcessSpec {
    /// Expansion stages, the last one being conditioned.
    pub stages: Vec<StagePlan>,
    /// Passage number of the cells seeded into the first stage.
    pub start_passage: u32,
    /// Fraction of cells recovered alive at each passage (0–1].
    pub passage_recovery: f64,
    /// Hours between medium changes during expansion.
    pub feed_interval_h: f64,
    /// Conditioning phase.
    pub conditioning: ConditioningSpec,
    /// Downstream processing.
    pub downstream: DownstreamSpec,
}

/// What happened in one stage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StageOutcome {
    /// Vessel name.
    pub vessel: String,
    /// Number of vessels.
    pub vessels: u32,
    /// Total growth area, cm².
    pub area_cm2: f64,
    /// Passage number of the cells in this stage.
    pub passage: u32,
    /// Cells seeded.
    pub seeded_cells: f64,
    /// Seeding density, cells/cm².
    pub seeding_density: f64,
    /// Hours from the first seeding.
    pub start_h: f64,
    /// Hours from the first seeding at passage / conditioning start (whole hours, rounded up).
    pub end_h: f64,
    /// Cells at the end of the stage.
    pub cells_at_end: f64,
    /// Growth medium used, mL (initial fill plus one full change per feed interval).
    pub medium_ml: f64,
}

/// Predicted concentration of one factor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FactorOutcome {
    /// Factor.
    pub factor: Factor,
    /// `pg/mL` or `particles/mL`.
    pub unit: String,
    /// In the conditioned medium at harvest.
    pub at_harvest: f64,
    /// In the product after recovery and concentration.
    pub in_product: f64,
}

/// Result of a simulation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    /// Every stage, the last one conditioned.
    pub stages: Vec<StageOutcome>,
    /// Hours from first seeding to conditioning start.
    pub conditioning_start_h: f64,
    /// Hours from first seeding to harvest.
    pub harvest_h: f64,
    /// Hours from first seeding to filled vials.
    pub finish_h: f64,
    /// Cells during conditioning.
    pub conditioning_cells: f64,
    /// Conditioning medium, mL (serum-free).
    pub conditioning_volume_ml: f64,
    /// Conditioned medium recovered at harvest, mL.
    pub harvest_volume_ml: f64,
    /// Product after concentration, mL.
    pub product_volume_ml: f64,
    /// Whole vials filled.
    pub vials: u64,
    /// Doses.
    pub doses: u64,
    /// Growth medium over all stages, mL.
    pub growth_medium_ml: f64,
    /// Cumulative population doublings from the first seeding to conditioning.
    pub population_doublings: f64,
    /// Per factor.
    pub factors: Vec<FactorOutcome>,
}

/// The growth kinetics of a parameter set.
pub fn growth_of(params: &SourceParams) -> Result<Growth, PlanError> {
    let g = &params.growth;
    Growth::logistic(
        positive("parameters.growth.doubling_time_h", g.doubling_time_h.value)?,
        non_negative("parameters.growth.lag_h", g.lag_h.value)?,
        positive(
            "parameters.growth.confluence_density",
            g.confluence_density.value,
        )?,
    )
}

fn validate(spec: &ProcessSpec) -> Result<(), PlanError> {
    if spec.stages.is_empty() {
        return Err(PlanError::Invalid {
            field: "stages".into(),
            reason: Said::new(
                "at least one stage is needed",
                "培養工程が 1 つ以上必要です",
            ),
        });
    }
    for (i, s) in spec.stages.iter().enumerate() {
        let f = format!("stages[{i}]");
        s.vessel.validate(&format!("{f}.vessel"))?;
        positive(&format!("{f}.vessels"), f64::from(s.vessels))?;
        open_fraction(&format!("{f}.grow_to_confluence"), s.grow_to_confluence)?;
        match s.seeded_cells {
            Some(n) => {
                positive(&format!("{f}.seeded_cells"), n)?;
            }
            None if i == 0 => {
                return Err(PlanError::Invalid {
                    field: format!("{f}.seeded_cells"),
                    reason: Said::new(
                        "the first stage needs a number of cells",
                        "最初の工程には播種細胞数が必要です",
                    ),
                });
            }
            None => {}
        }
    }
    fraction("passage_recovery", spec.passage_recovery)?;
    at_least("feed_interval_h", spec.feed_interval_h, 1.0)?;
    positive("conditioning.hours", spec.conditioning.hours)?;
    if let Some(v) = spec.conditioning.volume_ml_per_vessel {
        positive("conditioning.volume_ml_per_vessel", v)?;
    }
    let d = &spec.downstream;
    fraction("downstream.volume_recovery", d.volume_recovery)?;
    at_least(
        "downstream.concentration_factor",
        d.concentration_factor,
        1.0,
    )?;
    if let Some(r) = d.factor_recovery {
        fraction("downstream.factor_recovery", r)?;
    }
    positive("downstream.vial_ml", d.vial_ml)?;
    non_negative("downstream.hours", d.hours)?;
    Ok(())
}

/// Simulate `spec` with `params`. Stage ends are rounded up to whole hours (operators work in hours).
pub fn simulate(params: &SourceParams, spec: &ProcessSpec) -> Result<Outcome, PlanError> {
    validate(spec)?;
    params.validate()?;
    let growth = growth_of(params)?;
    let sigma = params.growth.confluence_density.value;
    let mut stages = Vec::with_capacity(spec.stages.len());
    let mut t = 0.0;
    let mut available = f64::INFINITY;
    let mut doublings = 0.0;
    for (i, s) in spec.stages.iter().enumerate() {
        let area = s.vessel.area_cm2 * f64::from(s.vessels);
        let seeded = s.seeded_cells.unwrap_or(available);
        if seeded > available * (1.0 + 1e-9) {
            return Err(PlanError::Impossible {
                field: format!("stages[{i}].seeded_cells"),
                reason: Said::new(
                    format!(
                        "seeds {seeded:.3e} cells but only {available:.3e} are recovered from the stage before"
                    ),
                    format!(
                        "{seeded:.3e} 個を播種しますが、前の工程から回収できるのは {available:.3e} 個です"
                    ),
                ),
            });
        }
        let target = s.grow_to_confluence * sigma * area;
        let hours =
            growth
                .time_to_reach(seeded, area, target)
                .ok_or_else(|| PlanError::Impossible {
                    field: format!("stages[{i}].grow_to_confluence"),
                    reason: Said::new(
                        "the culture never reaches this confluence",
                        "この培養はこのコンフルエンスに達しません",
                    ),
                })?;
        let hours = hours.ceil();
        let end = growth.cells_at(seeded, area, hours);
        doublings += population_doublings(seeded, end).max(0.0);
        let changes = (hours / spec.feed_interval_h).floor();
        stages.push(StageOutcome {
            vessel: s.vessel.name.clone(),
            vessels: s.vessels,
            area_cm2: area,
            passage: spec.start_passage + i as u32,
            seeded_cells: seeded,
            seeding_density: seeded / area,
            start_h: t,
            end_h: t + hours,
            cells_at_end: end,
            medium_ml: f64::from(s.vessels) * s.vessel.working_volume_ml * (1.0 + changes),
        });
        t += hours;
        available = end * spec.passage_recovery;
    }
    let last_plan = &spec.stages[spec.stages.len() - 1];
    let last = &stages[stages.len() - 1];
    let n = last.cells_at_end;
    let per_vessel = spec
        .conditioning
        .volume_ml_per_vessel
        .unwrap_or(last_plan.vessel.working_volume_ml);
    let volume = per_vessel * f64::from(last.vessels);
    let hours = spec.conditioning.hours;
    let d = &spec.downstream;
    let harvest_volume = volume * d.volume_recovery;
    let product_volume = harvest_volume / d.concentration_factor;
    let vials = (product_volume / d.vial_ml + 1e-9).floor() as u64;
    let mut factors = Vec::with_capacity(params.secretion.len());
    for (&f, sp) in &params.secretion {
        let c = concentration(sp.rate.value, n, volume, sp.degradation_per_h.value, hours);
        let rec = d.factor_recovery.unwrap_or(sp.downstream_recovery.value);
        factors.push(FactorOutcome {
            factor: f,
            unit: f.unit().to_owned(),
            at_harvest: c,
            in_product: c * rec * d.concentration_factor,
        });
    }
    Ok(Outcome {
        conditioning_start_h: t,
        harvest_h: t + hours,
        finish_h: t + hours + d.hours,
        conditioning_cells: n,
        conditioning_volume_ml: volume,
        harvest_volume_ml: harvest_volume,
        product_volume_ml: product_volume,
        vials,
        doses: vials * u64::from(d.doses_per_vial),
        growth_medium_ml: stages.iter().map(|s| s.medium_ml).sum(),
        population_doublings: doublings,
        stages,
        factors,
    })
}

impl Outcome {
    /// Cells in culture `t` hours after the first seeding, under `growth` (the plan's kinetics, or a
    /// perturbed set for uncertainty). Each stage starts from its planned seeding; conditioning
    /// keeps the cell number constant. `None` outside the culture (before 0 or after harvest).
    pub fn cells_at(&self, growth: &Growth, t: f64) -> Option<f64> {
        if t < 0.0 || t > self.harvest_h {
            return None;
        }
        let stage = self.stages.iter().find(|s| t <= s.end_h);
        match stage {
            Some(s) => Some(growth.cells_at(s.seeded_cells, s.area_cm2, t - s.start_h)),
            None => {
                let s = self.stages.last()?;
                Some(growth.cells_at(s.seeded_cells, s.area_cm2, s.end_h - s.start_h))
            }
        }
    }

    /// The factor's prediction, if simulated.
    pub fn factor(&self, factor: Factor) -> Option<&FactorOutcome> {
        self.factors.iter().find(|f| f.factor == factor)
    }
}

// ---- passaging by split ratio: "seed n flasks, split 1:s at each passage" ----

/// Expansion by split ratio in one vessel type; the last stage is conditioned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SplitSpec {
    /// Vessel type for every stage.
    pub vessel: VesselSpec,
    /// Vessels seeded at the start.
    pub initial_vessels: u32,
    /// Seeding density of the first stage, cells/cm².
    pub seeding_density: f64,
    /// Number of passages (0 = condition the first stage).
    pub passages: u32,
    /// Split ratio s of a 1:s split: each vessel's cells go into s vessels.
    pub split_ratio: u32,
    /// Confluence fraction at which each stage is passaged.
    pub passage_at_confluence: f64,
    /// Confluence fraction at which the last stage is conditioned.
    pub condition_at_confluence: f64,
}

impl SplitSpec {
    /// The stages: vessels multiply by the split ratio at each passage; every cell recovered is
    /// reseeded.
    pub fn stages(&self) -> Result<Vec<StagePlan>, PlanError> {
        let vessel = self.vessel.vessel();
        vessel.validate("vessel")?;
        positive("initial_vessels", f64::from(self.initial_vessels))?;
        positive("seeding_density", self.seeding_density)?;
        positive("split_ratio", f64::from(self.split_ratio))?;
        open_fraction("passage_at_confluence", self.passage_at_confluence)?;
        open_fraction("condition_at_confluence", self.condition_at_confluence)?;
        let mut stages = Vec::with_capacity(self.passages as usize + 1);
        let mut vessels = self.initial_vessels;
        for i in 0..=self.passages {
            let last = i == self.passages;
            stages.push(StagePlan {
                vessel: vessel.clone(),
                vessels,
                seeded_cells: (i == 0)
                    .then(|| self.seeding_density * vessel.area_cm2 * f64::from(vessels)),
                grow_to_confluence: if last {
                    self.condition_at_confluence
                } else {
                    self.passage_at_confluence
                },
            });
            vessels = vessels
                .checked_mul(self.split_ratio)
                .ok_or_else(|| PlanError::Invalid {
                    field: "split_ratio".into(),
                    reason: Said::new(
                        format!(
                            "{} is too large: the vessel count must fit in 32 bits",
                            self.split_ratio
                        ),
                        format!(
                            "{} は大きすぎます: 容器数が 32 ビットに収まりません",
                            self.split_ratio
                        ),
                    ),
                })?;
        }
        Ok(stages)
    }
}

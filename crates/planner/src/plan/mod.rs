//! Planning: a target ("N vials of M mL with VEGF ≥ X pg/mL by date D") → a dated schedule of
//! seeding, passages, conditioning and harvest, with vessels, medium and predicted concentrations.

mod build;
mod request;
mod text;
mod uncertainty;

use jiff::SignedDuration;
use jiff::civil::{Date, DateTime};
use serde::{Deserialize, Serialize};

pub use request::{
    Conditioning, Downstream, Expansion, PlanRequest, StartCells, Target, parse_override,
    request_from,
};
pub use text::render_text;
pub use uncertainty::{Prediction, TrajectoryPoint, band_at, cells_over_time};

use crate::culture::Outcome;
use crate::error::PlanError;
use crate::factor::FACTORS;
use crate::params::{Param, Provenance, SourceParams};

/// Longest campaign planned (two years): bounds the schedule's length for any input.
const MAX_CAMPAIGN_H: f64 = 2.0 * 366.0 * 24.0;

/// What happens at a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum StepKind {
    /// Seed the first vessels.
    Seed,
    /// Medium change.
    Feed,
    /// Harvest cells and seed the next stage.
    Passage,
    /// Switch to serum-free medium.
    ConditioningStart,
    /// Collect the conditioned medium.
    Harvest,
    /// Vials filled (end of downstream processing).
    Fill,
}

/// One dated step of the schedule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Step {
    /// Date and time (local facility time).
    pub at: DateTime,
    /// Hours from the first seeding.
    pub hours: f64,
    /// What happens.
    pub kind: StepKind,
    /// In words, with vessels and cells.
    pub description: String,
}

/// Vessels of one type used over the campaign.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VesselUse {
    /// Vessel name.
    pub vessel: String,
    /// Vessels used (single-use, summed over stages).
    pub count: u64,
}

/// A parameter with its label, as shown in the plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LabelledParam {
    /// What it is.
    pub name: String,
    /// Value, unit, provenance, citation.
    pub param: Param,
}

/// A schedule for a campaign, with predictions and the parameters it rests on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// The request planned.
    pub request: PlanRequest,
    /// First seeding.
    pub start: DateTime,
    /// Vials filled.
    pub finish: DateTime,
    /// Latest first seeding that still meets the deadline.
    pub latest_start: DateTime,
    /// Conditioning hours chosen (≥ the requested hours when a target needed longer).
    pub conditioning_hours: f64,
    /// Passages performed.
    pub passages: u32,
    /// Start cells not needed (bank or discard).
    pub surplus_start_cells: f64,
    /// Dated steps.
    pub steps: Vec<Step>,
    /// Stages, volumes, vials.
    pub outcome: Outcome,
    /// Every factor's predicted concentration in the product, with 95 % interval.
    pub predictions: Vec<Prediction>,
    /// Vessels needed.
    pub vessels: Vec<VesselUse>,
    /// Growth medium, L.
    pub growth_medium_l: f64,
    /// Serum-free conditioning medium, L.
    pub conditioning_medium_l: f64,
    /// Predicted cells over time with 95 % prediction band.
    pub trajectory: Vec<TrajectoryPoint>,
    /// Parameters used (with provenance: literature defaults are labelled as such).
    pub parameters: Vec<LabelledParam>,
    /// The parameter set (for plan-vs-actual tracking).
    pub params: SourceParams,
    /// Things the user should know.
    pub warnings: Vec<String>,
}

fn add_hours(start: DateTime, hours: f64, field: &str) -> Result<DateTime, PlanError> {
    let d = SignedDuration::try_from_secs_f64(hours * 3600.0).map_err(|e| PlanError::Invalid {
        field: field.into(),
        reason: format!("{hours} h is not a representable duration: {e}"),
    })?;
    start.checked_add(d).map_err(|e| PlanError::Invalid {
        field: field.into(),
        reason: format!("date out of range: {e}"),
    })
}

impl Plan {
    /// Hours from the first seeding to `at`.
    pub fn hours_at(&self, at: DateTime) -> f64 {
        self.start.duration_until(at).as_secs_f64() / 3600.0
    }

    /// Date and time `hours` after the first seeding.
    pub fn date_at(&self, hours: f64) -> Result<DateTime, PlanError> {
        add_hours(self.start, hours, "hours")
    }
}

fn end_of(day: Date) -> Result<DateTime, PlanError> {
    add_hours(
        day.to_datetime(jiff::civil::Time::midnight()),
        24.0,
        "deadline",
    )
}

fn steps(out: &Outcome, start: DateTime, feed_h: f64) -> Result<Vec<Step>, PlanError> {
    let mut steps = Vec::new();
    let mut push = |hours: f64, kind: StepKind, description: String| -> Result<(), PlanError> {
        steps.push(Step {
            at: add_hours(start, hours, "schedule")?,
            hours,
            kind,
            description,
        });
        Ok(())
    };
    for (i, s) in out.stages.iter().enumerate() {
        let what = format!(
            "seed {} × {} with {:.3e} cells ({:.0} cells/cm², P{})",
            s.vessels, s.vessel, s.seeded_cells, s.seeding_density, s.passage
        );
        if i == 0 {
            push(s.start_h, StepKind::Seed, what)?;
        } else {
            let prev = &out.stages[i - 1];
            push(
                s.start_h,
                StepKind::Passage,
                format!("harvest {:.3e} cells; {what}", prev.cells_at_end),
            )?;
        }
        let mut t = s.start_h + feed_h;
        while t < s.end_h {
            push(
                t,
                StepKind::Feed,
                format!("medium change, {} × {}", s.vessels, s.vessel),
            )?;
            t += feed_h;
        }
    }
    let last = out.stages.last().ok_or_else(|| PlanError::Invalid {
        field: "stages".into(),
        reason: "empty".into(),
    })?;
    push(
        out.conditioning_start_h,
        StepKind::ConditioningStart,
        format!(
            "wash, add {:.0} mL serum-free medium to {} × {} ({:.3e} cells)",
            out.conditioning_volume_ml, last.vessels, last.vessel, out.conditioning_cells
        ),
    )?;
    push(
        out.harvest_h,
        StepKind::Harvest,
        format!(
            "collect conditioned medium (≈ {:.0} mL recovered)",
            out.harvest_volume_ml
        ),
    )?;
    push(
        out.finish_h,
        StepKind::Fill,
        format!(
            "{} vials filled ({:.1} mL product)",
            out.vials, out.product_volume_ml
        ),
    )?;
    Ok(steps)
}

/// Plan `req` with `params` (defaults, or `CalibrationReport::params_for`). `now` is the first
/// seeding when the request gives no start.
pub fn plan(req: &PlanRequest, params: &SourceParams, now: DateTime) -> Result<Plan, PlanError> {
    req.validate()?;
    params.validate()?;
    let start = req.start.unwrap_or(now);
    let c = &req.conditioning;
    let d = &req.downstream;
    let layout = build::layout(req, params, c.hours)?;
    // Conditioning hours: the shortest whole hour from `hours` to `max_hours` meeting every target.
    let predict_all = |out: &Outcome, hours: f64| -> Vec<Prediction> {
        FACTORS
            .into_iter()
            .filter_map(|f| {
                let mut p = uncertainty::predict(
                    out,
                    params,
                    f,
                    hours,
                    d.concentration_factor,
                    d.factor_recovery,
                )?;
                p.min_required = req.target.min_concentration.get(&f).copied();
                Some(p)
            })
            .collect()
    };
    let lower = req.target.require_lower_bound;
    let mut hours = c.hours;
    let (outcome, predictions) = loop {
        let out = build::run(params, &layout, hours)?;
        let preds = predict_all(&out, hours);
        if preds.iter().all(|p| p.meets(lower)) {
            break (out, preds);
        }
        if hours >= c.max_hours {
            let p = preds
                .iter()
                .find(|p| !p.meets(lower))
                .ok_or_else(|| PlanError::Invalid {
                    field: "target".into(),
                    reason: "internal: no failing factor".into(),
                })?;
            return Err(impossible_concentration(
                p,
                lower,
                hours,
                d.concentration_factor,
                params,
            ));
        }
        hours = (hours.floor() + 1.0).min(c.max_hours);
    };
    let mut warnings = Vec::new();
    let finish = add_hours(start, outcome.finish_h, "schedule")?;
    let deadline_end = end_of(req.deadline)?;
    if finish > deadline_end {
        return Err(PlanError::Impossible {
            field: "deadline".into(),
            reason: format!(
                "the earliest finish is {} ({:.0} h = {:.1} days from the first seeding {start}), after the end of {}",
                finish.strftime("%Y-%m-%d %H:%M"),
                outcome.finish_h,
                outcome.finish_h / 24.0,
                req.deadline
            ),
        });
    }
    if outcome.finish_h > MAX_CAMPAIGN_H {
        return Err(PlanError::Impossible {
            field: "target".into(),
            reason: format!(
                "the campaign would take {:.0} days; the planner stops at two years",
                outcome.finish_h / 24.0
            ),
        });
    }
    let latest_start = add_hours(deadline_end, -outcome.finish_h, "deadline")?;
    if hours > c.hours {
        warnings.push(format!(
            "conditioning lengthened from {} h to {hours} h to meet the concentration target",
            c.hours
        ));
    }
    for p in &predictions {
        if let Some(m) = p.min_required {
            if p.lower95 < m {
                warnings.push(format!(
                    "{}: the lower 95 % bound {:.3e} {} is below the target {m} (prediction {:.3e})",
                    p.factor, p.lower95, p.unit, p.in_product
                ));
            }
            if p.rate_status != Provenance::Calibrated {
                warnings.push(format!(
                    "{}: secretion rate not calibrated on this facility's batches ({} default)",
                    p.factor, p.rate_status
                ));
            }
        }
    }
    if params.growth.doubling_time_h.status != Provenance::Calibrated {
        warnings.push(format!(
            "growth parameters not calibrated ({} defaults): dates will move once calibrated",
            params.growth.doubling_time_h.status
        ));
    }
    let final_passage = outcome.stages.last().map_or(0, |s| s.passage);
    if f64::from(final_passage) >= params.senescence_passage.value {
        warnings.push(format!(
            "conditioning at P{final_passage}: at or past senescence (P{})",
            params.senescence_passage.value
        ));
    }
    if let Some(max) = &params.max_population_doublings
        && outcome.population_doublings > max.value
    {
        warnings.push(format!(
            "{:.1} population doublings exceed the limit {} ({})",
            outcome.population_doublings, max.value, max.source
        ));
    }
    let mut vessels: Vec<VesselUse> = Vec::new();
    for s in &outcome.stages {
        match vessels.iter_mut().find(|v| v.vessel == s.vessel) {
            Some(v) => v.count += u64::from(s.vessels),
            None => vessels.push(VesselUse {
                vessel: s.vessel.clone(),
                count: u64::from(s.vessels),
            }),
        }
    }
    let steps = steps(&outcome, start, req.expansion.feed_interval_h)?;
    let trajectory =
        uncertainty::trajectory(&outcome, params, (outcome.harvest_h / 150.0).max(1.0));
    Ok(Plan {
        request: req.clone(),
        start,
        finish,
        latest_start,
        conditioning_hours: hours,
        passages: layout.passages,
        surplus_start_cells: layout.surplus_start_cells,
        steps,
        growth_medium_l: outcome.growth_medium_ml / 1000.0,
        conditioning_medium_l: outcome.conditioning_volume_ml / 1000.0,
        outcome,
        predictions,
        vessels,
        trajectory,
        parameters: params
            .labelled()
            .into_iter()
            .map(|(name, param)| LabelledParam { name, param })
            .collect(),
        params: params.clone(),
        warnings,
    })
}

fn impossible_concentration(
    p: &Prediction,
    lower: bool,
    hours: f64,
    cf: f64,
    params: &SourceParams,
) -> PlanError {
    let min = p.min_required.unwrap_or(0.0);
    let achieved = if lower { p.lower95 } else { p.in_product };
    let needed_cf = cf * min / achieved;
    PlanError::Impossible {
        field: format!("target.min_concentration.{}", p.factor.key()),
        reason: format!(
            "{} reaches {:.3e} {} ({}) after {hours} h of conditioning with {cf}× concentration, below {min}; \
             it would need a concentration factor ≥ {needed_cf:.1}, a denser or smaller-volume conditioning, \
             or a higher secretion rate (the rate used is {} {}: {})",
            p.factor,
            achieved,
            p.unit,
            if lower {
                "lower 95 % bound"
            } else {
                "prediction"
            },
            p.rate_status,
            params
                .secretion
                .get(&p.factor)
                .map_or(f64::NAN, |s| s.rate.value),
            p.factor.rate_unit(),
        ),
    }
}

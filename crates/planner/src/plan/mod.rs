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
use crate::error::{PlanError, Said};
use crate::factor::FACTORS;
use crate::note::Note;
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
    /// The same in Japanese.
    pub description_ja: String,
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
    pub warnings: Vec<Note>,
}

fn add_hours(start: DateTime, hours: f64, field: &str) -> Result<DateTime, PlanError> {
    let d = SignedDuration::try_from_secs_f64(hours * 3600.0).map_err(|e| PlanError::Invalid {
        field: field.into(),
        reason: Said::new(
            format!("{hours} h is not a representable duration: {e}"),
            format!("{hours} 時間は表せる期間を超えています"),
        ),
    })?;
    start.checked_add(d).map_err(|e| PlanError::Invalid {
        field: field.into(),
        reason: Said::new(format!("date out of range: {e}"), "日付が範囲外です"),
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
    let mut push = |hours: f64, kind: StepKind, (description, description_ja): (String, String)| {
        steps.push(Step {
            at: add_hours(start, hours, "schedule")?,
            hours,
            kind,
            description,
            description_ja,
        });
        Ok::<(), PlanError>(())
    };
    for (i, s) in out.stages.iter().enumerate() {
        let what = format!(
            "seed {} × {} with {:.3e} cells ({:.0} cells/cm², P{})",
            s.vessels, s.vessel, s.seeded_cells, s.seeding_density, s.passage
        );
        let what_ja = format!(
            "播種: {} × {}、{:.3e} 個 ({:.0} 個/cm², P{})",
            s.vessels,
            vessel_ja(&s.vessel),
            s.seeded_cells,
            s.seeding_density,
            s.passage
        );
        if i == 0 {
            push(s.start_h, StepKind::Seed, (what, what_ja))?;
        } else {
            let prev = &out.stages[i - 1];
            push(
                s.start_h,
                StepKind::Passage,
                (
                    format!("harvest {:.3e} cells; {what}", prev.cells_at_end),
                    format!("細胞剥離 {:.3e} 個; {what_ja}", prev.cells_at_end),
                ),
            )?;
        }
        let mut t = s.start_h + feed_h;
        while t < s.end_h {
            push(
                t,
                StepKind::Feed,
                (
                    format!("medium change, {} × {}", s.vessels, s.vessel),
                    format!("培地交換: {} × {}", s.vessels, vessel_ja(&s.vessel)),
                ),
            )?;
            t += feed_h;
        }
    }
    let last = out.stages.last().ok_or_else(|| PlanError::Invalid {
        field: "stages".into(),
        reason: Said::new("empty", "空です"),
    })?;
    push(
        out.conditioning_start_h,
        StepKind::ConditioningStart,
        (
            format!(
                "wash, add {:.0} mL serum-free medium to {} × {} ({:.3e} cells)",
                out.conditioning_volume_ml, last.vessels, last.vessel, out.conditioning_cells
            ),
            format!(
                "洗浄後、{:.0} mL の無血清培地を添加: {} × {} ({:.3e} 個)",
                out.conditioning_volume_ml,
                last.vessels,
                vessel_ja(&last.vessel),
                out.conditioning_cells
            ),
        ),
    )?;
    push(
        out.harvest_h,
        StepKind::Harvest,
        (
            format!(
                "collect conditioned medium (≈ {:.0} mL recovered)",
                out.harvest_volume_ml
            ),
            format!("馴化培地を上清回収 (約 {:.0} mL)", out.harvest_volume_ml),
        ),
    )?;
    push(
        out.finish_h,
        StepKind::Fill,
        (
            format!(
                "{} vials filled ({:.1} mL product)",
                out.vials, out.product_volume_ml
            ),
            format!(
                "{} 本充填 (製品 {:.1} mL)",
                out.vials, out.product_volume_ml
            ),
        ),
    )?;
    Ok(steps)
}

/// A vessel's name in Japanese: the standard multilayer stacks (`5-layer stack`) in words, the
/// flasks and a facility's own vessels as named.
fn vessel_ja(name: &str) -> String {
    match name.strip_suffix("-layer stack") {
        Some(layers) => format!("{layers} 段積層フラスコ"),
        None => name.to_string(),
    }
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
                    reason: Said::new(
                        "internal: no failing factor",
                        "内部エラー: 目標に届かない因子が見つかりません",
                    ),
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
            reason: Said::new(
                format!(
                    "the earliest finish is {} ({:.0} h = {:.1} days from the first seeding {start}), after the end of {}",
                    finish.strftime("%Y-%m-%d %H:%M"),
                    outcome.finish_h,
                    outcome.finish_h / 24.0,
                    req.deadline
                ),
                format!(
                    "最も早い完了は {} (初回播種 {} から {:.0} 時間 = {:.1} 日) で、{} の終わりより後です",
                    finish.strftime("%Y-%m-%d %H:%M"),
                    start.strftime("%Y-%m-%d %H:%M"),
                    outcome.finish_h,
                    outcome.finish_h / 24.0,
                    req.deadline
                ),
            ),
        });
    }
    if outcome.finish_h > MAX_CAMPAIGN_H {
        return Err(PlanError::Impossible {
            field: "target".into(),
            reason: Said::new(
                format!(
                    "the campaign would take {:.0} days; the planner stops at two years",
                    outcome.finish_h / 24.0
                ),
                format!(
                    "製造に {:.0} 日かかります (計画できるのは 2 年まで)",
                    outcome.finish_h / 24.0
                ),
            ),
        });
    }
    let latest_start = add_hours(deadline_end, -outcome.finish_h, "deadline")?;
    if hours > c.hours {
        warnings.push(Note::Lengthened {
            from: c.hours,
            to: hours,
        });
    }
    for p in &predictions {
        if let Some(m) = p.min_required {
            if p.lower95 < m {
                warnings.push(Note::LowerBound {
                    factor: p.factor,
                    lower95: p.lower95,
                    unit: p.unit.clone(),
                    target: m,
                    prediction: p.in_product,
                });
            }
            if p.rate_status != Provenance::Calibrated {
                warnings.push(Note::RateDefault {
                    factor: p.factor,
                    status: p.rate_status,
                });
            }
        }
    }
    if params.growth.doubling_time_h.status != Provenance::Calibrated {
        warnings.push(Note::GrowthDefault {
            status: params.growth.doubling_time_h.status,
        });
    }
    let final_passage = outcome.stages.last().map_or(0, |s| s.passage);
    if f64::from(final_passage) >= params.senescence_passage.value {
        warnings.push(Note::Senescence {
            passage: final_passage,
            limit: params.senescence_passage.value,
        });
    }
    if let Some(max) = &params.max_population_doublings
        && outcome.population_doublings > max.value
    {
        warnings.push(Note::Doublings {
            doublings: outcome.population_doublings,
            limit: max.value,
            source: max.source.to_string(),
        });
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
    let rate = params
        .secretion
        .get(&p.factor)
        .map_or(f64::NAN, |s| s.rate.value);
    PlanError::Impossible {
        field: format!("target.min_concentration.{}", p.factor.key()),
        reason: Said::new(
            format!(
                "{} reaches {achieved:.3e} {} ({}) after {hours} h of conditioning with {cf}× concentration, below {min}; \
                 it would need a concentration factor ≥ {needed_cf:.1}, a denser or smaller-volume conditioning, \
                 or a higher secretion rate (the rate used is {} {rate} {})",
                p.factor,
                p.unit,
                if lower {
                    "lower 95 % bound"
                } else {
                    "prediction"
                },
                p.rate_status,
                p.factor.rate_unit(),
            ),
            format!(
                "{} は {cf} 倍濃縮・馴化培養 {hours} 時間で {achieved:.3e} {} ({}) にとどまり、目標 {min} に届きません。\
                 濃縮倍率 {needed_cf:.1} 以上、より高密度または少容量の馴化培養、または高い分泌速度が必要です \
                 (使用した分泌速度: {rate} {}、{})",
                p.factor.short_ja(),
                p.unit,
                if lower { "95 % 下限" } else { "予測値" },
                p.factor.rate_unit(),
                p.rate_status.ja(),
            ),
        ),
    }
}

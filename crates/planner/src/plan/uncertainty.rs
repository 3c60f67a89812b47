//! Uncertainty of predictions by the delta method: the calibrated (or literature) parameter
//! covariance pushed through the model with numerical derivatives, on the log scale.

use serde::{Deserialize, Serialize};

use crate::culture::{Outcome, StageOutcome};
use crate::factor::Factor;
use crate::kinetics::Growth;
use crate::kinetics::{concentration, phi};
use crate::params::{Provenance, SourceParams};

/// z for a two-sided 95 % interval.
pub(crate) const Z95: f64 = 1.959_964;

fn theta(p: &SourceParams) -> [f64; 3] {
    let g = &p.growth;
    [
        g.doubling_time_h.value.ln(),
        g.lag_h.value,
        g.confluence_density.value.ln(),
    ]
}

fn growth_at(th: &[f64; 3]) -> Growth {
    // Negative lags from perturbation are allowed by `Growth::cells_at` (continues the curve).
    Growth {
        mu_per_h: std::f64::consts::LN_2 / th[0].exp(),
        lag_h: th[1],
        capacity_per_cm2: Some(th[2].exp()),
    }
}

/// The stage in culture at `t` (the last stage during conditioning) and the stage-local time.
fn stage_at(outcome: &Outcome, t: f64) -> Option<(&StageOutcome, f64)> {
    if t < 0.0 || t > outcome.harvest_h {
        return None;
    }
    let s = outcome
        .stages
        .iter()
        .find(|s| t <= s.end_h)
        .or(outcome.stages.last())?;
    Some((s, t.min(s.end_h) - s.start_h))
}

/// Gradient of ln N with respect to θ = (ln t_d, lag, ln σ_max) at stage-local time `tau`, the
/// schedule (seeding, stage length) held fixed.
fn ln_cells_gradient(s: &StageOutcome, p: &SourceParams, tau: f64) -> [f64; 3] {
    let th = theta(p);
    let steps = [1e-4, 1e-3 * th[1].abs().max(1.0), 1e-4];
    let mut grad = [0.0; 3];
    for i in 0..3 {
        let (mut up, mut down) = (th, th);
        up[i] += steps[i];
        down[i] -= steps[i];
        let nu = growth_at(&up).cells_at(s.seeded_cells, s.area_cm2, tau);
        let nd = growth_at(&down).cells_at(s.seeded_cells, s.area_cm2, tau);
        grad[i] = (nu.ln() - nd.ln()) / (2.0 * steps[i]);
    }
    grad
}

fn quad(g: &[f64; 3], cov: &[f64; 9]) -> f64 {
    let mut v = 0.0;
    for i in 0..3 {
        for j in 0..3 {
            v += g[i] * cov[i * 3 + j] * g[j];
        }
    }
    v.max(0.0)
}

/// Variance of ln N in stage `s` at stage-local time `tau` due to growth-parameter uncertainty.
fn stage_ln_var(s: &StageOutcome, p: &SourceParams, tau: f64) -> f64 {
    quad(&ln_cells_gradient(s, p, tau), &p.growth.theta_covariance())
}

/// Variance of ln N(t) due to growth-parameter uncertainty (0 outside the culture).
pub(crate) fn ln_cells_var(outcome: &Outcome, p: &SourceParams, t: f64) -> f64 {
    stage_at(outcome, t).map_or(0.0, |(s, tau)| stage_ln_var(s, p, tau))
}

/// Predicted concentration of one factor in the product, with its 95 % interval.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Prediction {
    /// Factor.
    pub factor: Factor,
    /// `pg/mL` or `particles/mL`.
    pub unit: String,
    /// In the conditioned medium at harvest.
    pub at_harvest: f64,
    /// In the product (after recovery and concentration).
    pub in_product: f64,
    /// Lower 95 % bound in the product.
    pub lower95: f64,
    /// Upper 95 % bound in the product.
    pub upper95: f64,
    /// The target minimum, if one was set.
    pub min_required: Option<f64>,
    /// Provenance of the secretion rate used.
    pub rate_status: Provenance,
}

impl Prediction {
    /// Whether the prediction (or, with `lower_bound`, its lower bound) meets the minimum.
    pub fn meets(&self, lower_bound: bool) -> bool {
        match self.min_required {
            None => true,
            Some(m) => {
                (if lower_bound {
                    self.lower95
                } else {
                    self.in_product
                }) >= m
            }
        }
    }
}

/// Predict `factor` for a simulated outcome conditioned for `hours`, with concentration factor
/// `cf` and an optional facility recovery (which then carries no uncertainty).
pub(crate) fn predict(
    outcome: &Outcome,
    p: &SourceParams,
    factor: Factor,
    hours: f64,
    cf: f64,
    recovery: Option<f64>,
) -> Option<Prediction> {
    let sp = p.secretion.get(&factor)?;
    let n = outcome.conditioning_cells;
    let v = outcome.conditioning_volume_ml;
    let k = sp.degradation_per_h.value;
    let at_harvest = concentration(sp.rate.value, n, v, k, hours);
    let (rec, rec_var) = match recovery {
        Some(r) => (r, 0.0),
        None => (
            sp.downstream_recovery.value,
            sp.downstream_recovery.rel_sd.powi(2),
        ),
    };
    let in_product = at_harvest * rec * cf;
    let mut var = sp.rate.rel_sd.powi(2) + rec_var;
    var += ln_cells_var(outcome, p, outcome.conditioning_start_h);
    if k > 0.0 {
        let h: f64 = 1e-4;
        let d = (phi(k * h.exp() * hours).ln() - phi(k * (-h).exp() * hours).ln()) / (2.0 * h);
        var += (d * sp.degradation_per_h.rel_sd).powi(2);
    }
    let sd = var.sqrt();
    Some(Prediction {
        factor,
        unit: factor.unit().to_owned(),
        at_harvest,
        in_product,
        lower95: in_product * (-Z95 * sd).exp(),
        upper95: in_product * (Z95 * sd).exp(),
        min_required: None,
        rate_status: sp.rate.status,
    })
}

/// A point of the predicted growth curve with its 95 % prediction band (parameter uncertainty plus
/// count scatter: where a new count is expected to fall).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TrajectoryPoint {
    /// Hours from first seeding.
    pub hours: f64,
    /// Predicted cells in culture.
    pub cells: f64,
    /// Lower bound of the 95 % prediction band.
    pub lower95: f64,
    /// Upper bound.
    pub upper95: f64,
}

fn point(s: &StageOutcome, p: &SourceParams, growth: &Growth, t: f64) -> TrajectoryPoint {
    let tau = t.min(s.end_h) - s.start_h;
    let cells = growth.cells_at(s.seeded_cells, s.area_cm2, tau);
    let sd = (stage_ln_var(s, p, tau) + p.growth.count_sd.value.powi(2)).sqrt();
    TrajectoryPoint {
        hours: t,
        cells,
        lower95: cells * (-Z95 * sd).exp(),
        upper95: cells * (Z95 * sd).exp(),
    }
}

/// Prediction and prediction band at `t` hours from first seeding; `None` outside the culture.
pub fn band_at(outcome: &Outcome, p: &SourceParams, t: f64) -> Option<TrajectoryPoint> {
    let growth = crate::culture::growth_of(p).ok()?;
    let (s, _) = stage_at(outcome, t)?;
    Some(point(s, p, &growth, t))
}

/// Cells over time for a simulated culture: each stage sampled every `step_h` hours (≥ 0.1 h) from
/// its seeding to its end (so a passage shows as a drop at the same hour), then flat through
/// conditioning to harvest; each point with its 95 % prediction band.
pub fn cells_over_time(outcome: &Outcome, p: &SourceParams, step_h: f64) -> Vec<TrajectoryPoint> {
    let step = if step_h.is_finite() {
        step_h.max(0.1).max(outcome.harvest_h / 100_000.0)
    } else {
        1.0
    };
    trajectory(outcome, p, step)
}

pub(crate) fn trajectory(outcome: &Outcome, p: &SourceParams, step_h: f64) -> Vec<TrajectoryPoint> {
    let Ok(growth) = crate::culture::growth_of(p) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for s in &outcome.stages {
        let mut t = s.start_h;
        while t < s.end_h {
            out.push(point(s, p, &growth, t));
            t += step_h;
        }
        out.push(point(s, p, &growth, s.end_h));
    }
    if let Some(last) = outcome.stages.last() {
        out.push(point(last, p, &growth, outcome.harvest_h));
    }
    out
}

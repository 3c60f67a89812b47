//! Least-squares problems for calibration (growth curve, per-factor secretion rate), solved with
//! the assay engine's Levenberg–Marquardt (`secretome_assay::lm`).

use secretome_assay::lm::{self, LmOptions, Problem};
use secretome_assay::stats::student_t_quantile;

use crate::kinetics::Growth;
use crate::kinetics::phi;

/// One batch's count series, reduced to what the growth model needs.
pub(crate) struct CountSeries {
    pub seeded: f64,
    pub area_cm2: f64,
    pub obs: Vec<(f64, f64)>,
}

/// Fit ln N on θ = (ln t_d, lag, ln σ_max), or (ln t_d, lag) with σ_max fixed.
/// Residuals on the log scale: counting error is multiplicative.
struct GrowthProblem<'a> {
    series: &'a [CountSeries],
    fixed_sigma: Option<f64>,
    n_obs: usize,
}

impl GrowthProblem<'_> {
    fn growth(&self, p: &[f64]) -> Growth {
        let sigma = self.fixed_sigma.unwrap_or_else(|| p[2].exp());
        Growth {
            mu_per_h: std::f64::consts::LN_2 / p[0].exp(),
            lag_h: p[1],
            capacity_per_cm2: Some(sigma),
        }
    }
}

impl Problem for GrowthProblem<'_> {
    fn n_params(&self) -> usize {
        if self.fixed_sigma.is_some() { 2 } else { 3 }
    }
    fn n_residuals(&self) -> usize {
        self.n_obs
    }
    fn residuals(&self, p: &[f64], out: &mut [f64]) {
        let g = self.growth(p);
        let mut i = 0;
        for s in self.series {
            for &(t, y) in &s.obs {
                out[i] = y.ln() - g.cells_at(s.seeded, s.area_cm2, t).ln();
                i += 1;
            }
        }
    }
}

/// A fitted parameter vector with its covariance and 95 % half-width multiplier.
pub(crate) struct Fitted {
    pub params: Vec<f64>,
    pub covariance: Vec<f64>,
    pub se: Vec<f64>,
    pub t975: f64,
    pub residual_sd: f64,
    pub converged: bool,
    pub dof: usize,
}

fn fitted(r: lm::LmResult) -> Fitted {
    let residual_sd = if r.dof > 0 {
        (r.rss / r.dof as f64).sqrt()
    } else {
        f64::NAN
    };
    Fitted {
        t975: student_t_quantile(0.975, r.dof as f64),
        params: r.params,
        covariance: r.covariance,
        se: r.se,
        residual_sd,
        converged: r.converged,
        dof: r.dof,
    }
}

fn options() -> LmOptions {
    LmOptions {
        max_iterations: 500,
        ftol: 1e-12,
        xtol: 1e-12,
        gtol: 0.0,
    }
}

/// Fit growth to count series from a prior start (t_d, lag, σ_max).
pub(crate) fn fit_growth(
    series: &[CountSeries],
    start: (f64, f64, f64),
    fit_sigma: bool,
) -> Result<Fitted, lm::LmError> {
    let n_obs = series.iter().map(|s| s.obs.len()).sum();
    let problem = GrowthProblem {
        series,
        fixed_sigma: (!fit_sigma).then_some(start.2),
        n_obs,
    };
    let mut p0 = vec![start.0.ln(), start.1];
    if fit_sigma {
        p0.push(start.2.ln());
    }
    // Start from several lags: the lag kink makes the surface piecewise, and a poor lag start can
    // stall in a flat region. Keep the best (lowest RSS) converged fit.
    let mut best: Option<lm::LmResult> = None;
    for lag in [start.1, 0.0, start.1 * 2.0 + 12.0] {
        p0[1] = lag;
        let r = lm::solve(&problem, &p0, &options())?;
        if best.as_ref().is_none_or(|b| r.rss < b.rss) {
            best = Some(r);
        }
    }
    // `best` is always set: the loop runs three times and each either returns or sets it.
    best.map(fitted).ok_or(lm::LmError::NoParameters)
}

/// One conditioned batch: measured concentration and its exposure g = N/V · T · φ(kT) (so C = q g).
pub(crate) struct Exposure {
    pub measured: f64,
    pub g: f64,
}

/// Fit ln q: residuals ln C − ln(q g).
struct SecretionProblem<'a> {
    points: &'a [Exposure],
}

impl Problem for SecretionProblem<'_> {
    fn n_params(&self) -> usize {
        1
    }
    fn n_residuals(&self) -> usize {
        self.points.len()
    }
    fn residuals(&self, p: &[f64], out: &mut [f64]) {
        for (o, e) in out.iter_mut().zip(self.points) {
            *o = e.measured.ln() - (p[0] + e.g.ln());
        }
    }
    fn jacobian(&self, _p: &[f64], out: &mut [f64]) {
        out.iter_mut().for_each(|v| *v = -1.0);
    }
}

/// Fit the secretion rate (start: the prior q).
pub(crate) fn fit_secretion(points: &[Exposure], q_start: f64) -> Result<Fitted, lm::LmError> {
    lm::solve(&SecretionProblem { points }, &[q_start.ln()], &options()).map(fitted)
}

/// Exposure g = N/V · T · φ(kT).
pub(crate) fn exposure(cells: f64, volume_ml: f64, k: f64, hours: f64) -> f64 {
    cells / volume_ml * hours * phi(k * hours)
}

//! Standard-curve fitting: 4PL/5PL with weights, self-starting values, standard errors, confidence
//! intervals, and back-calculation (inverse) with a confidence interval.
#![allow(clippy::needless_range_loop)] // index loops over parallel x, y, w arrays

mod model;
mod start;
mod varpro;

pub use model::Model;
pub use start::self_start;

use crate::lm::{self, LmError, LmOptions, Problem, Termination};
use serde::Serialize;
use thiserror::Error;

/// Weighting of the squared residuals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub enum Weighting {
    /// Unweighted.
    #[default]
    #[serde(rename = "none")]
    None,
    /// Weight `1/y` (variance ∝ y).
    #[serde(rename = "1/y")]
    InvY,
    /// Weight `1/y²` (constant CV).
    #[serde(rename = "1/y2")]
    InvY2,
}

impl Weighting {
    /// Parse `none`, `1/y`, `1/y2` (also `1/y^2`, `1/y²`).
    pub fn parse(s: &str) -> Option<Weighting> {
        match s.to_ascii_lowercase().as_str() {
            "none" => Some(Weighting::None),
            "1/y" => Some(Weighting::InvY),
            "1/y2" | "1/y^2" | "1/y²" => Some(Weighting::InvY2),
            _ => None,
        }
    }

    /// Multiplier applied to the residual at response `y` (square root of the weight).
    pub fn residual_factor(self, y: f64) -> f64 {
        match self {
            Weighting::None => 1.0,
            Weighting::InvY => 1.0 / y.abs().sqrt(),
            Weighting::InvY2 => 1.0 / y.abs(),
        }
    }
}

/// Why a curve could not be fitted.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum FitError {
    /// `x` and `y` differ in length.
    #[error("{x} concentrations but {y} responses")]
    LengthMismatch {
        /// Number of concentrations.
        x: usize,
        /// Number of responses.
        y: usize,
    },
    /// Not enough points for the model.
    #[error("{points} points cannot determine the {params} parameters of the model")]
    TooFewPoints {
        /// Points given.
        points: usize,
        /// Parameters of the model.
        params: usize,
    },
    /// A NaN or infinite value.
    #[error("point {index}: value is not finite")]
    NonFinite {
        /// 0-based point index.
        index: usize,
    },
    /// A negative concentration.
    #[error("point {index}: negative concentration")]
    NegativeConcentration {
        /// 0-based point index.
        index: usize,
    },
    /// A zero response cannot be weighted by 1/y or 1/y².
    #[error("point {index}: response 0 cannot be weighted by 1/y or 1/y²")]
    ZeroResponseWeight {
        /// 0-based point index.
        index: usize,
    },
    /// All responses equal, or fewer than two distinct concentrations.
    #[error("the responses do not change with concentration: no curve to fit")]
    Degenerate,
    /// The solver refused the problem.
    #[error(transparent)]
    Solver(#[from] LmError),
}

/// The data of one curve as an `lm::Problem`.
pub struct CurveProblem<'a> {
    model: Model,
    x: &'a [f64],
    y: &'a [f64],
    w: Vec<f64>,
    ln_x: Vec<f64>,
}

impl<'a> CurveProblem<'a> {
    /// Validate the data and precompute weights.
    pub fn new(
        model: Model,
        x: &'a [f64],
        y: &'a [f64],
        weighting: Weighting,
    ) -> Result<Self, FitError> {
        if x.len() != y.len() {
            return Err(FitError::LengthMismatch {
                x: x.len(),
                y: y.len(),
            });
        }
        if x.len() < model.n_params() {
            return Err(FitError::TooFewPoints {
                points: x.len(),
                params: model.n_params(),
            });
        }
        let mut w = Vec::with_capacity(x.len());
        for (index, (&xi, &yi)) in x.iter().zip(y).enumerate() {
            if !(xi.is_finite() && yi.is_finite()) {
                return Err(FitError::NonFinite { index });
            }
            if xi < 0.0 {
                return Err(FitError::NegativeConcentration { index });
            }
            if weighting != Weighting::None && yi == 0.0 {
                return Err(FitError::ZeroResponseWeight { index });
            }
            w.push(weighting.residual_factor(yi));
        }
        let ln_x = x.iter().map(|v| v.ln()).collect();
        Ok(CurveProblem {
            model,
            x,
            y,
            w,
            ln_x,
        })
    }
}

impl Problem for CurveProblem<'_> {
    fn n_params(&self) -> usize {
        self.model.n_params()
    }
    fn n_residuals(&self) -> usize {
        self.x.len()
    }
    fn residuals(&self, p: &[f64], out: &mut [f64]) {
        let ln_c = p[2].ln();
        for i in 0..self.x.len() {
            out[i] = self.w[i] * (self.y[i] - self.model.eval_ln(p, self.x[i], self.ln_x[i], ln_c));
        }
    }
    fn jacobian(&self, p: &[f64], out: &mut [f64]) {
        let n = self.model.n_params();
        let ln_c = p[2].ln();
        let mut g = [0.0; 5];
        for i in 0..self.x.len() {
            self.model
                .eval_grad_ln(p, self.x[i], self.ln_x[i], ln_c, &mut g);
            for j in 0..n {
                out[i * n + j] = -self.w[i] * g[j];
            }
        }
    }
}

/// A fitted standard curve.
#[derive(Debug, Clone, Serialize)]
pub struct CurveFit {
    /// The model.
    pub model: Model,
    /// The weighting used.
    pub weighting: Weighting,
    /// Parameters `[a, b, c, d(, g)]`.
    pub params: Vec<f64>,
    /// Standard errors (NaN where not estimable).
    pub se: Vec<f64>,
    /// Covariance, row-major.
    pub covariance: Vec<f64>,
    /// (Weighted) residual sum of squares.
    pub rss: f64,
    /// Solver iterations.
    pub iterations: usize,
    /// Solver convergence.
    pub converged: bool,
    /// Degrees of freedom.
    pub dof: usize,
    /// Coefficient of determination on the unweighted responses.
    pub r_squared: f64,
}

/// A back-calculated concentration with its 95 % confidence interval (NaN bounds when unknown).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Interpolated {
    /// Concentration read off the curve.
    pub x: f64,
    /// Lower 95 % bound.
    pub lo: f64,
    /// Upper 95 % bound.
    pub hi: f64,
}

impl CurveFit {
    /// Curve value at concentration `x`.
    pub fn eval(&self, x: f64) -> f64 {
        self.model.eval(&self.params, x)
    }

    /// Concentration at response `y`, `None` where the curve never reaches `y`.
    pub fn inverse(&self, y: f64) -> Option<f64> {
        self.model.inverse(&self.params, y)
    }

    /// 95 % confidence intervals of the parameters (Student t with `dof`).
    pub fn ci95(&self) -> Vec<(f64, f64)> {
        let t = crate::stats::student_t_quantile(0.975, self.dof as f64);
        self.params
            .iter()
            .zip(&self.se)
            .map(|(&p, &s)| (p - t * s, p + t * s))
            .collect()
    }

    /// Back-calculation with a delta-method 95 % CI combining the curve's parameter covariance and,
    /// when `replicates > 0`, the response noise of a mean of that many replicates (residual variance
    /// at `y`, under the fit's weighting).
    pub fn inverse_ci95(&self, y: f64, replicates: usize) -> Option<Interpolated> {
        let x = self.inverse(y)?;
        let n = self.params.len();
        let mut grad = vec![0.0; n];
        let mut q = self.params.clone();
        for j in 0..n {
            let h = 1e-6 * self.params[j].abs().max(1e-12);
            q[j] = self.params[j] + h;
            let up = self.model.inverse(&q, y);
            q[j] = self.params[j] - h;
            let dn = self.model.inverse(&q, y);
            q[j] = self.params[j];
            grad[j] = match (up, dn) {
                (Some(u), Some(d)) => (u - d) / (2.0 * h),
                _ => f64::NAN,
            };
        }
        let mut var = 0.0;
        for i in 0..n {
            for j in 0..n {
                var += grad[i] * self.covariance[i * n + j] * grad[j];
            }
        }
        if replicates > 0 && self.dof > 0 {
            let s2 = self.rss / self.dof as f64;
            let wy = self.weighting.residual_factor(y);
            let var_y = s2 / (wy * wy) / replicates as f64;
            let dy_dx = slope(self.model, &self.params, x);
            var += var_y / (dy_dx * dy_dx);
        }
        let t = crate::stats::student_t_quantile(0.975, self.dof as f64);
        let half = t * var.sqrt();
        Some(Interpolated {
            x,
            lo: x - half,
            hi: x + half,
        })
    }
}

/// `dy/dx` of the model at `x` (central difference on a relative step).
fn slope(model: Model, p: &[f64], x: f64) -> f64 {
    let h = 1e-6 * x.abs().max(1e-9);
    (model.eval(p, x + h) - model.eval(p, (x - h).max(0.0))) / (x + h - (x - h).max(0.0))
}

/// Solver options used for curves: MINPACK-style tolerances tight enough to agree with R to 7+ digits.
pub fn curve_options() -> LmOptions {
    LmOptions {
        max_iterations: 200,
        ftol: 1e-14,
        xtol: 1e-14,
        gtol: 0.0,
    }
}

/// Fit `model` to `(x, y)` from self-starting values.
pub fn fit(model: Model, x: &[f64], y: &[f64], weighting: Weighting) -> Result<CurveFit, FitError> {
    let problem = CurveProblem::new(model, x, y, weighting)?;
    let candidates = start::Starts::new(model, x, y)?;
    // The 4PL solution with g = 1 is the natural first start for a 5PL.
    let from_4pl = if model == Model::FivePl {
        fit(Model::FourPl, x, y, weighting).ok().map(|f4| {
            let mut p = f4.params;
            p.push(1.0);
            p
        })
    } else {
        None
    };
    let starts = from_4pl
        .into_iter()
        .chain((0..start::Starts::COUNT).map(|k| candidates.get(k)));
    let opts = curve_options();
    let mut best: Option<lm::LmResult> = None;
    let mut exhausted = 0;
    for start in starts {
        // Variable projection first (fewer, cheaper iterations). Where it converged cleanly its point
        // is the minimiser of the full problem too, which only supplies RSS and covariance there;
        // otherwise the full MINPACK LM continues from wherever it got.
        let projected = projected_start(&problem, &start);
        let outcome = match &projected {
            Some(p) if p.converged => {
                lm::result_at(&problem, &p.params, p.iterations, Termination::Ftol)
            }
            Some(p) => lm::solve(&problem, &p.params, &opts).map(|mut r| {
                r.iterations += p.iterations;
                r
            }),
            None => lm::solve(&problem, &start, &opts),
        };
        let result = match outcome {
            Ok(r) => r,
            Err(LmError::NonFiniteStart) => continue,
            Err(e) => return Err(e.into()),
        };
        let good = result.converged && plausible(&result.params);
        let better = best
            .as_ref()
            .is_none_or(|b| result.rss < b.rss || (!b.converged && result.converged));
        if better {
            best = Some(result);
        }
        if good {
            break;
        }
        // Two starts without a valid optimum mean a curve without one (e.g. a 5PL whose upper
        // asymptote runs away or whose g turns negative): more starts would only crawl the same way.
        if result_exhausted(&best) || best.as_ref().is_some_and(|b| !plausible(&b.params)) {
            exhausted += 1;
            if exhausted >= 2 {
                break;
            }
        }
    }
    let r = best.ok_or(FitError::Degenerate)?;
    Ok(finish(model, weighting, x, y, r))
}

/// A point reached by variable projection: full parameter vector (optimal asymptotes for its shape).
struct Projected {
    params: Vec<f64>,
    iterations: usize,
    /// The projected problem met its convergence test (see `varpro::solve_reduced`).
    converged: bool,
}

/// Solve the reduced (shape-only) problem from `start`'s shape.
fn projected_start(problem: &CurveProblem, start: &[f64]) -> Option<Projected> {
    let reduced = varpro::Reduced {
        model: problem.model,
        x: problem.x,
        ln_x: &problem.ln_x,
        y: problem.y,
        w: &problem.w,
    };
    let k = problem.model.n_params() - 2;
    let theta0 = [start[1], start[2], start.get(4).copied().unwrap_or(1.0)];
    let sol = varpro::solve_reduced(&reduced, &theta0[..k], 100, 1e-10)?;
    let theta = &sol.theta[..k];
    if !(theta.iter().all(|v| v.is_finite()) && theta[1] > 0.0) {
        return None;
    }
    let mut params = vec![sol.a, theta[0], theta[1], sol.d];
    params.extend(theta.get(2));
    Some(Projected {
        params,
        iterations: sol.iterations,
        converged: sol.converged,
    })
}

fn result_exhausted(best: &Option<lm::LmResult>) -> bool {
    best.as_ref()
        .is_some_and(|b| b.termination == Termination::MaxIterations)
}

/// A converged fit whose inflection lies at a positive finite concentration.
fn plausible(p: &[f64]) -> bool {
    p.iter().all(|v| v.is_finite())
        && p.get(2).is_some_and(|&c| c > 0.0)
        && p.get(4).is_none_or(|&g| g > 0.0)
}

fn finish(model: Model, weighting: Weighting, x: &[f64], y: &[f64], r: lm::LmResult) -> CurveFit {
    let mean = crate::stats::mean(y);
    let ss_tot: f64 = y.iter().map(|v| (v - mean).powi(2)).sum();
    let ss_res: f64 = x
        .iter()
        .zip(y)
        .map(|(&xi, &yi)| (yi - model.eval(&r.params, xi)).powi(2))
        .sum();
    let converged =
        r.converged && r.termination != Termination::MaxIterations && plausible(&r.params);
    CurveFit {
        model,
        weighting,
        se: r.se,
        covariance: r.covariance,
        rss: r.rss,
        iterations: r.iterations,
        converged,
        dof: r.dof,
        r_squared: 1.0 - ss_res / ss_tot,
        params: r.params,
    }
}

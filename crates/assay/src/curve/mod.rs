//! Standard-curve fitting: 4PL/5PL with weights, self-starting values, standard errors, confidence
//! intervals, and back-calculation (inverse) with a confidence interval.
#![allow(clippy::needless_range_loop)] // index loops over parallel x, y, w arrays

mod edge;
mod kink;
mod ladder;
pub mod limits;
mod model;
mod polish;
mod start;
mod varpro;

pub use limits::CurveFlag;
pub use model::Model;
use polish::polish_log;
pub use start::self_start;

use crate::lm::{self, LmError, LmOptions, Problem, Termination};
use serde::Serialize;
use std::borrow::Cow;
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
    x: Cow<'a, [f64]>,
    y: Cow<'a, [f64]>,
    w: Vec<f64>,
    ln_x: Vec<f64>,
    /// Where `ln_x` lies on a dilution ladder (powers of the concentrations by multiplication).
    ladder: ladder::Ladder,
    /// The points as given (the starts are taken from them).
    given_x: &'a [f64],
    given_y: &'a [f64],
    /// Replicates folded into level means ([`CurveProblem::folded`]): their weighted scatter about
    /// the means (part of every RSS), and the number of points given (for the degrees of freedom).
    scatter: f64,
    observations: usize,
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
        let ln_x: Vec<f64> = x.iter().map(|v| v.ln()).collect();
        Ok(CurveProblem {
            model,
            x: Cow::Borrowed(x),
            y: Cow::Borrowed(y),
            w,
            ladder: ladder::Ladder::of(&ln_x),
            ln_x,
            given_x: x,
            given_y: y,
            scatter: 0.0,
            observations: x.len(),
        })
    }

    /// The same problem with the replicates of each concentration folded into one point: the
    /// weighted mean `ȳ = Σw²y/Σw²` with weight `√Σw²`. `Σ w²(y − f)² = Σw²·(ȳ − f)² + Σ w²(y − ȳ)²`
    /// for every curve `f`, so the minimiser, the RSS (the scatter is carried as
    /// [`Problem::rss_offset`]), `JᵀJ` and `Jᵀr` are those of the points given, at a fraction of the
    /// cost per evaluation. Unchanged where no concentration repeats or too few levels remain.
    pub fn folded(self) -> Self {
        let (x, y, w) = (self.given_x, self.given_y, &self.w);
        let mut level: Vec<usize> = Vec::with_capacity(x.len());
        let mut lx: Vec<f64> = Vec::with_capacity(x.len());
        for &xi in x {
            match lx.iter().position(|&v| v == xi) {
                Some(k) => level.push(k),
                None => {
                    level.push(lx.len());
                    lx.push(xi);
                }
            }
        }
        let n = lx.len();
        if n == x.len() || n <= self.model.n_params() {
            return self;
        }
        let (mut sw, mut swy) = (vec![0.0; n], vec![0.0; n]);
        for i in 0..x.len() {
            let w2 = w[i] * w[i];
            sw[level[i]] += w2;
            swy[level[i]] += w2 * y[i];
        }
        let ly: Vec<f64> = swy.iter().zip(&sw).map(|(s, t)| s / t).collect();
        let mut scatter = 0.0;
        for i in 0..x.len() {
            let r = w[i] * (y[i] - ly[level[i]]);
            scatter += r * r;
        }
        let ln_x: Vec<f64> = lx.iter().map(|v| v.ln()).collect();
        CurveProblem {
            model: self.model,
            ladder: ladder::Ladder::of(&ln_x),
            ln_x,
            w: sw.iter().map(|v| v.sqrt()).collect(),
            x: Cow::Owned(lx),
            y: Cow::Owned(ly),
            given_x: x,
            given_y: y,
            scatter,
            observations: x.len(),
        }
    }

    /// The problem of `model` on the same (folded) points and weights.
    fn with_model(&self, model: Model) -> Self {
        CurveProblem {
            model,
            x: self.x.clone(),
            y: self.y.clone(),
            w: self.w.clone(),
            ln_x: self.ln_x.clone(),
            ladder: self.ladder.clone(),
            given_x: self.given_x,
            given_y: self.given_y,
            scatter: self.scatter,
            observations: self.observations,
        }
    }
}

impl Problem for CurveProblem<'_> {
    fn n_params(&self) -> usize {
        self.model.n_params()
    }
    fn n_residuals(&self) -> usize {
        self.x.len()
    }
    fn rss_offset(&self) -> f64 {
        self.scatter
    }
    fn n_observations(&self) -> usize {
        self.observations
    }
    fn residuals(&self, p: &[f64], out: &mut [f64]) {
        let ln_c = p[2].ln();
        if self.x.len() > varpro::MAX_POINTS {
            for i in 0..self.x.len() {
                let f = self.model.eval_ln(p, self.x[i], self.ln_x[i], ln_c);
                out[i] = self.w[i] * (self.y[i] - f);
            }
            return;
        }
        // The powers (x/c)^b first, along the dilution ladder.
        self.ladder.exps(p[1], ln_c, &self.ln_x, out);
        for i in 0..self.x.len() {
            let f = if out[i].is_infinite() && self.x[i] > 0.0 {
                self.model.eval_beyond(p, p[1] * (self.ln_x[i] - ln_c))
            } else {
                self.model.eval_u(p, self.x[i], out[i])
            };
            out[i] = self.w[i] * (self.y[i] - f);
        }
    }
    fn jacobian(&self, p: &[f64], out: &mut [f64]) {
        let n = self.model.n_params();
        let ln_c = p[2].ln();
        let m = self.x.len();
        let mut u = [0.0; varpro::MAX_POINTS];
        if m <= u.len() {
            self.ladder.exps(p[1], ln_c, &self.ln_x, &mut u[..m]);
        }
        let mut g = [0.0; 5];
        for i in 0..m {
            let lr = self.ln_x[i] - ln_c;
            let ui = match u.get(i) {
                Some(&v) if m <= u.len() => v,
                _ => (p[1] * lr).exp(),
            };
            self.model.eval_grad_u(p, self.x[i], lr, ui, &mut g);
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
    /// Converged to a minimum with every parameter inside the standards' reach: false where the solver
    /// ran out of iterations, where `c` lies more than 1000× beyond the standards (or `|b|` > 1000, or a
    /// 5PL `g` outside 0.05–20), or where a limit curve without that parameter fits as well as any
    /// finite curve (there is no minimum; see [`limits`]).
    pub converged: bool,
    /// Parameters the standards do not determine (empty when all are): see [`CurveFlag`]. The
    /// parameters and standard errors are reported as they are.
    pub flags: Vec<CurveFlag>,
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

/// Iterations of the full LM from the analyst's start before it counts as walking along a valley.
const ANALYST_BUDGET: usize = 60;
/// Iterations of the LM on the log scale along a valley.
const POLISH_BUDGET: usize = 200;
/// Relative tolerance of that LM: 100× below the 1e-8 a general-purpose LM stops at (scipy's and R's
/// default ftol 1.5e-8), so the point is never worse than where those stop along the same valley.
const POLISH_TOL: f64 = 1e-10;

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
///
/// The self-starts are tried in turn (variable projection, then the full LM wherever the projection
/// cannot show it stopped at a minimum of the full problem) until one converges inside the standards'
/// reach. The result is then judged by [`limits`] (which parameters the data determine); a curve with
/// a parameter not determined, or not converged, gets a second look from starts spread over the
/// concentration range and the analyst's start (asymptotes at the extremes, inflection at the median),
/// and the lowest RSS wins. See `CurveFit::flags` and `CurveFit::converged`.
pub fn fit(model: Model, x: &[f64], y: &[f64], weighting: Weighting) -> Result<CurveFit, FitError> {
    let problem = CurveProblem::new(model, x, y, weighting)?.folded();
    let span = limits::Span::of(x);
    let r = best_from_self_starts(&problem, &span)?;
    let data = limits::Data {
        x: &problem.x,
        ln_x: &problem.ln_x,
        ladder: &problem.ladder,
        y: &problem.y,
        w: &problem.w,
        scatter: problem.scatter,
    };
    let judge =
        |r: &lm::LmResult| limits::assess(model, &data, &span, &r.params, r.rss, &r.se, r.dof);
    let mut verdict = judge(&r);
    let mut best = r;
    let full_look = !verdict.flags.is_empty() || !clean(&best, &span);
    // A 5PL has local minima more often than a 4PL: it always also runs from the analyst's start.
    if full_look || model == Model::FivePl {
        let mut improved = false;
        let mut consider = |r: lm::LmResult, best: &mut lm::LmResult| {
            if plausible(&r.params)
                && (r.rss < best.rss * (1.0 - 1e-13) || !plausible(&best.params))
            {
                *best = r;
                improved = true;
            }
        };
        // The analyst's start with the full LM (where a general-purpose LM would go), on a budget;
        // where it has not converged by then it is walking along a valley, and the LM on log c
        // (log |b|, log g) continues from where it got, geometrically rather than arithmetically.
        let opts = LmOptions {
            max_iterations: ANALYST_BUDGET,
            ..curve_options()
        };
        let start = analyst_start(&problem, &span);
        if model == Model::FivePl {
            // The analyst's start in the 5PL's edge coordinates: another basin (g → 0 with a far
            // asymptote) that the self-starts may not reach.
            for r in follow_edges(&problem, &span, &data, &start) {
                consider(r, &mut best);
            }
            // The 5PL is not symmetric in b: the curve mirrored (b → −b, a ↔ d, the same curve at
            // g = 1) starts the other branch, where the asymmetry lies at the other end.
            for p in [&best.params.clone(), &start] {
                let mirror = [p[3], -p[1], p[2], p[0], 1.0];
                if let Some(r) = run_start(&problem, &span, &mirror, &curve_options())? {
                    consider(r, &mut best);
                }
            }
        }
        if let Some(r) = solve_full(&problem, &start, &opts)? {
            let walking = r.termination == Termination::MaxIterations;
            let from = r.params.clone();
            consider(r, &mut best);
            if walking && model == Model::FourPl {
                for r in follow_edges(&problem, &span, &data, &from) {
                    consider(r, &mut best);
                }
            } else if walking {
                // 5PL: the valley in edge coordinates (g → 0 and c → ∞ are ordinary points there),
                // and on the log scale.
                for r in follow_edges(&problem, &span, &data, &from) {
                    consider(r, &mut best);
                }
                if let Some(r) = follow_large_g(&problem, &from) {
                    consider(r, &mut best);
                }
                if let Some(r) = polish_log(&problem, &from) {
                    consider(r, &mut best);
                }
            }
        }
        // A 5PL has more local minima than the cheap starts reach: starts spread over the
        // concentration range (inflection at and beyond the extreme standards, in the middle; a
        // moderate and a steep slope), each projected.
        if full_look && model == Model::FivePl {
            for start in spread_starts(&problem, &span) {
                if let Some(r) = run_start(&problem, &span, &start, &curve_options())? {
                    consider(r, &mut best);
                }
            }
        }
        // Still not a clean minimum: follow the valley from the best point (4PL: to its end in edge
        // coordinates; 5PL: on the log scale), and try the points far along the valleys towards the
        // limits (power laws without one plateau, a step).
        if full_look && (!clean(&best, &span) || verdict.limit_is_better) {
            let mut candidates = vec![];
            if model == Model::FourPl {
                let from = best.params.clone();
                for r in follow_edges(&problem, &span, &data, &from) {
                    consider(r, &mut best);
                }
                // Other valleys (b → ∞ through a point on the foot of a step, b → 0, c → 0 beside a
                // zero standard) have no edge coordinates here: followed on the log scale.
                if !clean(&best, &span) && !at_power_law_limit(&best, &span) {
                    candidates.push(best.params.clone());
                }
                let steep_or_flat = !(0.25..=4.0).contains(&from[1].abs());
                if steep_or_flat && from != best.params {
                    candidates.push(from);
                }
                // Still at asymptotes far beyond the responses: the valleys followed so far lead
                // nowhere useful; starts spread over the range, and the points far along the limits.
                if !clean(&best, &span)
                    && !at_power_law_limit(&best, &span)
                    && wild(&best.params, y)
                {
                    for start in spread_starts(&problem, &span) {
                        if let Some(r) = run_start(&problem, &span, &start, &curve_options())? {
                            consider(r, &mut best);
                        }
                    }
                    for high in [true, false] {
                        candidates.extend(limits::limit_point(model, &data, &span, high));
                    }
                }
            } else {
                let from = best.params.clone();
                for r in follow_edges(&problem, &span, &data, &from) {
                    consider(r, &mut best);
                }
                if let Some(r) = follow_large_g(&problem, &from) {
                    consider(r, &mut best);
                }
                candidates.push(best.params.clone());
                // A steep slope with a vanishing asymmetry (see [`kink`]), on either side.
                let (starts, far) = kink::follow(&problem, &data, best.rss);
                candidates.extend(starts);
                for r in far {
                    consider(r, &mut best);
                }
                if span.near_edge(&best.params) || verdict.limit_is_better {
                    for high in [true, false] {
                        candidates.extend(limits::limit_point(model, &data, &span, high));
                    }
                }
            }
            // A step (b → ∞), or a flat line that a steep rise near the zero standard may beat.
            if best.params[1].abs() > 20.0
                || best.params[1].abs() < 1e-3
                || (model == Model::FourPl && limits::step_competes(&data, best.rss, best.dof))
            {
                candidates.extend(limits::step_point(model, &data));
            }
            for p in candidates {
                if let Some(r) = polish_log(&problem, &p) {
                    consider(r, &mut best);
                }
            }
        }
        if improved {
            verdict = judge(&best);
        }
    }
    Ok(finish(model, weighting, x, y, &span, best, verdict))
}

/// The converged, plausible fit of the self-starts, or the best point they reached.
fn best_from_self_starts(
    problem: &CurveProblem,
    span: &limits::Span,
) -> Result<lm::LmResult, FitError> {
    let (model, x, y) = (problem.model, problem.given_x, problem.given_y);
    // Unfolded (no replicates), the problem's logarithms are those of the points given.
    let given_ln = (problem.x.len() == x.len()).then_some(&problem.ln_x[..]);
    let candidates = start::Starts::with_ln(model, x, y, given_ln)?;
    // The 4PL solution with g = 1 is the natural first start for a 5PL.
    let from_4pl = if model == Model::FivePl {
        Some(problem.with_model(Model::FourPl))
            .and_then(|p4| best_from_self_starts(&p4, span).ok())
            .map(|r| {
                let mut p = r.params;
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
        let Some(result) = run_start(problem, span, &start, &opts)? else {
            continue;
        };
        let good = clean(&result, span);
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
    best.ok_or(FitError::Degenerate)
}

/// Converged to a plausible point within the standards' reach.
fn clean(r: &lm::LmResult, span: &limits::Span) -> bool {
    r.converged && plausible(&r.params) && !span.near_edge(&r.params)
}

/// One start: variable projection, accepted as the minimiser of the full problem only where it met
/// its convergence test away from the edges (out there the projected gradient fades along the valley
/// of a plateau that is not reached, so its test proves nothing); otherwise the full MINPACK LM
/// continues from wherever it got. `None` where the start is not finite.
fn run_start(
    problem: &CurveProblem,
    span: &limits::Span,
    start: &[f64],
    opts: &LmOptions,
) -> Result<Option<lm::LmResult>, FitError> {
    let projected = projected_start(problem, start);
    let outcome = match &projected {
        Some(p) if p.converged && !span.near_edge(&p.params) => {
            lm::result_at(problem, &p.params, p.iterations, Termination::Ftol)
        }
        // Out along a valley: the LM would only crawl; the caller follows valleys on the log scale.
        Some(p) if span.near_edge(&p.params) => {
            lm::result_at(problem, &p.params, p.iterations, Termination::MaxIterations)
        }
        Some(p) => lm::solve(problem, &p.params, opts).map(|mut r| {
            r.iterations += p.iterations;
            r
        }),
        // The projection walked off (exhausted): the full LM from the start itself. Where that is
        // still walking after the analyst's budget and has reached the edge, it is following a
        // valley that the caller follows in edge coordinates: stopped there rather than crawling on.
        // (4PL only: on the 5PL the stop left one curve in 10,000 worse than scipy, by 2.7e-6.)
        None if problem.model == Model::FivePl => lm::solve(problem, start, opts),
        None => match lm::solve(problem, start, &budget(opts, ANALYST_BUDGET)) {
            Ok(r)
                if r.termination == Termination::MaxIterations
                    && opts.max_iterations > ANALYST_BUDGET
                    && !span.near_edge(&r.params) =>
            {
                let rest = budget(opts, opts.max_iterations - ANALYST_BUDGET);
                lm::solve(problem, &r.params, &rest).map(|mut s| {
                    s.iterations += r.iterations;
                    s
                })
            }
            other => other,
        },
    };
    match outcome {
        Ok(r) => Ok(Some(r)),
        Err(LmError::NonFiniteStart) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// `opts` with at most `iterations` iterations.
fn budget(opts: &LmOptions, iterations: usize) -> LmOptions {
    LmOptions {
        max_iterations: iterations.min(opts.max_iterations),
        ..*opts
    }
}

/// The full LM straight from `start` (as a general-purpose LM would run from the analyst's start).
fn solve_full(
    problem: &CurveProblem,
    start: &[f64],
    opts: &LmOptions,
) -> Result<Option<lm::LmResult>, FitError> {
    match lm::solve(problem, start, opts) {
        Ok(r) => Ok(Some(r)),
        Err(LmError::NonFiniteStart) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// 4PL (5PL: the high end): from `from`, the minimum along the valley towards each end in edge coordinates (see
/// [`edge`]): a finite curve, or where the power-law limit is the optimum, the point far along the
/// valley that fits best (the tail 1e-6 … 1e-8 of the way; further out rounding costs more). At the
/// limit the power law's own β is tried once more, in case the valley turns back inwards there.
fn follow_edges(
    problem: &CurveProblem,
    span: &limits::Span,
    data: &limits::Data,
    from: &[f64],
) -> Vec<lm::LmResult> {
    let mut out = vec![];
    for end in [edge::End::High, edge::End::Low] {
        let high = end == edge::End::High;
        let Some(theta) = edge::theta_of(from, end, span) else {
            continue;
        };
        let mut outcome = edge::solve(problem, span, end, &theta);
        let mut limit = None;
        if let Some(edge::Outcome::Limit) = outcome {
            limit = limits::limit_fit(data, span, high);
            // (5PL: at ε = 0 the basis does not depend on g, so that start would not move it.)
            if problem.model == Model::FourPl {
                outcome =
                    limit.and_then(|(beta, _, _)| edge::solve(problem, span, end, &[beta, 0.0]));
            }
        }
        match outcome {
            Some(edge::Outcome::Finite(p, iterations, converged)) => {
                out.extend(lm::result_at(problem, &p, iterations, termination(converged)).ok());
            }
            Some(edge::Outcome::LogLimit(lim, iterations)) => {
                // g → 0 is the optimum along this valley: the point with small g that fits best
                // (below about 1e-8 the rounding of the far asymptote costs more), not converged.
                let far = [1e-5, 1e-6, 1e-7, 1e-8]
                    .into_iter()
                    .filter_map(|g| edge::params_at_g(lim, g, span))
                    .map(|p| (rss_at(problem, &p), p))
                    .min_by(|u, v| u.0.total_cmp(&v.0));
                if let Some((_, p)) = far {
                    out.extend(
                        lm::result_at(problem, &p, iterations, Termination::MaxIterations).ok(),
                    );
                }
            }
            Some(edge::Outcome::Limit) => {
                let Some(fit) = limit else { continue };
                let far = [1e-6, 1e-7, 1e-8]
                    .into_iter()
                    .filter_map(|tail| limits::limit_params(problem.model, span, high, fit, tail))
                    .map(|p| (rss_at(problem, &p), p))
                    .min_by(|u, v| u.0.total_cmp(&v.0));
                if let Some((_, p)) = far {
                    // No finite minimum along this valley: reported as not converged.
                    out.extend(lm::result_at(problem, &p, 0, Termination::MaxIterations).ok());
                }
            }
            Some(edge::Outcome::SteepLimit(..)) | None => {}
        }
    }
    out
}

/// 5PL: from `from`, the minimum over `(b, ln κ, 1/g)` (see [`edge::solve_inv_g`]): a finite 5PL, or
/// where `g → ∞` is the optimum, the point with large `g` that fits best (not converged).
fn follow_large_g(problem: &CurveProblem, from: &[f64]) -> Option<lm::LmResult> {
    match edge::solve_inv_g(problem, from)? {
        edge::Outcome::Finite(p, iterations, converged) => {
            lm::result_at(problem, &p, iterations, termination(converged)).ok()
        }
        edge::Outcome::SteepLimit(lim, iterations) => {
            let (_, p) = [1e3, 1e4, 1e6, 1e8, 1e10, 1e12]
                .into_iter()
                .filter_map(|g| edge::params_at_large_g(lim, g))
                .map(|p| (rss_at(problem, &p), p))
                .min_by(|u, v| u.0.total_cmp(&v.0))?;
            lm::result_at(problem, &p, iterations, Termination::MaxIterations).ok()
        }
        _ => None,
    }
}

/// How an edge solve that did (`true`) or did not meet its convergence test is reported.
fn termination(converged: bool) -> Termination {
    if converged {
        Termination::Ftol
    } else {
        Termination::MaxIterations
    }
}

/// Asymptotes more than 1000 times the responses' range beyond them.
fn wild(p: &[f64], y: &[f64]) -> bool {
    let (lo, hi) = y
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &v| {
            (l.min(v), h.max(v))
        });
    let reach = 1e3 * (hi - lo);
    [p[0], p[3]]
        .iter()
        .any(|&v| !(v > lo - reach && v < hi + reach))
}

/// A point [`follow_edges`] placed far along a power-law valley (no finite minimum there).
fn at_power_law_limit(r: &lm::LmResult, span: &limits::Span) -> bool {
    r.iterations == 0 && r.termination == Termination::MaxIterations && span.near_edge(&r.params)
}

/// Residual sum of squares of `problem` at `p` (∞ where not finite).
fn rss_at(problem: &CurveProblem, p: &[f64]) -> f64 {
    let ln_c = p[2].ln();
    let mut s = 0.0;
    for i in 0..problem.x.len() {
        let r = problem.w[i]
            * (problem.y[i]
                - problem
                    .model
                    .eval_ln(p, problem.x[i], problem.ln_x[i], ln_c));
        s += r * r;
    }
    let s = s + problem.scatter;
    if s.is_finite() { s } else { f64::INFINITY }
}

/// The analyst's start: asymptotes at the mean responses of the lowest and highest standards, slope
/// 1, inflection at the median positive concentration (5PL: g = 1).
fn analyst_start(problem: &CurveProblem, span: &limits::Span) -> Vec<f64> {
    let (x, y) = (problem.given_x, problem.given_y);
    let mean_at = |target: f64| {
        let (s, k) = x
            .iter()
            .zip(y)
            .filter(|(xi, _)| **xi == target)
            .fold((0.0, 0.0), |(s, k), (_, yi)| (s + yi, k + 1.0));
        s / k
    };
    let xmin = x.iter().copied().fold(f64::INFINITY, f64::min);
    let mut pos: Vec<f64> = x.iter().copied().filter(|v| *v > 0.0).collect();
    pos.sort_unstable_by(f64::total_cmp);
    let n = pos.len();
    let median = if pos.is_empty() {
        span.top / 2.0
    } else if n % 2 == 1 {
        pos[n / 2]
    } else {
        0.5 * (pos[n / 2 - 1] + pos[n / 2])
    };
    let mut p = vec![mean_at(xmin), 1.0, median, mean_at(span.top)];
    if problem.model == Model::FivePl {
        p.push(1.0);
    }
    p
}

/// Starts with the inflection at the top and bottom standards, beyond them, at their geometric
/// middle and at the median, each with slope 1 and 2.5; asymptotes and g as in [`analyst_start`].
fn spread_starts(problem: &CurveProblem, span: &limits::Span) -> Vec<Vec<f64>> {
    let base = analyst_start(problem, span);
    let geo = (span.top * span.low).sqrt();
    let mut out = vec![];
    for c in [
        span.top,
        3.0 * span.top,
        span.low,
        span.low / 3.0,
        geo,
        base[2],
    ] {
        for b in [1.0, 2.5] {
            let mut p = base.clone();
            p[1] = b;
            p[2] = c;
            out.push(p);
        }
    }
    out
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
        x: &problem.x,
        ln_x: &problem.ln_x,
        ladder: &problem.ladder,
        y: &problem.y,
        w: &problem.w,
        scatter: problem.scatter,
        edge: None,
        inv_g: false,
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

fn finish(
    model: Model,
    weighting: Weighting,
    x: &[f64],
    y: &[f64],
    span: &limits::Span,
    r: lm::LmResult,
    verdict: limits::Assessment,
) -> CurveFit {
    let mean = crate::stats::mean(y);
    let ss_tot: f64 = y.iter().map(|v| (v - mean).powi(2)).sum();
    // Unweighted, the fit's RSS is this sum already (folded replicates' scatter included).
    let ss_res: f64 = if weighting == Weighting::None && r.rss.is_finite() {
        r.rss
    } else {
        x.iter()
            .zip(y)
            .map(|(&xi, &yi)| (yi - model.eval(&r.params, xi)).powi(2))
            .sum()
    };
    let converged = r.converged
        && r.termination != Termination::MaxIterations
        && plausible(&r.params)
        && !span.beyond_edge(&r.params)
        && !verdict.limit_is_better;
    CurveFit {
        model,
        weighting,
        se: r.se,
        covariance: r.covariance,
        rss: r.rss,
        iterations: r.iterations,
        converged,
        flags: verdict.flags,
        dof: r.dof,
        r_squared: 1.0 - ss_res / ss_tot,
        params: r.params,
    }
}

//! Levenberg–Marquardt nonlinear least squares: the generic solver API (`Problem`, `solve`).
//!
//! Hand-written rather than the `levenberg-marquardt` crate, judged by the NIST suite: this port of
//! MINPACK's `lmder` (QR with column pivoting, Moré's trust-region `lmpar`, Marquardt diagonal
//! scaling) reaches ≥ 6 digits on all 27 NIST StRD problems from both starts (see `tests/nist.rs`),
//! whereas the crate, with the same Jacobians and tolerances, fails BoxBOD and MGH17 from start 1
//! (BENCHMARKS.md). It works on plain slices with work buffers cached per thread, so a batch of 4PL
//! fits allocates nothing in the inner loop, and avoids nalgebra's machinery for tiny (n ≤ 10) problems.

mod covar;
mod minpack;
mod qr;
mod small;

use thiserror::Error;

/// A least-squares problem: minimise `sum r_i(p)^2`.
pub trait Problem {
    /// Number of parameters `n`.
    fn n_params(&self) -> usize;
    /// Number of residuals `m` (must be ≥ `n`).
    fn n_residuals(&self) -> usize;
    /// Residuals `r_i(p) = weight_i * (y_i - f(x_i; p))` (the problem applies its own weights).
    fn residuals(&self, p: &[f64], out: &mut [f64]);
    /// `d r_i / d p_j`, row-major, `n_residuals × n_params`. Default: forward differences.
    fn jacobian(&self, p: &[f64], out: &mut [f64]) {
        forward_difference_jacobian(self, p, out);
    }
    /// A constant the residual sum of squares carries beyond `Σ r_i²` (default 0): a problem whose
    /// replicates were folded into weighted level means (see `curve::CurveProblem`) has the same
    /// minimiser and Jacobian products, and the replicates' scatter about their means added here.
    /// The reported RSS and the relative convergence tests include it.
    fn rss_offset(&self) -> f64 {
        0.0
    }
    /// Observations behind the residuals, for the degrees of freedom (default `n_residuals`).
    fn n_observations(&self) -> usize {
        self.n_residuals()
    }
}

/// Forward-difference Jacobian (row-major `m × n`), the default of [`Problem::jacobian`].
pub fn forward_difference_jacobian<P: Problem + ?Sized>(problem: &P, p: &[f64], out: &mut [f64]) {
    let m = problem.n_residuals();
    let n = problem.n_params();
    let mut base = vec![0.0; m];
    let mut shifted = vec![0.0; m];
    let mut q = p.to_vec();
    problem.residuals(p, &mut base);
    let eps = f64::EPSILON.sqrt();
    for j in 0..n {
        let h = {
            let h = eps * p[j].abs();
            if h == 0.0 { eps } else { h }
        };
        q[j] = p[j] + h;
        let h = q[j] - p[j]; // exactly representable step
        problem.residuals(&q, &mut shifted);
        for i in 0..m {
            out[i * n + j] = (shifted[i] - base[i]) / h;
        }
        q[j] = p[j];
    }
}

/// Stopping rules. Tolerances are relative, as in MINPACK.
#[derive(Debug, Clone)]
pub struct LmOptions {
    /// Maximum number of outer iterations (Jacobian evaluations); residual evaluations are capped at
    /// `10 × max_iterations + 100`.
    pub max_iterations: usize,
    /// Stop when both the actual and predicted relative reductions of the RSS are ≤ `ftol`.
    pub ftol: f64,
    /// Stop when the relative change of the (scaled) parameters is ≤ `xtol`.
    pub xtol: f64,
    /// Stop when the cosine between residuals and any Jacobian column is ≤ `gtol`.
    pub gtol: f64,
}

impl Default for LmOptions {
    fn default() -> Self {
        LmOptions {
            max_iterations: 2000,
            ftol: 1e-15,
            xtol: 1e-15,
            gtol: 0.0,
        }
    }
}

/// Why the solver stopped (MINPACK `info` codes 1–8).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Termination {
    /// Relative RSS reduction ≤ `ftol` (info 1).
    Ftol,
    /// Relative step ≤ `xtol` (info 2).
    Xtol,
    /// Both `ftol` and `xtol` (info 3).
    FtolAndXtol,
    /// Gradient orthogonality ≤ `gtol` (info 4), including an exactly zero residual.
    Gtol,
    /// Iteration or evaluation budget exhausted (info 5): not converged.
    MaxIterations,
    /// No further RSS reduction possible in double precision (info 6).
    FtolAtMachinePrecision,
    /// No further parameter change possible in double precision (info 7).
    XtolAtMachinePrecision,
    /// Gradient zero to machine precision (info 8).
    GtolAtMachinePrecision,
}

impl Termination {
    /// True for every reason except the exhausted budget.
    pub fn is_converged(self) -> bool {
        self != Termination::MaxIterations
    }
}

/// The solution and its diagnostics.
#[derive(Debug, Clone)]
pub struct LmResult {
    /// Best parameters found.
    pub params: Vec<f64>,
    /// Residual sum of squares at `params`.
    pub rss: f64,
    /// Outer iterations (Jacobian evaluations).
    pub iterations: usize,
    /// True unless the iteration budget ran out.
    pub converged: bool,
    /// Why it stopped.
    pub termination: Termination,
    /// Standard errors `sqrt(diag(cov))`; NaN where the Jacobian is rank-deficient or `dof == 0`.
    pub se: Vec<f64>,
    /// Covariance `s² (JᵀJ)⁻¹`, row-major `n × n`, with `s² = rss / dof`.
    pub covariance: Vec<f64>,
    /// Degrees of freedom `m − n`.
    pub dof: usize,
}

impl LmResult {
    /// Two-sided 95 % confidence intervals `p ± t(0.975, dof) · se` (NaN bounds where `se` is NaN).
    pub fn ci95(&self) -> Vec<(f64, f64)> {
        let t = crate::stats::student_t_quantile(0.975, self.dof as f64);
        self.params
            .iter()
            .zip(&self.se)
            .map(|(&p, &s)| (p - t * s, p + t * s))
            .collect()
    }
}

/// Why a problem could not be solved at all.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum LmError {
    /// The problem has no parameters.
    #[error("the problem has no parameters")]
    NoParameters,
    /// Starting vector length differs from `n_params`.
    #[error("starting point has {got} values but the problem has {expected} parameters")]
    StartLength {
        /// `n_params()`.
        expected: usize,
        /// `start.len()`.
        got: usize,
    },
    /// Fewer residuals than parameters.
    #[error("{residuals} residuals cannot determine {params} parameters")]
    TooFewResiduals {
        /// `n_residuals()`.
        residuals: usize,
        /// `n_params()`.
        params: usize,
    },
    /// Residuals or Jacobian are NaN/infinite at the starting point.
    #[error("residuals or Jacobian are not finite at the starting point")]
    NonFiniteStart,
}

fn check(problem: &dyn Problem, start: &[f64]) -> Result<(usize, usize), LmError> {
    let n = problem.n_params();
    let m = problem.n_residuals();
    if n == 0 {
        return Err(LmError::NoParameters);
    }
    if start.len() != n {
        return Err(LmError::StartLength {
            expected: n,
            got: start.len(),
        });
    }
    if m < n {
        return Err(LmError::TooFewResiduals {
            residuals: m,
            params: n,
        });
    }
    Ok((m, n))
}

/// Run `f` with this thread's work buffers sized for `m × n`: a batch of small fits allocates them once.
fn with_workspace<T>(m: usize, n: usize, f: impl FnOnce(&mut minpack::Workspace) -> T) -> T {
    thread_local! {
        static CACHE: std::cell::RefCell<Option<minpack::Workspace>> = const { std::cell::RefCell::new(None) };
    }
    let mut ws = match CACHE.with(|c| c.borrow_mut().take()) {
        Some(mut w) => {
            w.reset(m, n);
            w
        }
        None => minpack::Workspace::new(m, n),
    };
    let out = f(&mut ws);
    CACHE.with(|c| *c.borrow_mut() = Some(ws));
    out
}

/// Minimise `‖r(p)‖²` from `start`.
pub fn solve(problem: &dyn Problem, start: &[f64], opts: &LmOptions) -> Result<LmResult, LmError> {
    let (m, n) = check(problem, start)?;
    with_workspace(m, n, |ws| {
        let out = minpack::lmder(problem, start, opts, ws)?;
        let dof = problem.n_observations().max(m) - n;
        let rss = out.rss + problem.rss_offset();
        let (covariance, se) = covar::covariance(problem, &out.params, rss, dof, ws);
        Ok(LmResult {
            converged: out.termination.is_converged(),
            params: out.params,
            rss,
            iterations: out.iterations,
            termination: out.termination,
            se,
            covariance,
            dof,
        })
    })
}

/// The result at a minimiser found by other means (e.g. variable projection, which solves a problem's
/// linear parameters exactly and iterates on the rest): residual sum of squares, covariance and
/// standard errors at `params`, reported with the given iterations and termination.
pub fn result_at(
    problem: &dyn Problem,
    params: &[f64],
    iterations: usize,
    termination: Termination,
) -> Result<LmResult, LmError> {
    let (m, n) = check(problem, params)?;
    with_workspace(m, n, |ws| {
        problem.residuals(params, &mut ws.fvec);
        if !(ws.fvec.iter().all(|v| v.is_finite()) && params.iter().all(|v| v.is_finite())) {
            return Err(LmError::NonFiniteStart);
        }
        let rss = minpack::enorm(&ws.fvec).powi(2) + problem.rss_offset();
        let dof = problem.n_observations().max(m) - n;
        let (covariance, se) = covar::covariance(problem, params, rss, dof, ws);
        Ok(LmResult {
            converged: termination.is_converged(),
            params: params.to_vec(),
            rss,
            iterations,
            termination,
            se,
            covariance,
            dof,
        })
    })
}

//! The LM on the log scale of `c` (and `|b|`, `g`): for crawling along a valley towards an edge
//! geometrically rather than arithmetically, where no edge coordinates apply (b → ∞ through a point
//! on a step's foot, b → 0, c → 0 beside a zero standard, the 5PL's valleys).

use super::{CurveProblem, POLISH_BUDGET, POLISH_TOL};
use crate::lm::{self, LmOptions, Problem};

/// The curve problem with `c` (and `g`) on the log scale, for crawling along a valley towards an edge.
/// The second field is the sign of `b`, which stays fixed (`|b|` is on the log scale too).
struct LogScale<'a, 'b>(&'a CurveProblem<'b>, f64);

impl LogScale<'_, '_> {
    fn natural(&self, q: &[f64]) -> [f64; 5] {
        let mut p = [0.0; 5];
        p[..q.len()].copy_from_slice(q);
        p[1] = self.1 * q[1].exp();
        p[2] = q[2].exp();
        if q.len() > 4 {
            p[4] = q[4].exp();
        }
        p
    }
}

impl Problem for LogScale<'_, '_> {
    fn n_params(&self) -> usize {
        self.0.n_params()
    }
    fn n_residuals(&self) -> usize {
        self.0.n_residuals()
    }
    fn rss_offset(&self) -> f64 {
        self.0.rss_offset()
    }
    fn n_observations(&self) -> usize {
        self.0.n_observations()
    }
    fn residuals(&self, q: &[f64], out: &mut [f64]) {
        let p = self.natural(q);
        self.0.residuals(&p[..q.len()], out);
    }
    fn jacobian(&self, q: &[f64], out: &mut [f64]) {
        let n = q.len();
        let p = self.natural(q);
        self.0.jacobian(&p[..n], out);
        for row in out.chunks_mut(n) {
            row[1] *= p[1];
            row[2] *= p[2];
            if n > 4 {
                row[4] *= p[4];
            }
        }
    }
}

/// Full LM on [`LogScale`] from `p` (natural parameters, `c`, `g` > 0), with a larger budget; the
/// result in natural parameters with its covariance there.
pub(super) fn polish_log(problem: &CurveProblem, p: &[f64]) -> Option<lm::LmResult> {
    if !(p[1] != 0.0 && p[2] > 0.0 && p.get(4).is_none_or(|g| *g > 0.0)) {
        return None;
    }
    let mut q = p.to_vec();
    q[1] = p[1].abs().ln();
    q[2] = p[2].ln();
    if let Some(g) = q.get_mut(4) {
        *g = g.ln();
    }
    let opts = LmOptions {
        // A 5PL's valleys (g → 0 with an asymptote running off) are longer.
        max_iterations: if p.len() > 4 {
            2 * POLISH_BUDGET
        } else {
            POLISH_BUDGET
        },
        ftol: POLISH_TOL,
        xtol: POLISH_TOL,
        gtol: 0.0,
    };
    let log = LogScale(problem, p[1].signum());
    let r = lm::solve(&log, &q, &opts).ok()?;
    let natural = log.natural(&r.params);
    lm::result_at(problem, &natural[..p.len()], r.iterations, r.termination).ok()
}

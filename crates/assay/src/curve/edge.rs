//! The 4PL along the valleys of a plateau the standards do not reach, in coordinates where the end of
//! the valley is an ordinary point.
//!
//! With `b > 0`, `(x/c)^b = ε·t` where `t = (x/x_ref)^β`: at the high end `β = b`, `x_ref` the top
//! standard and `ε = (top/c)^b`; at the low end `β = −b`, `x_ref` the lowest non-zero standard and
//! `ε = (c/low)^b`. Then
//!
//! `y = α + k·t/(1 + ε·t)`
//!
//! is the same 4PL for every `ε > 0` (high end: `α = a`, `k = (d − a)·ε`; low end: `α = d`,
//! `k = (a − d)·ε`), and at `ε = 0` it is the power-law limit `α + k·x^β` that the curve tends to as
//! `c → ∞` (or `c → 0`) with the far asymptote running away. The walk along the valley that costs a
//! general-purpose LM hundreds of iterations (and stops it wherever its tolerance happens to bite) is
//! here a bounded two-parameter problem in `(β, ε)`, `ε ≥ 0`, with `α`, `k` solved exactly (variable
//! projection): it converges in a few Gauss–Newton steps either to a finite 4PL (`ε > 0`, a true
//! minimum of the full problem: the map is smooth and invertible there) or to the bound `ε = 0`,
//! where no finite curve does better than the limit.
//!
//! Not for the low end when a zero standard is present (it pins the plateau at zero concentration;
//! `t` would be infinite there).
//!
//! The 5PL `y = d + (a − d)(1 + (x/c)^b)^−g` (b > 0, high end only) is `y = α + k·φ` with
//! `φ = (1 − (1 + εt)^−g)/(gε)` and `k = (d − a)·g·ε`, over `(β, ε, g)` with `ε ≥ 0`, `g ≥ 0`: at
//! `ε = 0` the same power law, at `g = 0` the log-logistic `α + k·ln(1 + εt)/ε` that the 5PL tends to
//! as `g → 0` with its far asymptote running off — the valley a general-purpose LM crawls for
//! thousands of evaluations. `ε` and `g` cover every `c > 0`, so this is also an ordinary 5PL fit
//! wherever the minimum is finite.

use super::limits::Span;
use super::{CurveProblem, varpro};

/// The end of the concentration range whose plateau runs away.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum End {
    /// `c → ∞`: the plateau at high concentration.
    High,
    /// `c → 0`: the plateau at zero concentration.
    Low,
}

/// Where an edge solve ended.
pub(super) enum Outcome {
    /// A finite 4PL `[a, b, c, d]` (b > 0; 5PL `[a, b, c, d, g]`) at a minimum of the edge problem,
    /// with its iterations; `false`: the 5PL's iterations ran out before (its best point).
    Finite(Vec<f64>, usize, bool),
    /// The bound `ε = 0`: the power-law limit is the optimum along this valley.
    Limit,
    /// 5PL: the bound `g = 0`, the log-logistic limit `α + k·ln(1 + εt)/ε` is the optimum: `(β, ε,
    /// α, k)`; [`params_at_g`] gives the 5PL a given small `g` along that valley.
    LogLimit([f64; 4], usize),
    /// 5PL: the bound `1/g = 0` of [`solve_inv_g`], the limit `d + (a − d)·exp(−(x/κ)^b)` is the
    /// optimum: `[a, b, ln κ, d]`; [`params_at_large_g`] gives the 5PL with a given large `g`.
    SteepLimit([f64; 4], usize),
}

fn x_ref(end: End, span: &Span) -> f64 {
    match end {
        End::High => span.top,
        End::Low => span.low,
    }
}

/// `(β, ε)` of a 4PL `[a, b, c, d]` at `end` (5PL `[a, b, c, d, g]`, b > 0, high end only:
/// `(β, ε, g)`), `None` where it has no finite edge coordinates.
pub(super) fn theta_of(p: &[f64], end: End, span: &Span) -> Option<Vec<f64>> {
    let (b, c) = (p[1].abs(), p[2]);
    if !(b > 0.0 && c > 0.0 && b.is_finite() && c.is_finite()) {
        return None;
    }
    let mut th = match end {
        End::High => vec![b, (span.top / c).powf(b)],
        End::Low => vec![-b, (c / span.low).powf(b)],
    };
    if let Some(&g) = p.get(4) {
        // The 5PL is not symmetric in b: only b > 0 at the high end has this form.
        if !(end == End::High && p[1] > 0.0 && g > 0.0 && g.is_finite()) {
            return None;
        }
        th.push(g);
    }
    (th[1].is_finite() && th[1] < 1e12).then_some(th)
}

/// The 4PL `[a, b, c, d]` (b > 0) of edge coordinates `θ = (β, ε)`, `ε > 0`, and linear part `(α, k)`;
/// with a third coordinate `g > 0` the 5PL `[a, b, c, d, g]` (high end).
fn params_of(theta: &[f64], alpha: f64, k: f64, end: End, span: &Span) -> Option<Vec<f64>> {
    let (beta, eps) = (theta[0], theta[1]);
    let g = theta.get(2).copied();
    if eps.is_nan() || eps <= 0.0 || g.is_some_and(|g| g.is_nan() || g <= 0.0) {
        return None;
    }
    let far = alpha + k / (eps * g.unwrap_or(1.0));
    let mut p = match end {
        End::High if beta > 0.0 => vec![alpha, beta, span.top * eps.powf(-1.0 / beta), far],
        End::Low if beta < 0.0 && g.is_none() => {
            vec![far, -beta, span.low * eps.powf(-1.0 / beta), alpha]
        }
        _ => return None,
    };
    p.extend(g);
    p.iter().all(|v| v.is_finite()).then_some(p)
}

/// The 5PL `[a, b, c, d, g]` with the given small `g` on the log-logistic limit `(β, ε, α, k)` of
/// [`Outcome::LogLimit`] (the curve differs from the limit by about `g` of its change).
pub(super) fn params_at_g(limit: [f64; 4], g: f64, span: &Span) -> Option<Vec<f64>> {
    let [beta, eps, alpha, k] = limit;
    params_of(&[beta, eps, g], alpha, k, End::High, span)
}

/// Minimise the 4PL's RSS over the edge coordinates of `end` from `theta0`.
pub(super) fn solve(
    problem: &CurveProblem,
    span: &Span,
    end: End,
    theta0: &[f64],
) -> Option<Outcome> {
    if end == End::Low && span.zero {
        return None;
    }
    let reduced = varpro::Reduced {
        model: problem.model,
        x: &problem.x,
        ln_x: &problem.ln_x,
        ladder: &problem.ladder,
        y: &problem.y,
        w: &problem.w,
        scatter: problem.scatter,
        edge: Some(x_ref(end, span).ln()),
        inv_g: false,
    };
    // The 5PL's valleys are longer: more iterations, and the best point when they run out.
    let sol = if theta0.len() == 3 {
        varpro::solve_reduced_keep(&reduced, theta0, 300, 1e-10)?
    } else {
        varpro::solve_reduced(&reduced, theta0, 100, 1e-10)?
    };
    // ε below 1e-12 is the limit as far as doubles can tell (the far asymptote would be 1e12 times
    // the change over the standards).
    if sol.at_bound || sol.theta[1] <= 1e-12 {
        return Some(Outcome::Limit);
    }
    // y = a_vp·φ + d_vp·(1 − φ) = d_vp + (a_vp − d_vp)·φ.
    let (alpha, k) = (sol.d, sol.a - sol.d);
    let theta = &sol.theta[..theta0.len()];
    // g below 1e-10: the log-logistic limit as far as doubles can tell.
    if theta.len() == 3 && theta[2] <= 1e-10 {
        return Some(Outcome::LogLimit(
            [theta[0], theta[1], alpha, k],
            sol.iterations,
        ));
    }
    params_of(theta, alpha, k, end, span)
        .map(|p| Outcome::Finite(p, sol.iterations, !sol.exhausted))
}

/// 5PL: minimise over `(b, ln κ, h = 1/g)`, `h ≥ 0` (the `g → ∞` form of `varpro::Reduced::inv_g`)
/// from the 5PL `p` (g > 0). `Finite` 5PL, or at `h = 0` the limit `[a, b, ln κ, d]` as
/// [`Outcome::SteepLimit`].
pub(super) fn solve_inv_g(problem: &CurveProblem, p: &[f64]) -> Option<Outcome> {
    let (b, c, g) = (p[1], p[2], *p.get(4)?);
    if !(b != 0.0 && c > 0.0 && g > 0.0 && b.is_finite() && c.is_finite() && g.is_finite()) {
        return None;
    }
    let reduced = varpro::Reduced {
        model: problem.model,
        x: &problem.x,
        ln_x: &problem.ln_x,
        ladder: &problem.ladder,
        y: &problem.y,
        w: &problem.w,
        scatter: problem.scatter,
        edge: None,
        inv_g: true,
    };
    let theta0 = [b, c.ln() - g.ln() / b, 1.0 / g];
    let sol = varpro::solve_reduced_keep(&reduced, &theta0, 300, 1e-10)?;
    let [b, ln_k, h] = sol.theta;
    if !(ln_k.is_finite() && b.is_finite()) {
        return None;
    }
    if h <= 1e-10 {
        return Some(Outcome::SteepLimit([sol.a, b, ln_k, sol.d], sol.iterations));
    }
    let q = vec![sol.a, b, (ln_k - h.ln() / b).exp(), sol.d, 1.0 / h];
    q.iter()
        .all(|v| v.is_finite())
        .then_some(Outcome::Finite(q, sol.iterations, !sol.exhausted))
}

/// The 5PL with the given large `g` on the limit `[a, b, ln κ, d]` of [`Outcome::SteepLimit`].
pub(super) fn params_at_large_g(limit: [f64; 4], g: f64) -> Option<Vec<f64>> {
    let [a, b, ln_k, d] = limit;
    let q = vec![a, b, (ln_k + g.ln() / b).exp(), d, g];
    q.iter().all(|v| v.is_finite()).then_some(q)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edge_coordinates_map_back_to_the_same_curve() {
        let span = Span::of(&[10.0, 100.0, 1000.0]);
        let p = [0.05, 1.3, 700.0, 3.2];
        for end in [End::High, End::Low] {
            let th = theta_of(&p, end, &span).expect("finite");
            let (b, c) = (p[1], p[2]);
            let eps = th[1];
            let (alpha, k) = match end {
                End::High => (p[0], (p[3] - p[0]) * eps),
                End::Low => (p[3], (p[0] - p[3]) * eps),
            };
            let back = params_of(&th, alpha, k, end, &span).expect("finite");
            for (u, v) in back.iter().zip(p) {
                assert!((u - v).abs() < 1e-9 * v.abs(), "{end:?}: {back:?} vs {p:?}");
            }
            // The edge form is the 4PL at every concentration.
            for x in [5.0f64, 50.0, 500.0, 5000.0] {
                let y4 = p[3] + (p[0] - p[3]) / (1.0 + (x / c).powf(b));
                let t = (x / x_ref(end, &span)).powf(th[0]);
                let ye = alpha + k * t / (1.0 + eps * t);
                assert!((y4 - ye).abs() < 1e-12, "{end:?} at {x}: {y4} vs {ye}");
            }
        }
    }
}

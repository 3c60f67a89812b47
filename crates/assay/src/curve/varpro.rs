//! Variable projection for the logistic models: the asymptotes `a`, `d` enter linearly
//! (`y = a·s + d·(1 − s)`, `s = (1 + (x/c)^b)^−g`), so they are solved exactly for each shape
//! `θ = (b, c[, g])` and LM only searches θ (Golub–Pereyra, with their full Jacobian). Fewer and cheaper
//! iterations than the full problem, and the same optimum: where this converges, the caller only
//! computes RSS and covariance at the point; otherwise the full LM continues from it.
#![allow(clippy::needless_range_loop)] // index loops over parallel x, y, w arrays

use super::Model;

/// The reduced problem over θ.
pub(super) struct Reduced<'a> {
    pub model: Model,
    pub x: &'a [f64],
    pub ln_x: &'a [f64],
    /// `ln_x` on its dilution ladder ([`super::ladder`]).
    pub ladder: &'a super::ladder::Ladder,
    pub y: &'a [f64],
    pub w: &'a [f64],
    /// `Some(ln x_ref)`: the 4PL in its edge form (see [`super::edge`]), θ = (β, ε) with ε ≥ 0 and
    /// the basis `φ = t/(1 + εt)`, `t = (x/x_ref)^β`; `None`: the logistic shape θ = (b, c[, g]).
    pub edge: Option<f64>,
    /// 5PL in the form of its `g → ∞` limit (see [`inv_g_basis`]): θ = (b, ln κ, h = 1/g), h ≥ 0.
    pub inv_g: bool,
    /// Scatter of folded replicates about their means (`CurveProblem::folded`): part of the RSS the
    /// relative convergence tests are judged against.
    pub scatter: f64,
}

/// The shift `s` of the power `u_i = exp(θ₀·(ln x_i − s))` every form's basis is built on: `ln c`,
/// the edge form's `ln x_ref`, the large-g form's `ln κ`.
fn shift(r: &Reduced, th: &[f64]) -> f64 {
    match r.edge {
        Some(ln_ref) => ln_ref,
        None if r.inv_g => th[1],
        None => th[1].ln(),
    }
}

/// `s_i`, `ds_i/dθ_k` (k < 3) and `1 − s_i` at θ, given `u = exp(θ₀·(ln x_i − shift))` (see
/// [`shift`]). The logistic forms compute `1 − s` apart, without cancellation where `s` is near 1
/// (the 5PL from the same `ln(1 + u)` as `s`); the others as `1 − s`.
fn basis(r: &Reduced, th: &[f64], ln_c: f64, i: usize, u: f64) -> (f64, [f64; 3], f64) {
    let plain = |(s, ds): (f64, [f64; 3])| (s, ds, 1.0 - s);
    if let Some(ln_ref) = r.edge {
        return plain(edge_basis(r, th, ln_ref, i, u));
    }
    if r.inv_g {
        return plain(inv_g_basis(r, th, i, u));
    }
    let (b, c) = (th[0], th[1]);
    if r.x[i] <= 0.0 {
        return plain((if b > 0.0 { 1.0 } else { 0.0 }, [0.0; 3]));
    }
    let lr = r.ln_x[i] - ln_c;
    let q = 1.0 + u;
    match r.model {
        Model::FourPl => {
            let s = 1.0 / q;
            let ds_du = -s * s;
            (s, [ds_du * u * lr, ds_du * (-b * u / c), 0.0], u * s)
        }
        Model::FivePl => {
            let g = th[2];
            let lq = u.ln_1p();
            let s = (-g * lq).exp();
            let ds_du = -g * s / q;
            let rest = -(-g * lq).exp_m1();
            (s, [ds_du * u * lr, ds_du * (-b * u / c), -s * lq], rest)
        }
    }
}

/// The edge form's basis `φ = t/(1 + εt)` and its derivatives by β and ε. A zero standard has
/// `φ = 0` for β > 0; for β < 0 it has no finite value (the edge form of the low end does not apply).
/// 5PL: see [`edge_basis_5pl`].
fn edge_basis(r: &Reduced, th: &[f64], ln_ref: f64, i: usize, t: f64) -> (f64, [f64; 3]) {
    let (beta, eps) = (th[0], th[1]);
    if r.x[i] <= 0.0 {
        return if beta > 0.0 {
            (0.0, [0.0; 3])
        } else {
            (f64::NAN, [0.0; 3])
        };
    }
    let l = r.ln_x[i] - ln_ref;
    if r.model == Model::FivePl {
        return edge_basis_5pl(t, l, eps, th[2]);
    }
    let q = 1.0 / (1.0 + eps * t);
    let phi = t * q;
    (phi, [l * phi * q, -phi * phi, 0.0])
}

/// The 5PL's edge basis at the high end, `θ = (β, ε, g)` with `ε ≥ 0`, `g ≥ 0`:
///
/// `φ = (1 − (1 + εt)^−g) / (g·ε)`, so that `y = α + k·φ` is the 5PL `[α, β, top·ε^(−1/β),
/// α + k/(gε), g]` for `ε, g > 0`; at `ε = 0` it is the power law `t` (the plateau at high
/// concentration never reached) and at `g = 0` the log-logistic `ln(1 + εt)/ε` (g → 0 with the far
/// asymptote running off). Written as `t·p(w)·h(z)` with `w = εt`, `z = g·ln(1 + w)`,
/// `p(w) = ln(1 + w)/w`, `h(z) = (1 − e^−z)/z` (series near 0), so both limits are ordinary points.
fn edge_basis_5pl(t: f64, l: f64, eps: f64, g: f64) -> (f64, [f64; 3]) {
    let w = eps * t;
    let (p, dp) = log1p_ratio(w);
    let lq = w * p; // ln(1 + w)
    let z = g * lq;
    let (h, dh) = expm1_ratio(z);
    let phi = t * p * h;
    let d_beta = t * l * (-z).exp() / (1.0 + w);
    let d_eps = t * t * (dp * h + p * dh * g / (1.0 + w));
    let d_g = t * p * dh * lq;
    (phi, [d_beta, d_eps, d_g])
}

/// The 5PL towards `g → ∞`: with `h = 1/g`, `v = (x/κ)^b` and `κ = c·g^(−1/b)`,
///
/// `s = (1 + h·v)^(−1/h) = exp(−v·p(hv))`,
///
/// the same 5PL for every `h > 0` and at `h = 0` its limit `exp(−v)` (a Weibull-type curve that a
/// general-purpose LM approaches with g growing without end). θ = (b, ln κ, h), `h ≥ 0`;
/// `∂s/∂v = −s/(1 + hv)`, `∂s/∂h = −s·p′(hv)·v²`.
fn inv_g_basis(r: &Reduced, th: &[f64], i: usize, v: f64) -> (f64, [f64; 3]) {
    let (b, ln_k, h) = (th[0], th[1], th[2]);
    if r.x[i] <= 0.0 {
        return (if b > 0.0 { 1.0 } else { 0.0 }, [0.0; 3]);
    }
    let lr = r.ln_x[i] - ln_k;
    let w = h * v;
    let (p, dp) = log1p_ratio(w);
    let s = (-v * p).exp();
    let ds_dv = -s / (1.0 + w);
    (s, [ds_dv * v * lr, -ds_dv * b * v, -s * dp * v * v])
}

/// `p(w) = ln(1 + w)/w` and `p′(w)`, `w ≥ 0` (Taylor series below 0.01, where the closed form of
/// `p′` loses digits to cancellation; truncation error < 1e-12).
fn log1p_ratio(w: f64) -> (f64, f64) {
    if w < 1e-2 {
        let p = 1.0 - w * (0.5 - w * (1.0 / 3.0 - w * (0.25 - w * (0.2 - w / 6.0))));
        let dp = -0.5 + w * (2.0 / 3.0 - w * (0.75 - w * (0.8 - w * (5.0 / 6.0 - w * 6.0 / 7.0))));
        (p, dp)
    } else {
        let lq = w.ln_1p();
        (lq / w, (w / (1.0 + w) - lq) / (w * w))
    }
}

/// `h(z) = (1 − e^−z)/z` and `h′(z)`, `z ≥ 0` (Taylor series below 0.05; truncation error < 1e-11).
fn expm1_ratio(z: f64) -> (f64, f64) {
    if z < 5e-2 {
        let h =
            1.0 - z * (0.5 - z * (1.0 / 6.0 - z * (1.0 / 24.0 - z * (1.0 / 120.0 - z / 720.0))));
        let dh =
            -0.5 + z * (1.0 / 3.0 - z * (0.125 - z * (1.0 / 30.0 - z * (1.0 / 144.0 - z / 840.0))));
        (h, dh)
    } else {
        let e = (-z).exp();
        ((1.0 - e) / z, (e * (1.0 + z) - 1.0) / (z * z))
    }
}

/// Weighted least squares of `y` on `[s, 1 − s]`: returns `(a, d)` and the 2 × 2 normal-matrix inverse
/// `(i11, i12, i22)`, or `None` when `s` is (numerically) constant.
/// `(a, d)` and the normal-matrix inverse `(i11, i12, i22)`.
type LinearSolution = ((f64, f64), (f64, f64, f64));

fn linear(r: &Reduced, s: &[f64], rest: &[f64]) -> Option<LinearSolution> {
    let (mut m11, mut m12, mut m22, mut v1, mut v2) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for i in 0..s.len() {
        let w2 = r.w[i] * r.w[i];
        let (p, q) = (s[i], rest[i]);
        m11 += w2 * p * p;
        m12 += w2 * p * q;
        m22 += w2 * q * q;
        v1 += w2 * p * r.y[i];
        v2 += w2 * q * r.y[i];
    }
    let det = m11 * m22 - m12 * m12;
    if !(det.is_finite() && det > 1e-13 * m11 * m22) {
        return None;
    }
    let (i11, i12, i22) = (m22 / det, -m12 / det, m11 / det);
    Some(((i11 * v1 + i12 * v2, i12 * v1 + i22 * v2), (i11, i12, i22)))
}

/// Everything one evaluation at θ yields: basis, its derivatives, the optimal asymptotes, the normal-
/// matrix inverse, residuals and their sum of squares. The solver keeps the evaluation of the accepted
/// point, so the Jacobian there costs no further `exp`.
pub(super) struct Eval {
    s: [f64; MAX_POINTS],
    /// `1 − s`, computed apart where the form allows (the logistic forms: exact where `s` is near 1).
    q: [f64; MAX_POINTS],
    ds: [[f64; 3]; MAX_POINTS],
    ad: (f64, f64),
    inv: (f64, f64, f64),
    res: [f64; MAX_POINTS],
    f: f64,
}

/// Most points a reduced problem takes (stack buffers); larger curves go straight to the full LM.
pub(super) const MAX_POINTS: usize = 64;

impl Eval {
    fn new() -> Eval {
        Eval {
            s: [0.0; MAX_POINTS],
            q: [0.0; MAX_POINTS],
            ds: [[0.0; 3]; MAX_POINTS],
            ad: (f64::NAN, f64::NAN),
            inv: (f64::NAN, f64::NAN, f64::NAN),
            res: [0.0; MAX_POINTS],
            f: f64::NAN,
        }
    }
}

impl Reduced<'_> {
    /// Evaluate at θ into `ev`; false when the basis is degenerate or the result not finite.
    fn evaluate(&self, th: &[f64], ev: &mut Eval) -> bool {
        let m = self.x.len();
        if m > MAX_POINTS {
            return false;
        }
        let ln_c = th[1].ln();
        // The powers first (into `s`, which each point's basis then replaces).
        self.ladder
            .exps(th[0], shift(self, th), self.ln_x, &mut ev.s[..m]);
        for i in 0..m {
            let u = ev.s[i];
            (ev.s[i], ev.ds[i], ev.q[i]) = basis(self, th, ln_c, i, u);
        }
        let Some((ad, inv)) = linear(self, &ev.s[..m], &ev.q[..m]) else {
            return false;
        };
        let (a, d) = ad;
        let mut f = 0.0;
        for i in 0..m {
            let r = self.w[i] * (self.y[i] - super::model::blend(a, d, ev.s[i], ev.q[i]));
            ev.res[i] = r;
            f += r * r;
        }
        (ev.ad, ev.inv, ev.f) = (ad, inv, f);
        f.is_finite()
    }

    /// The exact Jacobian of the projected residual (Golub–Pereyra) at an evaluated point, row-major
    /// `m × k`: with `A = WΦ`, `dr/dθ_j = −P⊥ (∂A/∂θ_j) α − (A⁺)ᵀ (∂A/∂θ_j)ᵀ r`, `P⊥` projecting off
    /// the weighted basis. Kaufman's simplification drops the second term; it costs almost nothing
    /// here (`(∂A/∂θ_j)ᵀ r = t_j·(1, −1)`), and keeping it makes the iteration converge in fewer steps
    /// when the residuals are not small.
    fn jacobian_at<const K: usize>(&self, ev: &Eval, out: &mut [f64]) {
        let (m, k) = (self.x.len(), K);
        let ((a, d), (i11, i12, i22)) = (ev.ad, ev.inv);
        let (e1, e2) = (i11 - i12, i12 - i22);
        for j in 0..k {
            // v = W (a − d) ∂s/∂θ_j; P⊥ v = v − WΦ (ΦᵀW²Φ)⁻¹ ΦᵀW v; t = Σ w ∂s/∂θ_j r.
            let (mut t1, mut t2, mut t) = (0.0, 0.0, 0.0);
            for i in 0..m {
                let wds = self.w[i] * ev.ds[i][j];
                let wv = self.w[i] * (a - d) * wds;
                t1 += ev.s[i] * wv;
                t2 += ev.q[i] * wv;
                t += wds * ev.res[i];
            }
            let (c1, c2) = (i11 * t1 + i12 * t2, i12 * t1 + i22 * t2);
            for i in 0..m {
                let v = self.w[i] * (a - d) * ev.ds[i][j];
                let (si, qi, wi) = (ev.s[i], ev.q[i], self.w[i]);
                let proj = wi * (si * c1 + qi * c2);
                let second = wi * (si * e1 + qi * e2) * t;
                out[i * k + j] = proj - v - second;
            }
        }
    }

    /// Number of shape parameters (2 for the 4PL, 3 for the 5PL).
    fn n_params(&self) -> usize {
        self.model.n_params() - 2
    }
}

/// The reduced problem's solution: shape θ (first k entries), the optimal asymptotes, iterations.
pub(super) struct Solution {
    pub theta: [f64; 3],
    pub a: f64,
    pub d: f64,
    pub iterations: usize,
    /// Stopped by the convergence test on a nearly Gauss–Newton step (not by running out of descent).
    pub converged: bool,
    /// Edge form only: stopped at ε = 0 with the step pointing to ε < 0 (the limit is the optimum
    /// along this valley; β there is not refined).
    pub at_bound: bool,
    /// Ran out of iterations (only [`solve_reduced_keep`] returns such a point).
    pub exhausted: bool,
}

/// Levenberg–Marquardt on the reduced problem through its k × k normal equations (k ≤ 3), with
/// Marquardt's diagonal scaling. Hand-written because the reduced problem is tiny and well scaled
/// by construction: a QR-based trust region costs more than the residuals here, and the full-problem
/// MINPACK polish that follows restores QR-grade accuracy and judges convergence. Returns `None` when
/// it cannot make progress; a point that ran out of `max_iter` is returned with `exhausted` set.
///
/// Stops when a nearly undamped (Gauss–Newton) step is below `tol` relative in every component or is
/// predicted to lower the RSS by less than 1e-15 of it (the RSS's own rounding) — θ is then that close
/// to the minimiser, and the step is not even evaluated — or when an accepted step gained less than
/// that. Converging this far here is cheap (one `exp` per point per iteration) and lets the
/// full-problem polish stop after about one iteration instead of three.
pub(super) fn solve_reduced_keep(
    r: &Reduced,
    theta0: &[f64],
    max_iter: usize,
    tol: f64,
) -> Option<Solution> {
    let (m, k) = (r.x.len(), r.n_params());
    if m > MAX_POINTS || k > 3 || theta0.len() != k || m <= k {
        return None;
    }
    // Two evaluations, the accepted point and the trial (`c` indexes the accepted one), in buffers
    // kept per thread: 10 kB that a batch of fits need not zero for every curve.
    thread_local! {
        static EVALS: std::cell::RefCell<Option<Box<[Eval; 2]>>> = const { std::cell::RefCell::new(None) };
    }
    let mut evs = EVALS
        .with(|e| e.borrow_mut().take())
        .unwrap_or_else(|| Box::new([Eval::new(), Eval::new()]));
    let out = if k == 2 {
        iterate::<2>(r, theta0, max_iter, tol, &mut evs)
    } else {
        iterate::<3>(r, theta0, max_iter, tol, &mut evs)
    };
    EVALS.with(|e| *e.borrow_mut() = Some(evs));
    out
}

/// [`solve_reduced`], returning `None` when it runs out of iterations.
pub(super) fn solve_reduced(
    r: &Reduced,
    theta0: &[f64],
    max_iter: usize,
    tol: f64,
) -> Option<Solution> {
    solve_reduced_keep(r, theta0, max_iter, tol).filter(|s| !s.exhausted)
}

/// The iteration for `K = r.n_params()` shape parameters: a constant, so that the loops over the
/// `K × K` normal equations unroll (the same arithmetic as for a run-time `k`).
fn iterate<const K: usize>(
    r: &Reduced,
    theta0: &[f64],
    max_iter: usize,
    tol: f64,
    evs: &mut [Eval; 2],
) -> Option<Solution> {
    debug_assert_eq!(K, r.n_params());
    let (m, k) = (r.x.len(), K);
    let mut th = [0.0; 3];
    th[..k].copy_from_slice(theta0);
    let mut c = 0;
    if !r.evaluate(&th[..k], &mut evs[0]) {
        return None;
    }
    let solution = |th: [f64; 3], ev: &Eval, iterations, converged| {
        Some(Solution {
            theta: th,
            a: ev.ad.0,
            d: ev.ad.1,
            iterations,
            converged,
            at_bound: false,
            exhausted: false,
        })
    };
    let mut jac = [0.0; 3 * MAX_POINTS];
    let mut lambda = 1e-3;
    for it in 1..=max_iter {
        let cur = &evs[c];
        r.jacobian_at::<K>(cur, &mut jac[..m * k]);
        let (mut a, mut g) = ([[0.0; 3]; 3], [0.0; 3]);
        for i in 0..m {
            for p in 0..k {
                g[p] += jac[i * k + p] * cur.res[i];
                for q in 0..=p {
                    a[p][q] += jac[i * k + p] * jac[i * k + q];
                }
            }
        }
        if !(a.iter().flatten().all(|v| v.is_finite()) && g.iter().all(|v| v.is_finite())) {
            return None;
        }
        // The 5PL's edge form also bounds g ≥ 0 (component 2): held at the bound while the step
        // points across it (an active set, renewed every iteration), and held where its column
        // vanishes (at ε = 0 the basis does not depend on g).
        let g_bounded = (r.edge.is_some() || r.inv_g) && k == 3;
        let mut fixed = [false; 3];
        if g_bounded && a[2][2] == 0.0 {
            fixed[2] = true;
        }
        loop {
            let mut damped = a;
            let mut rhs = g;
            for p in 0..k {
                damped[p][p] = a[p][p] * (1.0 + lambda) + 1e-300;
            }
            for p in (0..k).filter(|&p| fixed[p]) {
                for q in 0..k {
                    damped[p.max(q)][p.min(q)] = 0.0;
                }
                damped[p][p] = 1.0;
                rhs[p] = 0.0;
            }
            let Some(delta) = cholesky_solve(&damped, &rhs, k) else {
                lambda *= 10.0;
                if lambda > 1e16 {
                    return None;
                }
                continue;
            };
            // Predicted RSS reduction of the linearised model: 2 gᵀδ − δᵀAδ.
            let mut pred = 0.0;
            for p in 0..k {
                let mut ad = 0.0;
                for q in 0..k {
                    ad += if q <= p { a[p][q] } else { a[q][p] } * delta[q];
                }
                pred += delta[p] * (2.0 * g[p] - ad);
            }
            let small_step = (0..k).all(|p| delta[p].abs() <= tol * th[p].abs().max(1e-300));
            if lambda <= 1.0 && (small_step || pred <= 1e-15 * (evs[c].f + r.scatter)) {
                // A nearly Gauss–Newton step that small, or that cannot lower the RSS beyond its
                // rounding: θ is the minimiser to that precision, no need to evaluate the step.
                return solution(th, &evs[c], it, true);
            }
            let mut trial = th;
            for p in 0..k {
                trial[p] -= delta[p];
            }
            if g_bounded && trial[2] < 0.0 {
                if th[2] <= 0.0 && !fixed[2] {
                    fixed[2] = true;
                    continue;
                }
                trial[2] = 0.0;
            }
            // The edge form keeps ε ≥ 0: a step across is cut at the bound, and a step from the
            // bound that points across again ends there.
            if r.edge.is_some() && trial[1] < 0.0 {
                if th[1] <= 0.0 {
                    let mut s = solution(th, &evs[c], it, true)?;
                    s.at_bound = true;
                    return Some(s);
                }
                trial[1] = 0.0;
            }
            let f = evs[c].f;
            let whole = f + r.scatter;
            if r.evaluate(&trial[..k], &mut evs[1 - c]) && evs[1 - c].f <= f {
                let small_gain = f - evs[1 - c].f <= 1e-15 * whole;
                th = trial;
                c = 1 - c;
                lambda = (lambda * 0.1).max(1e-12);
                if small_step || small_gain {
                    // Converged only if the gain was small because the model said so (a step that
                    // gained little against a large prediction is left to the full LM).
                    return solution(th, &evs[c], it, lambda <= 0.1 && pred <= 1e-12 * whole);
                }
                break;
            }
            lambda *= 10.0;
            if lambda > 1e16 {
                // No descent left at machine precision: θ is the minimiser as far as doubles can tell.
                return solution(th, &evs[c], it, false);
            }
        }
    }
    let mut s = solution(th, &evs[c], max_iter, false)?;
    s.exhausted = true;
    Some(s)
}

/// Solve `A x = b` for symmetric positive definite `A` (lower triangle used), `k ≤ 3`.
fn cholesky_solve(a: &[[f64; 3]; 3], b: &[f64; 3], k: usize) -> Option<[f64; 3]> {
    let mut l = [[0.0; 3]; 3];
    for i in 0..k {
        for j in 0..=i {
            let mut s = a[i][j];
            for p in 0..j {
                s -= l[i][p] * l[j][p];
            }
            if i == j {
                if s.is_nan() || s <= 0.0 {
                    return None;
                }
                l[i][i] = s.sqrt();
            } else {
                l[i][j] = s / l[j][j];
            }
        }
    }
    let mut y = [0.0; 3];
    for i in 0..k {
        let mut s = b[i];
        for p in 0..i {
            s -= l[i][p] * y[p];
        }
        y[i] = s / l[i][i];
    }
    let mut x = [0.0; 3];
    for i in (0..k).rev() {
        let mut s = y[i];
        for p in i + 1..k {
            s -= l[p][i] * x[p];
        }
        x[i] = s / l[i][i];
    }
    x.iter().all(|v| v.is_finite()).then_some(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn logistic5(p: [f64; 5], x: f64) -> f64 {
        let [a, b, c, d, g] = p;
        d + (a - d) * (1.0 + (x / c).powf(b)).powf(-g)
    }

    /// Central differences of `f` in each of the three coordinates.
    fn numeric(f: impl Fn([f64; 3]) -> f64, th: [f64; 3]) -> [f64; 3] {
        let mut out = [0.0; 3];
        for j in 0..3 {
            let h = 1e-5 * th[j].abs().max(0.1);
            let (mut up, mut dn) = (th, th);
            up[j] += h;
            dn[j] -= h;
            out[j] = (f(up) - f(dn)) / (2.0 * h);
        }
        out
    }

    #[test]
    fn the_5pl_edge_form_is_the_5pl_and_its_derivatives_are_exact_near_both_limits() {
        let (top, x) = (1000.0f64, 300.0f64);
        let l = (x / top).ln();
        // [β, ε, g]: an ordinary point, ε and g small (the series branches), g large.
        for th in [
            [1.3, 0.7, 0.4],
            [0.9, 1e-4, 2.0],
            [2.0, 3.0, 1e-4],
            [1.1, 1e-3, 1e-3],
        ] {
            let [beta, eps, g] = th;
            let f = |th: [f64; 3]| edge_basis_5pl((th[0] * l).exp(), l, th[1], th[2]).0;
            let (phi, d) = edge_basis_5pl((beta * l).exp(), l, eps, g);
            // y = α + k·φ is the 5PL [α, β, top·ε^(−1/β), α + k/(gε), g].
            let (alpha, k) = (0.1, 2.0);
            let p = [
                alpha,
                beta,
                top * eps.powf(-1.0 / beta),
                alpha + k / (g * eps),
                g,
            ];
            let y5 = logistic5(p, x);
            assert!((alpha + k * phi - y5).abs() < 1e-9 * y5.abs(), "{th:?}");
            let n = numeric(f, th);
            for j in 0..3 {
                assert!(
                    (d[j] - n[j]).abs() <= 1e-6 * n[j].abs() + 1e-9,
                    "{th:?} {j}: {d:?} {n:?}"
                );
            }
        }
        // The limits themselves: ε = 0 the power law t, g = 0 the log-logistic ln(1 + εt)/ε.
        let t = (1.3 * l).exp();
        assert!((edge_basis_5pl(t, l, 0.0, 0.7).0 - t).abs() < 1e-15);
        let eps = 0.5;
        assert!((edge_basis_5pl(t, l, eps, 0.0).0 - (eps * t).ln_1p() / eps).abs() < 1e-15);
    }

    #[test]
    fn the_large_g_form_is_the_5pl_and_tends_to_its_limit() {
        let x = [0.0, 2.0, 20.0, 200.0];
        let ln_x: Vec<f64> = x.iter().map(|v: &f64| v.ln()).collect();
        let (y, w) = ([0.0; 4], [1.0; 4]);
        let r = Reduced {
            model: Model::FivePl,
            x: &x,
            ln_x: &ln_x,
            ladder: &super::super::ladder::Ladder::of(&ln_x),
            y: &y,
            w: &w,
            edge: None,
            inv_g: true,
            scatter: 0.0,
        };
        let (b, c, g) = (1.2f64, 40.0f64, 3.0f64);
        let th = [b, c.ln() - g.ln() / b, 1.0 / g];
        for i in 0..x.len() {
            let v = (b * (ln_x[i] - th[1])).exp();
            let s = inv_g_basis(&r, &th, i, v).0;
            let s5 = logistic5([1.0, b, c, 0.0, g], x[i]);
            let s5 = if x[i] == 0.0 { 1.0 } else { s5 };
            assert!((s - s5).abs() < 1e-12, "x {}: {s} vs {s5}", x[i]);
            let at = |t: [f64; 3]| inv_g_basis(&r, &t, i, (t[0] * (ln_x[i] - t[1])).exp());
            let n = numeric(|t| at(t).0, th);
            let d = at(th).1;
            for j in 0..3 {
                assert!((d[j] - n[j]).abs() <= 1e-6 * n[j].abs() + 1e-9, "{i} {j}");
            }
        }
        // h = 0: exp(−(x/κ)^b).
        let v = (b * (20f64.ln() - th[1])).exp();
        assert!((inv_g_basis(&r, &[th[0], th[1], 0.0], 2, v).0 - (-v).exp()).abs() < 1e-15);
    }
}

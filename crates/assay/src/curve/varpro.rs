//! Variable projection for the logistic models: the asymptotes `a`, `d` enter linearly
//! (`y = a·s + d·(1 − s)`, `s = (1 + (x/c)^b)^−g`), so they are solved exactly for each shape
//! `θ = (b, c[, g])` and LM only searches θ (Golub–Pereyra, with Kaufman's Jacobian). Fewer and cheaper
//! iterations than the full problem; the full LM then polishes from this point (same optimum, same
//! stopping rules) and supplies the covariance.
#![allow(clippy::needless_range_loop)] // index loops over parallel x, y, w arrays

use super::Model;
use crate::lm::Problem;

/// The reduced problem over θ.
pub(super) struct Reduced<'a> {
    pub model: Model,
    pub x: &'a [f64],
    pub ln_x: &'a [f64],
    pub y: &'a [f64],
    pub w: &'a [f64],
}

/// `s_i` and `ds_i/dθ_k` (k < 3) at θ.
fn basis(r: &Reduced, th: &[f64], ln_c: f64, i: usize) -> (f64, [f64; 3]) {
    let (b, c) = (th[0], th[1]);
    if r.x[i] <= 0.0 {
        return (if b > 0.0 { 1.0 } else { 0.0 }, [0.0; 3]);
    }
    let lr = r.ln_x[i] - ln_c;
    let u = (b * lr).exp();
    let q = 1.0 + u;
    match r.model {
        Model::FourPl => {
            let s = 1.0 / q;
            let ds_du = -s * s;
            (s, [ds_du * u * lr, ds_du * (-b * u / c), 0.0])
        }
        Model::FivePl => {
            let g = th[2];
            let lq = u.ln_1p();
            let s = (-g * lq).exp();
            let ds_du = -g * s / q;
            (s, [ds_du * u * lr, ds_du * (-b * u / c), -s * lq])
        }
    }
}

/// Weighted least squares of `y` on `[s, 1 − s]`: returns `(a, d)` and the 2 × 2 normal-matrix inverse
/// `(i11, i12, i22)`, or `None` when `s` is (numerically) constant.
/// `(a, d)` and the normal-matrix inverse `(i11, i12, i22)`.
type LinearSolution = ((f64, f64), (f64, f64, f64));

fn linear(r: &Reduced, s: &[f64]) -> Option<LinearSolution> {
    let (mut m11, mut m12, mut m22, mut v1, mut v2) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for i in 0..s.len() {
        let w2 = r.w[i] * r.w[i];
        let (p, q) = (s[i], 1.0 - s[i]);
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

impl Reduced<'_> {
    /// The asymptotes that are optimal for θ.
    pub fn asymptotes(&self, th: &[f64]) -> Option<(f64, f64)> {
        let ln_c = th[1].ln();
        let s: Vec<f64> = (0..self.x.len())
            .map(|i| basis(self, th, ln_c, i).0)
            .collect();
        linear(self, &s).map(|(ad, _)| ad)
    }
}

impl Problem for Reduced<'_> {
    fn n_params(&self) -> usize {
        self.model.n_params() - 2
    }
    fn n_residuals(&self) -> usize {
        self.x.len()
    }
    fn residuals(&self, th: &[f64], out: &mut [f64]) {
        let m = self.x.len();
        let mut s = [0.0; 64];
        if m > s.len() {
            out.iter_mut().for_each(|v| *v = f64::NAN);
            return;
        }
        let ln_c = th[1].ln();
        for i in 0..m {
            s[i] = basis(self, th, ln_c, i).0;
        }
        match linear(self, &s[..m]) {
            Some(((a, d), _)) => {
                for i in 0..m {
                    out[i] = self.w[i] * (self.y[i] - d - (a - d) * s[i]);
                }
            }
            None => out.iter_mut().for_each(|v| *v = f64::NAN),
        }
    }
    /// Kaufman's Jacobian: `−P⊥ W (∂Φ/∂θ_k) α`, with `P⊥` the projection off the weighted basis.
    fn jacobian(&self, th: &[f64], out: &mut [f64]) {
        let m = self.x.len();
        let k = self.n_params();
        let (mut s, mut ds) = ([0.0; 64], [[0.0; 3]; 64]);
        if m > s.len() {
            out.iter_mut().for_each(|v| *v = f64::NAN);
            return;
        }
        let ln_c = th[1].ln();
        for i in 0..m {
            (s[i], ds[i]) = basis(self, th, ln_c, i);
        }
        let Some(((a, d), (i11, i12, i22))) = linear(self, &s[..m]) else {
            out.iter_mut().for_each(|v| *v = f64::NAN);
            return;
        };
        for j in 0..k {
            // v = W (a − d) ∂s/∂θ_j; P⊥ v = v − WΦ (ΦᵀW²Φ)⁻¹ ΦᵀW v.
            let (mut t1, mut t2) = (0.0, 0.0);
            for i in 0..m {
                let wv = self.w[i] * self.w[i] * (a - d) * ds[i][j];
                t1 += s[i] * wv;
                t2 += (1.0 - s[i]) * wv;
            }
            let (c1, c2) = (i11 * t1 + i12 * t2, i12 * t1 + i22 * t2);
            for i in 0..m {
                let v = self.w[i] * (a - d) * ds[i][j];
                let proj = self.w[i] * (s[i] * c1 + (1.0 - s[i]) * c2);
                out[i * k + j] = -(v - proj);
            }
        }
    }
}

/// Levenberg–Marquardt on the reduced problem through its k × k normal equations (k ≤ 3), with
/// Marquardt's diagonal scaling. Hand-written because the reduced problem is tiny and well scaled
/// by construction: a QR-based trust region costs more than the residuals here, and the full-problem
/// MINPACK polish that follows restores QR-grade accuracy. Returns θ and the iterations, or `None` when
/// it cannot make progress within `max_iter`.
pub(super) fn solve_reduced(
    r: &Reduced,
    theta0: &[f64],
    max_iter: usize,
    tol: f64,
) -> Option<(Vec<f64>, usize)> {
    let (m, k) = (r.x.len(), r.n_params());
    if m > 64 || k > 3 || theta0.len() != k || m <= k {
        return None;
    }
    let sumsq = |v: &[f64]| v.iter().map(|x| x * x).sum::<f64>();
    let mut th = [0.0; 3];
    th[..k].copy_from_slice(theta0);
    let (mut res, mut jac) = ([0.0; 64], [0.0; 192]);
    r.residuals(&th[..k], &mut res[..m]);
    let mut f = sumsq(&res[..m]);
    if !f.is_finite() {
        return None;
    }
    let mut lambda = 1e-3;
    for it in 1..=max_iter {
        r.jacobian(&th[..k], &mut jac[..m * k]);
        let (mut a, mut g) = ([[0.0; 3]; 3], [0.0; 3]);
        for i in 0..m {
            for p in 0..k {
                g[p] += jac[i * k + p] * res[i];
                for q in 0..=p {
                    a[p][q] += jac[i * k + p] * jac[i * k + q];
                }
            }
        }
        if !(a.iter().flatten().all(|v| v.is_finite()) && g.iter().all(|v| v.is_finite())) {
            return None;
        }
        loop {
            let mut damped = a;
            for p in 0..k {
                damped[p][p] = a[p][p] * (1.0 + lambda) + 1e-300;
            }
            let Some(delta) = cholesky_solve(&damped, &g, k) else {
                lambda *= 10.0;
                if lambda > 1e16 {
                    return None;
                }
                continue;
            };
            let mut trial = th;
            for p in 0..k {
                trial[p] -= delta[p];
            }
            let mut tres = [0.0; 64];
            r.residuals(&trial[..k], &mut tres[..m]);
            let f_new = sumsq(&tres[..m]);
            if f_new.is_finite() && f_new <= f {
                let small_step = (0..k).all(|p| delta[p].abs() <= tol * th[p].abs().max(1e-300));
                let small_gain = f - f_new <= tol * f;
                th = trial;
                res = tres;
                f = f_new;
                lambda = (lambda * 0.1).max(1e-12);
                if small_step || small_gain {
                    return Some((th[..k].to_vec(), it));
                }
                break;
            }
            lambda *= 10.0;
            if lambda > 1e16 {
                // No descent left at machine precision: θ is the minimiser as far as doubles can tell.
                return Some((th[..k].to_vec(), it));
            }
        }
    }
    None
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

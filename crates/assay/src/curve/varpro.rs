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

//! Parameter covariance `s² (JᵀJ)⁻¹` from a pivoted QR of the column-scaled Jacobian.
#![allow(clippy::needless_range_loop)] // index loops mirror the linear algebra / Fortran original

use super::Problem;
use super::minpack::Workspace;
use super::qr::qrfac;

/// Returns (row-major covariance, standard errors). Rank-deficient directions and `dof == 0` give NaN.
pub(super) fn covariance(
    problem: &dyn Problem,
    params: &[f64],
    rss: f64,
    dof: usize,
    ws: &mut Workspace,
) -> (Vec<f64>, Vec<f64>) {
    let (m, n) = (ws.m, ws.n);
    let mut cov = vec![f64::NAN; n * n];
    if dof == 0 || !ws.eval_jacobian(problem, params) {
        return (cov, vec![f64::NAN; n]);
    }
    let s2 = rss / dof as f64;
    // Scale columns to unit norm so the rank test does not depend on the parameters' units.
    let scale = &mut ws.lwa1;
    for j in 0..n {
        let norm = super::minpack::enorm(&ws.fjac[j * m..(j + 1) * m]);
        scale[j] = norm;
        if norm > 0.0 {
            for v in &mut ws.fjac[j * m..(j + 1) * m] {
                *v /= norm;
            }
        }
    }
    if let Some(inv) = well_conditioned_inverse(&ws.fjac, m, n) {
        for i in 0..n {
            for j in 0..n {
                cov[i * n + j] = s2 * inv[i * 5 + j] / (scale[i] * scale[j]);
            }
        }
        let se = (0..n).map(|j| cov[j * n + j].sqrt()).collect();
        return (cov, se);
    }
    // The solver's n-vectors are free again: R's diagonal, column norms, scratch, pivots.
    qrfac(
        m,
        n,
        &mut ws.fjac,
        &mut ws.ipvt,
        &mut ws.wa1,
        &mut ws.wa2,
        &mut ws.wa3,
    );
    let (rdiag, ipvt) = (&ws.wa1, &ws.ipvt);
    let tol = f64::EPSILON * (m.max(n) as f64) * rdiag[0].abs().max(f64::MIN_POSITIVE);
    let rank = rdiag.iter().take_while(|d| d.abs() > tol).count();
    // Rinv (upper triangular, rank × rank), column-major in `rinv`.
    let rinv = &mut ws.nn;
    rinv.iter_mut().for_each(|v| *v = 0.0);
    let r = |i: usize, j: usize| if i == j { rdiag[j] } else { ws.fjac[i + j * m] };
    for j in 0..rank {
        rinv[j + j * n] = 1.0 / r(j, j);
        for i in (0..j).rev() {
            let mut sum = 0.0;
            for k in i + 1..=j {
                sum += r(i, k) * rinv[k + j * n];
            }
            rinv[i + j * n] = -sum / r(i, i);
        }
    }
    for i in 0..rank {
        for j in 0..rank {
            let mut sum = 0.0;
            for k in i.max(j)..rank {
                sum += rinv[i + k * n] * rinv[j + k * n];
            }
            let (pi, pj) = (ipvt[i], ipvt[j]);
            cov[pi * n + pj] = s2 * sum / (scale[pi] * scale[pj]);
        }
    }
    let se = (0..n).map(|j| cov[j * n + j].sqrt()).collect();
    (cov, se)
}

/// Below this least pivot of the Cholesky factor of the column-scaled `JᵀJ` (unit diagonal) the
/// pivoted QR decides the rank instead: above it the condition number of `JᵀJ` is below about
/// `n/1e-6`, so forming it loses at most ~1e-10 relative in the covariance.
const LEAST_PIVOT: f64 = 1e-6;

/// `(JᵀJ)⁻¹` of the column-scaled Jacobian `j` (column-major `m × n`, unit columns, `n ≤ 5`) by
/// Cholesky, row-major with stride 5, where it is well conditioned (see [`LEAST_PIVOT`]); `None`
/// otherwise (and for larger `n`). A handful of flops against a QR for the usual small curve fits.
fn well_conditioned_inverse(j: &[f64], m: usize, n: usize) -> Option<[f64; 25]> {
    if n > 5 || n == 0 {
        return None;
    }
    let col = |c: usize| &j[c * m..(c + 1) * m];
    let mut l = [0.0f64; 25];
    for a in 0..n {
        for b in 0..=a {
            let mut g: f64 = col(a).iter().zip(col(b)).map(|(u, v)| u * v).sum();
            for k in 0..b {
                g -= l[a * 5 + k] * l[b * 5 + k];
            }
            if a == b {
                if g.is_nan() || g <= LEAST_PIVOT {
                    return None;
                }
                l[a * 5 + a] = g.sqrt();
            } else {
                l[a * 5 + b] = g / l[b * 5 + b];
            }
        }
    }
    // L⁻¹ (lower triangular), then (JᵀJ)⁻¹ = L⁻ᵀ L⁻¹.
    let mut li = [0.0f64; 25];
    for a in 0..n {
        li[a * 5 + a] = 1.0 / l[a * 5 + a];
        for b in 0..a {
            let mut sum = 0.0;
            for k in b..a {
                sum += l[a * 5 + k] * li[k * 5 + b];
            }
            li[a * 5 + b] = -sum / l[a * 5 + a];
        }
    }
    let mut inv = [0.0f64; 25];
    for a in 0..n {
        for b in 0..=a {
            let mut sum = 0.0;
            for k in a..n {
                sum += li[k * 5 + a] * li[k * 5 + b];
            }
            inv[a * 5 + b] = sum;
            inv[b * 5 + a] = sum;
        }
    }
    inv.iter().all(|v| v.is_finite()).then_some(inv)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cholesky_inverse_is_the_inverse_and_refuses_near_singular_columns() {
        // Columns of unit norm, 4 × 3.
        let raw = [
            [1.0, 2.0, 0.5, 1.0],
            [0.3, -1.0, 2.0, 0.2],
            [1.0, 1.0, 1.0, -3.0],
        ];
        let mut j = vec![];
        for c in raw {
            let norm = c.iter().map(|v: &f64| v * v).sum::<f64>().sqrt();
            j.extend(c.iter().map(|v| v / norm));
        }
        let inv = well_conditioned_inverse(&j, 4, 3).expect("well conditioned");
        for a in 0..3 {
            for b in 0..3 {
                // (JᵀJ · inv)[a][b] = δ_ab.
                let mut s = 0.0;
                for k in 0..3 {
                    let g: f64 = (0..4).map(|i| j[a * 4 + i] * j[k * 4 + i]).sum();
                    s += g * inv[k * 5 + b];
                }
                let want = if a == b { 1.0 } else { 0.0 };
                assert!((s - want).abs() < 1e-12, "{a} {b}: {s}");
            }
        }
        let mut near = j.clone();
        for i in 0..4 {
            near[8 + i] = j[i] + 1e-5 * j[4 + i];
        }
        assert!(well_conditioned_inverse(&near, 4, 3).is_none());
    }
}

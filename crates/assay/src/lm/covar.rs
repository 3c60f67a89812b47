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

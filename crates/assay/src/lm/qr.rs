//! MINPACK's dense kernels: Householder QR with column pivoting (`qrfac`), the Levenberg–Marquardt
//! parameter (`lmpar`) and the damped least-squares solve (`qrsolv`), on column-major slices.
#![allow(clippy::needless_range_loop)] // index loops mirror the linear algebra / Fortran original

use super::minpack::{Workspace, enorm};

/// Householder QR with column pivoting of the column-major `m × n` matrix `a`.
/// On return the strict upper triangle of `a` holds R, `rdiag` its diagonal, the lower trapezoid the
/// Householder vectors; `acnorm` the original column norms; `ipvt[j]` the original index of column j.
pub(super) fn qrfac(
    m: usize,
    n: usize,
    a: &mut [f64],
    ipvt: &mut [usize],
    rdiag: &mut [f64],
    acnorm: &mut [f64],
    wa: &mut [f64],
) {
    let epsmch = f64::EPSILON;
    for j in 0..n {
        acnorm[j] = enorm(&a[j * m..(j + 1) * m]);
        rdiag[j] = acnorm[j];
        wa[j] = rdiag[j];
        ipvt[j] = j;
    }
    let minmn = m.min(n);
    let a = &mut a[..m * n];
    for j in 0..minmn {
        let mut kmax = j;
        for k in j..n {
            if rdiag[k] > rdiag[kmax] {
                kmax = k;
            }
        }
        if kmax != j {
            let (left, right) = a.split_at_mut(kmax * m);
            left[j * m..(j + 1) * m].swap_with_slice(&mut right[..m]);
            rdiag[kmax] = rdiag[j];
            wa[kmax] = wa[j];
            ipvt.swap(j, kmax);
        }
        // Column j from row j on, and the columns after it.
        let (left, right) = a.split_at_mut((j + 1) * m);
        let col = &mut left[j * m + j..];
        let mut ajnorm = enorm(col);
        if ajnorm != 0.0 {
            if col[0] < 0.0 {
                ajnorm = -ajnorm;
            }
            let inv = 1.0 / ajnorm;
            for v in col.iter_mut() {
                *v *= inv;
            }
            col[0] += 1.0;
            let col = &*col;
            let ajj = col[0];
            for (k, other) in (j + 1..n).zip(right.chunks_exact_mut(m)) {
                let other = &mut other[j..];
                let mut sum = 0.0;
                for (u, v) in col.iter().zip(other.iter()) {
                    sum += u * v;
                }
                let temp = sum / ajj;
                for (v, u) in other.iter_mut().zip(col) {
                    *v -= temp * u;
                }
                if rdiag[k] != 0.0 {
                    let temp = other[0] / rdiag[k];
                    rdiag[k] *= (1.0 - temp * temp).max(0.0).sqrt();
                    if 0.05 * (rdiag[k] / wa[k]).powi(2) <= epsmch {
                        rdiag[k] = enorm(&other[1..]);
                        wa[k] = rdiag[k];
                    }
                }
            }
        }
        rdiag[j] = -ajnorm;
    }
}

/// Moré's Levenberg–Marquardt parameter: solves for the step `wa1` (in `ws.wa1`) with
/// `‖D·step‖ ≈ delta`, using R (upper triangle of `ws.fjac`), `ws.ipvt`, `ws.diag`, `ws.qtf`.
pub(super) fn lmpar(n: usize, m: usize, ws: &mut Workspace, delta: f64, par: &mut f64) {
    // The curve fits' sizes: a fixed-size copy of R, the step by Cholesky (see `small`).
    lmpar_small::<true>(n, m, ws, delta, par)
}

/// [`lmpar`] for 2–5 parameters on a fixed-size copy of R (`CHOLESKY`: see
/// [`super::small::lmpar_fixed`]; without it the same arithmetic as [`lmpar_general`] to the last
/// bit); the general routine for other sizes.
pub(super) fn lmpar_small<const CHOLESKY: bool>(
    n: usize,
    m: usize,
    ws: &mut Workspace,
    delta: f64,
    par: &mut f64,
) {
    macro_rules! fixed {
        ($n:literal) => {
            super::small::lmpar_fixed::<$n, CHOLESKY>(
                m,
                &ws.fjac,
                &ws.ipvt,
                &ws.diag,
                &ws.qtf,
                delta,
                par,
                &mut ws.wa1,
                &mut ws.sdiag,
            )
        };
    }
    match n {
        2 => return fixed!(2),
        3 => return fixed!(3),
        4 => return fixed!(4),
        5 => return fixed!(5),
        _ => {}
    }
    lmpar_general(n, m, ws, delta, par)
}

/// [`lmpar`] for any number of parameters.
pub(super) fn lmpar_general(n: usize, m: usize, ws: &mut Workspace, delta: f64, par: &mut f64) {
    let dwarf = f64::MIN_POSITIVE;
    let r = &mut ws.fjac;
    let (ipvt, diag, qtb) = (&ws.ipvt, &ws.diag, &ws.qtf);
    let x = &mut ws.wa1;
    let sdiag = &mut ws.sdiag;
    let wa1 = &mut ws.lwa1;
    let wa2 = &mut ws.lwa2;
    let rr = |r: &[f64], i: usize, j: usize| r[i + j * m];
    // Gauss–Newton direction.
    let mut nsing = n;
    for j in 0..n {
        wa1[j] = qtb[j];
        if rr(r, j, j) == 0.0 && nsing == n {
            nsing = j;
        }
        if nsing < n {
            wa1[j] = 0.0;
        }
    }
    for j in (0..nsing).rev() {
        wa1[j] /= rr(r, j, j);
        let temp = wa1[j];
        for i in 0..j {
            wa1[i] -= rr(r, i, j) * temp;
        }
    }
    for j in 0..n {
        x[ipvt[j]] = wa1[j];
    }
    let mut iter = 0;
    for j in 0..n {
        wa2[j] = diag[j] * x[j];
    }
    let mut dxnorm = enorm(&wa2[..n]);
    let mut fp = dxnorm - delta;
    if fp <= 0.1 * delta {
        *par = 0.0;
        return;
    }
    // Lower bound.
    let mut parl = 0.0;
    if nsing >= n {
        for j in 0..n {
            let l = ipvt[j];
            wa1[j] = diag[l] * (wa2[l] / dxnorm);
        }
        for j in 0..n {
            let mut sum = 0.0;
            for i in 0..j {
                sum += rr(r, i, j) * wa1[i];
            }
            wa1[j] = (wa1[j] - sum) / rr(r, j, j);
        }
        let temp = enorm(&wa1[..n]);
        parl = ((fp / delta) / temp) / temp;
    }
    // Upper bound.
    for j in 0..n {
        let mut sum = 0.0;
        for i in 0..=j {
            sum += rr(r, i, j) * qtb[i];
        }
        wa1[j] = sum / diag[ipvt[j]];
    }
    let gnorm = enorm(&wa1[..n]);
    let mut paru = gnorm / delta;
    if paru == 0.0 {
        paru = dwarf / delta.min(0.1);
    }
    *par = par.max(parl).min(paru);
    if *par == 0.0 {
        *par = gnorm / dxnorm;
    }
    loop {
        iter += 1;
        if *par == 0.0 {
            *par = dwarf.max(0.001 * paru);
        }
        let temp = par.sqrt();
        for j in 0..n {
            wa1[j] = temp * diag[j];
        }
        qrsolv(n, m, r, ipvt, wa1, qtb, x, sdiag, wa2);
        for j in 0..n {
            wa2[j] = diag[j] * x[j];
        }
        dxnorm = enorm(&wa2[..n]);
        let temp = fp;
        fp = dxnorm - delta;
        if fp.abs() <= 0.1 * delta || (parl == 0.0 && fp <= temp && temp < 0.0) || iter == 10 {
            break;
        }
        for j in 0..n {
            let l = ipvt[j];
            wa1[j] = diag[l] * (wa2[l] / dxnorm);
        }
        for j in 0..n {
            wa1[j] /= sdiag[j];
            let temp = wa1[j];
            for i in j + 1..n {
                wa1[i] -= rr(r, i, j) * temp;
            }
        }
        let temp = enorm(&wa1[..n]);
        let parc = ((fp / delta) / temp) / temp;
        if fp > 0.0 {
            parl = parl.max(*par);
        }
        if fp < 0.0 {
            paru = paru.min(*par);
        }
        *par = parl.max(*par + parc);
        if !par.is_finite() {
            *par = paru;
            break;
        }
    }
}

/// Solve `min ‖[R; D] z − [qtb; 0]‖` by Givens rotations (MINPACK `qrsolv`). The strict lower
/// triangle of `r` receives Sᵀ, `sdiag` the diagonal of S.
#[allow(clippy::too_many_arguments)]
fn qrsolv(
    n: usize,
    m: usize,
    r: &mut [f64],
    ipvt: &[usize],
    diag: &[f64],
    qtb: &[f64],
    x: &mut [f64],
    sdiag: &mut [f64],
    wa: &mut [f64],
) {
    let ix = |i: usize, j: usize| i + j * m;
    for j in 0..n {
        for i in j..n {
            r[ix(i, j)] = r[ix(j, i)];
        }
        x[j] = r[ix(j, j)];
        wa[j] = qtb[j];
    }
    for j in 0..n {
        let l = ipvt[j];
        if diag[l] != 0.0 {
            for s in sdiag[j..n].iter_mut() {
                *s = 0.0;
            }
            sdiag[j] = diag[l];
            let mut qtbpj = 0.0;
            for k in j..n {
                if sdiag[k] == 0.0 {
                    continue;
                }
                let rkk = r[ix(k, k)];
                let (sin, cos) = if rkk.abs() < sdiag[k].abs() {
                    let cotan = rkk / sdiag[k];
                    let sin = 0.5 / (0.25 + 0.25 * cotan * cotan).sqrt();
                    (sin, sin * cotan)
                } else {
                    let tan = sdiag[k] / rkk;
                    let cos = 0.5 / (0.25 + 0.25 * tan * tan).sqrt();
                    (cos * tan, cos)
                };
                r[ix(k, k)] = cos * rkk + sin * sdiag[k];
                let temp = cos * wa[k] + sin * qtbpj;
                qtbpj = -sin * wa[k] + cos * qtbpj;
                wa[k] = temp;
                for i in k + 1..n {
                    let temp = cos * r[ix(i, k)] + sin * sdiag[i];
                    sdiag[i] = -sin * r[ix(i, k)] + cos * sdiag[i];
                    r[ix(i, k)] = temp;
                }
            }
        }
        sdiag[j] = r[ix(j, j)];
        r[ix(j, j)] = x[j];
    }
    let mut nsing = n;
    for j in 0..n {
        if sdiag[j] == 0.0 && nsing == n {
            nsing = j;
        }
        if nsing < n {
            wa[j] = 0.0;
        }
    }
    for j in (0..nsing).rev() {
        let mut sum = 0.0;
        for i in j + 1..nsing {
            sum += r[ix(i, j)] * wa[i];
        }
        wa[j] = (wa[j] - sum) / sdiag[j];
    }
    for j in 0..n {
        x[ipvt[j]] = wa[j];
    }
}

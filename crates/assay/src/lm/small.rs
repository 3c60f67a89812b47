//! MINPACK's `lmpar` and `qrsolv` for a fixed, small number of parameters (`N ≤ 5`: the 4PL and 5PL,
//! and the reduced forms of the curve fits), on an `N × N` copy of `R` held in registers and on the
//! stack.
//!
//! The arithmetic is that of [`super::qr::lmpar`] operation for operation, in the same order, so the
//! result is the same to the last bit (`tests/lm_api.rs` checks it against the general routine);
//! what the fixed size buys is loops the compiler unrolls, no bounds checks, and independent updates
//! (the rows of a Givens rotation, the columns of a back-substitution) issued side by side instead of
//! behind the strides of an `m × n` column-major array. On curve fits `lmpar` was a quarter of the
//! whole time (BENCHMARKS.md, issue 10, eighth pass).
#![allow(clippy::needless_range_loop)] // index loops mirror the linear algebra / Fortran original

use super::minpack::enorm;

/// `lmpar` for `N` parameters: `r` the column-major `m × N` QR factors (upper triangle R, its
/// diagonal in place), the rest as in [`super::qr::lmpar`]. Writes the step into `x` and `sdiag`.
///
/// `CHOLESKY`: the step for each trial `par` is solved from the normal equations
/// `(RᵀR + par·D²) z = Rᵀ(Qᵀb)` by Cholesky (one factorisation, `N` square roots) instead of
/// MINPACK's Givens rotations (`N(N+1)/2` rotations, each a square root and divisions in a chain,
/// the latency that dominated `lmpar`); the rotations remain where a Cholesky pivot loses more than
/// six digits ([`LEAST_PIVOT`]) and where R is singular. Not the same to the last bit (the normal
/// equations square R's condition): the curve fits use it, the test of the fixed size against the
/// general routine runs without it.
#[allow(clippy::too_many_arguments)]
pub(super) fn lmpar_fixed<const N: usize, const CHOLESKY: bool>(
    m: usize,
    r_cols: &[f64],
    ipvt: &[usize],
    diag: &[f64],
    qtb: &[f64],
    delta: f64,
    par: &mut f64,
    x_out: &mut [f64],
    sdiag_out: &mut [f64],
) {
    let dwarf = f64::MIN_POSITIVE;
    // r[j][i] = R(i, j): the top N × N block, column by column.
    let mut r = [[0.0f64; N]; N];
    for j in 0..N {
        r[j].copy_from_slice(&r_cols[j * m..j * m + N]);
    }
    let ipvt: [usize; N] = ipvt[..N].try_into().expect("N pivots");
    let diag: [f64; N] = diag[..N].try_into().expect("N scales");
    let qtb: [f64; N] = qtb[..N].try_into().expect("N components");
    let mut x = [0.0f64; N];
    let mut sdiag = [0.0f64; N];
    let mut wa1 = [0.0f64; N];
    let mut wa2 = [0.0f64; N];
    // Gauss–Newton direction.
    let mut nsing = N;
    for j in 0..N {
        wa1[j] = qtb[j];
        if r[j][j] == 0.0 && nsing == N {
            nsing = j;
        }
        if nsing < N {
            wa1[j] = 0.0;
        }
    }
    for j in (0..nsing).rev() {
        wa1[j] /= r[j][j];
        let temp = wa1[j];
        for i in 0..j {
            wa1[i] -= r[j][i] * temp;
        }
    }
    for j in 0..N {
        x[ipvt[j]] = wa1[j];
    }
    let mut iter = 0;
    for j in 0..N {
        wa2[j] = diag[j] * x[j];
    }
    let mut dxnorm = enorm(&wa2);
    let mut fp = dxnorm - delta;
    if fp <= 0.1 * delta {
        *par = 0.0;
        x_out[..N].copy_from_slice(&x);
        return;
    }
    // Lower bound.
    let mut parl = 0.0;
    if nsing >= N {
        for j in 0..N {
            let l = ipvt[j];
            wa1[j] = diag[l] * (wa2[l] / dxnorm);
        }
        for j in 0..N {
            let mut sum = 0.0;
            for i in 0..j {
                sum += r[j][i] * wa1[i];
            }
            wa1[j] = (wa1[j] - sum) / r[j][j];
        }
        let temp = enorm(&wa1);
        parl = ((fp / delta) / temp) / temp;
    }
    // Upper bound.
    for j in 0..N {
        let mut sum = 0.0;
        for i in 0..=j {
            sum += r[j][i] * qtb[i];
        }
        wa1[j] = sum / diag[ipvt[j]];
    }
    let gnorm = enorm(&wa1);
    let mut paru = gnorm / delta;
    if paru == 0.0 {
        paru = dwarf / delta.min(0.1);
    }
    *par = par.max(parl).min(paru);
    if *par == 0.0 {
        *par = gnorm / dxnorm;
    }
    // The normal equations in R's (pivoted) columns, `RᵀR` and `Rᵀ(Qᵀb)`, for the Cholesky step.
    let mut normal = [[0.0f64; N]; N];
    let mut rhs = [0.0f64; N];
    if CHOLESKY && nsing == N {
        for j in 0..N {
            for k in 0..=j {
                let mut sum = 0.0;
                for i in 0..=k {
                    sum += r[j][i] * r[k][i];
                }
                normal[j][k] = sum;
            }
            let mut sum = 0.0;
            for i in 0..=j {
                sum += r[j][i] * qtb[i];
            }
            rhs[j] = sum;
        }
    }
    let mut chol = [[0.0f64; N]; N];
    loop {
        iter += 1;
        if *par == 0.0 {
            *par = dwarf.max(0.001 * paru);
        }
        let by_cholesky = CHOLESKY
            && nsing == N
            && cholesky_step(&normal, &rhs, &ipvt, &diag, *par, &mut x, &mut chol);
        if !by_cholesky {
            let temp = par.sqrt();
            for j in 0..N {
                wa1[j] = temp * diag[j];
            }
            qrsolv_fixed(&mut r, &ipvt, &wa1, &qtb, &mut x, &mut sdiag);
        }
        for j in 0..N {
            wa2[j] = diag[j] * x[j];
        }
        dxnorm = enorm(&wa2);
        let temp = fp;
        fp = dxnorm - delta;
        if fp.abs() <= 0.1 * delta || (parl == 0.0 && fp <= temp && temp < 0.0) || iter == 10 {
            break;
        }
        for j in 0..N {
            let l = ipvt[j];
            wa1[j] = diag[l] * (wa2[l] / dxnorm);
        }
        if by_cholesky {
            // Sᵀ = L: forward substitution.
            for j in 0..N {
                let mut sum = wa1[j];
                for k in 0..j {
                    sum -= chol[j][k] * wa1[k];
                }
                wa1[j] = sum / chol[j][j];
            }
        } else {
            for j in 0..N {
                wa1[j] /= sdiag[j];
                let temp = wa1[j];
                for i in j + 1..N {
                    wa1[i] -= r[j][i] * temp;
                }
            }
        }
        let temp = enorm(&wa1);
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
    x_out[..N].copy_from_slice(&x);
    sdiag_out[..N].copy_from_slice(&sdiag);
}

/// Least relative pivot of the Cholesky factorisation (`L_jj² / M_jj`) accepted: below it, more than
/// six digits cancelled and the Givens rotations on R solve the step instead.
const LEAST_PIVOT: f64 = 1e-6;

/// `(RᵀR + par·D²) z = Rᵀ(Qᵀb)` in R's pivoted columns by Cholesky, `x[ipvt[j]] = z[j]`; `chol`
/// receives L (lower, `chol[i][j]`, i ≥ j). False where a pivot lost too many digits.
fn cholesky_step<const N: usize>(
    normal: &[[f64; N]; N],
    rhs: &[f64; N],
    ipvt: &[usize; N],
    diag: &[f64; N],
    par: f64,
    x: &mut [f64; N],
    chol: &mut [[f64; N]; N],
) -> bool {
    for j in 0..N {
        let dj = diag[ipvt[j]];
        let mjj = normal[j][j] + par * dj * dj;
        let mut s = mjj;
        for k in 0..j {
            s -= chol[j][k] * chol[j][k];
        }
        if s.is_nan() || s <= LEAST_PIVOT * mjj {
            return false;
        }
        let ljj = s.sqrt();
        chol[j][j] = ljj;
        for i in j + 1..N {
            let mut t = normal[i][j];
            for k in 0..j {
                t -= chol[i][k] * chol[j][k];
            }
            chol[i][j] = t / ljj;
        }
    }
    let mut z = [0.0f64; N];
    for j in 0..N {
        let mut sum = rhs[j];
        for k in 0..j {
            sum -= chol[j][k] * z[k];
        }
        z[j] = sum / chol[j][j];
    }
    for j in (0..N).rev() {
        let mut sum = z[j];
        for k in j + 1..N {
            sum -= chol[k][j] * z[k];
        }
        z[j] = sum / chol[j][j];
    }
    for j in 0..N {
        x[ipvt[j]] = z[j];
    }
    true
}

/// MINPACK `qrsolv` on the `N × N` block `r` (`r[j][i]` = row i of column j): the strict lower
/// triangle receives Sᵀ, `sdiag` the diagonal of S, `x` the solution.
fn qrsolv_fixed<const N: usize>(
    r: &mut [[f64; N]; N],
    ipvt: &[usize; N],
    diag: &[f64; N],
    qtb: &[f64; N],
    x: &mut [f64; N],
    sdiag: &mut [f64; N],
) {
    let mut wa = [0.0f64; N];
    for j in 0..N {
        for i in j..N {
            r[j][i] = r[i][j];
        }
        x[j] = r[j][j];
        wa[j] = qtb[j];
    }
    for j in 0..N {
        let l = ipvt[j];
        if diag[l] != 0.0 {
            for s in sdiag[j..N].iter_mut() {
                *s = 0.0;
            }
            sdiag[j] = diag[l];
            let mut qtbpj = 0.0;
            for k in j..N {
                if sdiag[k] == 0.0 {
                    continue;
                }
                let rkk = r[k][k];
                let (sin, cos) = if rkk.abs() < sdiag[k].abs() {
                    let cotan = rkk / sdiag[k];
                    let sin = 0.5 / (0.25 + 0.25 * cotan * cotan).sqrt();
                    (sin, sin * cotan)
                } else {
                    let tan = sdiag[k] / rkk;
                    let cos = 0.5 / (0.25 + 0.25 * tan * tan).sqrt();
                    (cos * tan, cos)
                };
                r[k][k] = cos * rkk + sin * sdiag[k];
                let temp = cos * wa[k] + sin * qtbpj;
                qtbpj = -sin * wa[k] + cos * qtbpj;
                wa[k] = temp;
                for i in k + 1..N {
                    let temp = cos * r[k][i] + sin * sdiag[i];
                    sdiag[i] = -sin * r[k][i] + cos * sdiag[i];
                    r[k][i] = temp;
                }
            }
        }
        sdiag[j] = r[j][j];
        r[j][j] = x[j];
    }
    let mut nsing = N;
    for j in 0..N {
        if sdiag[j] == 0.0 && nsing == N {
            nsing = j;
        }
        if nsing < N {
            wa[j] = 0.0;
        }
    }
    for j in (0..nsing).rev() {
        let mut sum = 0.0;
        for i in j + 1..nsing {
            sum += r[j][i] * wa[i];
        }
        wa[j] = (wa[j] - sum) / sdiag[j];
    }
    for j in 0..N {
        x[ipvt[j]] = wa[j];
    }
}

#[cfg(test)]
mod tests {
    use super::super::minpack::Workspace;
    use super::super::qr::{lmpar, lmpar_general, lmpar_small, qrfac};

    /// A workspace as `lmder` leaves it before `lmpar`: the QR of `jac` (column-major `m × n`), R's
    /// diagonal in place, scales, `Qᵀf`'s first `n` components.
    fn prepared(m: usize, n: usize, jac: &[f64], f: &[f64], scale: f64) -> Workspace {
        let mut ws = Workspace::new(m, n);
        ws.fjac.copy_from_slice(jac);
        qrfac(
            m,
            n,
            &mut ws.fjac,
            &mut ws.ipvt,
            &mut ws.wa1,
            &mut ws.wa2,
            &mut ws.wa3,
        );
        let mut qf = f.to_vec();
        for j in 0..n {
            let fjj = ws.fjac[j * m + j];
            if fjj != 0.0 {
                let sum: f64 = (j..m).map(|i| ws.fjac[j * m + i] * qf[i]).sum();
                for i in j..m {
                    qf[i] -= ws.fjac[j * m + i] * sum / fjj;
                }
            }
            ws.fjac[j * m + j] = ws.wa1[j];
            ws.qtf[j] = qf[j];
            ws.diag[j] = scale * ws.wa2[j].max(1e-3);
        }
        ws
    }

    /// Reproducible problems of every shape (a small linear congruential generator): `n` 2–5
    /// parameters, `m` from `n` to 13 points, 40 cases each, among them rank-deficient and nearly
    /// so (a zero column, two proportional columns); `each(n, m, case, jac, f, prepared)`.
    fn problems(
        mut seed: u64,
        mut each: impl FnMut(usize, usize, i32, &[f64], &[f64], &Workspace),
    ) {
        let mut next = move || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((seed >> 11) as f64 / (1u64 << 53) as f64) * 2.0 - 1.0
        };
        for n in 2..=5 {
            for m in [n, n + 1, 8, 13] {
                for case in 0..40 {
                    let mut jac: Vec<f64> =
                        (0..m * n).map(|_| next() * 10f64.powi(case % 5)).collect();
                    if case % 7 == 3 {
                        jac[m..2 * m].iter_mut().for_each(|v| *v = 0.0);
                    }
                    if case % 7 == 5 {
                        for i in 0..m {
                            jac[m + i] = 3.0 * jac[i] * (1.0 + 1e-12 * next());
                        }
                    }
                    let f: Vec<f64> = (0..m).map(|_| next()).collect();
                    let ws0 = prepared(m, n, &jac, &f, 1.0 + case as f64);
                    each(n, m, case, &jac, &f, &ws0);
                }
            }
        }
    }

    #[test]
    fn the_fixed_size_lmpar_is_the_general_one_to_the_last_bit() {
        let mut compared = 0;
        problems(0x2545_f491_4f6c_dd1d, |n, m, case, _jac, _f, ws0| {
            for (delta, par0) in [
                (1e-3, 0.0),
                (0.1, 1e-4),
                (1.0, 0.5),
                (1e3, 0.0),
                (1e-9, 10.0),
            ] {
                let (mut a, mut b) = (ws0.clone(), ws0.clone());
                let (mut pa, mut pb) = (par0, par0);
                lmpar_small::<false>(n, m, &mut a, delta, &mut pa);
                lmpar_general(n, m, &mut b, delta, &mut pb);
                assert_eq!(pa.to_bits(), pb.to_bits(), "par n {n} m {m} case {case}");
                for j in 0..n {
                    assert_eq!(
                        a.wa1[j].to_bits(),
                        b.wa1[j].to_bits(),
                        "step n {n} m {m} {case}"
                    );
                }
                // R (upper triangle and diagonal) as lmder reads it afterwards.
                for j in 0..n {
                    for i in 0..=j {
                        assert_eq!(a.fjac[j * m + i].to_bits(), b.fjac[j * m + i].to_bits());
                    }
                }
                compared += 1;
            }
        });
        assert_eq!(compared, 4 * 4 * 40 * 5);
    }

    /// The Cholesky step solves the LM's normal equations `(JᵀJ + par·D²)·x = Jᵀf` for the `par`
    /// it returns, as the Givens step does (to rounding of the squared condition), on the same
    /// matrices as the test above, rank-deficient and nearly dependent columns included (there it
    /// hands over to the rotations).
    #[test]
    fn the_cholesky_step_solves_the_normal_equations() {
        let mut checked = 0;
        problems(0x9e37_79b9_7f4a_7c15, |n, m, case, jac, f, ws0| {
            for (delta, par0) in [(1e-3, 0.0), (0.1, 1e-4), (1.0, 0.5), (1e-9, 10.0)] {
                let (mut a, mut b) = (ws0.clone(), ws0.clone());
                let (mut pa, mut pb) = (par0, par0);
                lmpar(n, m, &mut a, delta, &mut pa);
                lmpar_small::<false>(n, m, &mut b, delta, &mut pb);
                // Residual of the normal equations at the returned par, against its scale.
                let col = |j: usize| &jac[j * m..(j + 1) * m];
                let dot = |u: &[f64], v: &[f64]| u.iter().zip(v).map(|(p, q)| p * q).sum::<f64>();
                let (mut worst, mut scale) = (0.0f64, 0.0f64);
                for j in 0..n {
                    let mut lhs = pa * a.diag[j] * a.diag[j] * a.wa1[j];
                    let mut size = (pa * a.diag[j] * a.diag[j] * a.wa1[j]).abs();
                    for k in 0..n {
                        let t = dot(col(j), col(k)) * a.wa1[k];
                        lhs += t;
                        size += t.abs();
                    }
                    let jf = dot(col(j), f);
                    worst = worst.max((lhs - jf).abs());
                    scale = scale.max(size + jf.abs());
                }
                assert!(
                    worst <= 1e-7 * scale,
                    "n {n} m {m} case {case}: residual {worst:e} of {scale:e}"
                );
                // Where both took the same number of par trials, the steps agree closely.
                if pa.to_bits() == pb.to_bits() {
                    for j in 0..n {
                        assert!(
                            (a.wa1[j] - b.wa1[j]).abs()
                                <= 1e-6 * (a.wa1[j].abs() + b.wa1[j].abs()) + 1e-12
                        );
                    }
                }
                checked += 1;
            }
        });
        assert_eq!(checked, 4 * 4 * 40 * 4);
    }
}

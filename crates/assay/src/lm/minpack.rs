//! MINPACK `lmder` (the LM iteration) and its work buffers, ported to Rust slices (column-major `m × n`).
//!
//! Port of the public-domain MINPACK-1 routines (Moré, Garbow, Hillstrom, Argonne 1980); variable
//! names follow the Fortran so the code can be checked against it line by line.
#![allow(clippy::needless_range_loop)] // index loops mirror the linear algebra / Fortran original

use super::qr::{lmpar, qrfac};
use super::{LmError, LmOptions, Problem, Termination};

/// Every buffer the solver needs; cached per thread by `solve`.
#[derive(Clone)]
pub(super) struct Workspace {
    pub m: usize,
    pub n: usize,
    /// Jacobian / QR factors, column-major `m × n`.
    pub fjac: Vec<f64>,
    /// Row-major Jacobian as the problem writes it.
    pub jrow: Vec<f64>,
    pub fvec: Vec<f64>,
    pub ipvt: Vec<usize>,
    pub diag: Vec<f64>,
    pub qtf: Vec<f64>,
    pub wa1: Vec<f64>,
    pub wa2: Vec<f64>,
    pub wa3: Vec<f64>,
    pub wa4: Vec<f64>,
    pub sdiag: Vec<f64>,
    pub lwa1: Vec<f64>,
    pub lwa2: Vec<f64>,
    /// n × n scratch (covariance).
    pub nn: Vec<f64>,
}

impl Workspace {
    pub fn new(m: usize, n: usize) -> Self {
        Workspace {
            m,
            n,
            fjac: vec![0.0; m * n],
            jrow: vec![0.0; m * n],
            fvec: vec![0.0; m],
            ipvt: vec![0; n],
            diag: vec![0.0; n],
            qtf: vec![0.0; n],
            wa1: vec![0.0; n],
            wa2: vec![0.0; n],
            wa3: vec![0.0; n],
            wa4: vec![0.0; m],
            sdiag: vec![0.0; n],
            lwa1: vec![0.0; n],
            lwa2: vec![0.0; n],
            nn: vec![0.0; n * n],
        }
    }

    /// Reuse the buffers for an `m × n` problem (capacity is kept; contents zeroed).
    pub fn reset(&mut self, m: usize, n: usize) {
        self.m = m;
        self.n = n;
        for (v, len) in [
            (&mut self.fjac, m * n),
            (&mut self.jrow, m * n),
            (&mut self.fvec, m),
            (&mut self.diag, n),
            (&mut self.qtf, n),
            (&mut self.wa1, n),
            (&mut self.wa2, n),
            (&mut self.wa3, n),
            (&mut self.wa4, m),
            (&mut self.sdiag, n),
            (&mut self.lwa1, n),
            (&mut self.lwa2, n),
            (&mut self.nn, n * n),
        ] {
            v.clear();
            v.resize(len, 0.0);
        }
        self.ipvt.clear();
        self.ipvt.resize(n, 0);
    }

    /// Evaluate the Jacobian at `x` into `fjac` (column-major). Returns false if not finite.
    pub fn eval_jacobian(&mut self, problem: &dyn Problem, x: &[f64]) -> bool {
        problem.jacobian(x, &mut self.jrow);
        let (m, n) = (self.m, self.n);
        let mut finite = true;
        for (i, row) in self.jrow.chunks_exact(n).take(m).enumerate() {
            for (j, &v) in row.iter().enumerate() {
                finite &= v.is_finite();
                self.fjac[i + j * m] = v;
            }
        }
        finite
    }
}

pub(super) struct Outcome {
    pub params: Vec<f64>,
    pub rss: f64,
    pub iterations: usize,
    pub termination: Termination,
}

pub(super) fn enorm(v: &[f64]) -> f64 {
    // Plain sum of squares when it neither overflows nor underflows (the common case, and as accurate);
    // otherwise the scaled two-pass form of MINPACK's enorm.
    let s: f64 = v.iter().map(|x| x * x).sum();
    if s.is_finite() && s > 1e-280 {
        return s.sqrt();
    }
    let mut scale = 0.0f64;
    for &x in v {
        scale = scale.max(x.abs());
    }
    if scale == 0.0 || !scale.is_finite() {
        return scale;
    }
    let mut s = 0.0;
    for &x in v {
        let t = x / scale;
        s += t * t;
    }
    scale * s.sqrt()
}

fn all_finite(v: &[f64]) -> bool {
    v.iter().all(|x| x.is_finite())
}

/// The LM iteration of MINPACK `lmder` (mode 1: internal scaling, factor 100).
pub(super) fn lmder(
    problem: &dyn Problem,
    start: &[f64],
    opts: &LmOptions,
    ws: &mut Workspace,
) -> Result<Outcome, LmError> {
    const FACTOR: f64 = 100.0;
    let epsmch = f64::EPSILON;
    let (m, n) = (ws.m, ws.n);
    let mut x = start.to_vec();
    let mut trial = vec![0.0; n];
    problem.residuals(&x, &mut ws.fvec);
    if !all_finite(&ws.fvec) || !all_finite(&x) {
        return Err(LmError::NonFiniteStart);
    }
    let mut fnorm = enorm(&ws.fvec);
    let offset = problem.rss_offset().max(0.0);
    let maxfev = opts.max_iterations.saturating_mul(10).saturating_add(100);
    let mut nfev = 1usize;
    let mut iter = 0usize;
    let mut par = 0.0;
    let mut delta = 0.0;
    let mut xnorm = 0.0;
    let termination;
    'outer: loop {
        if iter >= opts.max_iterations {
            termination = Termination::MaxIterations;
            break;
        }
        if !ws.eval_jacobian(problem, &x) {
            if iter == 0 {
                return Err(LmError::NonFiniteStart);
            }
            // A Jacobian that overflows at an accepted point: nothing more can be done.
            termination = Termination::XtolAtMachinePrecision;
            break;
        }
        iter += 1;
        qrfac(
            m,
            n,
            &mut ws.fjac,
            &mut ws.ipvt,
            &mut ws.wa1,
            &mut ws.wa2,
            &mut ws.wa3,
        );
        // wa1 = rdiag, wa2 = acnorm (column norms, original order).
        if iter == 1 {
            for j in 0..n {
                ws.diag[j] = if ws.wa2[j] == 0.0 { 1.0 } else { ws.wa2[j] };
            }
            for j in 0..n {
                ws.wa3[j] = ws.diag[j] * x[j];
            }
            xnorm = enorm(&ws.wa3[..n]);
            delta = FACTOR * xnorm;
            if delta == 0.0 {
                delta = FACTOR;
            }
        }
        // qtf = first n components of Qᵀ fvec.
        ws.wa4.copy_from_slice(&ws.fvec);
        for (j, col) in ws.fjac.chunks_exact_mut(m).take(n).enumerate() {
            let (v, f) = (&col[j..m], &mut ws.wa4[j..m]);
            let fjj = v[0];
            if fjj != 0.0 {
                let mut sum = 0.0;
                for (a, b) in v.iter().zip(f.iter()) {
                    sum += a * b;
                }
                let temp = -sum / fjj;
                for (b, a) in f.iter_mut().zip(v) {
                    *b += a * temp;
                }
            }
            col[j] = ws.wa1[j];
            ws.qtf[j] = ws.wa4[j];
        }
        // Scaled gradient norm.
        let mut gnorm: f64 = 0.0;
        if fnorm != 0.0 {
            for j in 0..n {
                let l = ws.ipvt[j];
                if ws.wa2[l] != 0.0 {
                    let mut sum = 0.0;
                    for i in 0..=j {
                        sum += ws.fjac[j * m + i] * (ws.qtf[i] / fnorm);
                    }
                    gnorm = gnorm.max((sum / ws.wa2[l]).abs());
                }
            }
        }
        if gnorm <= opts.gtol || fnorm == 0.0 {
            termination = Termination::Gtol;
            break;
        }
        for j in 0..n {
            ws.diag[j] = ws.diag[j].max(ws.wa2[j]);
        }
        // Inner loop: find an acceptable step.
        loop {
            lmpar(n, m, ws, delta, &mut par);
            for j in 0..n {
                ws.wa1[j] = -ws.wa1[j];
                trial[j] = x[j] + ws.wa1[j];
                ws.wa3[j] = ws.diag[j] * ws.wa1[j];
            }
            let pnorm = enorm(&ws.wa3[..n]);
            if iter == 1 {
                delta = delta.min(pnorm);
            }
            problem.residuals(&trial, &mut ws.wa4);
            nfev += 1;
            let fnorm1 = if all_finite(&ws.wa4) {
                enorm(&ws.wa4)
            } else {
                f64::INFINITY
            };
            // Relative reductions are judged against the whole RSS, offset included (it is 0 but for
            // replicates folded into level means: then this is the test on the unfolded problem).
            let whole = if offset > 0.0 {
                fnorm * fnorm / (fnorm * fnorm + offset)
            } else {
                1.0
            };
            let actred = if 0.1 * fnorm1 < fnorm {
                1.0 - (fnorm1 / fnorm).powi(2)
            } else {
                -1.0
            };
            for j in 0..n {
                ws.wa3[j] = 0.0;
                let l = ws.ipvt[j];
                let temp = ws.wa1[l];
                for i in 0..=j {
                    ws.wa3[i] += ws.fjac[j * m + i] * temp;
                }
            }
            let temp1 = enorm(&ws.wa3[..n]) / fnorm;
            let temp2 = par.sqrt() * pnorm / fnorm;
            let prered = temp1 * temp1 + temp2 * temp2 / 0.5;
            let dirder = -(temp1 * temp1 + temp2 * temp2);
            let ratio = if prered != 0.0 { actred / prered } else { 0.0 };
            let (actred_whole, prered_whole) = (actred * whole, prered * whole);
            if ratio <= 0.25 {
                let mut temp = if actred >= 0.0 {
                    0.5
                } else {
                    0.5 * dirder / (dirder + 0.5 * actred)
                };
                if 0.1 * fnorm1 >= fnorm || temp < 0.1 || !temp.is_finite() {
                    temp = 0.1;
                }
                delta = temp * delta.min(pnorm / 0.1);
                par /= temp;
            } else if par == 0.0 || ratio >= 0.75 {
                delta = pnorm / 0.5;
                par *= 0.5;
            }
            if ratio >= 1e-4 {
                x.copy_from_slice(&trial);
                for j in 0..n {
                    ws.wa2[j] = ws.diag[j] * x[j];
                }
                ws.fvec.copy_from_slice(&ws.wa4);
                xnorm = enorm(&ws.wa2[..n]);
                fnorm = fnorm1;
            }
            let f_ok =
                actred_whole.abs() <= opts.ftol && prered_whole <= opts.ftol && 0.5 * ratio <= 1.0;
            let x_ok = delta <= opts.xtol * xnorm;
            if f_ok || x_ok {
                termination = match (f_ok, x_ok) {
                    (true, true) => Termination::FtolAndXtol,
                    (true, false) => Termination::Ftol,
                    _ => Termination::Xtol,
                };
                break 'outer;
            }
            if nfev >= maxfev {
                termination = Termination::MaxIterations;
                break 'outer;
            }
            if actred_whole.abs() <= epsmch && prered_whole <= epsmch && 0.5 * ratio <= 1.0 {
                termination = Termination::FtolAtMachinePrecision;
                break 'outer;
            }
            if delta <= epsmch * xnorm || !delta.is_finite() || delta == 0.0 {
                termination = Termination::XtolAtMachinePrecision;
                break 'outer;
            }
            if gnorm <= epsmch {
                termination = Termination::GtolAtMachinePrecision;
                break 'outer;
            }
            if ratio >= 1e-4 {
                break;
            }
        }
    }
    Ok(Outcome {
        params: x,
        rss: fnorm * fnorm,
        iterations: iter,
        termination,
    })
}

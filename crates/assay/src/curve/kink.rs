//! The 5PL's steep valley with a vanishing asymmetry: `|b| → ∞` and `g → 0` with `β = g·|b|` held.
//!
//! There `(1 + (x/c)^b)^−g` tends to a **kinked power law**: for `b > 0` it is 1 below the knee `c`
//! and `(x/c)^−β` above it, so `y = d + (a − d)·min(1, (x/c)^−β)` — a plateau at low concentration
//! and a slow power-law fall (or rise) above the knee; for `b < 0` the mirror image, the plateau at
//! high concentration and `(x/c)^β` below the knee. Neither the edge forms (`c → ∞` or `0`, `g → 0`
//! with a far asymptote) nor the large-`g` form reach that valley, and a general-purpose LM reaches
//! it only by crawling thousands of evaluations (scipy on two curves of 20,000 `fivepl` ones).
//!
//! The limit is linear in `(a, d)` for a given knee and exponent, so it is fitted by variable
//! projection over `(ln c, ln β)`: a coarse grid, then a compass search. Its point at a finite steep
//! slope is a start for the LM on the log scale (see `polish`), which either finds the finite
//! minimum near the limit or crawls along the valley towards it.
#![allow(clippy::needless_range_loop)] // index loops over parallel x, y, w arrays

use super::limits::Data;
use super::{CurveProblem, rss_at};
use crate::lm::{self, Termination};

/// `|b|` of the start placed along the valley: steep enough that the standards next to the knee are
/// in the power-law regime, not so steep that the LM on the log scale cannot bend it back.
const START_SLOPE: f64 = 30.0;

/// A kinked power law is followed where its RSS is within this factor of the best point's (the
/// finite minimum near the limit, if any, lies below the limit).
const REACH: f64 = 1.05;

/// The 5PL's kinked valleys on both sides where their limit comes within [`REACH`] of `best_rss`:
/// starts for the LM on the log scale (a finite minimum near the limit), and the point far along
/// the valley that fits best (`|b|` 1e2…1e6, reported as not converged).
pub(super) fn follow(
    problem: &CurveProblem,
    data: &Data,
    best_rss: f64,
) -> (Vec<Vec<f64>>, Vec<lm::LmResult>) {
    let (mut starts, mut far) = (vec![], vec![]);
    for rising in [true, false] {
        let Some(k) = kink_fit(data, rising) else {
            continue;
        };
        if k.rss > best_rss * REACH {
            continue;
        }
        starts.push(k.start());
        let point = [1e2, 1e3, 1e4, 1e5, 1e6]
            .into_iter()
            .map(|slope| k.params_at(slope))
            .map(|p| (rss_at(problem, &p), p))
            .min_by(|u, v| u.0.total_cmp(&v.0));
        if let Some((_, p)) = point {
            far.extend(lm::result_at(problem, &p, 0, Termination::MaxIterations).ok());
        }
    }
    (starts, far)
}

/// RSS of the best `y = d + (a − d)·φ` with `φ` the kinked power law of knee `ln_c` and exponent
/// `beta` (`rising`: the `b > 0` form, plateau below the knee), with `(a, d)`; `None` where the
/// basis is constant over the points.
fn projected(data: &Data, rising: bool, ln_c: f64, beta: f64) -> Option<(f64, f64, f64)> {
    let (mut sw, mut sp, mut sy, mut spp, mut spy, mut syy) = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
    for i in 0..data.x.len() {
        let phi = if data.x[i] > 0.0 {
            let l = data.ln_x[i] - ln_c;
            let beyond = if rising { l } else { -l };
            if beyond > 0.0 {
                (-beta * beyond).exp()
            } else {
                1.0
            }
        } else if rising {
            1.0
        } else {
            0.0
        };
        let w2 = data.w[i] * data.w[i];
        let y = data.y[i];
        sw += w2;
        sp += w2 * phi;
        sy += w2 * y;
        spp += w2 * phi * phi;
        spy += w2 * phi * y;
        syy += w2 * y * y;
    }
    let vpp = spp - sp * sp / sw;
    if vpp.is_nan() || vpp <= 1e-12 * spp.max(f64::MIN_POSITIVE) {
        return None;
    }
    let vpy = spy - sp * sy / sw;
    let vyy = syy - sy * sy / sw;
    let k = vpy / vpp;
    let d = (sy - k * sp) / sw;
    let rss = (vyy - k * vpy).max(0.0) + data.scatter;
    rss.is_finite().then_some((rss, d + k, d))
}

/// The best kinked power law on one side: its RSS (the infimum along that valley), the asymptotes,
/// knee and exponent.
#[derive(Debug, Clone, Copy)]
struct Kink {
    rss: f64,
    a: f64,
    c: f64,
    d: f64,
    beta: f64,
    rising: bool,
}

impl Kink {
    /// The 5PL along the valley at `|b| = slope`: `[a, ±slope, c, d, β/slope]`.
    fn params_at(&self, slope: f64) -> Vec<f64> {
        let b = if self.rising { slope } else { -slope };
        vec![self.a, b, self.c, self.d, self.beta / slope]
    }

    /// The start for the LM on the log scale (`|b|` = 30).
    fn start(&self) -> Vec<f64> {
        self.params_at(START_SLOPE)
    }
}

/// The best kinked power law on one side (`rising`: `b > 0`). The knee is searched between the
/// lowest and the highest positive standard, `β` over 0.001–20.
fn kink_fit(data: &Data, rising: bool) -> Option<Kink> {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for i in 0..data.x.len() {
        if data.x[i] > 0.0 {
            lo = lo.min(data.ln_x[i]);
            hi = hi.max(data.ln_x[i]);
        }
    }
    if hi.is_nan() || hi <= lo {
        return None;
    }
    let (lb_lo, lb_hi) = (0.001f64.ln(), 20f64.ln());
    const KNEES: usize = 24;
    const BETAS: usize = 16;
    let mut best = (f64::INFINITY, 0.0, 0.0);
    for i in 0..=KNEES {
        let lc = lo + (hi - lo) * i as f64 / KNEES as f64;
        for j in 0..=BETAS {
            let lb = lb_lo + (lb_hi - lb_lo) * j as f64 / BETAS as f64;
            if let Some((rss, ..)) = projected(data, rising, lc, lb.exp())
                && rss < best.0
            {
                best = (rss, lc, lb);
            }
        }
    }
    if !best.0.is_finite() {
        return None;
    }
    // Compass search from the best grid point, halving the steps down to 1e-4 in ln c and ln β.
    let (mut hc, mut hb) = ((hi - lo) / KNEES as f64, (lb_hi - lb_lo) / BETAS as f64);
    while hc > 1e-4 || hb > 1e-4 {
        let mut moved = false;
        for (dc, db) in [(hc, 0.0), (-hc, 0.0), (0.0, hb), (0.0, -hb)] {
            let (lc, lb) = (best.1 + dc, best.2 + db);
            if let Some((rss, ..)) = projected(data, rising, lc, lb.exp())
                && rss < best.0
            {
                best = (rss, lc, lb);
                moved = true;
            }
        }
        if !moved {
            hc *= 0.5;
            hb *= 0.5;
        }
    }
    let (_, lc, lb) = best;
    let (rss, a, d) = projected(data, rising, lc, lb.exp())?;
    let k = Kink {
        rss,
        a,
        c: lc.exp(),
        d,
        beta: lb.exp(),
        rising,
    };
    [a, k.c, d, k.beta]
        .iter()
        .all(|v| v.is_finite())
        .then_some(k)
}

//! Self-starting values for the logistic models, in the spirit of R's `SSfpl`.
//!
//! Asymptotes from the responses at the lowest and highest concentrations (pushed a little beyond
//! the observed range), then slope and inflection from the linearisation
//! `ln((a − y)/(y − d)) = b·ln x − b·ln c` over the positive concentrations. A few margins are
//! returned so the caller can retry when the first start leads nowhere. 5PL starts at `g = 1`.

use super::{FitError, Model};

/// Candidate starting vectors, best guess first.
pub fn self_start(model: Model, x: &[f64], y: &[f64]) -> Result<Vec<Vec<f64>>, FitError> {
    let ctx = Starts::new(model, x, y)?;
    Ok((0..Starts::COUNT).map(|k| ctx.get(k)).collect())
}

/// What every start needs, computed once; starts are built on demand by [`Starts::get`].
pub(super) struct Starts<'a> {
    model: Model,
    x: &'a [f64],
    y: &'a [f64],
    ymin: f64,
    ymax: f64,
    increasing: bool,
    geo_c: f64,
    /// `ln x` of every point (`−∞` at a zero standard).
    ln_x: std::borrow::Cow<'a, [f64]>,
}

impl<'a> Starts<'a> {
    /// Number of candidate starts.
    pub const COUNT: usize = 4;

    pub fn new(model: Model, x: &'a [f64], y: &'a [f64]) -> Result<Self, FitError> {
        Self::with_ln(model, x, y, None)
    }

    /// [`Starts::new`] with `ln x` of the points already at hand.
    pub fn with_ln(
        model: Model,
        x: &'a [f64],
        y: &'a [f64],
        ln_x: Option<&'a [f64]>,
    ) -> Result<Self, FitError> {
        if x.len() != y.len() || x.is_empty() {
            return Err(FitError::LengthMismatch {
                x: x.len(),
                y: y.len(),
            });
        }
        let fold = |v: &[f64]| {
            v.iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &e| {
                    (lo.min(e), hi.max(e))
                })
        };
        let ((xmin, xmax), (ymin, ymax)) = (fold(x), fold(y));
        let range = ymax - ymin;
        if !(range > 0.0 && range.is_finite() && xmax > xmin) {
            return Err(FitError::Degenerate);
        }
        let mean_at = |target: f64| {
            let (s, k) = x
                .iter()
                .zip(y)
                .filter(|(xi, _)| **xi == target)
                .fold((0.0, 0), |(s, k), (_, yi)| (s + yi, k + 1));
            s / k as f64
        };
        let increasing = mean_at(xmax) >= mean_at(xmin);
        let ln_x = match ln_x {
            Some(l) if l.len() == x.len() => std::borrow::Cow::Borrowed(l),
            _ => std::borrow::Cow::Owned(x.iter().map(|v| v.ln()).collect()),
        };
        let (mut sum, mut k) = (0.0, 0);
        for (&v, &l) in x.iter().zip(ln_x.iter()) {
            if v > 0.0 {
                sum += l;
                k += 1;
            }
        }
        let geo_c = if k == 0 {
            xmax / 2.0
        } else {
            (sum / k as f64).exp()
        };
        Ok(Starts {
            model,
            x,
            y,
            ymin,
            ymax,
            increasing,
            geo_c,
            ln_x,
        })
    }

    /// Start `k < COUNT`: asymptotes pushed 5 %, 25 %, 0.1 % beyond the data then refined, and a
    /// last resort independent of the linearisation.
    pub fn get(&self, k: usize) -> Vec<f64> {
        let (x, y, range) = (self.x, self.y, self.ymax - self.ymin);
        let mut p = if k < 3 {
            let margin = [0.05, 0.25, 1e-3][k];
            let (a, d) = if self.increasing {
                (self.ymin - margin * range, self.ymax + margin * range)
            } else {
                (self.ymax + margin * range, self.ymin - margin * range)
            };
            let (b, c) = linearised_slope(x, &self.ln_x, y, a, d).unwrap_or((1.0, self.geo_c));
            let (a, d) = asymptotes_given_shape(x, &self.ln_x, y, b, c).unwrap_or((a, d));
            vec![a, b, c, d]
        } else {
            let (a, d) = if self.increasing {
                (self.ymin, self.ymax)
            } else {
                (self.ymax, self.ymin)
            };
            vec![a, 1.0, self.geo_c, d]
        };
        if self.model == Model::FivePl {
            p.push(1.0);
        }
        p
    }
}

/// With slope and inflection fixed the 4PL is linear in its asymptotes: `y = d + (a − d)·s`,
/// `s = 1/(1 + (x/c)^b)`; a straight-line fit of `y` on `s` gives them.
fn asymptotes_given_shape(
    x: &[f64],
    ln_x: &[f64],
    y: &[f64],
    b: f64,
    c: f64,
) -> Option<(f64, f64)> {
    let n = x.len() as f64;
    let ln_c = c.ln();
    // One pass: sums of s, y, s², s·y (a start: the one-pass variance loses digits only where s
    // barely varies over the standards, where this start is poor anyway).
    let (mut ss, mut sy, mut sss, mut ssy) = (0.0, 0.0, 0.0, 0.0);
    for ((&xi, &l), &yi) in x.iter().zip(ln_x).zip(y) {
        let s = if xi > 0.0 {
            1.0 / (1.0 + (b * (l - ln_c)).exp())
        } else {
            1.0
        };
        ss += s;
        sy += yi;
        sss += s * s;
        ssy += s * yi;
    }
    let (ms, my) = (ss / n, sy / n);
    let sss = sss - n * ms * ms;
    let ssy = ssy - n * ms * my;
    let slope = ssy / sss;
    let d = my - slope * ms;
    let a = d + slope;
    (a.is_finite() && d.is_finite() && slope != 0.0).then_some((a, d))
}

/// Least-squares line of `ln((a − y)/(y − d))` on `ln x`: returns `(b, c)`.
fn linearised_slope(x: &[f64], ln_x: &[f64], y: &[f64], a: f64, d: f64) -> Option<(f64, f64)> {
    let (mut n, mut sx, mut sz, mut sxx, mut sxz) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for ((&xi, &yi), &l) in x.iter().zip(y).zip(ln_x) {
        if xi <= 0.0 {
            continue;
        }
        let ratio = (a - yi) / (yi - d);
        if !(ratio > 0.0 && ratio.is_finite()) {
            continue;
        }
        let (lx, z) = (l, ratio.ln());
        n += 1.0;
        sx += lx;
        sz += z;
        sxx += lx * lx;
        sxz += lx * z;
    }
    let den = n * sxx - sx * sx;
    if n < 2.0 || den.abs() < 1e-12 {
        return None;
    }
    let b = (n * sxz - sx * sz) / den;
    let icpt = (sz - b * sx) / n;
    let c = (-icpt / b).exp();
    (b.is_finite() && b.abs() > 1e-6 && c.is_finite() && c > 0.0).then_some((b, c))
}

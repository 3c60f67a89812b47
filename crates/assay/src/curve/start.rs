//! Self-starting values for the logistic models, in the spirit of R's `SSfpl`.
//!
//! Asymptotes from the responses at the lowest and highest concentrations (pushed a little beyond
//! the observed range), then slope and inflection from the linearisation
//! `ln((a − y)/(y − d)) = b·ln x − b·ln c` over the positive concentrations. A few margins are
//! returned so the caller can retry when the first start leads nowhere. 5PL starts at `g = 1`.

use super::{FitError, Model};

/// Candidate starting vectors, best guess first.
pub fn self_start(model: Model, x: &[f64], y: &[f64]) -> Result<Vec<Vec<f64>>, FitError> {
    if x.len() != y.len() || x.is_empty() {
        return Err(FitError::LengthMismatch {
            x: x.len(),
            y: y.len(),
        });
    }
    let (xmin, xmax) = x
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| {
            (lo.min(v), hi.max(v))
        });
    let (ymin, ymax) = y
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| {
            (lo.min(v), hi.max(v))
        });
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
    let positive: Vec<f64> = x.iter().copied().filter(|&v| v > 0.0).collect();
    let geo_c = if positive.is_empty() {
        xmax / 2.0
    } else {
        (positive.iter().map(|v| v.ln()).sum::<f64>() / positive.len() as f64).exp()
    };
    let mut starts = Vec::new();
    for margin in [0.05, 0.25, 1e-3] {
        let (a, d) = if increasing {
            (ymin - margin * range, ymax + margin * range)
        } else {
            (ymax + margin * range, ymin - margin * range)
        };
        let (b, c) = linearised_slope(x, y, a, d).unwrap_or((1.0, geo_c));
        let (a, d) = asymptotes_given_shape(x, y, b, c).unwrap_or((a, d));
        let mut p = vec![a, b, c, d];
        if model == Model::FivePl {
            p.push(1.0);
        }
        starts.push(p);
    }
    // A last resort independent of the linearisation.
    let (a, d) = if increasing {
        (ymin, ymax)
    } else {
        (ymax, ymin)
    };
    let mut p = vec![a, 1.0, geo_c, d];
    if model == Model::FivePl {
        p.push(1.0);
    }
    starts.push(p);
    Ok(starts)
}

/// With slope and inflection fixed the 4PL is linear in its asymptotes: `y = d + (a − d)·s`,
/// `s = 1/(1 + (x/c)^b)`; a straight-line fit of `y` on `s` gives them.
fn asymptotes_given_shape(x: &[f64], y: &[f64], b: f64, c: f64) -> Option<(f64, f64)> {
    let n = x.len() as f64;
    let s: Vec<f64> = x
        .iter()
        .map(|&xi| {
            if xi > 0.0 {
                1.0 / (1.0 + (xi / c).powf(b))
            } else {
                1.0
            }
        })
        .collect();
    let (ms, my) = (s.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let sss: f64 = s.iter().map(|v| (v - ms) * (v - ms)).sum();
    let ssy: f64 = s.iter().zip(y).map(|(v, w)| (v - ms) * (w - my)).sum();
    let slope = ssy / sss;
    let d = my - slope * ms;
    let a = d + slope;
    (a.is_finite() && d.is_finite() && slope != 0.0).then_some((a, d))
}

/// Least-squares line of `ln((a − y)/(y − d))` on `ln x`: returns `(b, c)`.
fn linearised_slope(x: &[f64], y: &[f64], a: f64, d: f64) -> Option<(f64, f64)> {
    let (mut n, mut sx, mut sz, mut sxx, mut sxz) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for (&xi, &yi) in x.iter().zip(y) {
        if xi <= 0.0 {
            continue;
        }
        let ratio = (a - yi) / (yi - d);
        if !(ratio > 0.0 && ratio.is_finite()) {
            continue;
        }
        let (lx, z) = (xi.ln(), ratio.ln());
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

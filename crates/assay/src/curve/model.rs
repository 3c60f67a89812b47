//! The 4PL and 5PL logistic models: value, analytic gradient and inverse.
//!
//! 4PL `y = d + (a − d) / (1 + (x/c)^b)`; 5PL `y = d + (a − d) / (1 + (x/c)^b)^g`. Parameters are stored
//! in the order `[a, b, c, d]` / `[a, b, c, d, g]`. `a` is the response at zero concentration (for
//! `b > 0`), `d` at infinite concentration, `c` the inflection concentration, `b` the slope.

use serde::{Deserialize, Serialize};

/// Which logistic model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Model {
    /// Four-parameter logistic.
    #[serde(rename = "4pl")]
    FourPl,
    /// Five-parameter logistic (asymmetry `g`).
    #[serde(rename = "5pl")]
    FivePl,
}

impl Model {
    /// Number of parameters (4 or 5).
    pub fn n_params(self) -> usize {
        match self {
            Model::FourPl => 4,
            Model::FivePl => 5,
        }
    }

    /// Parameter names in storage order.
    pub fn param_names(self) -> &'static [&'static str] {
        match self {
            Model::FourPl => &["a", "b", "c", "d"],
            Model::FivePl => &["a", "b", "c", "d", "g"],
        }
    }

    /// Lower-case name as used on the command line (`4pl`, `5pl`).
    pub fn name(self) -> &'static str {
        match self {
            Model::FourPl => "4pl",
            Model::FivePl => "5pl",
        }
    }

    /// Parse `4pl` / `5pl` (case-insensitive).
    pub fn parse(s: &str) -> Option<Model> {
        match s.to_ascii_lowercase().as_str() {
            "4pl" => Some(Model::FourPl),
            "5pl" => Some(Model::FivePl),
            _ => None,
        }
    }

    /// Model value at concentration `x ≥ 0`.
    pub fn eval(self, p: &[f64], x: f64) -> f64 {
        self.eval_ln(p, x, x.ln(), p[2].ln())
    }

    /// Model value at `x`, writing `df/dp` into `grad` (length ≥ `n_params`).
    pub fn eval_grad(self, p: &[f64], x: f64, grad: &mut [f64]) -> f64 {
        self.eval_grad_ln(p, x, x.ln(), p[2].ln(), grad)
    }

    /// As [`Model::eval_grad`] with `ln x` and `ln c` supplied (the fitting loop precomputes them:
    /// `(x/c)^b = exp(b·(ln x − ln c))` costs one `exp` instead of a `powf` and a `ln`).
    #[inline]
    pub fn eval_grad_ln(self, p: &[f64], x: f64, ln_x: f64, ln_c: f64, grad: &mut [f64]) -> f64 {
        let lr = ln_x - ln_c;
        let u = if x > 0.0 { (p[1] * lr).exp() } else { 0.0 };
        self.eval_grad_u(p, x, lr, u, grad)
    }

    /// As [`Model::eval_grad_ln`] with `lr = ln x − ln c` and `u = (x/c)^b = exp(b·lr)` supplied
    /// (read only where `x > 0`).
    #[inline]
    pub(crate) fn eval_grad_u(self, p: &[f64], x: f64, lr: f64, u: f64, grad: &mut [f64]) -> f64 {
        let (a, b, c, d) = (p[0], p[1], p[2], p[3]);
        // u = (x/c)^b with its derivatives; x = 0 is the zero standard.
        let (u, du_db, du_dc) = if x > 0.0 {
            (u, u * lr, -b * u / c)
        } else if b > 0.0 {
            (0.0, 0.0, 0.0)
        } else {
            (f64::INFINITY, 0.0, 0.0)
        };
        if u.is_infinite() && self == Model::FivePl && x > 0.0 {
            // (x/c)^b beyond the doubles: ln(1 + u) = b·lr (to the last bit), and with a small g the
            // curve is still far from `d` (a steep slope with a vanishing asymmetry).
            let g = p[4];
            let lq = b * lr;
            let z = -g * lq;
            let s = z.exp();
            // u/(1 + u) = 1 to the last bit.
            let df_dlq = -(a - d) * g * s;
            grad[0] = s;
            grad[1] = df_dlq * lr;
            grad[2] = -df_dlq * b / c;
            grad[3] = -z.exp_m1();
            grad[4] = -(a - d) * s * lq;
            return blend(a, d, s, grad[3]);
        }
        if u.is_infinite() {
            // At the infinite-dose asymptote.
            grad[..self.n_params()].iter_mut().for_each(|v| *v = 0.0);
            grad[3] = 1.0;
            return d;
        }
        let q = 1.0 + u;
        let (s, rest, df_du) = match self {
            Model::FourPl => {
                let s = 1.0 / q;
                (s, u * s, -(a - d) * s * s)
            }
            Model::FivePl => {
                let g = p[4];
                let lq = u.ln_1p();
                let s = (-g * lq).exp(); // q^-g
                grad[4] = -(a - d) * s * lq;
                (s, -(-g * lq).exp_m1(), -(a - d) * g * s / q)
            }
        };
        grad[0] = s;
        grad[1] = df_du * du_db;
        grad[2] = df_du * du_dc;
        grad[3] = rest;
        blend(a, d, s, rest)
    }

    /// Model value only, with `ln x` and `ln c` supplied.
    #[inline]
    pub fn eval_ln(self, p: &[f64], x: f64, ln_x: f64, ln_c: f64) -> f64 {
        let u = if x > 0.0 {
            (p[1] * (ln_x - ln_c)).exp()
        } else {
            0.0
        };
        if u.is_infinite() && x > 0.0 {
            return self.eval_beyond(p, p[1] * (ln_x - ln_c));
        }
        self.eval_u(p, x, u)
    }

    /// Model value where `(x/c)^b = e^t` is beyond the doubles (`x > 0`, `t` > 709): the 4PL is at
    /// `d` to the last bit; the 5PL is `d + (a − d)·e^(−g·t)` (`ln(1 + e^t) = t` to the last bit),
    /// which with a small `g` (a steep slope with a vanishing asymmetry) is still far from `d`.
    pub(crate) fn eval_beyond(self, p: &[f64], t: f64) -> f64 {
        let (a, d) = (p[0], p[3]);
        match self {
            Model::FourPl => d,
            Model::FivePl => {
                let z = -p[4] * t;
                let s = z.exp();
                blend(a, d, s, -z.exp_m1())
            }
        }
    }

    /// Model value with `u = (x/c)^b` supplied (read only where `x > 0`).
    #[inline]
    pub(crate) fn eval_u(self, p: &[f64], x: f64, u: f64) -> f64 {
        let (a, b, d) = (p[0], p[1], p[3]);
        let u = if x > 0.0 {
            u
        } else if b > 0.0 {
            0.0
        } else {
            return d;
        };
        let (s, rest) = match self {
            Model::FourPl => {
                let s = 1.0 / (1.0 + u);
                (s, u * s)
            }
            Model::FivePl => {
                // `blend` reads `1 − s` where `s = e^z ≥ ½` and `s` elsewhere: only the one it
                // reads is computed, both in a band around `z = −ln 2` (e^z is correctly rounded to
                // within an ulp, so beyond the band the test `s ≥ ½` cannot come out otherwise).
                let z = -p[4] * u.ln_1p();
                const BAND: f64 = 1e-4;
                if z > -std::f64::consts::LN_2 + BAND {
                    return a + (d - a) * -z.exp_m1();
                }
                if z < -std::f64::consts::LN_2 - BAND {
                    return d + (a - d) * z.exp();
                }
                (z.exp(), -z.exp_m1())
            }
        };
        blend(a, d, s, rest)
    }

    /// Concentration giving response `y`, or `None` where the curve never reaches `y` (outside the
    /// open interval between the asymptotes, or a degenerate curve).
    pub fn inverse(self, p: &[f64], y: f64) -> Option<f64> {
        let (a, b, c, d) = (p[0], p[1], p[2], p[3]);
        let g = if self == Model::FivePl { p[4] } else { 1.0 };
        if !(y.is_finite() && b != 0.0 && c > 0.0 && g > 0.0 && a != d) {
            return None;
        }
        let ratio = (a - d) / (y - d); // = q^g
        if !(ratio.is_finite() && ratio >= 1.0) {
            return None;
        }
        let q = if g == 1.0 { ratio } else { ratio.powf(1.0 / g) };
        let u = q - 1.0;
        if u == 0.0 {
            return if b > 0.0 { Some(0.0) } else { None };
        }
        let x = c * u.powf(1.0 / b);
        (x.is_finite() && x >= 0.0).then_some(x)
    }
}

/// `d + (a − d)·s` with `rest = 1 − s` computed apart: from the nearer asymptote, so that far along
/// a valley (an asymptote at 1e13 while the responses are near 1) the value keeps its digits instead
/// of the rounding of `d` (1e13 · 1e-16 = 1e-3 per point, as large as the residuals).
#[inline]
pub(crate) fn blend(a: f64, d: f64, s: f64, rest: f64) -> f64 {
    if s >= 0.5 {
        a + (d - a) * rest
    } else {
        d + (a - d) * s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inverse_round_trips_both_models() {
        let p4 = [0.05, 1.3, 400.0, 2.9];
        let p5 = [0.05, 1.3, 400.0, 2.9, 0.6];
        for x in [1.0, 46.875, 400.0, 3000.0] {
            for (m, p) in [(Model::FourPl, &p4[..]), (Model::FivePl, &p5[..])] {
                let y = m.eval(p, x);
                let back = m.inverse(p, y).expect("invertible");
                assert!((back - x).abs() / x < 1e-9, "{m:?} {x} -> {y} -> {back}");
            }
        }
    }

    #[test]
    fn no_inverse_beyond_asymptotes() {
        let p = [0.05, 1.3, 400.0, 2.9];
        assert_eq!(Model::FourPl.inverse(&p, 3.0), None);
        assert_eq!(Model::FourPl.inverse(&p, 0.01), None);
        assert_eq!(Model::FourPl.inverse(&p, 2.9), None);
        assert_eq!(Model::FourPl.inverse(&p, 0.05), Some(0.0));
    }

    #[test]
    fn zero_concentration_is_the_a_asymptote() {
        let p = [0.05, 1.3, 400.0, 2.9, 0.8];
        let mut g = [0.0; 5];
        assert!((Model::FivePl.eval_grad(&p, 0.0, &mut g) - 0.05).abs() < 1e-15);
        assert_eq!(g, [1.0, 0.0, 0.0, 0.0, 0.0]);
    }

    #[test]
    fn gradient_matches_central_differences() {
        let p = [0.05, 1.3, 400.0, 2.9, 0.7];
        let mut g = [0.0; 5];
        for x in [3.0, 400.0, 5000.0] {
            Model::FivePl.eval_grad(&p, x, &mut g);
            for j in 0..5 {
                let h = 1e-6 * p[j].abs();
                let (mut up, mut dn) = (p, p);
                up[j] += h;
                dn[j] -= h;
                let num = (Model::FivePl.eval(&up, x) - Model::FivePl.eval(&dn, x)) / (2.0 * h);
                assert!(
                    (num - g[j]).abs() <= 1e-6 * num.abs().max(1e-6),
                    "x {x} p{j}: {num} vs {}",
                    g[j]
                );
            }
        }
    }
}

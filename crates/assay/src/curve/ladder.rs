//! `exp(β·(ln xᵢ − s))` for every standard at once, at the cost of two `exp` where the standards are
//! a dilution series.
//!
//! Standards are almost always a dilution series: `ln xᵢ = ln x₀ + kᵢ·Δ` with integer `kᵢ` (to the
//! rounding of the concentrations). Then `exp(β(ln xᵢ − s)) = e₀·rᵏⁱ·exp(β·δᵢ)` with `e₀ = exp(β(ln x₀
//! − s))`, `r = exp(βΔ)` and `δᵢ` the (tiny) deviation from the ladder, whose factor is a cubic
//! Taylor polynomial (error below 1e-17 relative where `|βδᵢ| ≤ 1e-4`; omitted where every `δᵢ` is
//! below 1e-13, the rounding of the logarithms). The powers `rᵏ` are built by
//! repeated multiplication: the relative error grows by about one rounding per rung, ≤ 1e-15 over the
//! 64 rungs allowed — the size of the rounding of `β·(ln xᵢ − s)` itself in the direct `exp`. Where
//! the standards are not on a ladder, or a power would leave the normal range, every point takes its
//! own `exp` (the direct formula, bit for bit).

/// Most rungs of a ladder (the widest dilution series handled by multiplication), and most points.
const RUNGS: usize = 64;
const POINTS: usize = 64;

/// Deviations from the ladder below this (in `ln x`) are the rounding of the concentrations' logarithms:
/// the powers are taken as exact there (the curve is then evaluated at concentrations moved by less
/// than 1e-13 relative, far below any concentration's precision).
const ROUNDING: f64 = 1e-13;

/// The standards' positions on a dilution ladder (see the module documentation).
#[derive(Debug, Clone)]
pub struct Ladder {
    /// `ln x₀` (the lowest positive concentration) and the step `Δ`; `None`: not a ladder.
    base: Option<(f64, f64)>,
    /// How the points sit on the rungs.
    layout: Layout,
    /// Deviation `δᵢ` of each point from its rung (empty where all are rounding, see [`ROUNDING`]).
    delta: Vec<f64>,
    /// Highest rung, and the largest `|δᵢ|`.
    top: usize,
    max_delta: f64,
    points: usize,
}

/// The order of the points on the ladder.
#[derive(Debug, Clone)]
enum Layout {
    /// Points `start..=start + top` hold rungs `top, top − 1, …, 0` (`descending`) or `0, 1, …, top`,
    /// one each (a dilution series in file order); any others are zero standards.
    Run { start: usize, descending: bool },
    /// The points in rung order, each with the rungs climbed from the previous one (zero standards
    /// are left out: their value is never read).
    Climb(Vec<(u8, u8)>),
}

impl Ladder {
    /// The ladder of the points with logarithms `ln_x` (`−∞` for a zero standard). The step is the
    /// least change between neighbouring points in the given order (a dilution series is written in
    /// order); every point is then checked to lie on a rung — where one does not, there is no ladder
    /// and [`Ladder::exps`] takes the direct way.
    pub fn of(ln_x: &[f64]) -> Ladder {
        let m = ln_x.len();
        let none = Ladder {
            base: None,
            layout: Layout::Climb(vec![]),
            delta: vec![],
            top: 0,
            max_delta: 0.0,
            points: m,
        };
        if m > POINTS {
            return none;
        }
        let (mut low, mut step) = (f64::INFINITY, f64::INFINITY);
        let mut prev = f64::NAN;
        for &v in ln_x.iter().filter(|v| v.is_finite()) {
            low = low.min(v);
            let gap = (v - prev).abs();
            if gap > 1e-9 * (1.0 + v.abs()) {
                step = step.min(gap);
            }
            prev = v;
        }
        if !(step > 1e-6 && step.is_finite()) {
            return none;
        }
        let rung_of = |v: f64| {
            // v ≥ low: rounding by truncation (no libm call); −∞ (a zero standard) has no rung.
            let q = (v - low) / step + 0.5;
            if !(q >= 0.0 && q < RUNGS as f64) {
                return None;
            }
            let k = q as usize;
            let d = v - low - k as f64 * step;
            (d.abs() <= 1e-6 * step).then_some((k, d))
        };
        // Rungs, their deviations, and whether the points climb (or descend) one rung each in a run
        // with zero standards only outside it.
        let (mut top, mut max_delta) = (0, 0.0f64);
        let (mut start, mut last, mut count) = (None, None::<(usize, usize)>, 0);
        let (mut up, mut down, mut contiguous) = (true, true, true);
        for (i, &v) in ln_x.iter().enumerate() {
            if !v.is_finite() {
                continue;
            }
            let Some((k, d)) = rung_of(v) else {
                return none;
            };
            top = top.max(k);
            max_delta = max_delta.max(d.abs());
            count += 1;
            start.get_or_insert(i);
            if let Some((j, kp)) = last {
                contiguous &= j + 1 == i;
                up &= k == kp + 1;
                down &= k + 1 == kp;
            }
            last = Some((i, k));
        }
        if top < 2 {
            return none;
        }
        let layout = if contiguous && count == top + 1 && (up || down) {
            Layout::Run {
                start: start.unwrap_or(0),
                descending: down,
            }
        } else {
            let mut order: Vec<(usize, u8)> = (0..m)
                .filter_map(|i| Some((i, rung_of(ln_x[i])?.0 as u8)))
                .collect();
            order.sort_unstable_by_key(|&(_, k)| k);
            let mut at = 0;
            Layout::Climb(
                order
                    .iter()
                    .map(|&(i, k)| {
                        let climb = k - at;
                        at = k;
                        (i as u8, climb)
                    })
                    .collect(),
            )
        };
        let delta = if max_delta <= ROUNDING {
            vec![]
        } else {
            ln_x.iter()
                .map(|&v| rung_of(v).map_or(0.0, |r| r.1))
                .collect()
        };
        Ladder {
            base: Some((low, step)),
            layout,
            delta,
            top,
            max_delta,
            points: m,
        }
    }

    /// `out[i] = exp(beta·(ln_x[i] − shift))` for the points this ladder was made of (`ln_x` the
    /// same slice); zero standards get an unspecified value.
    pub fn exps(&self, beta: f64, shift: f64, ln_x: &[f64], out: &mut [f64]) {
        if !self.fill(beta, shift, out) {
            for (o, &l) in out.iter_mut().zip(ln_x) {
                *o = (beta * (l - shift)).exp();
            }
        }
    }

    /// The ladder's way; false where it does not apply (then `out` is to be filled directly).
    fn fill(&self, beta: f64, shift: f64, out: &mut [f64]) -> bool {
        let Some((low, step)) = self.base else {
            return false;
        };
        let reach = beta.abs() * self.max_delta;
        if out.len() != self.points || reach.is_nan() || reach > 1e-4 {
            return false;
        }
        let first = (beta * (low - shift)).exp();
        let r = (beta * step).exp();
        let mut at = first;
        match &self.layout {
            Layout::Run { start, descending } => {
                let run = &mut out[*start..=*start + self.top];
                if *descending {
                    for o in run.iter_mut().rev() {
                        *o = at;
                        at *= r;
                    }
                } else {
                    for o in run.iter_mut() {
                        *o = at;
                        at *= r;
                    }
                }
                at /= r;
            }
            Layout::Climb(climb) => {
                for &(i, up) in climb {
                    for _ in 0..up {
                        at *= r;
                    }
                    out[i as usize] = at;
                }
            }
        }
        // Monotone in the rung: both ends normal means every rung is.
        let normal = |v: f64| (1e-300..=1e300).contains(&v);
        if !(normal(first) && normal(at) && normal(r)) {
            return false;
        }
        if !self.delta.is_empty() {
            for (o, &d) in out.iter_mut().zip(&self.delta) {
                let c = beta * d;
                *o *= 1.0 + c * (1.0 + c * (0.5 + c / 6.0));
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn direct(beta: f64, shift: f64, ln_x: &[f64]) -> Vec<f64> {
        ln_x.iter().map(|l| (beta * (l - shift)).exp()).collect()
    }

    #[test]
    fn a_dilution_series_gives_the_direct_values_to_rounding() {
        // 3000/2^k with a zero standard, unsorted, duplicated; and a 3-fold series.
        for xs in [
            vec![
                3000.0, 1500.0, 750.0, 0.0, 375.0, 187.5, 93.75, 46.875, 23.4375, 3000.0,
            ],
            (0..12).map(|k| 2000.0 / 3f64.powi(k)).collect::<Vec<_>>(),
            (0..8).map(|k| 0.0641894943305 * 3f64.powi(k)).collect(),
        ] {
            let ln_x: Vec<f64> = xs.iter().map(|v: &f64| v.ln()).collect();
            let ladder = Ladder::of(&ln_x);
            assert!(ladder.base.is_some(), "{xs:?} is a ladder");
            for (beta, shift) in [
                (1.0, 6.0),
                (-2.5, 3.0),
                (0.013, 0.0),
                (37.0, 5.5),
                (-0.7, 40.0),
            ] {
                let mut out = vec![0.0; xs.len()];
                ladder.exps(beta, shift, &ln_x, &mut out);
                for (i, (o, d)) in out.iter().zip(direct(beta, shift, &ln_x)).enumerate() {
                    if xs[i] > 0.0 {
                        // The powers are those of concentrations moved by < 1e-13 relative.
                        let tol = 4e-15 + 1e-13 * beta.abs();
                        assert!((o - d).abs() <= tol * d.abs(), "{beta} {shift}: {o} vs {d}");
                    }
                }
            }
        }
    }

    #[test]
    fn irregular_standards_and_extreme_powers_take_the_direct_way() {
        let ln_x: Vec<f64> = [1.0, 2.0, 3.0, 5.0, 7.0]
            .iter()
            .map(|v: &f64| v.ln())
            .collect();
        let ladder = Ladder::of(&ln_x);
        assert!(ladder.base.is_none());
        let mut out = vec![0.0; 5];
        ladder.exps(1.3, 0.2, &ln_x, &mut out);
        assert_eq!(out, direct(1.3, 0.2, &ln_x));
        let ln_x: Vec<f64> = (0..8).map(|k| (1000.0 / 2f64.powi(k)).ln()).collect();
        let ladder = Ladder::of(&ln_x);
        assert!(ladder.base.is_some());
        let mut out = vec![0.0; 8];
        ladder.exps(400.0, 2.0, &ln_x, &mut out);
        assert_eq!(out, direct(400.0, 2.0, &ln_x));
    }
}

//! Which parameters of a fitted curve the data determine: the limits a logistic curve tends to when
//! one of its parameters runs off, fitted directly, and compared with the fit by the likelihood ratio.
//!
//! A 4PL/5PL whose top (or bottom) standard is still on the rising part of the curve has a valley
//! along which `c → ∞` (or `c → 0`) and the far asymptote runs away with it; along that valley the
//! curve tends to a power law with an offset, `y = α + k·x^β` (β > 0: the plateau at high
//! concentration is never reached; β < 0: the one at zero concentration). Likewise `b → ∞` tends to a
//! step between two adjacent standards. Each limit is a model of its own, fitted here exactly (the
//! power law by variable projection over β, the step by trying every gap between levels).
//!
//! **Criterion (profile likelihood).** The data determine a parameter when its 95 % profile-likelihood
//! confidence interval is bounded. The profile of `c` (or `b`) tends to the limit model's RSS, so the
//! interval is unbounded exactly when the limit fits within the likelihood-ratio bound of the best
//! fit: `RSS_limit ≤ RSS · (1 + F(0.95; 1, dof) / dof)` (Bates & Watts, *Nonlinear Regression Analysis*,
//! §6.1; for one parameter `F(0.95; 1, ν) = t(0.975; ν)²`). Then the data cannot tell the fitted curve
//! from one whose plateau lies arbitrarily far away: the asymptote (and the back-calculated values
//! near it) are not determined, whatever the standard errors at the optimum say. Where the limit fits
//! *better* than any finite curve found, there is no minimum at all and the fit is not converged.
//! With no degrees of freedom there is no likelihood bound; only the hard edges apply. For the 5PL the
//! asymmetry `g` is judged by its Wald interval on the log scale (its limits g → 0, ∞ couple with c and
//! b in ways no single limit model covers) and by the hard range 0.05–20.
#![allow(clippy::needless_range_loop)] // index loops over parallel x, y, w arrays

use super::Model;
use serde::Serialize;

/// A parameter the standards do not determine (see the module documentation for the criterion).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CurveFlag {
    /// The plateau at high concentration (`d` for an increasing-`x` slope `b > 0`): the top standards
    /// are still on the curve's slope, and a power law with no plateau fits them as well.
    UpperAsymptoteNotDetermined,
    /// The plateau at zero concentration (`a`): the lowest standards are still on the slope, no zero
    /// standard pins it, and a power law with no lower plateau fits them as well.
    LowerAsymptoteNotDetermined,
    /// The slope `b`: a step between two adjacent standards fits as well.
    SlopeNotDetermined,
    /// The 5PL asymmetry `g`: outside 0.05–20, or its 95 % interval spans more than a factor of 50.
    AsymmetryNotDetermined,
}

impl CurveFlag {
    /// snake_case name as in JSON.
    pub fn name(self) -> &'static str {
        match self {
            CurveFlag::UpperAsymptoteNotDetermined => "upper_asymptote_not_determined",
            CurveFlag::LowerAsymptoteNotDetermined => "lower_asymptote_not_determined",
            CurveFlag::SlopeNotDetermined => "slope_not_determined",
            CurveFlag::AsymmetryNotDetermined => "asymmetry_not_determined",
        }
    }

    /// The reason in English, for reports.
    pub fn reason_en(self) -> &'static str {
        match self {
            CurveFlag::UpperAsymptoteNotDetermined => {
                "the highest standards do not reach the curve's upper plateau: a curve without one fits them as well, so the plateau and concentrations near the top are not determined"
            }
            CurveFlag::LowerAsymptoteNotDetermined => {
                "the lowest standards do not reach the curve's plateau at zero concentration and no zero standard pins it: that plateau and concentrations near the bottom are not determined"
            }
            CurveFlag::SlopeNotDetermined => {
                "the curve rises between two adjacent standards: a step fits as well, so the slope and concentrations between those standards are not determined"
            }
            CurveFlag::AsymmetryNotDetermined => {
                "the 5PL asymmetry g is not determined by the standards (outside 0.05–20 or its confidence interval spans more than a factor of 50)"
            }
        }
    }

    /// The reason in Japanese, for reports.
    pub fn reason_ja(self) -> &'static str {
        match self {
            CurveFlag::UpperAsymptoteNotDetermined => {
                "最高濃度の標準が曲線の上側プラトーに達していません。プラトーのない曲線でも同等に当てはまるため、上側漸近線と上端付近の濃度は決まりません"
            }
            CurveFlag::LowerAsymptoteNotDetermined => {
                "最低濃度の標準が濃度ゼロ側のプラトーに達しておらず、ゼロ標準もありません。下側漸近線と下端付近の濃度は決まりません"
            }
            CurveFlag::SlopeNotDetermined => {
                "隣り合う2つの標準の間で曲線が立ち上がっており、階段関数でも同等に当てはまるため、傾きとその間の濃度は決まりません"
            }
            CurveFlag::AsymmetryNotDetermined => {
                "5PLの非対称パラメータ g が標準から決まりません（0.05〜20 の範囲外、または信頼区間が50倍を超えます）"
            }
        }
    }
}

/// The concentration range of the standards.
#[derive(Debug, Clone, Copy)]
pub(super) struct Span {
    /// Highest concentration.
    pub top: f64,
    /// Lowest non-zero concentration.
    pub low: f64,
    /// A zero standard is present.
    pub zero: bool,
}

impl Span {
    pub fn of(x: &[f64]) -> Span {
        let mut s = Span {
            top: 0.0,
            low: f64::INFINITY,
            zero: false,
        };
        for &v in x {
            s.top = s.top.max(v);
            if v > 0.0 {
                s.low = s.low.min(v);
            } else {
                s.zero = true;
            }
        }
        s
    }

    /// Beyond what any data can determine: `c` more than 1000× beyond the standards, `g` outside
    /// 0.05–20 (5PL), `|b|` above 1000. A point there is never reported as converged.
    pub fn beyond_edge(&self, p: &[f64]) -> bool {
        let (b, c) = (p[1], p[2]);
        c > 1e3 * self.top
            || c < 1e-3 * self.low
            || b.abs() > 1e3
            || p.get(4).is_some_and(|&g| !(0.05..=20.0).contains(&g))
    }

    /// Far enough out that convergence of the projected problem proves nothing (its gradient fades
    /// along the valley) and other starts are tried: `c` beyond 10× the standards, `|b|` above 20.
    pub fn near_edge(&self, p: &[f64]) -> bool {
        let (b, c) = (p[1], p[2]);
        c > 10.0 * self.top
            || c < 0.1 * self.low
            || b.abs() > 20.0
            || p.get(4).is_some_and(|&g| !(0.1..=10.0).contains(&g))
    }
}

/// The data a limit model is fitted to.
pub(super) struct Data<'a> {
    pub x: &'a [f64],
    pub ln_x: &'a [f64],
    pub ladder: &'a super::ladder::Ladder,
    pub y: &'a [f64],
    pub w: &'a [f64],
    /// Scatter of folded replicates about their means (`CurveProblem::folded`), added to every RSS
    /// here so that they compare with the fit's.
    pub scatter: f64,
}

/// What the assessment found.
pub(super) struct Assessment {
    pub flags: Vec<CurveFlag>,
    /// A limit model fits at least as well as the curve: there is no finite minimum.
    pub limit_is_better: bool,
}

/// Judge a fit with parameters `p` and residual sum of squares `rss` (see the module documentation).
pub(super) fn assess(
    model: Model,
    data: &Data,
    span: &Span,
    p: &[f64],
    rss: f64,
    se: &[f64],
    dof: usize,
) -> Assessment {
    let mut out = Assessment {
        flags: vec![],
        limit_is_better: false,
    };
    let (b, c) = (p[1], p[2]);
    // Hard edges: the parameter ran off.
    if c > 1e3 * span.top {
        out.flags.push(end_flag(true));
    }
    if c < 1e-3 * span.low {
        out.flags.push(end_flag(false));
    }
    if b.abs() > 1e3 {
        out.flags.push(CurveFlag::SlopeNotDetermined);
    }
    if let Some(&g) = p.get(4) {
        let rel = se.get(4).map_or(f64::NAN, |s| s / g);
        // Wald 95 % interval of ln g wider than a factor 50 (±ln 50 / 2 ≈ 1.96 · 1.0).
        if !(0.05..=20.0).contains(&g) || rel.is_nan() || rel > 1.0 {
            out.flags.push(CurveFlag::AsymmetryNotDetermined);
        }
    }
    // Cheap test first: where the Wald interval of ln c is narrow (relative standard error of c
    // below 4 %) at an interior optimum, the profile of c rises to the likelihood bound within a few
    // per cent of ĉ, and on every family of `bench/peers.sh` no profile with a curvature that sharp
    // comes back down to the bound further out (the flagged curves start at 6 %): the limits need not
    // be fitted.
    let sharp =
        se.get(2).is_some_and(|s| (s / c).abs() < 0.04) && !span.near_edge(p) && b.abs() <= 2.0;
    if dof > 0 && rss.is_finite() && !sharp {
        let bound = rss * (1.0 + f_crit(dof) / dof as f64);
        let (cover_lo, cover_hi) = coverage(model, p, span);
        // A power law is convex or concave in ln x, and monotone: where the standards bend or turn
        // against every power law of one end by more than the bound allows, that limit cannot
        // compete and need not be fitted.
        let need_hi = cover_hi < 0.99;
        let need_lo = cover_lo < 0.99 && !span.zero;
        let bent = if need_hi || need_lo {
            curvature_bound(data)
        } else {
            Bent::default()
        };
        // Only where the fitted curve leaves part of its transition outside the standards can a
        // plateau-free limit compete (a curve 99 % of the way to a plateau at the last standard is
        // bent far beyond what a power law can follow within the noise).
        if need_hi && bent.high <= bound {
            let lim = power_law_judged(data, b.abs().max(0.05), rss, bound);
            judge(&mut out, lim, rss, bound, end_flag(true));
        }
        if need_lo && bent.low <= bound {
            let g = p.get(4).copied().unwrap_or(1.0);
            let lim = power_law_judged(data, -((b * g).abs().max(0.05)), rss, bound);
            judge(&mut out, lim, rss, bound, end_flag(false));
        }
        if b.abs() > 2.0 {
            judge(
                &mut out,
                step_rss(data),
                rss,
                bound,
                CurveFlag::SlopeNotDetermined,
            );
        }
    }
    out.flags.sort();
    out.flags.dedup();
    out
}

fn judge(out: &mut Assessment, lim: f64, rss: f64, bound: f64, flag: CurveFlag) {
    if lim <= bound {
        out.flags.push(flag);
        if lim <= rss * (1.0 + 1e-9) {
            out.limit_is_better = true;
        }
    }
}

/// The flag for `c` running to the high (`high`) or low concentration end: `c → ∞` leaves the plateau at
/// high concentration undetermined whatever the sign of `b` (with `b < 0` the asymptotes swap roles).
fn end_flag(high: bool) -> CurveFlag {
    if high {
        CurveFlag::UpperAsymptoteNotDetermined
    } else {
        CurveFlag::LowerAsymptoteNotDetermined
    }
}

/// `F(0.95; 1, dof) = t(0.975; dof)²`, cached per thread for small `dof`.
fn f_crit(dof: usize) -> f64 {
    const N: usize = 128;
    thread_local! {
        static CACHE: std::cell::RefCell<[f64; N]> = const { std::cell::RefCell::new([0.0; N]) };
    }
    let compute = || crate::stats::student_t_quantile(0.975, dof as f64).powi(2);
    if dof >= N {
        return compute();
    }
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if c[dof] == 0.0 {
            c[dof] = compute();
        }
        c[dof]
    })
}

/// Fraction of the fitted transition covered at the lowest non-zero and at the highest standard,
/// measured from the zero-concentration end: `(cover at low end, cover at high end)` where the low
/// one is `1 − fraction(low)` so that 1 means "the plateau is reached" at both ends.
fn coverage(model: Model, p: &[f64], span: &Span) -> (f64, f64) {
    let frac = |x: f64| {
        // s(x) = (1 + (x/c)^b)^-g goes from 1 (x → 0, b > 0) to 0; the transition done is 1 − s.
        let u = (p[1] * (x / p[2]).ln()).exp();
        let g = if model == Model::FivePl { p[4] } else { 1.0 };
        let s = (-g * u.ln_1p()).exp();
        if p[1] > 0.0 { 1.0 - s } else { s }
    };
    let lo = if span.zero { 1.0 } else { 1.0 - frac(span.low) };
    let hi = frac(span.top);
    let ok = |v: f64| if v.is_finite() { v } else { 0.0 };
    (ok(lo), ok(hi))
}

/// Lower bounds on the RSS of the power laws `α + k·x^β` of each end (see [`curvature_bound`]).
#[derive(Debug, Clone, Copy, Default)]
struct Bent {
    /// β > 0 (the high end, c → ∞): convex and increasing in `ln x` (k > 0), or concave and decreasing.
    high: f64,
    /// β < 0 (the low end, c → 0): convex and decreasing (k > 0), or concave and increasing.
    low: f64,
}

/// Lower bounds on the RSS of every power law `α + k·x^β` of either end: `k·e^{β ln x}` is convex in
/// `ln x` for `k > 0`, concave for `k < 0`, and monotone (increasing for `kβ > 0`). For each shape the
/// scatter of replicates about their level's mean plus the larger of two costs, each a lower bound on
/// the least weighted change of the level means that gives them that shape: for the bend, the most
/// bent disjoint triples of adjacent levels straightened (each the distance to the half-space of its
/// convexity constraint); for the direction, the weighted isotonic regression of the means (pool
/// adjacent violators; a zero standard is the first level, where a β > 0 law takes α). Costs no `exp`.
fn curvature_bound(data: &Data) -> Bent {
    // Levels: (ln x, Σw², Σw²y, Σw²y²), sorted by concentration; the zero standard adds only scatter.
    let mut lv = [(0.0f64, 0.0f64, 0.0f64, 0.0f64); super::varpro::MAX_POINTS];
    let mut n = 0;
    let (mut zw, mut zy, mut zyy) = (0.0, 0.0, 0.0);
    for i in 0..data.x.len() {
        let w2 = data.w[i] * data.w[i];
        let y = data.y[i];
        if data.x[i] <= 0.0 {
            (zw, zy, zyy) = (zw + w2, zy + w2 * y, zyy + w2 * y * y);
            continue;
        }
        let u = data.ln_x[i];
        if let Some(l) = lv[..n].iter_mut().find(|l| l.0 == u) {
            *l = (u, l.1 + w2, l.2 + w2 * y, l.3 + w2 * y * y);
        } else if n < lv.len() {
            lv[n] = (u, w2, w2 * y, w2 * y * y);
            n += 1;
        } else {
            return Bent::default();
        }
    }
    let lv = &mut lv[..n];
    lv.sort_unstable_by(|p, q| p.0.total_cmp(&q.0));
    let mut scatter = if zw > 0.0 { zyy - zy * zy / zw } else { 0.0 };
    for l in lv.iter() {
        scatter += l.3 - l.2 * l.2 / l.1;
    }
    // Disjoint triples straighten independent means, so their costs add: the best set of disjoint
    // adjacent triples by dynamic programming, once for each direction of bending.
    let (mut convex, mut concave) = (
        [0.0f64; super::varpro::MAX_POINTS],
        [0.0f64; super::varpro::MAX_POINTS],
    );
    for j in 1..n.saturating_sub(1) {
        let (p, q, r) = (lv[j - 1], lv[j], lv[j + 1]);
        let lam = (r.0 - q.0) / (r.0 - p.0);
        // Positive: the middle mean lies above the chord (bent like a concave function).
        let delta = q.2 / q.1 - lam * p.2 / p.1 - (1.0 - lam) * r.2 / r.1;
        let cost = delta * delta / (lam * lam / p.1 + 1.0 / q.1 + (1.0 - lam).powi(2) / r.1);
        let before = |t: &[f64]| if j >= 2 { t[j - 2] } else { 0.0 };
        let (cv, cc) = if delta > 0.0 {
            (cost, 0.0)
        } else {
            (0.0, cost)
        };
        convex[j + 1] = convex[j].max(before(&convex) + cv);
        concave[j + 1] = concave[j].max(before(&concave) + cc);
    }
    let (convex, concave) = if n >= 3 {
        (convex[n - 1], concave[n - 1])
    } else {
        (0.0, 0.0)
    };
    let (inc, dec) = if zw > 0.0 {
        let zero = (f64::NEG_INFINITY, zw, zy, zyy);
        let all: Vec<_> = std::iter::once(zero).chain(lv.iter().copied()).collect();
        (isotonic_cost(&all, 1.0), isotonic_cost(&all, -1.0))
    } else {
        (isotonic_cost(lv, 1.0), isotonic_cost(lv, -1.0))
    };
    let base = scatter.max(0.0) + data.scatter;
    let finite = |v: f64| if v.is_finite() { v } else { 0.0 };
    Bent {
        high: finite(base + convex.max(inc).min(concave.max(dec))),
        low: finite(base + convex.max(dec).min(concave.max(inc))),
    }
}

/// Least weighted squared change of the level means (levels `(·, Σw², Σw²y, ·)` in concentration
/// order) that makes them non-decreasing (`sign` 1) or non-increasing (−1): pool adjacent violators.
fn isotonic_cost(levels: &[(f64, f64, f64, f64)], sign: f64) -> f64 {
    // Blocks (weight, weighted sum, Σ over the block of weight·mean²) of pooled levels.
    let mut blocks: Vec<(f64, f64, f64)> = Vec::with_capacity(levels.len());
    for l in levels {
        let mut b = (l.1, l.2, l.2 * l.2 / l.1);
        while let Some(&p) = blocks.last() {
            if sign * (p.1 / p.0) > sign * (b.1 / b.0) {
                blocks.pop();
                b = (p.0 + b.0, p.1 + b.1, p.2 + b.2);
            } else {
                break;
            }
        }
        blocks.push(b);
    }
    // Σ W·(mean − pooled mean)² within each block = Σ W·mean² − (Σ W·mean)²/Σ W.
    blocks
        .iter()
        .map(|b| (b.2 - b.1 * b.1 / b.0).max(0.0))
        .sum()
}

/// Weighted least squares of `y` on `[1, t]`: the residual sum of squares, or ∞ when `t` is constant.
/// (The squared weights `w2` are passed in: a search evaluates many `t` on one curve.)
fn line_rss(data: &Data, w2: &[f64], t: &[f64]) -> f64 {
    let (mut sw, mut st, mut stt, mut sy, mut sty, mut syy) = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
    for i in 0..t.len() {
        let w2 = w2[i];
        let (ti, yi) = (t[i], data.y[i]);
        sw += w2;
        st += w2 * ti;
        stt += w2 * ti * ti;
        sy += w2 * yi;
        sty += w2 * ti * yi;
        syy += w2 * yi * yi;
    }
    let vtt = stt - st * st / sw;
    if vtt.is_nan() || vtt <= 1e-12 * stt {
        return f64::INFINITY;
    }
    let vty = sty - st * sy / sw;
    let vyy = syy - sy * sy / sw;
    (vyy - vty * vty / vtt).max(0.0) + data.scatter
}

/// Best RSS of `y = α + k·x^β` over β of the sign of `beta0` (started there), by a safeguarded 1-D
/// search on ln|β|: for each β the line in `t = x^β` is exact. Points at `x = 0` take `t = 0` (β > 0).
#[cfg(test)]
fn power_law_rss(data: &Data, beta0: f64) -> f64 {
    power_law(data, beta0, None).0
}

/// The power law's RSS as far as [`judge`] needs it against a fit with `rss` and likelihood bound
/// `bound`: the search stops as soon as a β fits as well as the curve (then both verdicts are
/// settled), and while the best RSS found is not within 20 % above one of the two thresholds (the
/// bound, and the curve's own RSS) it only narrows ln β to 0.02 (near its minimum the RSS changes
/// by far less than 20 % over that width, so the verdict cannot change), so only close calls pay
/// for the full precision.
fn power_law_judged(data: &Data, beta0: f64, rss: f64, bound: f64) -> f64 {
    power_law(data, beta0, Some((rss * (1.0 + 1e-9), bound))).0
}

/// The best power law `y = α + k·x^β` at the `high` (β > 0, c → ∞) or low (β < 0, c → 0) end:
/// `(β, α, k)`, `None` when it cannot be fitted (or, at the low end, a zero standard pins the plateau).
pub(super) fn limit_fit(data: &Data, span: &Span, high: bool) -> Option<(f64, f64, f64)> {
    if !high && span.zero {
        return None;
    }
    let (rss, beta) = power_law(data, if high { 1.0 } else { -1.0 }, None);
    if !rss.is_finite() {
        return None;
    }
    let (alpha, k) = line_fit(data, beta)?;
    Some((beta, alpha, k))
}

/// A point of the logistic model `model` far along the valley towards the power-law limit `fit` (of
/// [`limit_fit`]): the asymptote moved so far that the curve differs from the power law by `tail` of
/// its change over the standards. Around 1e-8 the approximation and the rounding in
/// `d + (a − d)·s` (with `d` of order 1/`tail`) cost about the same.
pub(super) fn limit_params(
    model: Model,
    span: &Span,
    high: bool,
    fit: (f64, f64, f64),
    tail: f64,
) -> Option<Vec<f64>> {
    let (beta, alpha, k) = fit;
    let gamma = beta.abs();
    let mut p = if high {
        // y ≈ a + (d − a)(x/c)^b: b = β, (d − a) = k c^β with (top/c)^β = tail.
        let c = span.top * tail.powf(-1.0 / gamma);
        vec![alpha, gamma, c, alpha + k * c.powf(gamma)]
    } else {
        // y ≈ d + (a − d)(c/x)^b: b = γ, (a − d) = k c^-γ with (c/low)^γ = tail.
        let c = span.low * tail.powf(1.0 / gamma);
        vec![alpha + k * c.powf(-gamma), gamma, c, alpha]
    };
    if model == Model::FivePl {
        p.push(1.0);
    }
    p.iter().all(|v| v.is_finite()).then_some(p)
}

/// [`limit_params`] of the best power law with `tail` 1e-8. `None` when the limit cannot be fitted.
pub(super) fn limit_point(model: Model, data: &Data, span: &Span, high: bool) -> Option<Vec<f64>> {
    limit_params(model, span, high, limit_fit(data, span, high)?, 1e-8)
}

/// `(α, k)` of the weighted line of `y` on `x^β`.
fn line_fit(data: &Data, beta: f64) -> Option<(f64, f64)> {
    let (mut sw, mut st, mut stt, mut sy, mut sty) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for i in 0..data.x.len() {
        let w2 = data.w[i] * data.w[i];
        let t = if data.x[i] > 0.0 {
            (beta * data.ln_x[i]).exp()
        } else {
            0.0
        };
        sw += w2;
        st += w2 * t;
        stt += w2 * t * t;
        sy += w2 * data.y[i];
        sty += w2 * t * data.y[i];
    }
    let vtt = stt - st * st / sw;
    let k = (sty - st * sy / sw) / vtt;
    let alpha = (sy - k * st) / sw;
    (k.is_finite() && alpha.is_finite()).then_some((alpha, k))
}

/// `(RSS, β)` of the best power law (see [`power_law_rss`]).
///
/// `stop = (settled, bound)`: return once the RSS is at or below `settled`, and search coarsely while
/// it is not within 20 % above `settled` or `bound` (see [`power_law_judged`]).
fn power_law(data: &Data, beta0: f64, stop: Option<(f64, f64)>) -> (f64, f64) {
    let (settled, bound) = stop.unwrap_or((f64::NEG_INFINITY, f64::INFINITY));
    let close = |f: f64| f > bound && f <= 1.2 * bound;
    let m = data.x.len();
    let sign = beta0.signum();
    let mut t = [0.0; super::varpro::MAX_POINTS];
    if m > t.len() {
        return (f64::INFINITY, beta0);
    }
    let zero = data.x.iter().any(|&v| v <= 0.0);
    let mut w2 = [0.0; super::varpro::MAX_POINTS];
    for i in 0..m {
        w2[i] = data.w[i] * data.w[i];
    }
    let mut eval = |lb: f64| {
        let beta = sign * lb.exp();
        data.ladder.exps(beta, 0.0, data.ln_x, &mut t[..m]);
        if zero {
            for i in 0..m {
                if data.x[i] <= 0.0 {
                    t[i] = 0.0;
                }
            }
        }
        line_rss(data, &w2[..m], &t[..m])
    };
    // Golden-section search on ln|β| over a bracket found by stepping downhill from the start.
    let (mut lo, mut hi) = (beta0.abs().ln() - 1.0, beta0.abs().ln() + 1.0);
    let (lmin, lmax) = (0.01f64.ln(), 50f64.ln());
    lo = lo.max(lmin);
    hi = hi.min(lmax);
    let (mut flo, mut fhi) = (eval(lo), eval(hi));
    let mid = 0.5 * (lo + hi);
    let mut fmid = eval(mid);
    // Widen towards the lower side until the middle is lowest (or the range ends).
    let mut guard = 0;
    while guard < 12 && (flo < fmid || fhi < fmid) {
        guard += 1;
        let width = hi - lo;
        if flo < fmid && lo > lmin {
            let nlo = (lo - width).max(lmin);
            (hi, fhi) = (mid_of(lo, hi), fmid);
            (lo, flo) = (nlo, eval(nlo));
        } else if fhi < fmid && hi < lmax {
            let nhi = (hi + width).min(lmax);
            (lo, flo) = (mid_of(lo, hi), fmid);
            (hi, fhi) = (nhi, eval(nhi));
        } else {
            break;
        }
        fmid = eval(mid_of(lo, hi));
    }
    let mut best = (flo, lo);
    for (f, at) in [(fhi, hi), (fmid, mid_of(lo, hi))] {
        if f < best.0 {
            best = (f, at);
        }
    }
    // Brent's minimiser (golden section with parabolic steps) on the bracket, from its middle.
    const C: f64 = 0.381_966_011_250_105_1;
    const TOL: f64 = 1e-5;
    // Near the bound only the side of it matters: ln β to 1e-3 (the RSS within ~1e-6 of its least).
    const NEAR_TOL: f64 = 1e-3;
    let (mut a, mut b) = (lo, hi);
    let mut x = mid_of(lo, hi);
    let (mut w, mut v) = (x, x);
    let (mut fx, mut fw, mut fv) = (fmid, fmid, fmid);
    let (mut d, mut e) = (0.0f64, 0.0f64);
    for _ in 0..60 {
        if best.0 <= settled {
            break;
        }
        let xm = mid_of(a, b);
        let tol = if stop.is_none() || best.0 <= 1.2 * settled {
            TOL
        } else if close(best.0) {
            NEAR_TOL
        } else {
            0.02
        };
        let tol1 = 1.5e-8 * x.abs() + tol / 3.0;
        let tol2 = 2.0 * tol1;
        if (x - xm).abs() <= tol2 - 0.5 * (b - a) {
            break;
        }
        let mut golden = true;
        if e.abs() > tol1 {
            let r = (x - w) * (fx - fv);
            let mut q = (x - v) * (fx - fw);
            let mut p = (x - v) * q - (x - w) * r;
            q = 2.0 * (q - r);
            if q > 0.0 {
                p = -p;
            }
            q = q.abs();
            let e_old = e;
            e = d;
            if p.abs() < (0.5 * q * e_old).abs() && p > q * (a - x) && p < q * (b - x) {
                d = p / q;
                let u = x + d;
                if u - a < tol2 || b - u < tol2 {
                    d = tol1.copysign(xm - x);
                }
                golden = false;
            }
        }
        if golden {
            e = if x >= xm { a - x } else { b - x };
            d = C * e;
        }
        let u = if d.abs() >= tol1 {
            x + d
        } else {
            x + tol1.copysign(d)
        };
        let fu = eval(u);
        if fu < best.0 {
            best = (fu, u);
        }
        if fu <= fx {
            if u >= x {
                a = x;
            } else {
                b = x;
            }
            (v, fv) = (w, fw);
            (w, fw) = (x, fx);
            (x, fx) = (u, fu);
        } else {
            if u < x {
                a = u;
            } else {
                b = u;
            }
            if fu <= fw || w == x {
                (v, fv) = (w, fw);
                (w, fw) = (u, fu);
            } else if fu <= fv || v == x || v == w {
                (v, fv) = (u, fu);
            }
        }
    }
    (best.0, sign * best.1.exp())
}

fn mid_of(a: f64, b: f64) -> f64 {
    0.5 * (a + b)
}

/// A point of the logistic model far along the valley towards the best step (`b → ∞` with `c` in the
/// gap between two adjacent standards): the curve within 1e-8 of its two levels at those standards.
/// `None` when the concentrations do not have two distinct values.
pub(super) fn step_point(model: Model, data: &Data) -> Option<Vec<f64>> {
    let (_, gap) = step(data);
    let (lo_x, hi_x, left, right) = gap?;
    let (b, c) = if lo_x > 0.0 {
        let c = (lo_x * hi_x).sqrt();
        // (lo_x / c)^b = 1e-8.
        (8.0 * std::f64::consts::LN_10 / (c / lo_x).ln(), c)
    } else {
        // Between the zero standard and the lowest one: a steep rise well below the lowest
        // standard, (hi_x / c)^b = 1e8 with b = 10, from which the LM can still bend.
        (10.0, hi_x * 10f64.powf(-0.8))
    };
    let mut p = vec![left, b, c, right];
    if model == Model::FivePl {
        p.push(1.0);
    }
    p.iter().all(|v| v.is_finite()).then_some(p)
}

/// A step fits within the likelihood bound of a fit with `rss` and `dof` (its valley, b → ∞, is
/// worth following).
pub(super) fn step_competes(data: &Data, rss: f64, dof: usize) -> bool {
    dof > 0 && step_rss(data) <= rss * (1.0 + f_crit(dof) / dof as f64)
}

/// Best RSS of a step: one level for every concentration up to a gap between adjacent distinct
/// concentrations, another beyond it (the limit b → ∞ with c in that gap).
fn step_rss(data: &Data) -> f64 {
    step(data).0 + data.scatter
}

/// A step's RSS and, for the best gap, `(x below, x above, level below, level above)`.
type Gap = (f64, f64, f64, f64);

fn step(data: &Data) -> (f64, Option<Gap>) {
    let m = data.x.len();
    let mut idx: Vec<usize> = (0..m).collect();
    idx.sort_by(|&i, &j| data.x[i].total_cmp(&data.x[j]));
    // Prefix sums of w², w²y, w²y² in x order.
    let (mut tw, mut ty, mut tyy) = (0.0, 0.0, 0.0);
    for &i in &idx {
        let w2 = data.w[i] * data.w[i];
        tw += w2;
        ty += w2 * data.y[i];
        tyy += w2 * data.y[i] * data.y[i];
    }
    let (mut lw, mut ly, mut lyy) = (0.0, 0.0, 0.0);
    let mut best = f64::INFINITY;
    let mut gap = None;
    for k in 0..m {
        let i = idx[k];
        let w2 = data.w[i] * data.w[i];
        lw += w2;
        ly += w2 * data.y[i];
        lyy += w2 * data.y[i] * data.y[i];
        if k + 1 < m && data.x[idx[k + 1]] > data.x[i] {
            let (rw, ry, ryy) = (tw - lw, ty - ly, tyy - lyy);
            let ss = ((lyy - ly * ly / lw) + (ryy - ry * ry / rw)).max(0.0);
            if ss < best {
                best = ss;
                gap = Some((data.x[i], data.x[idx[k + 1]], ly / lw, ry / rw));
            }
        }
    }
    (best, gap)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data<'a>(x: &'a [f64], ln_x: &'a [f64], y: &'a [f64], w: &'a [f64]) -> Data<'a> {
        Data {
            x,
            ln_x,
            ladder: Box::leak(Box::new(super::super::ladder::Ladder::of(ln_x))),
            y,
            w,
            scatter: 0.0,
        }
    }

    #[test]
    fn power_law_is_fitted_exactly() {
        let x = [1.0, 2.0, 4.0, 8.0, 16.0, 32.0];
        let ln_x: Vec<f64> = x.iter().map(|v: &f64| v.ln()).collect();
        let y: Vec<f64> = x.iter().map(|v| 0.1 + 0.3 * v.powf(0.7)).collect();
        let w = [1.0; 6];
        assert!(power_law_rss(&data(&x, &ln_x, &y, &w), 1.5) < 1e-10);
        let y: Vec<f64> = x.iter().map(|v| 2.0 - 1.5 * v.powf(-1.3)).collect();
        assert!(power_law_rss(&data(&x, &ln_x, &y, &w), -0.5) < 1e-10);
    }

    #[test]
    fn curvature_bound_never_exceeds_the_power_laws_rss() {
        let x = [0.0, 0.0, 1.0, 2.0, 4.0, 4.0, 8.0, 16.0, 32.0, 64.0];
        let ln_x: Vec<f64> = x.iter().map(|v: &f64| v.ln()).collect();
        let w = [1.0; 10];
        // A sigmoid in ln x bends both ways; noise on top.
        let noise = [
            0.01, -0.02, 0.015, -0.01, 0.02, 0.0, -0.015, 0.01, -0.005, 0.02,
        ];
        let y: Vec<f64> = x
            .iter()
            .zip(noise)
            .map(|(v, e)| 0.1 + 2.0 / (1.0 + (8.0 / v).powf(1.5)) + e)
            .collect();
        let d = data(&x, &ln_x, &y, &w);
        let bent = curvature_bound(&d);
        assert!(bent.high > 0.0 && bent.low > 0.0);
        for (beta0, bound) in [(1.0, bent.high), (-1.0, bent.low)] {
            assert!(
                bound <= power_law_rss(&d, beta0),
                "{bound} vs {}",
                power_law_rss(&d, beta0)
            );
        }
        // An exact power law is not bent the other way anywhere, nor turns: at its own end.
        let y: Vec<f64> = x.iter().map(|v| 0.1 + 0.3 * v.powf(0.7)).collect();
        assert!(curvature_bound(&data(&x, &ln_x, &y, &w)).high < 1e-20);
        let y: Vec<f64> = x[2..].iter().map(|v| 0.1 + 0.3 * v.powf(-0.7)).collect();
        let (x, ln_x) = (&x[2..], &ln_x[2..]);
        assert!(curvature_bound(&data(x, ln_x, &y, &w[2..])).low < 1e-20);
    }

    #[test]
    fn step_is_fitted_exactly() {
        let x = [1.0, 1.0, 2.0, 4.0, 8.0, 8.0];
        let ln_x: Vec<f64> = x.iter().map(|v: &f64| v.ln()).collect();
        let y = [0.1, 0.1, 0.1, 2.0, 2.0, 2.0];
        assert!(step_rss(&data(&x, &ln_x, &y, &[1.0; 6])) < 1e-12);
    }
}

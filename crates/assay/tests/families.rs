//! Curve families an ELISA lab meets (the kinds `bench/peers.sh --family` fits against scipy and R),
//! fitted by `curve::fit` and by a plain full Levenberg–Marquardt reference (MINPACK-style `lm::solve`
//! on the full 4/5-parameter problem from the analyst's start: asymptotes at the extremes, slope 1,
//! inflection at the median concentration). Ours must never end worse than the reference where the
//! reference converged, and must never call a curve converged with `c` 1000× beyond the standards or
//! a 5PL `g` outside 0.05–20.

use secretome_assay::curve::{self, CurveFlag, CurveProblem, Model, Weighting};
use secretome_assay::lm::{self, LmOptions};

/// xorshift64* with Box–Muller: deterministic, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
    }
    fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.next()
    }
    fn log_uniform(&mut self, lo: f64, hi: f64) -> f64 {
        self.uniform(lo.ln(), hi.ln()).exp()
    }
    fn int(&mut self, lo: usize, hi: usize) -> usize {
        lo + ((hi - lo + 1) as f64 * self.next()) as usize
    }
    fn gauss(&mut self) -> f64 {
        let (u, v) = (self.next().max(1e-300), self.next());
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }
}

#[derive(Clone, Copy, Debug)]
enum Family {
    Elisa,
    Above,
    Below,
    Competitive,
    Weighted,
    FivePl,
}

struct Curve {
    x: Vec<f64>,
    y: Vec<f64>,
    top: f64,
    low: f64,
}

fn eval(p: &[f64; 5], x: f64) -> f64 {
    let [a, b, c, d, g] = *p;
    if x == 0.0 {
        return a;
    }
    d + (a - d) / (1.0 + (x / c).powf(b)).powf(g)
}

fn generate(family: Family, rng: &mut Rng) -> Curve {
    let (xs, reps, noise, p) = if let Family::Elisa = family {
        let mut xs = vec![0.0];
        xs.extend((0..8).map(|k| 2000.0 / 2f64.powi(k)));
        let p = [
            rng.uniform(0.02, 0.08),
            rng.uniform(0.8, 1.6),
            rng.uniform(400.0, 2500.0),
            rng.uniform(2.5, 4.0),
            1.0,
        ];
        (xs, 2, 0.03, p)
    } else {
        let top = 10f64.powf(rng.uniform(1.0, 4.0));
        let levels = rng.int(6, 12);
        let factor: f64 = [2.0, 2.0, 2.5, 3.0][rng.int(0, 3).min(3)];
        let mut xs: Vec<f64> = (0..levels).map(|k| top / factor.powi(k as i32)).collect();
        let low = xs[levels - 1];
        if rng.next() < 0.5 {
            xs.push(0.0);
        }
        let reps = rng.int(1, 3).min(3);
        let noise = rng.uniform(0.01, 0.10);
        let b = rng.uniform(0.5, 3.0);
        let (lo_r, hi_r) = (rng.uniform(0.02, 0.15), rng.uniform(1.0, 4.0));
        let shape = match family {
            Family::Weighted => [
                Family::Above,
                Family::Below,
                Family::Elisa,
                Family::Competitive,
            ][rng.int(0, 3).min(3)],
            f => f,
        };
        let c = match shape {
            Family::Above => top * rng.uniform(0.5, 2.0),
            Family::Below => low * rng.log_uniform(0.25, 4.0),
            Family::Elisa => rng.log_uniform(low, top),
            _ => rng.log_uniform(low / 2.0, 2.0 * top),
        };
        let (mut a, mut d) = (lo_r, hi_r);
        if let Family::Competitive = shape {
            (a, d) = (d, a);
        }
        let mut g = 1.0;
        if let Family::FivePl = family {
            g = rng.log_uniform(0.3, 3.0);
            if rng.next() < 0.3 {
                (a, d) = (d, a);
            }
        }
        (xs, reps, noise, [a, b, c, d, g])
    };
    let (mut x, mut y) = (vec![], vec![]);
    for &xi in &xs {
        let mean = eval(&p, xi);
        for _ in 0..reps {
            x.push(xi);
            y.push(mean * (1.0 + noise * rng.gauss()));
        }
    }
    let top = xs.iter().copied().fold(0.0, f64::max);
    let low = xs
        .iter()
        .copied()
        .filter(|v| *v > 0.0)
        .fold(f64::INFINITY, f64::min);
    Curve { x, y, top, low }
}

/// The plain reference: full LM from the analyst's start; `None` where it does not converge to a
/// finite curve with `c > 0` (and `g > 0`).
fn reference(model: Model, w: Weighting, c: &Curve) -> Option<f64> {
    let problem = CurveProblem::new(model, &c.x, &c.y, w).ok()?;
    let mean_at = |t: f64| {
        let v: Vec<f64> =
            c.x.iter()
                .zip(&c.y)
                .filter(|(x, _)| **x == t)
                .map(|(_, y)| *y)
                .collect();
        v.iter().sum::<f64>() / v.len() as f64
    };
    let xmin = c.x.iter().copied().fold(f64::INFINITY, f64::min);
    let mut pos: Vec<f64> = c.x.iter().copied().filter(|v| *v > 0.0).collect();
    pos.sort_by(f64::total_cmp);
    let median = if pos.len() % 2 == 1 {
        pos[pos.len() / 2]
    } else {
        0.5 * (pos[pos.len() / 2 - 1] + pos[pos.len() / 2])
    };
    let mut start = vec![mean_at(xmin), 1.0, median, mean_at(c.top)];
    if model == Model::FivePl {
        start.push(1.0);
    }
    let opts = LmOptions {
        max_iterations: 1000,
        ftol: 1.5e-8,
        xtol: 1.5e-8,
        gtol: 0.0,
    };
    let r = lm::solve(&problem, &start, &opts).ok()?;
    let ok = r.converged
        && r.rss.is_finite()
        && r.params.iter().all(|v| v.is_finite())
        && r.params[2] > 0.0
        && r.params.get(4).is_none_or(|g| *g > 0.0);
    ok.then_some(r.rss)
}

struct Tally {
    curves: usize,
    reference_converged: usize,
    worse: Vec<String>,
    edge_converged: Vec<String>,
    flagged: usize,
}

fn run(family: Family, n: usize, seed: u64) -> Tally {
    let (model, w) = match family {
        Family::Weighted => (Model::FourPl, Weighting::InvY2),
        Family::FivePl => (Model::FivePl, Weighting::None),
        _ => (Model::FourPl, Weighting::None),
    };
    let mut rng = Rng(seed);
    let mut t = Tally {
        curves: n,
        reference_converged: 0,
        worse: vec![],
        edge_converged: vec![],
        flagged: 0,
    };
    for i in 0..n {
        let c = generate(family, &mut rng);
        let ours = curve::fit(model, &c.x, &c.y, w);
        let peer = reference(model, w, &c);
        let Ok(f) = ours else {
            if peer.is_some() {
                t.worse
                    .push(format!("{family:?} #{i}: ours failed {:?}", ours.err()));
            }
            continue;
        };
        if !f.converged || !f.flags.is_empty() {
            t.flagged += 1;
        }
        let (b, cc) = (f.params[1], f.params[2]);
        let g = f.params.get(4).copied().unwrap_or(1.0);
        if f.converged
            && (cc > 1e3 * c.top
                || cc < 1e-3 * c.low
                || !(0.05..=20.0).contains(&g)
                || !b.is_finite())
        {
            t.edge_converged
                .push(format!("{family:?} #{i}: converged at {:?}", f.params));
        }
        if let Some(rss) = peer {
            t.reference_converged += 1;
            if f.rss > rss * (1.0 + 1e-6) {
                t.worse.push(format!(
                    "{family:?} #{i}: ours {} vs reference {rss} at {:?} ({:?}) x {:?} y {:?}",
                    f.rss, f.params, f.flags, c.x, c.y
                ));
            }
        }
    }
    t
}

fn check(family: Family, n: usize, seed: u64) {
    let t = run(family, n, seed);
    eprintln!(
        "{family:?}: {} curves, reference converged on {}, ours flagged {}",
        t.curves, t.reference_converged, t.flagged
    );
    assert!(
        t.worse.is_empty(),
        "{} worse:\n{}",
        t.worse.len(),
        t.worse.join("\n")
    );
    assert!(
        t.edge_converged.is_empty(),
        "{} converged at an edge:\n{}",
        t.edge_converged.len(),
        t.edge_converged.join("\n")
    );
    // The family is not trivial: the reference converges on most curves.
    assert!(t.reference_converged * 2 > t.curves);
}

#[test]
fn sandwich_elisa_up_to_the_top_standard() {
    check(Family::Elisa, 600, 1);
}

#[test]
fn top_plateau_not_reached() {
    check(Family::Above, 600, 2);
}

#[test]
fn bottom_plateau_not_reached() {
    check(Family::Below, 600, 3);
}

/// Another sample of the family where the projection of a start most often walks off towards
/// `c → 0` and the full LM from the start is stopped at the edge after the analyst's budget (the
/// valley is then followed in edge coordinates): never worse than the plain full LM run to its end.
#[test]
fn bottom_plateau_not_reached_second_sample() {
    check(Family::Below, 400, 13);
}

#[test]
fn competitive_decreasing_curves() {
    check(Family::Competitive, 600, 4);
}

#[test]
fn weighted_one_over_y_squared() {
    check(Family::Weighted, 600, 5);
}

#[test]
fn five_parameter_curves() {
    check(Family::FivePl, 400, 6);
}

/// Another sample of 5PL curves (the valleys g → 0, g → ∞ and the mirrored branch b < 0 are
/// followed for any data, not for one file).
#[test]
fn five_parameter_curves_second_sample() {
    check(Family::FivePl, 600, 16);
}

#[test]
fn a_straight_line_has_no_upper_plateau_and_is_not_converged() {
    // y linear in x over the whole range: the power law (β = 1) is exact, no 4PL does better.
    let x = [0.0, 31.25, 62.5, 125.0, 250.0, 500.0, 1000.0, 2000.0];
    let y: Vec<f64> = x.iter().map(|v| 0.05 + 0.001 * v).collect();
    let f = curve::fit(Model::FourPl, &x, &y, Weighting::None).expect("fits");
    assert!(!f.converged, "{:?}", f.params);
    assert_eq!(f.flags, vec![CurveFlag::UpperAsymptoteNotDetermined]);
}

#[test]
fn a_curve_with_both_plateaus_in_range_has_no_flag() {
    let x = [
        0.0, 15.625, 31.25, 62.5, 125.0, 250.0, 500.0, 1000.0, 2000.0,
    ];
    let p = [0.05, 1.4, 150.0, 3.0, 1.0];
    let y: Vec<f64> = x
        .iter()
        .enumerate()
        .map(|(i, &v)| eval(&p, v) * (1.0 + 0.01 * [1.0, -1.0][i % 2]))
        .collect();
    let f = curve::fit(Model::FourPl, &x, &y, Weighting::None).expect("fits");
    assert!(f.converged && f.flags.is_empty(), "{:?}", f.flags);
}

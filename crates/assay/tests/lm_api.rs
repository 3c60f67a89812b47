//! The generic solver API as a caller (the planner's calibration) uses it: numeric default Jacobian,
//! errors for ill-posed problems, standard errors and confidence intervals.
#![allow(clippy::needless_range_loop)] // index loops mirror the linear algebra / Fortran original

use secretome_assay::lm::{self, LmError, LmOptions, Problem};

/// y = p0 * exp(p1 * x), no analytic Jacobian (uses the forward-difference default).
struct ExpDecay {
    x: Vec<f64>,
    y: Vec<f64>,
}

impl Problem for ExpDecay {
    fn n_params(&self) -> usize {
        2
    }
    fn n_residuals(&self) -> usize {
        self.x.len()
    }
    fn residuals(&self, p: &[f64], out: &mut [f64]) {
        for i in 0..self.x.len() {
            out[i] = self.y[i] - p[0] * (p[1] * self.x[i]).exp();
        }
    }
}

/// Straight line: the least-squares solution and its standard errors are known in closed form.
struct Line {
    x: Vec<f64>,
    y: Vec<f64>,
}

impl Problem for Line {
    fn n_params(&self) -> usize {
        2
    }
    fn n_residuals(&self) -> usize {
        self.x.len()
    }
    fn residuals(&self, p: &[f64], out: &mut [f64]) {
        for i in 0..self.x.len() {
            out[i] = self.y[i] - (p[0] + p[1] * self.x[i]);
        }
    }
}

#[test]
fn numeric_jacobian_fits_exact_data() {
    let x: Vec<f64> = (0..10).map(|i| i as f64 * 0.5).collect();
    let y = x.iter().map(|&x| 3.0 * (-0.7 * x).exp()).collect();
    let r = lm::solve(&ExpDecay { x, y }, &[1.0, -0.1], &LmOptions::default()).expect("solves");
    assert!(r.converged);
    assert!(
        (r.params[0] - 3.0).abs() < 1e-9 && (r.params[1] + 0.7).abs() < 1e-9,
        "{:?}",
        r.params
    );
    assert!(r.rss < 1e-18);
}

#[test]
fn line_fit_matches_closed_form_se_and_ci() {
    let x: Vec<f64> = (1..=8).map(|i| i as f64).collect();
    let noise = [0.3, -0.2, 0.1, -0.4, 0.25, 0.05, -0.15, 0.2];
    let y: Vec<f64> = x
        .iter()
        .zip(noise)
        .map(|(&x, e)| 1.5 + 0.8 * x + e)
        .collect();
    let n = x.len() as f64;
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let sxx: f64 = x.iter().map(|v| (v - mx).powi(2)).sum();
    let sxy: f64 = x.iter().zip(&y).map(|(a, b)| (a - mx) * (b - my)).sum();
    let slope = sxy / sxx;
    let icpt = my - slope * mx;
    let rss: f64 = x
        .iter()
        .zip(&y)
        .map(|(a, b)| (b - icpt - slope * a).powi(2))
        .sum();
    let s2 = rss / (n - 2.0);
    let se_slope = (s2 / sxx).sqrt();
    let se_icpt = (s2 * (1.0 / n + mx * mx / sxx)).sqrt();
    let r = lm::solve(&Line { x, y }, &[0.0, 0.0], &LmOptions::default()).expect("solves");
    assert_eq!(r.dof, 6);
    assert!((r.params[1] - slope).abs() < 1e-10 && (r.params[0] - icpt).abs() < 1e-10);
    assert!((r.rss - rss).abs() < 1e-10);
    assert!((r.se[1] - se_slope).abs() < 1e-7 && (r.se[0] - se_icpt).abs() < 1e-7);
    // Covariance of (icpt, slope) = -s2 * mx / sxx; symmetric.
    assert!((r.covariance[1] + s2 * mx / sxx).abs() < 1e-7);
    assert_eq!(r.covariance[1], r.covariance[2]);
    let ci = r.ci95();
    let t = 2.446_911_846_9; // t(0.975, 6)
    assert!((ci[1].0 - (slope - t * se_slope)).abs() < 1e-6);
    assert!((ci[1].1 - (slope + t * se_slope)).abs() < 1e-6);
}

#[test]
fn ill_posed_problems_are_errors_not_panics() {
    let p = Line {
        x: vec![1.0],
        y: vec![2.0],
    };
    assert_eq!(
        lm::solve(&p, &[0.0, 0.0], &LmOptions::default()).unwrap_err(),
        LmError::TooFewResiduals {
            residuals: 1,
            params: 2
        }
    );
    let p = Line {
        x: vec![1.0, 2.0, 3.0],
        y: vec![2.0, 3.0, 4.0],
    };
    assert_eq!(
        lm::solve(&p, &[0.0], &LmOptions::default()).unwrap_err(),
        LmError::StartLength {
            expected: 2,
            got: 1
        }
    );
    assert_eq!(
        lm::solve(&p, &[f64::NAN, 0.0], &LmOptions::default()).unwrap_err(),
        LmError::NonFiniteStart
    );
}

#[test]
fn iteration_budget_is_reported_as_not_converged() {
    let x: Vec<f64> = (0..10).map(|i| i as f64 * 0.5).collect();
    let y = x
        .iter()
        .map(|&x| 3.0 * (-0.7 * x).exp() + 0.01 * x.sin())
        .collect();
    let opts = LmOptions {
        max_iterations: 1,
        ..LmOptions::default()
    };
    let r = lm::solve(&ExpDecay { x, y }, &[1.0, -0.1], &opts).expect("runs");
    assert!(!r.converged);
    assert_eq!(r.termination, lm::Termination::MaxIterations);
}

#[test]
fn rank_deficient_problem_gives_nan_standard_errors() {
    // Both parameters enter only as their sum: the Jacobian has rank 1.
    struct Sum;
    impl Problem for Sum {
        fn n_params(&self) -> usize {
            2
        }
        fn n_residuals(&self) -> usize {
            3
        }
        fn residuals(&self, p: &[f64], out: &mut [f64]) {
            for (i, o) in out.iter_mut().enumerate() {
                *o = i as f64 - (p[0] + p[1]);
            }
        }
    }
    let r = lm::solve(&Sum, &[0.0, 0.0], &LmOptions::default()).expect("runs");
    assert!((r.params[0] + r.params[1] - 1.0).abs() < 1e-9);
    assert!(r.se.iter().any(|s| s.is_nan()));
}

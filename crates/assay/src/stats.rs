//! Small statistics helpers: Student t quantiles, mean, SD and %CV.

use statrs::distribution::{ContinuousCDF, StudentsT};

/// Quantile `q` of Student's t with `dof` degrees of freedom; NaN when `dof` is not positive.
pub fn student_t_quantile(q: f64, dof: f64) -> f64 {
    let valid = dof > 0.0 && q > 0.0 && q < 1.0;
    if !valid {
        return f64::NAN;
    }
    match StudentsT::new(0.0, 1.0, dof) {
        Ok(t) => t.inverse_cdf(q),
        Err(_) => f64::NAN,
    }
}

/// Arithmetic mean; NaN for an empty slice.
pub fn mean(v: &[f64]) -> f64 {
    if v.is_empty() {
        f64::NAN
    } else {
        v.iter().sum::<f64>() / v.len() as f64
    }
}

/// Sample standard deviation (n − 1); NaN with fewer than two values.
pub fn sd(v: &[f64]) -> f64 {
    if v.len() < 2 {
        return f64::NAN;
    }
    let m = mean(v);
    (v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (v.len() - 1) as f64).sqrt()
}

/// Coefficient of variation in percent (`100 · sd / |mean|`).
pub fn cv_percent(v: &[f64]) -> f64 {
    100.0 * sd(v) / mean(v).abs()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t_quantiles_match_tables() {
        // Printed two-sided 95 % critical values.
        assert!((student_t_quantile(0.975, 1.0) - 12.706).abs() < 1e-3);
        assert!((student_t_quantile(0.975, 4.0) - 2.776).abs() < 1e-3);
        assert!((student_t_quantile(0.975, 30.0) - 2.042).abs() < 1e-3);
        assert!(student_t_quantile(0.975, 0.0).is_nan());
    }

    #[test]
    fn sd_and_cv_of_a_known_set() {
        let v = [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0];
        assert_eq!(mean(&v), 5.0);
        assert!((sd(&v) - (32.0f64 / 7.0).sqrt()).abs() < 1e-12);
        assert!((cv_percent(&v) - 100.0 * (32.0f64 / 7.0).sqrt() / 5.0).abs() < 1e-10);
        assert!(sd(&[1.0]).is_nan());
    }
}

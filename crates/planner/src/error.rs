//! Typed errors for plans and models, each naming the field that is wrong, plus validation helpers.

use thiserror::Error;

/// Why a plan, a culture specification or a model input was rejected.
///
/// `field` is the dotted path of the value as written in a TOML plan (e.g. `expansion.seeding_density`),
/// so a user can find it in their file.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum PlanError {
    /// NaN or infinite.
    #[error("{field}: must be a finite number, got {value}")]
    NonFinite {
        /// Dotted field path.
        field: String,
        /// The rejected value.
        value: f64,
    },
    /// Zero or negative where a positive number is required (areas, volumes, rates, counts).
    #[error("{field}: must be greater than zero, got {value}")]
    NotPositive {
        /// Dotted field path.
        field: String,
        /// The rejected value.
        value: f64,
    },
    /// Negative where zero is allowed (times, lags, degradation rates).
    #[error("{field}: must not be negative, got {value}")]
    Negative {
        /// Dotted field path.
        field: String,
        /// The rejected value.
        value: f64,
    },
    /// Outside a closed or half-open range.
    #[error("{field}: must be {range}, got {value}")]
    OutOfRange {
        /// Dotted field path.
        field: String,
        /// The allowed range in words, e.g. "in (0, 1]".
        range: String,
        /// The rejected value.
        value: f64,
    },
    /// Any other invalid value (unknown name, inconsistent dates …).
    #[error("{field}: {reason}")]
    Invalid {
        /// Dotted field path.
        field: String,
        /// What is wrong.
        reason: String,
    },
    /// The plan is well formed but cannot be met (too few cells, passages, time or concentration).
    #[error("impossible target ({field}): {reason}")]
    Impossible {
        /// The target field that cannot be met (e.g. `deadline`, `target.min_concentration.vegf`).
        field: String,
        /// Why, with the best the model can predict and what would make it possible.
        reason: String,
    },
    /// A TOML plan file could not be read; the message names the line, column and field.
    #[error("plan file: {0}")]
    Parse(String),
    /// The SVG plot could not be drawn.
    #[error("plot: {0}")]
    Plot(String),
}

/// Require a finite number.
pub(crate) fn finite(field: &str, value: f64) -> Result<f64, PlanError> {
    if value.is_finite() {
        Ok(value)
    } else {
        Err(PlanError::NonFinite {
            field: field.to_owned(),
            value,
        })
    }
}

/// Require a finite number `> 0`.
pub(crate) fn positive(field: &str, value: f64) -> Result<f64, PlanError> {
    finite(field, value)?;
    if value > 0.0 {
        Ok(value)
    } else {
        Err(PlanError::NotPositive {
            field: field.to_owned(),
            value,
        })
    }
}

/// Require a finite number `≥ 0`.
pub(crate) fn non_negative(field: &str, value: f64) -> Result<f64, PlanError> {
    finite(field, value)?;
    if value >= 0.0 {
        Ok(value)
    } else {
        Err(PlanError::Negative {
            field: field.to_owned(),
            value,
        })
    }
}

/// Require a finite number in `(0, 1]` (recoveries, fractions).
pub(crate) fn fraction(field: &str, value: f64) -> Result<f64, PlanError> {
    finite(field, value)?;
    if value > 0.0 && value <= 1.0 {
        Ok(value)
    } else {
        Err(PlanError::OutOfRange {
            field: field.to_owned(),
            range: "in (0, 1]".into(),
            value,
        })
    }
}

/// Require a finite number in `(0, 1)` (confluence fractions: the logistic never reaches 1).
pub(crate) fn open_fraction(field: &str, value: f64) -> Result<f64, PlanError> {
    finite(field, value)?;
    if value > 0.0 && value < 1.0 {
        Ok(value)
    } else {
        Err(PlanError::OutOfRange {
            field: field.to_owned(),
            range: "in (0, 1)".into(),
            value,
        })
    }
}

/// Require a finite number `≥ min`.
pub(crate) fn at_least(field: &str, value: f64, min: f64) -> Result<f64, PlanError> {
    finite(field, value)?;
    if value >= min {
        Ok(value)
    } else {
        Err(PlanError::OutOfRange {
            field: field.to_owned(),
            range: format!("at least {min}"),
            value,
        })
    }
}

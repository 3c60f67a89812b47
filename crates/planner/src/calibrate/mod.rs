//! Calibration: fit growth (doubling time, lag, confluence density) and per-factor secretion rates
//! to the facility's finished batches, per cell source and per donor, with 95 % confidence intervals.
//!
//! "Enough data" (see [`CalibrationOptions`]): a growth fit needs at least `min_batches` batches and
//! `min_dof` degrees of freedom (observations − parameters); σ_max is fitted only when at least two
//! counts exceed 40 % of the prior confluence density (otherwise it is not identifiable and stays at
//! its prior). A secretion rate needs `min_measurements` measured batches. A donor gets its own fit
//! when it has `min_batches_per_donor` batches; otherwise it uses its source's.

mod batch;
mod fit;
mod render;

use serde::{Deserialize, Serialize};
use thiserror::Error;

pub use batch::{ConditioningRecord, CountObservation, FinishedBatch};
pub use render::{calibration_svg, calibration_svg_in, render_calibration_text};

use crate::error::Said;
use crate::factor::Factor;
use crate::note::Note;
use crate::params::{CellSource, Param, Provenance, SourceParams};

/// Thresholds for "enough data".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalibrationOptions {
    /// Batches needed for a growth fit of a group (default 2).
    pub min_batches: usize,
    /// Residual degrees of freedom needed for a growth fit (default 4).
    pub min_dof: usize,
    /// Measured batches needed for a secretion rate (default 3).
    pub min_measurements: usize,
    /// Batches a donor needs for its own fit (default 3).
    pub min_batches_per_donor: usize,
}

impl Default for CalibrationOptions {
    fn default() -> Self {
        CalibrationOptions {
            min_batches: 2,
            min_dof: 4,
            min_measurements: 3,
            min_batches_per_donor: 3,
        }
    }
}

/// Why calibration could not run.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum CalibrationError {
    /// A batch record has a bad value.
    #[error("batch {batch}: {field}: {reason}")]
    InvalidBatch {
        /// Batch id.
        batch: String,
        /// Field name.
        field: String,
        /// What is wrong.
        reason: Said,
    },
    /// The solver refused the problem.
    #[error("{group}: solver: {message}")]
    Solver {
        /// Source/donor group.
        group: String,
        /// Solver message.
        message: String,
    },
}

impl CalibrationError {
    /// The error in Japanese.
    pub fn ja(&self) -> String {
        match self {
            CalibrationError::InvalidBatch {
                batch,
                field,
                reason,
            } => format!("バッチ {batch}: {field}: {}", reason.ja),
            CalibrationError::Solver { group, message } => {
                format!("{group}: 計算できません: {message}")
            }
        }
    }
}

/// An estimate with its 95 % confidence interval.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Estimate {
    /// Point estimate.
    pub value: f64,
    /// Lower 95 % bound.
    pub lower95: f64,
    /// Upper 95 % bound.
    pub upper95: f64,
    /// Unit.
    pub unit: String,
}

impl Estimate {
    /// Whether `x` lies in the interval.
    pub fn contains(&self, x: f64) -> bool {
        self.lower95 <= x && x <= self.upper95
    }

    fn log_scale(theta: f64, se: f64, t: f64, unit: &str) -> Self {
        Estimate {
            value: theta.exp(),
            lower95: (theta - t * se).exp(),
            upper95: (theta + t * se).exp(),
            unit: unit.into(),
        }
    }
}

/// Fitted growth for a group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GrowthCalibration {
    /// Doubling time, h.
    pub doubling_time_h: Estimate,
    /// Lag, h.
    pub lag_h: Estimate,
    /// Confluence density, cells/cm² (the prior, with its interval, when not fitted).
    pub confluence_density: Estimate,
    /// Whether σ_max was fitted (enough counts near confluence).
    pub confluence_fitted: bool,
    /// Residual sd of ln counts.
    pub count_sd: f64,
    /// Covariance of θ = (ln t_d, lag, ln σ_max), row-major 3 × 3.
    pub covariance: Vec<f64>,
    /// Batches used.
    pub batches: usize,
    /// Counts used.
    pub observations: usize,
    /// Whether the solver converged.
    pub converged: bool,
}

/// One finished batch's measured vs predicted concentration (from the fitted rate).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeasuredVsPredicted {
    /// Batch id.
    pub batch: String,
    /// Measured at harvest.
    pub measured: f64,
    /// Predicted by the fitted rate for this batch's cells, volume and hours.
    pub predicted: f64,
}

/// Fitted secretion rate of one factor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SecretionCalibration {
    /// Factor.
    pub factor: Factor,
    /// Per-cell rate (pg/cell/h or particles/cell/h).
    pub rate: Estimate,
    /// Standard error of ln q.
    pub ln_se: f64,
    /// Residual sd of ln concentration (batch-to-batch scatter).
    pub residual_sd: f64,
    /// Measured vs predicted, per batch.
    pub batches: Vec<MeasuredVsPredicted>,
}

/// Calibration of one group: a cell source, or one donor of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupCalibration {
    /// Cell source.
    pub source: CellSource,
    /// Donor, for a per-donor fit.
    pub donor: Option<String>,
    /// Growth fit, when there was enough data.
    pub growth: Option<GrowthCalibration>,
    /// Secretion fits, for factors with enough measurements.
    pub secretion: Vec<SecretionCalibration>,
    /// What was not fitted, and why.
    pub notes: Vec<Note>,
}

/// All groups' calibrations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalibrationReport {
    /// Per source, then per donor with enough batches.
    pub groups: Vec<GroupCalibration>,
}

impl CalibrationReport {
    /// The group for `source` and `donor` (`None` = the source-level fit).
    pub fn group(&self, source: CellSource, donor: Option<&str>) -> Option<&GroupCalibration> {
        self.groups
            .iter()
            .find(|g| g.source == source && g.donor.as_deref() == donor)
    }

    /// Parameters for planning: the literature defaults, replaced by the source-level fit and then
    /// by the donor's own fit where those exist.
    pub fn params_for(&self, source: CellSource, donor: Option<&str>) -> SourceParams {
        let mut p = SourceParams::defaults(source);
        if let Some(g) = self.group(source, None) {
            p = g.apply(&p);
        }
        if let Some(d) = donor
            && let Some(g) = self.group(source, Some(d))
        {
            p = g.apply(&p);
        }
        p
    }
}

fn calibrated(est: &Estimate, rel_sd: f64, what: &str) -> Param {
    Param {
        value: est.value,
        unit: est.unit.clone(),
        status: Provenance::Calibrated,
        source: what.to_owned(),
        rel_sd,
    }
}

impl GroupCalibration {
    /// `base` with every fitted value replaced and labelled `calibrated`.
    pub fn apply(&self, base: &SourceParams) -> SourceParams {
        let mut p = base.clone();
        let who = match &self.donor {
            Some(d) => format!("{} donor {d}", self.source),
            None => self.source.to_string(),
        };
        p.donor = self.donor.clone().or(p.donor);
        if let Some(g) = &self.growth {
            let what = format!(
                "fitted to {} {who} batches ({} counts)",
                g.batches, g.observations
            );
            let sd = |i: usize| {
                g.covariance
                    .get(i * 4)
                    .copied()
                    .unwrap_or(f64::NAN)
                    .max(0.0)
                    .sqrt()
            };
            p.growth.doubling_time_h = calibrated(&g.doubling_time_h, sd(0), &what);
            p.growth.lag_h = calibrated(&g.lag_h, sd(1) / g.lag_h.value.abs().max(1.0), &what);
            if g.confluence_fitted {
                p.growth.confluence_density = calibrated(&g.confluence_density, sd(2), &what);
            }
            p.growth.covariance = Some(g.covariance.clone());
            p.growth.count_sd = Param {
                value: g.count_sd,
                unit: "ln units".into(),
                status: Provenance::Calibrated,
                source: what.clone(),
                rel_sd: 0.0,
            };
        }
        for s in &self.secretion {
            if let Some(sp) = p.secretion.get_mut(&s.factor) {
                let what = format!(
                    "fitted to {} {who} batches (ELISA at harvest)",
                    s.batches.len()
                );
                sp.rate = calibrated(&s.rate, s.ln_se, &what);
            }
        }
        p
    }
}

pub use batch::calibrate;

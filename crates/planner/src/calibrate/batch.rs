//! Finished-batch records (plain structs the lead feeds from the database) and the calibration run
//! that groups them by source and donor and fits each group.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::fit::{CountSeries, Exposure, exposure, fit_growth, fit_secretion};
use super::{
    CalibrationError, CalibrationOptions, CalibrationReport, Estimate, GroupCalibration,
    GrowthCalibration, MeasuredVsPredicted, SecretionCalibration,
};
use crate::error::Said;
use crate::factor::Factor;
use crate::kinetics::Growth;
use crate::note::Note;
use crate::params::{CellSource, SourceParams};
use crate::vessel::VesselSpec;

/// A cell count during expansion.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CountObservation {
    /// Hours since seeding.
    pub hours: f64,
    /// Total cells counted (all vessels of the batch).
    pub cells: f64,
}

/// The batch's conditioning phase.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConditioningRecord {
    /// Hours since seeding when serum-free conditioning started.
    pub start_h: f64,
    /// Conditioning duration, h.
    pub hours: f64,
    /// Conditioning medium, total mL.
    pub volume_ml: f64,
    /// Cells counted at conditioning (or at harvest); `None` = the last count within 12 h before
    /// conditioning, else the growth model's prediction.
    pub cells: Option<f64>,
}

/// One finished batch, as QC recorded it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FinishedBatch {
    /// Batch id (lot).
    pub id: String,
    /// Cell source.
    pub source: CellSource,
    /// Donor code.
    pub donor: String,
    /// Vessel type.
    pub vessel: VesselSpec,
    /// Number of vessels.
    pub vessels: u32,
    /// Cells seeded (all vessels).
    pub seeded_cells: f64,
    /// Counts over time.
    pub observations: Vec<CountObservation>,
    /// Conditioning, if the batch was conditioned.
    pub conditioning: Option<ConditioningRecord>,
    /// Concentrations measured at harvest in the conditioned medium (before any concentration step).
    pub measured: BTreeMap<Factor, f64>,
}

fn bad(b: &FinishedBatch, field: &str, reason: Said) -> CalibrationError {
    CalibrationError::InvalidBatch {
        batch: b.id.clone(),
        field: field.into(),
        reason,
    }
}

fn check(b: &FinishedBatch) -> Result<(), CalibrationError> {
    let pos = |field: &str, v: f64| {
        if v.is_finite() && v > 0.0 {
            Ok(())
        } else {
            Err(bad(
                b,
                field,
                Said::new(
                    format!("must be a positive number, got {v}"),
                    format!("正の数である必要があります (記録値 {v})"),
                ),
            ))
        }
    };
    let nonneg = |field: &str, v: f64| {
        if v.is_finite() && v >= 0.0 {
            Ok(())
        } else {
            Err(bad(
                b,
                field,
                Said::new(
                    format!("must be ≥ 0, got {v}"),
                    format!("0 以上である必要があります (記録値 {v})"),
                ),
            ))
        }
    };
    let v = b.vessel.vessel();
    pos("vessel.area_cm2", v.area_cm2)?;
    pos("vessels", f64::from(b.vessels))?;
    pos("seeded_cells", b.seeded_cells)?;
    for (i, o) in b.observations.iter().enumerate() {
        nonneg(&format!("observations[{i}].hours"), o.hours)?;
        pos(&format!("observations[{i}].cells"), o.cells)?;
    }
    if let Some(c) = &b.conditioning {
        nonneg("conditioning.start_h", c.start_h)?;
        pos("conditioning.hours", c.hours)?;
        pos("conditioning.volume_ml", c.volume_ml)?;
        if let Some(n) = c.cells {
            pos("conditioning.cells", n)?;
        }
    }
    for (f, &c) in &b.measured {
        pos(&format!("measured.{}", f.key()), c)?;
    }
    Ok(())
}

fn area(b: &FinishedBatch) -> f64 {
    b.vessel.vessel().area_cm2 * f64::from(b.vessels)
}

fn fit_group_growth(
    batches: &[&FinishedBatch],
    prior: &SourceParams,
    opts: &CalibrationOptions,
    group: &str,
    notes: &mut Vec<Note>,
) -> Result<Option<GrowthCalibration>, CalibrationError> {
    let series: Vec<CountSeries> = batches
        .iter()
        .filter(|b| !b.observations.is_empty())
        .map(|b| CountSeries {
            seeded: b.seeded_cells,
            area_cm2: area(b),
            obs: b.observations.iter().map(|o| (o.hours, o.cells)).collect(),
        })
        .collect();
    let n_obs: usize = series.iter().map(|s| s.obs.len()).sum();
    let g = &prior.growth;
    let sigma0 = g.confluence_density.value;
    let dense = series
        .iter()
        .flat_map(|s| s.obs.iter().map(move |o| o.1 / s.area_cm2))
        .filter(|&d| d > 0.4 * sigma0)
        .count();
    let fit_sigma = dense >= 2;
    let n_params = if fit_sigma { 3 } else { 2 };
    if series.len() < opts.min_batches || n_obs < n_params + opts.min_dof {
        notes.push(Note::GrowthData {
            batches: series.len(),
            counts: n_obs,
            min_batches: opts.min_batches,
            min_counts: n_params + opts.min_dof,
        });
        return Ok(None);
    }
    if !fit_sigma {
        notes.push(Note::ConfluencePrior { density: sigma0 });
    }
    let start = (g.doubling_time_h.value, g.lag_h.value, sigma0);
    let fit = fit_growth(&series, start, fit_sigma).map_err(|e| CalibrationError::Solver {
        group: group.into(),
        message: e.to_string(),
    })?;
    if fit.se.iter().take(n_params).any(|v| !v.is_finite()) {
        notes.push(Note::Singular);
        return Ok(None);
    }
    if !fit.converged {
        notes.push(Note::NotConverged);
    }
    let t = fit.t975;
    let mut cov = vec![0.0; 9];
    for i in 0..n_params {
        for j in 0..n_params {
            cov[i * 3 + j] = fit.covariance[i * n_params + j];
        }
    }
    let sigma = if fit_sigma {
        Estimate::log_scale(fit.params[2], fit.se[2], t, "cells/cm²")
    } else {
        cov[8] = g.confluence_density.rel_sd.powi(2);
        Estimate::log_scale(
            sigma0.ln(),
            g.confluence_density.rel_sd,
            1.959_964,
            "cells/cm²",
        )
    };
    Ok(Some(GrowthCalibration {
        doubling_time_h: Estimate::log_scale(fit.params[0], fit.se[0], t, "h"),
        lag_h: Estimate {
            value: fit.params[1],
            lower95: fit.params[1] - t * fit.se[1],
            upper95: fit.params[1] + t * fit.se[1],
            unit: "h".into(),
        },
        confluence_density: sigma,
        confluence_fitted: fit_sigma,
        count_sd: fit.residual_sd,
        covariance: cov,
        batches: series.len(),
        observations: n_obs,
        converged: fit.converged,
    }))
}

/// Cells during conditioning: counted, else the last count ≤ 12 h before, else the model.
fn conditioning_cells(b: &FinishedBatch, c: &super::ConditioningRecord, growth: &Growth) -> f64 {
    if let Some(n) = c.cells {
        return n;
    }
    b.observations
        .iter()
        .filter(|o| o.hours <= c.start_h && o.hours >= c.start_h - 12.0)
        .max_by(|a, b| a.hours.total_cmp(&b.hours))
        .map(|o| o.cells)
        .unwrap_or_else(|| growth.cells_at(b.seeded_cells, area(b), c.start_h))
}

fn fit_group_secretion(
    batches: &[&FinishedBatch],
    params: &SourceParams,
    opts: &CalibrationOptions,
    group: &str,
    notes: &mut Vec<Note>,
) -> Result<Vec<SecretionCalibration>, CalibrationError> {
    let growth = crate::culture::growth_of(params).map_err(|e| CalibrationError::Solver {
        group: group.into(),
        message: e.to_string(),
    })?;
    let mut out = Vec::new();
    for (&factor, sp) in &params.secretion {
        let k = sp.degradation_per_h.value;
        let mut ids = Vec::new();
        let mut points = Vec::new();
        for b in batches {
            if let (Some(c), Some(&m)) = (&b.conditioning, b.measured.get(&factor)) {
                let n = conditioning_cells(b, c, &growth);
                points.push(Exposure {
                    measured: m,
                    g: exposure(n, c.volume_ml, k, c.hours),
                });
                ids.push(b.id.clone());
            }
        }
        if points.is_empty() {
            continue;
        }
        if points.len() < opts.min_measurements {
            notes.push(Note::RateData {
                factor,
                batches: points.len(),
                min: opts.min_measurements,
            });
            continue;
        }
        let fit = fit_secretion(&points, sp.rate.value).map_err(|e| CalibrationError::Solver {
            group: group.into(),
            message: e.to_string(),
        })?;
        if !fit.se[0].is_finite() {
            notes.push(Note::RateInterval { factor });
            continue;
        }
        let q = fit.params[0].exp();
        out.push(SecretionCalibration {
            factor,
            rate: Estimate::log_scale(fit.params[0], fit.se[0], fit.t975, factor.rate_unit()),
            ln_se: fit.se[0],
            residual_sd: fit.residual_sd,
            batches: ids
                .into_iter()
                .zip(&points)
                .map(|(batch, p)| MeasuredVsPredicted {
                    batch,
                    measured: p.measured,
                    predicted: q * p.g,
                })
                .collect(),
        });
        debug_assert!(fit.dof + 1 == points.len());
    }
    Ok(out)
}

fn fit_group(
    source: CellSource,
    donor: Option<&str>,
    batches: &[&FinishedBatch],
    base: &SourceParams,
    opts: &CalibrationOptions,
) -> Result<GroupCalibration, CalibrationError> {
    let name = match donor {
        Some(d) => format!("{source} donor {d}"),
        None => source.to_string(),
    };
    let mut notes = Vec::new();
    let growth = fit_group_growth(batches, base, opts, &name, &mut notes)?;
    let mut group = GroupCalibration {
        source,
        donor: donor.map(str::to_owned),
        growth,
        secretion: vec![],
        notes,
    };
    // Secretion uses this group's fitted growth to estimate uncounted conditioning cells.
    let with_growth = group.apply(base);
    group.secretion = fit_group_secretion(batches, &with_growth, opts, &name, &mut group.notes)?;
    Ok(group)
}

/// Calibrate every cell source present in `batches`, and every donor with enough batches.
pub fn calibrate(
    batches: &[FinishedBatch],
    opts: &CalibrationOptions,
) -> Result<CalibrationReport, CalibrationError> {
    for b in batches {
        check(b)?;
    }
    let mut by_source: BTreeMap<CellSource, Vec<&FinishedBatch>> = BTreeMap::new();
    for b in batches {
        by_source.entry(b.source).or_default().push(b);
    }
    let mut groups = Vec::new();
    for (source, list) in by_source {
        let defaults = SourceParams::defaults(source);
        let source_group = fit_group(source, None, &list, &defaults, opts)?;
        let source_params = source_group.apply(&defaults);
        groups.push(source_group);
        let mut by_donor: BTreeMap<&str, Vec<&FinishedBatch>> = BTreeMap::new();
        for b in &list {
            by_donor.entry(b.donor.as_str()).or_default().push(b);
        }
        for (donor, dl) in by_donor {
            if dl.len() >= opts.min_batches_per_donor && by_donor_is_subset(&dl, &list) {
                groups.push(fit_group(source, Some(donor), &dl, &source_params, opts)?);
            }
        }
    }
    Ok(CalibrationReport { groups })
}

/// A donor fit adds information only if the donor is not the whole source.
fn by_donor_is_subset(donor: &[&FinishedBatch], all: &[&FinishedBatch]) -> bool {
    donor.len() < all.len()
}

//! Model parameters with their provenance, and the literature defaults per cell source
//! (figures and citations from `planner-defaults.md`).

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{PlanError, Said};
use crate::factor::{FACTORS, Factor};

/// Where a parameter value comes from; the product shows it next to every number it predicts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Provenance {
    /// A published figure (the source is cited).
    Literature,
    /// A plausible prior without a confirmed source: label it so until replaced.
    Unverified,
    /// Fitted to the facility's own finished batches.
    Calibrated,
    /// Entered by the facility in a plan (e.g. a custom vessel).
    Facility,
}

impl Provenance {
    /// In Japanese.
    pub fn ja(self) -> &'static str {
        match self {
            Provenance::Literature => "文献値",
            Provenance::Unverified => "未検証の既定値",
            Provenance::Calibrated => "自施設で校正",
            Provenance::Facility => "施設の入力値",
        }
    }
}

impl fmt::Display for Provenance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Provenance::Literature => "literature",
            Provenance::Unverified => "unverified",
            Provenance::Calibrated => "calibrated",
            Provenance::Facility => "facility",
        })
    }
}

/// One model parameter: value, unit, provenance, citation and uncertainty.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Param {
    /// The value in `unit`.
    pub value: f64,
    /// Unit, e.g. `h`, `cells/cm²`, `pg/cell/h`.
    pub unit: String,
    /// Literature, unverified or calibrated.
    pub status: Provenance,
    /// Citation, or the batches it was fitted to.
    pub source: String,
    /// Relative standard uncertainty (≈ standard deviation of ln value), used to propagate
    /// uncertainty into predictions. For a published range it is ln(high/low)/3.92 (the range read
    /// as a 95 % interval); for a calibrated value, se/value.
    pub rel_sd: f64,
}

impl Param {
    fn new(value: f64, unit: &str, status: Provenance, source: &str, rel_sd: f64) -> Self {
        Param {
            value,
            unit: unit.into(),
            status,
            source: source.into(),
            rel_sd,
        }
    }
}

/// Relative sd for a published range read as a 95 % interval.
pub(crate) fn published_range_sd(low: f64, high: f64) -> f64 {
    (high / low).ln() / (2.0 * 1.959_964)
}

/// Tissue the MSCs come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CellSource {
    /// Bone marrow (骨髄).
    BoneMarrow,
    /// Adipose tissue (脂肪).
    Adipose,
    /// Umbilical cord / Wharton's jelly (臍帯).
    UmbilicalCord,
}

impl CellSource {
    /// Plan-file key (`bone-marrow`, `adipose`, `umbilical-cord`).
    pub fn key(self) -> &'static str {
        match self {
            CellSource::BoneMarrow => "bone-marrow",
            CellSource::Adipose => "adipose",
            CellSource::UmbilicalCord => "umbilical-cord",
        }
    }
}

impl fmt::Display for CellSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

impl FromStr for CellSource {
    type Err = PlanError;

    fn from_str(s: &str) -> Result<Self, PlanError> {
        match s
            .trim()
            .to_ascii_lowercase()
            .replace(['_', ' '], "-")
            .as_str()
        {
            "bone-marrow" | "bm" | "marrow" => Ok(CellSource::BoneMarrow),
            "adipose" | "at" | "ad" | "adipose-tissue" => Ok(CellSource::Adipose),
            "umbilical-cord" | "uc" | "cord" | "wharton" | "wj" => Ok(CellSource::UmbilicalCord),
            _ => Err(PlanError::Invalid {
                field: "source".into(),
                reason: Said::new(
                    format!(
                        "unknown cell source {s:?}; known: bone-marrow, adipose, umbilical-cord"
                    ),
                    format!(
                        "不明な細胞源 {s:?} です (指定できるもの: bone-marrow, adipose, umbilical-cord)"
                    ),
                ),
            }),
        }
    }
}

/// Growth parameters of the lag + logistic model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GrowthParams {
    /// Population doubling time in exponential phase, h (μ = ln 2 / t_d).
    pub doubling_time_h: Param,
    /// Lag after seeding before growth starts, h.
    pub lag_h: Param,
    /// Confluence (carrying-capacity) density σ_max, cells/cm².
    pub confluence_density: Param,
    /// Covariance of θ = (ln t_d, lag, ln σ_max), row-major 3 × 3, when calibrated; `None` means
    /// independent uncertainties from each `rel_sd`.
    pub covariance: Option<Vec<f64>>,
    /// Standard deviation of ln(observed count / true count): counting error plus batch scatter.
    pub count_sd: Param,
}

impl GrowthParams {
    /// Covariance of θ = (ln t_d, lag, ln σ_max), row-major 3 × 3.
    pub fn theta_covariance(&self) -> [f64; 9] {
        if let Some(c) = &self.covariance
            && c.len() == 9
            && c.iter().all(|v| v.is_finite())
        {
            let mut out = [0.0; 9];
            out.copy_from_slice(c);
            return out;
        }
        let lag_sd = self.lag_h.rel_sd * self.lag_h.value;
        let mut out = [0.0; 9];
        out[0] = self.doubling_time_h.rel_sd.powi(2);
        out[4] = lag_sd.powi(2);
        out[8] = self.confluence_density.rel_sd.powi(2);
        out
    }
}

/// Secretion and stability of one factor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SecretionParams {
    /// Per-cell secretion rate q (pg/cell/h, or particles/cell/h for EVs).
    pub rate: Param,
    /// First-order degradation rate k = ln 2 / t½ at 37 °C, 1/h (0 = stable).
    pub degradation_per_h: Param,
    /// Fraction of the factor recovered through clarification and ultrafiltration (0–1].
    pub downstream_recovery: Param,
}

/// All parameters the planner needs for one cell source (optionally one donor).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceParams {
    /// Cell source.
    pub source: CellSource,
    /// Donor code when the parameters are calibrated for one donor.
    pub donor: Option<String>,
    /// Lag/logistic growth.
    pub growth: GrowthParams,
    /// Recommended seeding density, cells/cm².
    pub seeding_density: Param,
    /// Highest passage used for product (clinical practice).
    pub max_passage: Param,
    /// Passage at which senescence sets in.
    pub senescence_passage: Param,
    /// Cumulative population doublings not to exceed, if a figure exists.
    pub max_population_doublings: Option<Param>,
    /// Secretion per factor.
    pub secretion: BTreeMap<Factor, SecretionParams>,
}

impl SourceParams {
    /// The literature defaults for `source` (see `planner-defaults.md`).
    pub fn defaults(source: CellSource) -> Self {
        crate::defaults::defaults(source)
    }

    /// Check every value (finite; positive or non-negative as the model needs), naming it as
    /// `parameters.…`. Parameter sets may come from a database, so they are input too.
    pub fn validate(&self) -> Result<(), PlanError> {
        use crate::error::{fraction, non_negative, positive};
        let g = &self.growth;
        positive("parameters.growth.doubling_time_h", g.doubling_time_h.value)?;
        non_negative("parameters.growth.lag_h", g.lag_h.value)?;
        positive(
            "parameters.growth.confluence_density",
            g.confluence_density.value,
        )?;
        non_negative("parameters.growth.count_sd", g.count_sd.value)?;
        positive("parameters.seeding_density", self.seeding_density.value)?;
        non_negative("parameters.max_passage", self.max_passage.value)?;
        non_negative(
            "parameters.senescence_passage",
            self.senescence_passage.value,
        )?;
        for (name, p) in self.labelled() {
            non_negative(&format!("parameters.{name} (relative sd)"), p.rel_sd)?;
        }
        if let Some(c) = &g.covariance
            && (c.len() != 9 || c.iter().any(|v| !v.is_finite()))
        {
            return Err(PlanError::Invalid {
                field: "parameters.growth.covariance".into(),
                reason: Said::new(
                    "must be 9 finite numbers (3 × 3)",
                    "有限の数値 9 個 (3 × 3) を指定してください",
                ),
            });
        }
        for (f, sp) in &self.secretion {
            let k = f.key();
            non_negative(&format!("parameters.secretion.{k}.rate"), sp.rate.value)?;
            non_negative(
                &format!("parameters.secretion.{k}.degradation_per_h"),
                sp.degradation_per_h.value,
            )?;
            fraction(
                &format!("parameters.secretion.{k}.downstream_recovery"),
                sp.downstream_recovery.value,
            )?;
        }
        Ok(())
    }

    /// Secretion parameters of `factor` (every factor has defaults, so this only fails for a
    /// parameter set built by hand without it).
    pub fn factor(&self, factor: Factor) -> Result<&SecretionParams, PlanError> {
        self.secretion
            .get(&factor)
            .ok_or_else(|| PlanError::Invalid {
                field: format!("parameters.secretion.{}", factor.key()),
                reason: Said::new(
                    "no secretion parameters for this factor",
                    "この因子の分泌パラメータがありません",
                ),
            })
    }

    /// Every parameter with a label, for the "parameters used" table of a plan.
    pub fn labelled(&self) -> Vec<(String, Param)> {
        let g = &self.growth;
        let mut out = vec![
            ("doubling time".to_owned(), g.doubling_time_h.clone()),
            ("lag".to_owned(), g.lag_h.clone()),
            (
                "confluence density".to_owned(),
                g.confluence_density.clone(),
            ),
            (
                "cell count scatter (sd of ln)".to_owned(),
                g.count_sd.clone(),
            ),
            ("seeding density".to_owned(), self.seeding_density.clone()),
            ("max passage".to_owned(), self.max_passage.clone()),
            (
                "senescence passage".to_owned(),
                self.senescence_passage.clone(),
            ),
        ];
        if let Some(p) = &self.max_population_doublings {
            out.push(("max population doublings".to_owned(), p.clone()));
        }
        for f in FACTORS {
            if let Some(s) = self.secretion.get(&f) {
                out.push((format!("{} secretion rate", f.name()), s.rate.clone()));
                out.push((
                    format!("{} degradation rate", f.name()),
                    s.degradation_per_h.clone(),
                ));
                out.push((
                    format!("{} downstream recovery", f.name()),
                    s.downstream_recovery.clone(),
                ));
            }
        }
        out
    }
}

/// Construct a parameter (crate-internal shorthand for the defaults table).
pub(crate) fn param(
    value: f64,
    unit: &str,
    status: Provenance,
    source: &str,
    rel_sd: f64,
) -> Param {
    Param::new(value, unit, status, source, rel_sd)
}

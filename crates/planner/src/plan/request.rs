//! What a planner user asks for: "N vials of M mL with VEGF ≥ X pg/mL by date D", with the process
//! choices (vessels, densities, conditioning, downstream). Read from a TOML plan file and/or `key=value`
//! overrides (command-line flags, web forms).

use std::collections::BTreeMap;

use jiff::civil::{Date, DateTime};
use serde::{Deserialize, Serialize};

use crate::error::{
    PlanError, Range, Said, at_least, fraction, non_negative, open_fraction, positive,
};
use crate::factor::Factor;
use crate::params::CellSource;
use crate::vessel::{VesselKind, VesselSpec};

/// Longest conditioning the planner considers (published practice is 24–72 h).
pub const MAX_CONDITIONING_H: f64 = 336.0;

/// A production target and the process to meet it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanRequest {
    /// Cell source.
    pub source: CellSource,
    /// Donor code, to use that donor's calibration when it has one.
    #[serde(default)]
    pub donor: Option<String>,
    /// First seeding (local facility time); `None` = the `now` the caller passes.
    #[serde(default, deserialize_with = "dates::opt_datetime")]
    pub start: Option<DateTime>,
    /// Vials must be filled by the end of this day.
    #[serde(deserialize_with = "dates::date")]
    pub deadline: Date,
    /// What to make.
    pub target: Target,
    /// The cells the campaign starts from.
    #[serde(default)]
    pub start_cells: StartCells,
    /// Expansion.
    #[serde(default)]
    pub expansion: Expansion,
    /// Conditioning.
    #[serde(default)]
    pub conditioning: Conditioning,
    /// Downstream.
    #[serde(default)]
    pub downstream: Downstream,
}

/// The product wanted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Target {
    /// Vials.
    pub vials: u32,
    /// Fill volume per vial, mL.
    pub vial_ml: f64,
    /// Doses per vial.
    #[serde(default = "one")]
    pub doses_per_vial: u32,
    /// Minimum concentration in the product per factor (pg/mL; particles/mL for `ev`).
    #[serde(default)]
    pub min_concentration: BTreeMap<Factor, f64>,
    /// Require the lower 95 % bound (not only the prediction) to meet each minimum.
    #[serde(default)]
    pub require_lower_bound: bool,
}

fn one() -> u32 {
    1
}

/// Cells available at the start (e.g. thawed from the working cell bank).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StartCells {
    /// Viable cells.
    pub cells: f64,
    /// Their passage number.
    pub passage: u32,
}

impl Default for StartCells {
    fn default() -> Self {
        StartCells {
            cells: 1.0e6,
            passage: 1,
        }
    }
}

/// Expansion settings (defaults are common practice, not published figures).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Expansion {
    /// Vessel for expansion stages.
    pub vessel: VesselSpec,
    /// Seeding density, cells/cm²; `None` = the source's default (1,000 cells/cm²).
    pub seeding_density: Option<f64>,
    /// Confluence fraction at which to passage.
    pub passage_at_confluence: f64,
    /// Viable fraction recovered at each passage.
    pub passage_recovery: f64,
    /// Highest passage allowed at conditioning; `None` = the source's default.
    pub max_passage: Option<u32>,
    /// Hours between medium changes.
    pub feed_interval_h: f64,
}

impl Default for Expansion {
    fn default() -> Self {
        Expansion {
            vessel: VesselKind::T175.into(),
            seeding_density: None,
            passage_at_confluence: 0.8,
            passage_recovery: 0.9,
            max_passage: None,
            feed_interval_h: 72.0,
        }
    }
}

/// Conditioning settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Conditioning {
    /// Vessel for the conditioned stage; `None` = the expansion vessel.
    pub vessel: Option<VesselSpec>,
    /// Confluence fraction at which serum-free conditioning starts.
    pub start_at_confluence: f64,
    /// Planned conditioning hours.
    pub hours: f64,
    /// The planner may lengthen conditioning up to this to meet a concentration target.
    pub max_hours: f64,
    /// Serum-free medium per vessel, mL; `None` = the vessel's working volume.
    pub volume_ml_per_vessel: Option<f64>,
}

impl Default for Conditioning {
    fn default() -> Self {
        // 24–72 h conditioning (IJMS 2023;24:16544, Table 2).
        Conditioning {
            vessel: None,
            start_at_confluence: 0.9,
            hours: 48.0,
            max_hours: 72.0,
            volume_ml_per_vessel: None,
        }
    }
}

/// Downstream settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Downstream {
    /// Volume fraction recovered through clarification and filtration.
    pub volume_recovery: f64,
    /// Ultrafiltration concentration factor (1 = none; 10–250× published).
    pub concentration_factor: f64,
    /// Factor recovery through downstream; `None` = each factor's parameter.
    pub factor_recovery: Option<f64>,
    /// Hours from harvest to filled vials.
    pub hours: f64,
}

impl Default for Downstream {
    fn default() -> Self {
        Downstream {
            volume_recovery: 0.9,
            concentration_factor: 1.0,
            factor_recovery: None,
            hours: 24.0,
        }
    }
}

impl PlanRequest {
    /// Check every field, naming the first bad one.
    pub fn validate(&self) -> Result<(), PlanError> {
        let t = &self.target;
        positive("target.vials", f64::from(t.vials))?;
        positive("target.vial_ml", t.vial_ml)?;
        positive("target.doses_per_vial", f64::from(t.doses_per_vial))?;
        for (f, &c) in &t.min_concentration {
            positive(&format!("target.min_concentration.{}", f.key()), c)?;
        }
        positive("start_cells.cells", self.start_cells.cells)?;
        let e = &self.expansion;
        e.vessel.vessel().validate("expansion.vessel")?;
        if let Some(s) = e.seeding_density {
            positive("expansion.seeding_density", s)?;
        }
        open_fraction("expansion.passage_at_confluence", e.passage_at_confluence)?;
        fraction("expansion.passage_recovery", e.passage_recovery)?;
        at_least("expansion.feed_interval_h", e.feed_interval_h, 1.0)?;
        let c = &self.conditioning;
        if let Some(v) = &c.vessel {
            v.vessel().validate("conditioning.vessel")?;
        }
        open_fraction("conditioning.start_at_confluence", c.start_at_confluence)?;
        positive("conditioning.hours", c.hours)?;
        at_least("conditioning.max_hours", c.max_hours, c.hours)?;
        if c.max_hours > MAX_CONDITIONING_H {
            return Err(PlanError::OutOfRange {
                field: "conditioning.max_hours".into(),
                range: Range::AtMostHours(MAX_CONDITIONING_H),
                value: c.max_hours,
            });
        }
        if let Some(v) = c.volume_ml_per_vessel {
            positive("conditioning.volume_ml_per_vessel", v)?;
        }
        let d = &self.downstream;
        fraction("downstream.volume_recovery", d.volume_recovery)?;
        at_least(
            "downstream.concentration_factor",
            d.concentration_factor,
            1.0,
        )?;
        if let Some(r) = d.factor_recovery {
            fraction("downstream.factor_recovery", r)?;
        }
        non_negative("downstream.hours", d.hours)?;
        Ok(())
    }

    /// Parse a TOML plan file; errors name the line, column and field.
    pub fn from_toml(text: &str) -> Result<Self, PlanError> {
        let req: PlanRequest = toml::from_str(text).map_err(|e| PlanError::Parse(e.to_string()))?;
        req.validate()?;
        Ok(req)
    }
}

/// Dates written either as strings (`"2027-01-31"`, JSON) or as TOML's own date values
/// (`2027-01-31`, `2026-12-01T09:00`).
mod dates {
    use jiff::civil::{Date, DateTime};
    use serde::{Deserialize, Deserializer, de::Error};

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Text(String),
        Toml(toml::value::Datetime),
    }

    fn text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
        Ok(match Raw::deserialize(d)? {
            Raw::Text(s) => s,
            Raw::Toml(t) => t.to_string(),
        })
    }

    pub(super) fn date<'de, D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let s = text(d)?;
        s.parse()
            .map_err(|e| D::Error::custom(format!("{s:?} is not a date (YYYY-MM-DD): {e}")))
    }

    pub(super) fn opt_datetime<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<DateTime>, D::Error> {
        let s = text(d)?;
        s.parse().map(Some).map_err(|e| {
            D::Error::custom(format!(
                "{s:?} is not a local date and time (YYYY-MM-DDTHH:MM): {e}"
            ))
        })
    }
}

// ---- building a request from a file and/or `key=value` overrides (dotted TOML keys, e.g.
// `target.vials=200`), so command-line flags and web forms share the plan file's names and checks ----

/// Split `key=value` (as given to `--set`).
pub fn parse_override(s: &str) -> Result<(String, String), PlanError> {
    match s.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_owned(), v.trim().to_owned())),
        _ => Err(PlanError::Invalid {
            field: s.to_owned(),
            reason: Said::new(
                "expected KEY=VALUE, e.g. target.vials=200",
                "「キー=値」の形で指定してください (例: target.vials=200)",
            ),
        }),
    }
}

/// A value as TOML would read it (`200`, `1e6`, `true`, `2027-01-31`, `{ … }`), else as a string
/// (`t175`, `bone-marrow`).
fn value_of(raw: &str) -> toml::Value {
    toml::from_str::<toml::Table>(&format!("v = {raw}"))
        .ok()
        .and_then(|mut t| t.remove("v"))
        .unwrap_or_else(|| toml::Value::String(raw.to_owned()))
}

fn set(table: &mut toml::Table, key: &str, raw: &str) -> Result<(), PlanError> {
    let parts: Vec<&str> = key.split('.').map(str::trim).collect();
    if parts.iter().any(|p| p.is_empty()) {
        return Err(PlanError::Invalid {
            field: key.into(),
            reason: Said::new(
                "empty part in a dotted key",
                "ドット区切りのキーに空の部分があります",
            ),
        });
    }
    let (last, path) = parts.split_last().ok_or_else(|| PlanError::Invalid {
        field: key.into(),
        reason: Said::new("empty key", "キーが空です"),
    })?;
    let mut t = table;
    for (i, p) in path.iter().enumerate() {
        let entry = t
            .entry((*p).to_owned())
            .or_insert_with(|| toml::Value::Table(toml::Table::new()));
        t = entry.as_table_mut().ok_or_else(|| PlanError::Invalid {
            field: parts[..=i].join("."),
            reason: Said::new(
                format!("is a value, not a table, so {key} cannot be set"),
                format!("値であって表ではないため {key} を設定できません"),
            ),
        })?;
    }
    t.insert((*last).to_owned(), value_of(raw));
    Ok(())
}

/// The request in `toml_text` (if any) with `overrides` applied, validated.
///
/// Without overrides, errors carry the file's line and column; with overrides, they name the key.
pub fn request_from(
    toml_text: Option<&str>,
    overrides: &[(String, String)],
) -> Result<PlanRequest, PlanError> {
    if overrides.is_empty()
        && let Some(text) = toml_text
    {
        return PlanRequest::from_toml(text);
    }
    let mut table = match toml_text {
        Some(text) => text
            .parse::<toml::Table>()
            .map_err(|e| PlanError::Parse(e.to_string()))?,
        None => toml::Table::new(),
    };
    for (k, v) in overrides {
        set(&mut table, k, v)?;
    }
    let req = PlanRequest::deserialize(toml::Value::Table(table))
        .map_err(|e| PlanError::Parse(e.to_string()))?;
    req.validate()?;
    Ok(req)
}

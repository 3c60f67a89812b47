//! Culture vessels: growth area and working volume of T-flasks, HYPERFlask and multilayer stacks.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{PlanError, Said, positive};
use crate::params::Provenance;

/// A standard vessel from `planner-defaults.md` (Vessels table).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum VesselKind {
    /// T-25 flask, 25 cm², 4 mL.
    #[serde(rename = "t25", alias = "T-25", alias = "t-25")]
    T25,
    /// T-75 flask, 75 cm², 12 mL (up to 20 mL).
    #[serde(rename = "t75", alias = "T-75", alias = "t-75")]
    T75,
    /// T-175 flask, 175 cm², 28 mL.
    #[serde(rename = "t175", alias = "T-175", alias = "t-175")]
    T175,
    /// T-225 flask, 225 cm², ≈ 0.2 mL/cm² (unverified volume).
    #[serde(rename = "t225", alias = "T-225", alias = "t-225")]
    T225,
    /// HYPERFlask, 10 × 172 = 1,720 cm², filled (560 mL, unverified).
    #[serde(rename = "hyperflask", alias = "HYPERFlask")]
    HyperFlask,
    /// 1-layer stack, 636 cm².
    #[serde(rename = "stack-1")]
    Stack1,
    /// 2-layer stack, 1,272 cm².
    #[serde(rename = "stack-2")]
    Stack2,
    /// 5-layer stack, 3,180 cm².
    #[serde(rename = "stack-5")]
    Stack5,
    /// 10-layer stack, 6,360 cm².
    #[serde(rename = "stack-10")]
    Stack10,
}

/// All standard kinds, in size order.
pub const VESSEL_KINDS: [VesselKind; 9] = [
    VesselKind::T25,
    VesselKind::T75,
    VesselKind::T175,
    VesselKind::T225,
    VesselKind::HyperFlask,
    VesselKind::Stack1,
    VesselKind::Stack2,
    VesselKind::Stack5,
    VesselKind::Stack10,
];

/// Working volume per cm² assumed for T-225 and stacks (planner-defaults.md: "≈ 0.2 mL/cm² (unverified)").
const STACK_ML_PER_CM2: f64 = 0.2;

impl VesselKind {
    /// The name used in plan files and on the command line (`t175`, `stack-5` …).
    pub fn key(self) -> &'static str {
        match self {
            VesselKind::T25 => "t25",
            VesselKind::T75 => "t75",
            VesselKind::T175 => "t175",
            VesselKind::T225 => "t225",
            VesselKind::HyperFlask => "hyperflask",
            VesselKind::Stack1 => "stack-1",
            VesselKind::Stack2 => "stack-2",
            VesselKind::Stack5 => "stack-5",
            VesselKind::Stack10 => "stack-10",
        }
    }

    /// The vessel's area, working volume and where the figures come from.
    pub fn vessel(self) -> Vessel {
        let (name, area, volume, status) = match self {
            VesselKind::T25 => ("T-25", 25.0, 4.0, Provenance::Literature),
            VesselKind::T75 => ("T-75", 75.0, 12.0, Provenance::Literature),
            VesselKind::T175 => ("T-175", 175.0, 28.0, Provenance::Literature),
            VesselKind::T225 => (
                "T-225",
                225.0,
                225.0 * STACK_ML_PER_CM2,
                Provenance::Unverified,
            ),
            // The table says "filled"; 560 mL is the maker's filled volume, not in planner-defaults.md.
            VesselKind::HyperFlask => ("HYPERFlask", 1720.0, 560.0, Provenance::Unverified),
            VesselKind::Stack1 => (
                "1-layer stack",
                636.0,
                636.0 * STACK_ML_PER_CM2,
                Provenance::Unverified,
            ),
            VesselKind::Stack2 => (
                "2-layer stack",
                1272.0,
                1272.0 * STACK_ML_PER_CM2,
                Provenance::Unverified,
            ),
            VesselKind::Stack5 => (
                "5-layer stack",
                3180.0,
                3180.0 * STACK_ML_PER_CM2,
                Provenance::Unverified,
            ),
            VesselKind::Stack10 => (
                "10-layer stack",
                6360.0,
                6360.0 * STACK_ML_PER_CM2,
                Provenance::Unverified,
            ),
        };
        Vessel {
            name: name.to_owned(),
            area_cm2: area,
            working_volume_ml: volume,
            volume_status: status,
        }
    }
}

impl fmt::Display for VesselKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

impl FromStr for VesselKind {
    type Err = PlanError;

    /// Accepts the plan-file keys (`t175`, `stack-5`) and the display spellings (`T-175`), any case.
    fn from_str(s: &str) -> Result<Self, PlanError> {
        let mut norm = s.trim().to_ascii_lowercase().replace(['-', '_', ' '], "");
        // Multilayer stacks go by several names (`multilayer5`, `cellstack5`, `5layer`).
        for prefix in ["multilayer", "cellstack", "layer"] {
            if let Some(n) = norm.strip_prefix(prefix) {
                norm = format!("stack{n}");
            }
        }
        if let Some(n) = norm
            .strip_suffix("layer")
            .or_else(|| norm.strip_suffix("layerstack"))
        {
            norm = format!("stack{n}");
        }
        VESSEL_KINDS
            .into_iter()
            .find(|k| k.key().replace('-', "") == norm)
            .ok_or_else(|| PlanError::Invalid {
                field: "vessel".into(),
                reason: {
                    let known = VESSEL_KINDS.map(|k| k.key()).join(", ");
                    Said::new(
                        format!("unknown vessel {s:?}; known: {known}"),
                        format!("不明な培養容器 {s:?} です (指定できるもの: {known})"),
                    )
                },
            })
    }
}

/// A vessel with its figures: a standard kind, or one the facility describes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Vessel {
    /// Display name.
    pub name: String,
    /// Growth area, cm².
    pub area_cm2: f64,
    /// Medium volume per vessel, mL.
    pub working_volume_ml: f64,
    /// Whether the working volume is a published figure or an assumption.
    #[serde(default = "facility")]
    pub volume_status: Provenance,
}

fn facility() -> Provenance {
    Provenance::Facility
}

impl Vessel {
    /// Check the figures (positive, finite), naming `field` in the error.
    pub fn validate(&self, field: &str) -> Result<(), PlanError> {
        positive(&format!("{field}.area_cm2"), self.area_cm2)?;
        positive(
            &format!("{field}.working_volume_ml"),
            self.working_volume_ml,
        )?;
        Ok(())
    }
}

/// How a plan names a vessel: a standard key, or a table with its own figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum VesselSpec {
    /// `vessel = "t175"`.
    Standard(VesselKind),
    /// `vessel = { name = "bag", area_cm2 = 500, working_volume_ml = 100 }`.
    Custom(Vessel),
}

/// What a plan file may hold for a vessel, before the name is looked up (so an unknown name gets
/// an error listing the known ones, not serde's "did not match any variant").
#[derive(Deserialize)]
#[serde(untagged)]
enum RawVessel {
    Name(String),
    Custom(Vessel),
}

impl<'de> Deserialize<'de> for VesselSpec {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match RawVessel::deserialize(d)? {
            RawVessel::Name(n) => n
                .parse::<VesselKind>()
                .map(VesselSpec::Standard)
                .map_err(|e| match e {
                    PlanError::Invalid { reason, .. } => serde::de::Error::custom(reason.en),
                    other => serde::de::Error::custom(other),
                }),
            RawVessel::Custom(v) => Ok(VesselSpec::Custom(v)),
        }
    }
}

impl VesselSpec {
    /// The vessel's figures.
    pub fn vessel(&self) -> Vessel {
        match self {
            VesselSpec::Standard(k) => k.vessel(),
            VesselSpec::Custom(v) => v.clone(),
        }
    }
}

impl From<VesselKind> for VesselSpec {
    fn from(k: VesselKind) -> Self {
        VesselSpec::Standard(k)
    }
}

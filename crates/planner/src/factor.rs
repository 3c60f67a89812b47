//! The factor catalogue the planner predicts: growth factors, cytokines and EV particles, with units.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{PlanError, Said};

/// A secreted product measured in conditioned medium (GLOSSARY.md factor catalogue).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Factor {
    /// Epidermal growth factor.
    #[serde(rename = "egf")]
    Egf,
    /// Fibroblast growth factor 2 (basic FGF).
    #[serde(rename = "fgf2")]
    Fgf2,
    /// Vascular endothelial growth factor (VEGF-A).
    #[serde(rename = "vegf")]
    Vegf,
    /// Transforming growth factor β1.
    #[serde(rename = "tgf-b1")]
    TgfB1,
    /// Brain-derived neurotrophic factor.
    #[serde(rename = "bdnf")]
    Bdnf,
    /// Hepatocyte growth factor.
    #[serde(rename = "hgf")]
    Hgf,
    /// Platelet-derived growth factor BB.
    #[serde(rename = "pdgf-bb")]
    PdgfBb,
    /// Interleukin 10.
    #[serde(rename = "il-10")]
    Il10,
    /// Extracellular vesicles (exosomes), counted as particles.
    #[serde(rename = "ev")]
    EvParticles,
}

/// Every factor, in catalogue order.
pub const FACTORS: [Factor; 9] = [
    Factor::Egf,
    Factor::Fgf2,
    Factor::Vegf,
    Factor::TgfB1,
    Factor::Bdnf,
    Factor::Hgf,
    Factor::PdgfBb,
    Factor::Il10,
    Factor::EvParticles,
];

impl Factor {
    /// Key used in plan files and JSON (`vegf`, `tgf-b1`, `ev` …).
    pub fn key(self) -> &'static str {
        match self {
            Factor::Egf => "egf",
            Factor::Fgf2 => "fgf2",
            Factor::Vegf => "vegf",
            Factor::TgfB1 => "tgf-b1",
            Factor::Bdnf => "bdnf",
            Factor::Hgf => "hgf",
            Factor::PdgfBb => "pdgf-bb",
            Factor::Il10 => "il-10",
            Factor::EvParticles => "ev",
        }
    }

    /// Display name (`VEGF`, `TGF-β1`, `EV particles` …).
    pub fn name(self) -> &'static str {
        match self {
            Factor::Egf => "EGF",
            Factor::Fgf2 => "FGF2",
            Factor::Vegf => "VEGF",
            Factor::TgfB1 => "TGF-β1",
            Factor::Bdnf => "BDNF",
            Factor::Hgf => "HGF",
            Factor::PdgfBb => "PDGF-BB",
            Factor::Il10 => "IL-10",
            Factor::EvParticles => "EV particles",
        }
    }

    /// The name a Japanese sentence uses: the abbreviation (`VEGF`), EV particles in words.
    pub fn short_ja(self) -> &'static str {
        match self {
            Factor::EvParticles => self.name_ja(),
            f => f.name(),
        }
    }

    /// Japanese name (GLOSSARY.md).
    pub fn name_ja(self) -> &'static str {
        match self {
            Factor::Egf => "上皮成長因子",
            Factor::Fgf2 => "線維芽細胞成長因子",
            Factor::Vegf => "血管内皮成長因子",
            Factor::TgfB1 => "トランスフォーミング成長因子",
            Factor::Bdnf => "脳由来神経栄養因子",
            Factor::Hgf => "肝細胞増殖因子",
            Factor::PdgfBb => "血小板由来成長因子",
            Factor::Il10 => "インターロイキン10",
            Factor::EvParticles => "エクソソーム (細胞外小胞)",
        }
    }

    /// Concentration unit: `pg/mL`, or `particles/mL` for EVs.
    pub fn unit(self) -> &'static str {
        match self {
            Factor::EvParticles => "particles/mL",
            _ => "pg/mL",
        }
    }

    /// Unit of the per-cell secretion rate: `pg/cell/h`, or `particles/cell/h`.
    pub fn rate_unit(self) -> &'static str {
        match self {
            Factor::EvParticles => "particles/cell/h",
            _ => "pg/cell/h",
        }
    }
}

impl fmt::Display for Factor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Factor {
    type Err = PlanError;

    /// Accepts keys and display names in any case, with or without dashes (`VEGF`, `TGF-β1`, `tgfb1`).
    fn from_str(s: &str) -> Result<Self, PlanError> {
        let norm = |x: &str| {
            x.to_lowercase()
                .replace('β', "b")
                .replace(['-', '_', ' '], "")
        };
        let wanted = norm(s.trim());
        let known = || FACTORS.map(|f| f.key()).join(", ");
        FACTORS
            .into_iter()
            .find(|f| norm(f.key()) == wanted || norm(f.name()) == wanted)
            .or(match wanted.as_str() {
                "fgf" => Some(Factor::Fgf2),
                "tgfb" => Some(Factor::TgfB1),
                "pdgf" => Some(Factor::PdgfBb),
                "exosomes" | "evs" | "evparticles" => Some(Factor::EvParticles),
                _ => None,
            })
            .ok_or_else(|| PlanError::Invalid {
                field: "factor".into(),
                reason: Said::new(
                    format!("unknown factor {s:?}; known: {}", known()),
                    format!("不明な因子 {s:?} です (指定できるもの: {})", known()),
                ),
            })
    }
}

//! Downstream processing steps applied to a lot while it is in process: centrifugation (g × min),
//! filtration (pore size), ultrafiltration / concentration, sterilisation.

use crate::{
    DomainError, UtcTime,
    ids::{LotNumber, UserName},
    lot::Lot,
    plausible::{event_time, not_before},
    quantity::{positive, text},
};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum StepKind {
    Centrifugation {
        g_force: f64,
        minutes: f64,
    },
    Filtration {
        pore_um: f64,
    },
    Ultrafiltration {
        cutoff_kda: f64,
        concentration_factor: f64,
    },
    Sterilisation {
        method: String,
    },
}

impl StepKind {
    pub fn name(&self) -> &'static str {
        match self {
            StepKind::Centrifugation { .. } => "centrifugation",
            StepKind::Filtration { .. } => "filtration",
            StepKind::Ultrafiltration { .. } => "ultrafiltration",
            StepKind::Sterilisation { .. } => "sterilisation",
        }
    }
    pub fn name_ja(&self) -> &'static str {
        match self {
            StepKind::Centrifugation { .. } => "遠心分離",
            StepKind::Filtration { .. } => "ろ過",
            StepKind::Ultrafiltration { .. } => "限外ろ過 / 濃縮",
            StepKind::Sterilisation { .. } => "滅菌",
        }
    }
    /// The parameters in one line, e.g. `2000 g × 10 min`.
    pub fn summary(&self) -> String {
        match self {
            StepKind::Centrifugation { g_force, minutes } => format!("{g_force} g × {minutes} min"),
            StepKind::Filtration { pore_um } => format!("{pore_um} µm"),
            StepKind::Ultrafiltration {
                cutoff_kda,
                concentration_factor,
            } => format!("{cutoff_kda} kDa, ×{concentration_factor}"),
            StepKind::Sterilisation { method } => method.clone(),
        }
    }
    /// Checks the parameters are physically meaningful; errors name the field.
    pub fn validated(self) -> Result<Self, DomainError> {
        Ok(match self {
            StepKind::Centrifugation { g_force, minutes } => StepKind::Centrifugation {
                g_force: positive("g_force", g_force)?,
                minutes: positive("minutes", minutes)?,
            },
            StepKind::Filtration { pore_um } => {
                let p = positive("pore_um", pore_um)?;
                if p > 10.0 {
                    return Err(DomainError::invalid(
                        "pore_um",
                        crate::Why::AtMost("10 µm".into()),
                    ));
                }
                StepKind::Filtration { pore_um: p }
            }
            StepKind::Ultrafiltration {
                cutoff_kda,
                concentration_factor,
            } => {
                let f = positive("concentration_factor", concentration_factor)?;
                if f < 1.0 {
                    return Err(DomainError::invalid(
                        "concentration_factor",
                        crate::Why::AtLeast("1".into()),
                    ));
                }
                StepKind::Ultrafiltration {
                    cutoff_kda: positive("cutoff_kda", cutoff_kda)?,
                    concentration_factor: f,
                }
            }
            StepKind::Sterilisation { method } => StepKind::Sterilisation {
                method: text("method", &method)?,
            },
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ProcessingStep {
    pub id: String,
    pub lot: LotNumber,
    pub seq: i64,
    #[serde(flatten)]
    pub step: StepKind,
    pub performed_at: UtcTime,
    /// The room or grade A zone it was done in (issue 14; None on steps recorded before).
    #[serde(default)]
    pub room: Option<String>,
    /// The registered equipment used, if any.
    #[serde(default)]
    pub equipment: Option<String>,
    /// Who performed it (checked for aseptic qualification in a grade A zone).
    #[serde(default)]
    pub operator: Option<UserName>,
}

impl ProcessingStep {
    /// Step number `seq` of `lot` (in process), performed after the lot was pooled and after the
    /// `previous` step, not after `now`.
    pub fn new(
        lot: &Lot,
        seq: i64,
        step: StepKind,
        performed_at: UtcTime,
        previous: Option<&ProcessingStep>,
        now: UtcTime,
    ) -> Result<Self, DomainError> {
        lot.check_in_process("record a processing step")?;
        let performed_at = event_time(
            "performed_at",
            performed_at,
            Some((lot.created_at, ("the lot was pooled", "プール"))),
            now,
        )?;
        if let Some(p) = previous {
            not_before(
                "performed_at",
                performed_at,
                p.performed_at,
                (
                    &format!("the previous step {}", p.id),
                    &format!("前の工程 {}", p.id),
                ),
            )?;
        }
        Ok(ProcessingStep {
            id: format!("{}/STEP-{seq:02}", lot.id),
            lot: lot.id.clone(),
            seq,
            step: step.validated()?,
            performed_at,
            room: None,
            equipment: None,
            operator: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn step_parameters_are_checked() {
        assert!(StepKind::Filtration { pore_um: 0.22 }.validated().is_ok());
        let e = StepKind::Centrifugation {
            g_force: -300.0,
            minutes: 10.0,
        }
        .validated()
        .unwrap_err();
        assert!(e.to_string().starts_with("g_force:"));
        assert!(
            StepKind::Ultrafiltration {
                cutoff_kda: 3.0,
                concentration_factor: 0.5
            }
            .validated()
            .is_err()
        );
        assert_eq!(
            StepKind::Centrifugation {
                g_force: 2000.0,
                minutes: 10.0
            }
            .summary(),
            "2000 g × 10 min"
        );
    }
}

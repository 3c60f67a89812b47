//! The equipment register (機器台帳) with calibration (校正) and qualification due dates: a step
//! recorded with equipment past either date is refused with the reason named.

use crate::{DomainError, UtcTime, quantity::text};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum EquipmentKind {
    Centrifuge,
    Incubator,
    Cabinet,
    Freezer,
    FilterTester,
    PlateReader,
    ParticleCounter,
    Other,
}

impl EquipmentKind {
    pub const ALL: [EquipmentKind; 8] = [
        EquipmentKind::Centrifuge,
        EquipmentKind::Incubator,
        EquipmentKind::Cabinet,
        EquipmentKind::Freezer,
        EquipmentKind::FilterTester,
        EquipmentKind::PlateReader,
        EquipmentKind::ParticleCounter,
        EquipmentKind::Other,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            EquipmentKind::Centrifuge => "centrifuge",
            EquipmentKind::Incubator => "incubator",
            EquipmentKind::Cabinet => "cabinet",
            EquipmentKind::Freezer => "freezer",
            EquipmentKind::FilterTester => "filter_tester",
            EquipmentKind::PlateReader => "plate_reader",
            EquipmentKind::ParticleCounter => "particle_counter",
            EquipmentKind::Other => "other",
        }
    }
    pub fn parse(field: &str, s: &str) -> Result<Self, DomainError> {
        EquipmentKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim())
            .ok_or_else(|| {
                DomainError::invalid(
                    field,
                    crate::Why::said(
                        format!("unknown equipment kind {s:?}"),
                        format!("{s:?} は機器の種類にありません"),
                    ),
                )
            })
    }
}

/// One registered instrument.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Equipment {
    pub id: String,
    pub name: String,
    pub kind: EquipmentKind,
    /// The room or zone it stands in (a cabinet's own zone id).
    pub room: Option<String>,
    /// For a freezer: the inventory freezer it is.
    pub freezer: Option<String>,
    pub calibration_due: Option<UtcTime>,
    pub qualification_due: Option<UtcTime>,
    pub created_at: UtcTime,
}

impl Equipment {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        id: &str,
        name: &str,
        kind: EquipmentKind,
        room: Option<String>,
        freezer: Option<String>,
        calibration_due: Option<UtcTime>,
        qualification_due: Option<UtcTime>,
        now: UtcTime,
    ) -> Result<Equipment, DomainError> {
        if freezer.is_some() && kind != EquipmentKind::Freezer {
            return Err(DomainError::invalid(
                "freezer",
                crate::Why::said(
                    "only a freezer links to one",
                    "フリーザーだけが保管庫に対応付けられます",
                ),
            ));
        }
        Ok(Equipment {
            id: text("id", id)?,
            name: text("name", name)?,
            kind,
            room,
            freezer,
            calibration_due,
            qualification_due,
            created_at: now,
        })
    }

    /// Why this instrument may not be used at `at` (English, Japanese), or None if it may.
    pub fn unfit_at(&self, at: UtcTime) -> Option<(String, String)> {
        if let Some(d) = self.calibration_due.filter(|d| *d < at) {
            return Some((
                format!(
                    "equipment {} ({}) is out of calibration: calibration was due {d}",
                    self.id, self.name
                ),
                format!(
                    "校正期限切れ: 機器 {} ({}) の校正期限 {d}",
                    self.id, self.name
                ),
            ));
        }
        if let Some(d) = self.qualification_due.filter(|d| *d < at) {
            return Some((
                format!(
                    "equipment {} ({}) is out of qualification: requalification was due {d}",
                    self.id, self.name
                ),
                format!(
                    "適格性確認期限切れ: 機器 {} ({}) の期限 {d}",
                    self.id, self.name
                ),
            ));
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overdue_calibration_is_named() {
        let t = |s| UtcTime::parse("t", s).unwrap();
        let e = Equipment::new(
            "CF-01",
            "遠心機",
            EquipmentKind::Centrifuge,
            None,
            None,
            Some(t("2026-11-30T00:00:00Z")),
            None,
            t("2026-01-01T00:00:00Z"),
        )
        .unwrap();
        assert!(e.unfit_at(t("2026-11-29T00:00:00Z")).is_none());
        let (en, ja) = e.unfit_at(t("2026-12-01T00:00:00Z")).unwrap();
        assert!(en.contains("out of calibration") && ja.contains("校正期限切れ"));
    }
}

//! Raw-material lots (原材料ロット: media, supplements, reagents, filters) and which batch used which,
//! so a recalled material lot traces forward to every vial and patient it reached.

use crate::{
    DomainError, UtcTime,
    ids::{BatchId, MaterialLotId},
    quantity::{positive, text},
};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MaterialCategory {
    Medium,
    Supplement,
    Reagent,
    Filter,
    Consumable,
}

impl MaterialCategory {
    pub const ALL: [MaterialCategory; 5] = [
        MaterialCategory::Medium,
        MaterialCategory::Supplement,
        MaterialCategory::Reagent,
        MaterialCategory::Filter,
        MaterialCategory::Consumable,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            MaterialCategory::Medium => "medium",
            MaterialCategory::Supplement => "supplement",
            MaterialCategory::Reagent => "reagent",
            MaterialCategory::Filter => "filter",
            MaterialCategory::Consumable => "consumable",
        }
    }
    pub fn parse(field: &str, s: &str) -> Result<Self, DomainError> {
        Self::ALL.into_iter().find(|c| c.as_str() == s).ok_or_else(|| {
            DomainError::invalid(
                field,
                format!("unknown category {s:?} (expected medium, supplement, reagent, filter or consumable)"),
            )
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RawMaterialLot {
    pub id: MaterialLotId,
    pub material: String,
    pub category: MaterialCategory,
    pub supplier: String,
    pub supplier_lot: String,
    pub received_at: UtcTime,
    pub expires_at: UtcTime,
}

impl RawMaterialLot {
    #[allow(clippy::too_many_arguments)]
    pub fn receive(
        id: MaterialLotId,
        material: &str,
        category: MaterialCategory,
        supplier: &str,
        supplier_lot: &str,
        received_at: UtcTime,
        expires_at: UtcTime,
    ) -> Result<Self, DomainError> {
        if expires_at <= received_at {
            return Err(DomainError::invalid("expires_at", "must be after receipt"));
        }
        Ok(Self {
            id,
            material: text("material", material)?,
            category,
            supplier: text("supplier", supplier)?,
            supplier_lot: text("supplier_lot", supplier_lot)?,
            received_at,
            expires_at,
        })
    }

    /// An expired lot may not be used.
    pub fn check_usable(&self, at: UtcTime) -> Result<(), DomainError> {
        if at >= self.expires_at {
            return Err(DomainError::Rule(format!(
                "raw-material lot {} expired at {}",
                self.id, self.expires_at
            )));
        }
        Ok(())
    }
}

/// One batch's use of one raw-material lot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MaterialUse {
    pub id: String,
    pub batch: BatchId,
    pub material_lot: MaterialLotId,
    pub quantity: f64,
    pub unit: String,
    pub used_at: UtcTime,
}

impl MaterialUse {
    pub fn record(
        batch: BatchId,
        lot: &RawMaterialLot,
        quantity: f64,
        unit: &str,
        used_at: UtcTime,
    ) -> Result<Self, DomainError> {
        lot.check_usable(used_at)?;
        Ok(Self {
            id: format!("{}>{}", lot.id, batch),
            batch,
            material_lot: lot.id.clone(),
            quantity: positive("quantity", quantity)?,
            unit: text("unit", unit)?,
            used_at,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expired_material_is_refused() {
        let t = |s: &str| UtcTime::parse("t", s).unwrap();
        let lot = RawMaterialLot::receive(
            MaterialLotId::new("RM-1").unwrap(),
            "DMEM/F12",
            MaterialCategory::Medium,
            "Acme",
            "A123",
            t("2026-01-01T00:00:00Z"),
            t("2026-06-01T00:00:00Z"),
        )
        .unwrap();
        let b = BatchId::new("B-1").unwrap();
        assert!(
            MaterialUse::record(b.clone(), &lot, 500.0, "mL", t("2026-03-01T00:00:00Z")).is_ok()
        );
        let e = MaterialUse::record(b, &lot, 500.0, "mL", t("2026-07-01T00:00:00Z")).unwrap_err();
        assert!(e.to_string().contains("expired"));
    }
}

//! Raw-material lots (原材料ロット: media, supplements, reagents, filters) and which batch used which,
//! so a recalled material lot traces forward to every vial and patient it reached.

use crate::{
    DomainError, Invalids, UtcTime,
    batch::CultureBatch,
    ids::{BatchId, MaterialLotId},
    plausible::{event_time, not_after_entry, not_before},
    quantity::{positive, text},
};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
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
    pub fn name_ja(self) -> &'static str {
        match self {
            MaterialCategory::Medium => "培地",
            MaterialCategory::Supplement => "添加剤",
            MaterialCategory::Reagent => "試薬",
            MaterialCategory::Filter => "フィルター",
            MaterialCategory::Consumable => "消耗品",
        }
    }
    pub fn parse(field: &str, s: &str) -> Result<Self, DomainError> {
        Self::ALL.into_iter().find(|c| c.as_str() == s).ok_or_else(|| {
            DomainError::invalid(
                field, crate::Why::said(format!("unknown category {s:?} (expected medium, supplement, reagent, filter or consumable)"), format!("区分を選択してください (入力値 {s:?})")),
            )
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
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
        now: UtcTime,
    ) -> Result<Self, DomainError> {
        // Every bad field at once.
        let mut all = Invalids::default();
        let received_at = all.keep(
            not_after_entry("received_at", received_at, now),
            received_at,
        );
        if expires_at <= received_at {
            all.take::<()>(Err(DomainError::invalid(
                "expires_at",
                crate::Why::said("must be after receipt", "受入日時より後にしてください"),
            )));
        }
        let material = all.take(text("material", material));
        let supplier = all.take(text("supplier", supplier));
        let supplier_lot = all.take(text("supplier_lot", supplier_lot));
        let (Some(material), Some(supplier), Some(supplier_lot), true) =
            (material, supplier, supplier_lot, all.is_empty())
        else {
            return Err(all.into_error());
        };
        Ok(Self {
            id,
            material,
            category,
            supplier,
            supplier_lot,
            received_at,
            expires_at,
        })
    }

    /// An expired lot may not be used.
    pub fn check_usable(&self, at: UtcTime) -> Result<(), DomainError> {
        if at >= self.expires_at {
            return Err(DomainError::Rule(crate::rule::Rule::MaterialExpired {
                material: self.id.to_string(),
                at: self.expires_at.to_string(),
            }));
        }
        Ok(())
    }
}

/// One batch's use of one raw-material lot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MaterialUse {
    pub id: String,
    pub batch: BatchId,
    pub material_lot: MaterialLotId,
    pub quantity: f64,
    pub unit: String,
    pub used_at: UtcTime,
}

impl MaterialUse {
    /// Not before the batch was seeded nor before the lot was received; not after `now`.
    pub fn record(
        batch: &CultureBatch,
        lot: &RawMaterialLot,
        quantity: f64,
        unit: &str,
        used_at: UtcTime,
        now: UtcTime,
    ) -> Result<Self, DomainError> {
        // Every bad field at once (an expired lot is a rule, refused after the fields).
        let mut all = Invalids::default();
        let timely = all.take(event_time(
            "used_at",
            used_at,
            Some((batch.seeded_at, ("the batch was seeded", "バッチの播種"))),
            now,
        ));
        if timely.is_some() {
            all.take(not_before(
                "used_at",
                used_at,
                lot.received_at,
                ("the lot was received", "ロット受入"),
            ));
        }
        let quantity = all.keep(positive("quantity", quantity), quantity);
        let unit = all.take(text("unit", unit));
        let (Some(unit), true) = (unit, all.is_empty()) else {
            return Err(all.into_error());
        };
        lot.check_usable(used_at)?;
        Ok(Self {
            id: format!("{}>{}", lot.id, batch.id),
            batch: batch.id.clone(),
            material_lot: lot.id.clone(),
            quantity,
            unit,
            used_at,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batch::{BatchStatus, VesselKind};
    use crate::ids::CellBankId;

    fn t(s: &str) -> UtcTime {
        UtcTime::parse("t", s).unwrap()
    }

    fn batch(seeded: &str) -> CultureBatch {
        CultureBatch {
            id: BatchId::new("B-1").unwrap(),
            cell_bank: CellBankId::new("WCB-1").unwrap(),
            vessel: VesselKind::T75,
            vessel_count: 1,
            passage: 4,
            seeding_density: 3000.0,
            seeded_at: t(seeded),
            status: BatchStatus::Culturing,
            conditioning_started_at: None,
            conditioning_medium: None,
            conditioning_hours: None,
            hypoxia: None,
        }
    }

    #[test]
    fn expired_material_is_refused() {
        let now = t("2026-12-01T00:00:00Z");
        let lot = RawMaterialLot::receive(
            MaterialLotId::new("RM-1").unwrap(),
            "DMEM/F12",
            MaterialCategory::Medium,
            "Acme",
            "A123",
            t("2026-01-01T00:00:00Z"),
            t("2026-06-01T00:00:00Z"),
            now,
        )
        .unwrap();
        let b = batch("2026-02-01T00:00:00Z");
        assert!(MaterialUse::record(&b, &lot, 500.0, "mL", t("2026-03-01T00:00:00Z"), now).is_ok());
        let e =
            MaterialUse::record(&b, &lot, 500.0, "mL", t("2026-07-01T00:00:00Z"), now).unwrap_err();
        assert!(e.to_string().contains("expired"));
    }

    #[test]
    fn receipt_and_use_times_are_plausible() {
        let now = t("2026-03-01T00:00:00Z");
        let e = RawMaterialLot::receive(
            MaterialLotId::new("RM-1").unwrap(),
            "DMEM/F12",
            MaterialCategory::Medium,
            "Acme",
            "A123",
            t("2026-04-01T00:00:00Z"),
            t("2026-06-01T00:00:00Z"),
            now,
        )
        .unwrap_err();
        assert!(
            e.to_string()
                .starts_with("received_at: must not be in the future")
        );
        let lot = RawMaterialLot::receive(
            MaterialLotId::new("RM-1").unwrap(),
            "DMEM/F12",
            MaterialCategory::Medium,
            "Acme",
            "A123",
            t("2026-01-10T00:00:00Z"),
            t("2026-06-01T00:00:00Z"),
            now,
        )
        .unwrap();
        let b = batch("2026-01-05T00:00:00Z");
        let future = MaterialUse::record(&b, &lot, 5.0, "mL", t("2026-03-02T00:00:00Z"), now);
        assert!(
            future
                .unwrap_err()
                .to_string()
                .starts_with("used_at: must not be in the future")
        );
        let early = MaterialUse::record(&b, &lot, 5.0, "mL", t("2026-01-06T00:00:00Z"), now);
        assert!(
            early
                .unwrap_err()
                .to_string()
                .contains("before the lot was received")
        );
        let before_seed = MaterialUse::record(&b, &lot, 5.0, "mL", t("2026-01-04T00:00:00Z"), now);
        assert!(
            before_seed
                .unwrap_err()
                .to_string()
                .contains("before the batch was seeded")
        );
    }
}

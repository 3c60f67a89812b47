//! Tissue collections and cell banks: what a donor gave, and the master / working banks expanded from it.

use crate::{
    DomainError, Invalids, UtcTime,
    donor::{Donor, TissueSource},
    ids::{CellBankId, DonorCode, TissueId},
    plausible::event_time,
    quantity::{non_negative, positive},
};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TissueCollection {
    pub id: TissueId,
    pub donor: DonorCode,
    pub kind: TissueSource,
    pub collected_at: UtcTime,
    /// Amount collected (g for solid tissue, mL for aspirates).
    pub amount: f64,
    pub amount_unit: String,
}

impl TissueCollection {
    /// Only an eligible donor's tissue may be collected for banking.
    pub fn collect(
        id: TissueId,
        donor: &Donor,
        kind: TissueSource,
        collected_at: UtcTime,
        amount: f64,
        amount_unit: &str,
        now: UtcTime,
    ) -> Result<Self, DomainError> {
        donor.check_can_donate()?;
        // Every bad field at once.
        let mut all = Invalids::default();
        let collected_at = all.keep(
            event_time(
                "collected_at",
                collected_at,
                Some((donor.consented_at, ("the donor's consent", "ドナーの同意"))),
                now,
            ),
            collected_at,
        );
        if !matches!(amount_unit, "g" | "mL") {
            all.take::<()>(Err(DomainError::invalid(
                "amount_unit",
                crate::Why::said(
                    format!("unknown unit {amount_unit:?} (expected g or mL)"),
                    format!("単位は g または mL です (入力値 {amount_unit:?})"),
                ),
            )));
        }
        let amount = all.keep(positive("amount", amount), amount);
        all.done()?;
        Ok(Self {
            id,
            donor: donor.id.clone(),
            kind,
            collected_at,
            amount,
            amount_unit: amount_unit.to_string(),
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum BankKind {
    Master,
    Working,
}

impl BankKind {
    pub fn as_str(self) -> &'static str {
        match self {
            BankKind::Master => "master",
            BankKind::Working => "working",
        }
    }
    pub fn name_ja(self) -> &'static str {
        match self {
            BankKind::Master => "マスターセルバンク",
            BankKind::Working => "ワーキングセルバンク",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CellBank {
    pub id: CellBankId,
    pub kind: BankKind,
    /// The tissue a master bank was established from (a working bank has its master's tissue).
    pub tissue: TissueId,
    /// The master bank a working bank was expanded from.
    pub parent: Option<CellBankId>,
    pub passage: i64,
    pub population_doublings: f64,
    pub vials_frozen: i64,
    pub cells_per_vial: f64,
    pub banked_at: UtcTime,
}

impl CellBank {
    /// A master cell bank established from a tissue collection.
    #[allow(clippy::too_many_arguments)]
    pub fn master(
        id: CellBankId,
        tissue: &TissueCollection,
        passage: i64,
        population_doublings: f64,
        vials_frozen: i64,
        cells_per_vial: f64,
        banked_at: UtcTime,
        now: UtcTime,
    ) -> Result<Self, DomainError> {
        let mut all = Invalids::default();
        let banked_at = all.keep(
            event_time(
                "banked_at",
                banked_at,
                Some((tissue.collected_at, ("the tissue collection", "組織採取"))),
                now,
            ),
            banked_at,
        );
        Self::checked(
            all,
            CellBank {
                id,
                kind: BankKind::Master,
                tissue: tissue.id.clone(),
                parent: None,
                passage,
                population_doublings,
                vials_frozen,
                cells_per_vial,
                banked_at,
            },
        )
    }

    /// A working bank expanded from a master bank: passage and doublings cannot go backwards.
    #[allow(clippy::too_many_arguments)]
    pub fn working(
        id: CellBankId,
        master: &CellBank,
        passage: i64,
        population_doublings: f64,
        vials_frozen: i64,
        cells_per_vial: f64,
        banked_at: UtcTime,
        now: UtcTime,
    ) -> Result<Self, DomainError> {
        if master.kind != BankKind::Master {
            return Err(DomainError::Rule(
                crate::rule::Rule::WorkingBankFromWorking {
                    bank: master.id.to_string(),
                },
            ));
        }
        let mut all = Invalids::default();
        let banked_at = all.keep(
            event_time(
                "banked_at",
                banked_at,
                Some((master.banked_at, ("the master bank", "マスターバンク作製"))),
                now,
            ),
            banked_at,
        );
        if passage <= master.passage {
            all.take::<()>(Err(DomainError::invalid(
                "passage",
                crate::Why::said(
                    format!("must be above the master bank's passage {}", master.passage),
                    format!(
                        "マスターセルバンクの継代数 {} より大きくしてください",
                        master.passage
                    ),
                ),
            )));
        }
        if population_doublings < master.population_doublings {
            all.take::<()>(Err(DomainError::invalid(
                "population_doublings",
                crate::Why::said(
                    format!(
                        "cannot be below the master bank's {}",
                        master.population_doublings
                    ),
                    format!(
                        "マスターセルバンクの値 {} 以上にしてください",
                        master.population_doublings
                    ),
                ),
            )));
        }
        Self::checked(
            all,
            CellBank {
                id,
                kind: BankKind::Working,
                tissue: master.tissue.clone(),
                parent: Some(master.id.clone()),
                passage,
                population_doublings,
                vials_frozen,
                cells_per_vial,
                banked_at,
            },
        )
    }

    /// The bank's own limits, added to what `all` already refused: every bad field at once.
    fn checked(mut all: Invalids, b: CellBank) -> Result<Self, DomainError> {
        if !(0..=100).contains(&b.passage) {
            all.take::<()>(Err(DomainError::invalid(
                "passage",
                crate::Why::Between("0".into(), "100".into()),
            )));
        }
        all.take(non_negative("population_doublings", b.population_doublings));
        if b.vials_frozen < 1 {
            all.take::<()>(Err(DomainError::invalid(
                "vials_frozen",
                crate::Why::AtLeast("1".into()),
            )));
        }
        all.take(positive("cells_per_vial", b.cells_per_vial));
        all.done()?;
        Ok(b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::donor::all_negative;

    fn t(s: &str) -> UtcTime {
        UtcTime::parse("t", s).unwrap()
    }
    fn now() -> UtcTime {
        t("2026-12-01T00:00:00Z")
    }
    fn eligible() -> Donor {
        Donor::register(
            DonorCode::new("D-1").unwrap(),
            TissueSource::UmbilicalCord,
            "IC-v1",
            t("2026-01-01T00:00:00Z"),
            t("2026-01-01T00:00:00Z"),
        )
        .unwrap()
        .record_screening(all_negative())
        .unwrap()
    }

    #[test]
    fn banks_follow_master_then_working() {
        let d = eligible();
        let tis = TissueCollection::collect(
            TissueId::new("T-1").unwrap(),
            &d,
            TissueSource::UmbilicalCord,
            t("2026-01-02T00:00:00Z"),
            12.0,
            "g",
            now(),
        )
        .unwrap();
        let m = CellBank::master(
            CellBankId::new("MCB-1").unwrap(),
            &tis,
            2,
            6.5,
            20,
            1e6,
            t("2026-01-20T00:00:00Z"),
            now(),
        )
        .unwrap();
        let w = CellBank::working(
            CellBankId::new("WCB-1").unwrap(),
            &m,
            4,
            12.0,
            40,
            1e6,
            t("2026-02-01T00:00:00Z"),
            now(),
        )
        .unwrap();
        assert_eq!(w.parent.as_ref(), Some(&m.id));
        assert_eq!(w.tissue, tis.id);
        assert!(
            CellBank::working(
                CellBankId::new("WCB-2").unwrap(),
                &w,
                5,
                13.0,
                4,
                1e6,
                t("2026-02-01T00:00:00Z"),
                now(),
            )
            .is_err()
        );
        let e = CellBank::working(
            CellBankId::new("WCB-3").unwrap(),
            &m,
            1,
            13.0,
            4,
            1e6,
            t("2026-02-01T00:00:00Z"),
            now(),
        )
        .unwrap_err();
        assert!(e.to_string().starts_with("passage:"));
        let e = CellBank::working(
            CellBankId::new("WCB-4").unwrap(),
            &m,
            4,
            12.0,
            4,
            1e6,
            t("2026-01-19T00:00:00Z"),
            now(),
        )
        .unwrap_err();
        assert!(
            e.to_string()
                .starts_with("banked_at: cannot be before the master bank")
        );
        let e = TissueCollection::collect(
            TissueId::new("T-9").unwrap(),
            &d,
            TissueSource::UmbilicalCord,
            t("2027-01-15T00:00:00Z"),
            12.0,
            "g",
            now(),
        )
        .unwrap_err();
        assert!(
            e.to_string()
                .starts_with("collected_at: must not be in the future")
        );
    }

    #[test]
    fn tissue_needs_eligible_donor_and_positive_amount() {
        let d = eligible();
        assert!(
            TissueCollection::collect(
                TissueId::new("T-2").unwrap(),
                &d,
                TissueSource::Adipose,
                t("2026-01-02T00:00:00Z"),
                -1.0,
                "g",
                now(),
            )
            .is_err()
        );
        assert!(
            TissueCollection::collect(
                TissueId::new("T-2").unwrap(),
                &d,
                TissueSource::Adipose,
                t("2026-01-02T00:00:00Z"),
                1.0,
                "kg",
                now(),
            )
            .is_err()
        );
    }
}

//! Sterilising filtration (無菌ろ過) and filter integrity tests (完全性試験): the filter must be a
//! rated sterilising-grade filter of ≤ 0.22 µm with its lot recorded; pre-use (where done) and
//! post-use tests — bubble point, diffusion or pressure hold — record the maker's limit and the
//! measured value. Filling needs a sterilising filtration none of whose tests failed; release needs
//! a passing post-use test.

use crate::{
    DomainError, UtcTime,
    ids::{LotNumber, UserName},
    lot::Lot,
    quantity::{non_negative, positive, text},
};
use serde::{Deserialize, Serialize};

/// The largest rated pore size of a sterilising-grade filter, µm.
pub const STERILISING_PORE_UM: f64 = 0.22;

/// A sterilising filtration of a lot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SterileFiltration {
    pub id: String,
    pub lot: LotNumber,
    pub filter_maker: String,
    pub filter_model: String,
    pub filter_lot: String,
    pub pore_um: f64,
    /// The maker rates the filter sterilising grade (bacterial retention validated).
    pub sterilising_grade: bool,
    pub room: Option<String>,
    pub performed_at: UtcTime,
    pub performed_by: UserName,
}

impl SterileFiltration {
    /// Refused unless the filter is rated sterilising grade, ≤ 0.22 µm, with its lot; the lot must
    /// be in process.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        id: String,
        lot: &Lot,
        filter_maker: &str,
        filter_model: &str,
        filter_lot: &str,
        pore_um: f64,
        sterilising_grade: bool,
        performed_at: UtcTime,
        by: &UserName,
        now: UtcTime,
    ) -> Result<SterileFiltration, DomainError> {
        lot.check_in_process("record a sterilising filtration")?;
        let mut errors = Vec::new();
        let pore = positive("pore_um", pore_um);
        match &pore {
            Ok(p) if *p > STERILISING_PORE_UM => errors.push(DomainError::invalid(
                "pore_um",
                crate::Why::said(
                    format!(
                        "a sterilising filter is rated ≤ {STERILISING_PORE_UM} µm (got {p} µm)"
                    ),
                    format!(
                        "除菌フィルターの孔径は {STERILISING_PORE_UM} µm 以下です (入力値 {p} µm)"
                    ),
                ),
            )),
            Err(e) => errors.push(e.clone()),
            _ => {}
        }
        if !sterilising_grade {
            errors.push(DomainError::invalid(
                "sterilising_grade",
                crate::Why::said(
                    "the filter must be rated sterilising grade by its maker",
                    "メーカーが除菌グレードと定めたフィルターを使ってください",
                ),
            ));
        }
        let maker = text("filter_maker", filter_maker);
        let model = text("filter_model", filter_model);
        let flot = text("filter_lot", filter_lot);
        for e in [&maker, &model, &flot]
            .into_iter()
            .filter_map(|r| r.as_ref().err())
        {
            errors.push(e.clone());
        }
        if performed_at > now || performed_at < lot.created_at {
            errors.push(DomainError::invalid(
                "performed_at",
                crate::Why::said(
                    "must be after the lot was pooled and not in the future",
                    "プール後かつ未来でない日時を入力してください",
                ),
            ));
        }
        if errors.len() == 1 {
            return Err(errors.remove(0));
        }
        if !errors.is_empty() {
            let all = errors.into_iter().map(DomainError::into_why).collect();
            return Err(DomainError::invalid("filtration", crate::Why::All(all)));
        }
        Ok(SterileFiltration {
            id,
            lot: lot.id.clone(),
            filter_maker: maker?,
            filter_model: model?,
            filter_lot: flot?,
            pore_um: pore?,
            sterilising_grade,
            room: None,
            performed_at,
            performed_by: by.clone(),
        })
    }
}

/// Integrity test method and how its measured value is compared with the maker's limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum IntegrityMethod {
    /// Bubble point pressure: passes when measured ≥ the maker's minimum.
    BubblePoint,
    /// Diffusion (forward flow): passes when measured ≤ the maker's maximum.
    Diffusion,
    /// Pressure hold (decay): passes when measured ≤ the maker's maximum.
    PressureHold,
}

impl IntegrityMethod {
    pub const ALL: [IntegrityMethod; 3] = [
        IntegrityMethod::BubblePoint,
        IntegrityMethod::Diffusion,
        IntegrityMethod::PressureHold,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            IntegrityMethod::BubblePoint => "bubble_point",
            IntegrityMethod::Diffusion => "diffusion",
            IntegrityMethod::PressureHold => "pressure_hold",
        }
    }
    pub fn name_ja(self) -> &'static str {
        match self {
            IntegrityMethod::BubblePoint => "バブルポイント試験",
            IntegrityMethod::Diffusion => "拡散流量試験",
            IntegrityMethod::PressureHold => "圧力保持試験",
        }
    }
    pub fn passes(self, limit: f64, measured: f64) -> bool {
        match self {
            IntegrityMethod::BubblePoint => measured >= limit,
            IntegrityMethod::Diffusion | IntegrityMethod::PressureHold => measured <= limit,
        }
    }
}

/// Before or after the filtration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum IntegrityStage {
    PreUse,
    PostUse,
}

impl IntegrityStage {
    pub fn as_str(self) -> &'static str {
        match self {
            IntegrityStage::PreUse => "pre_use",
            IntegrityStage::PostUse => "post_use",
        }
    }
}

/// One integrity test of a sterilising filtration's filter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct IntegrityTest {
    pub id: String,
    pub filtration: String,
    pub lot: LotNumber,
    pub stage: IntegrityStage,
    pub method: IntegrityMethod,
    pub maker_limit: f64,
    pub measured: f64,
    pub unit: String,
    pub passed: bool,
    pub tested_at: UtcTime,
    pub tested_by: UserName,
}

impl IntegrityTest {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        id: String,
        f: &SterileFiltration,
        stage: IntegrityStage,
        method: IntegrityMethod,
        limit: f64,
        measured: f64,
        unit: &str,
        tested_at: UtcTime,
        by: &UserName,
        now: UtcTime,
    ) -> Result<IntegrityTest, DomainError> {
        let limit = positive("maker_limit", limit)?;
        let measured = non_negative("measured", measured)?;
        if tested_at > now {
            return Err(DomainError::invalid("tested_at", crate::Why::Future));
        }
        let order_ok = match stage {
            IntegrityStage::PreUse => tested_at <= f.performed_at,
            IntegrityStage::PostUse => tested_at >= f.performed_at,
        };
        if !order_ok {
            return Err(DomainError::invalid(
                "tested_at",
                crate::Why::said(
                    format!(
                        "a {} test must be {} the filtration ({})",
                        stage.as_str(),
                        if stage == IntegrityStage::PreUse {
                            "before"
                        } else {
                            "after"
                        },
                        f.performed_at
                    ),
                    format!(
                        "完全性試験の日時がろ過の前後関係と合いません (使用{}試験はろ過 {} の{})",
                        if stage == IntegrityStage::PreUse {
                            "前"
                        } else {
                            "後"
                        },
                        f.performed_at,
                        if stage == IntegrityStage::PreUse {
                            "前"
                        } else {
                            "後"
                        }
                    ),
                ),
            ));
        }
        Ok(IntegrityTest {
            id,
            filtration: f.id.clone(),
            lot: f.lot.clone(),
            stage,
            method,
            maker_limit: limit,
            measured,
            unit: text("unit", unit)?,
            passed: method.passes(limit, measured),
            tested_at,
            tested_by: by.clone(),
        })
    }
}

/// A filtration fit for filling: none of its recorded tests failed.
pub fn fit_for_filling(f: &SterileFiltration, tests: &[IntegrityTest]) -> bool {
    f.pore_um <= STERILISING_PORE_UM
        && f.sterilising_grade
        && !tests.iter().any(|t| t.filtration == f.id && !t.passed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn methods_compare_the_right_way() {
        assert!(IntegrityMethod::BubblePoint.passes(3.2, 3.5));
        assert!(!IntegrityMethod::BubblePoint.passes(3.2, 3.0));
        assert!(IntegrityMethod::Diffusion.passes(20.0, 12.0));
        assert!(!IntegrityMethod::Diffusion.passes(20.0, 25.0));
        assert!(!IntegrityMethod::PressureHold.passes(40.0, 41.0));
    }
}

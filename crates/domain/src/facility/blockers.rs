//! The release blockers of sterility assurance, added to the QC blockers of `qc::release`: no
//! sterilising filtration, a missing or failed integrity test, an EM action excursion in the lot's
//! rooms and window without a deviation on the lot, equipment used out of calibration, an operator
//! unqualified for an aseptic step, a failed media fill of the product not yet closed.

use crate::{
    facility::{
        em::EmResult,
        filter::{IntegrityStage, IntegrityTest, SterileFiltration},
        training::MediaFill,
    },
    ids::LotNumber,
    qc::release::{BlockerKind, ReleaseBlocker},
};

fn blocker(kind: BlockerKind, subject: &str, en: String, ja: String) -> ReleaseBlocker {
    ReleaseBlocker {
        kind,
        subject: subject.to_string(),
        message: en,
        message_ja: ja,
    }
}

/// Filtration and integrity: a sterilising filtration must exist; each one needs a passing
/// post-use test; any failed test (pre- or post-use) blocks.
pub fn filtration_blockers(
    lot: &LotNumber,
    filtrations: &[SterileFiltration],
    tests: &[IntegrityTest],
) -> Vec<ReleaseBlocker> {
    if filtrations.is_empty() {
        return vec![blocker(
            BlockerKind::NoSterileFiltration,
            lot.as_str(),
            format!("lot {lot} records no sterilising (≤ 0.22 µm) filtration"),
            format!("無菌ろ過なし: ロット {lot} に 0.22 µm 以下の無菌ろ過の記録がありません"),
        )];
    }
    let mut out = Vec::new();
    for f in filtrations {
        let mine: Vec<&IntegrityTest> = tests.iter().filter(|t| t.filtration == f.id).collect();
        // A filter that failed its pre-use test and has no post-use test was replaced before use
        // (filling needed another, passing filtration): it neither blocks nor waits for a test.
        let failed_pre = mine
            .iter()
            .any(|t| t.stage == IntegrityStage::PreUse && !t.passed);
        let post = mine.iter().any(|t| t.stage == IntegrityStage::PostUse);
        if failed_pre && !post && filtrations.len() > 1 {
            continue;
        }
        for t in mine.iter().filter(|t| !t.passed) {
            out.push(blocker(
                BlockerKind::IntegrityTestFailed,
                &t.id,
                format!(
                    "filter {} lot {}: {} {} test failed (measured {} {}, maker's limit {} {})",
                    f.filter_model, f.filter_lot, t.stage.as_str(), t.method.as_str(),
                    t.measured, t.unit, t.maker_limit, t.unit
                ),
                format!(
                    "完全性試験不適合: フィルター {} ロット {} の{} (測定値 {} {}、メーカー基準 {} {})",
                    f.filter_model, f.filter_lot, t.method.name_ja(), t.measured, t.unit, t.maker_limit, t.unit
                ),
            ));
        }
        if !mine
            .iter()
            .any(|t| t.stage == IntegrityStage::PostUse && t.passed)
            && !mine
                .iter()
                .any(|t| t.stage == IntegrityStage::PostUse && !t.passed)
        {
            out.push(blocker(
                BlockerKind::IntegrityTestMissing,
                &f.id,
                format!(
                    "filtration {} (filter {} lot {}) has no post-use integrity test",
                    f.id, f.filter_model, f.filter_lot
                ),
                format!(
                    "完全性試験未実施: ろ過 {} (フィルター {} ロット {}) の使用後完全性試験がありません",
                    f.id, f.filter_model, f.filter_lot
                ),
            ));
        }
    }
    out
}

/// An action excursion affecting the lot (its room/zone, in the window) that no deviation on the
/// lot names.
pub fn excursion_blocker(e: &EmResult) -> ReleaseBlocker {
    blocker(
        BlockerKind::EmExcursion,
        &e.id,
        format!(
            "environmental monitoring {}: {} {} {} at {} exceeds the action limit {} and no deviation on the lot covers it",
            e.id,
            e.room,
            e.sample_type.name(),
            e.value,
            e.sampled_at,
            e.action_limit.unwrap_or_default()
        ),
        format!(
            "環境モニタリング処置基準超過: {} {} {} = {} ({}) 、処置基準 {} — ロットに逸脱がありません",
            e.id,
            e.room,
            e.sample_type.name_ja(),
            e.value,
            e.sampled_at,
            e.action_limit.unwrap_or_default()
        ),
    )
}

/// A step used equipment out of calibration or qualification (reason from `Equipment::unfit_at`).
pub fn equipment_blocker(step: &str, reason: (String, String)) -> ReleaseBlocker {
    blocker(
        BlockerKind::EquipmentUnfit,
        step,
        format!("step {step}: {}", reason.0),
        format!("工程 {step}: {}", reason.1),
    )
}

/// A step in a grade A zone recorded by an operator without qualification in force.
pub fn operator_blocker(step: &str, reason: (String, String)) -> ReleaseBlocker {
    blocker(
        BlockerKind::OperatorUnqualified,
        step,
        format!("step {step}: {}", reason.0),
        format!("工程 {step}: {}", reason.1),
    )
}

/// A failed media fill of the lot's product, not yet closed.
pub fn media_fill_blocker(m: &MediaFill) -> ReleaseBlocker {
    blocker(
        BlockerKind::MediaFillFailed,
        &m.id,
        format!(
            "media fill {} of {} in {} failed ({} of {} units positive) and is not closed",
            m.id, m.product, m.room, m.units_positive, m.units_filled
        ),
        format!(
            "培地充填試験不適合: {} ({} / {}) で {} / {} 本が陽性、未完了",
            m.id, m.product, m.room, m.units_positive, m.units_filled
        ),
    )
}

//! The release rule (出荷判定, DESIGN.md §3): every reason a lot may not be released, each with an
//! English and a Japanese message, so that a refusal lists all of them at once — a test without a
//! result, a failing result no approved deviation covers, a deviation QA has not closed, a signer who
//! took part in the lot's manufacture, or a lot that has no specification to be tested against.

use crate::{
    ids::{LotNumber, UserName},
    qc::{
        deviation::Deviation,
        result::{TestResult, Verdict},
        spec::Specification,
    },
};
use serde::{Deserialize, Serialize};

/// Why a lot may not be released.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum BlockerKind {
    /// The lot records no specification (not filled).
    NoSpecification,
    /// A test of the specification has no result (試験結果未入力).
    MissingResult,
    /// A result fails its criterion and no approved deviation covers it (規格外).
    OutOfSpecification,
    /// A deviation is open or assessed, awaiting QA (未完了の逸脱).
    OpenDeviation,
    /// The signer recorded a step of the lot's manufacture (職務分掌).
    SegregationOfDuties,
    /// No sterilising (≤ 0.22 µm) filtration is recorded (無菌ろ過なし).
    NoSterileFiltration,
    /// The sterilising filter has no post-use integrity test (完全性試験未実施).
    IntegrityTestMissing,
    /// An integrity test of the sterilising filter failed (完全性試験不適合).
    IntegrityTestFailed,
    /// An action excursion of environmental monitoring in the lot's room/zone and window with no
    /// deviation on the lot (環境モニタリング処置基準超過).
    EmExcursion,
    /// Equipment used in a step was out of calibration or qualification (校正期限切れ).
    EquipmentUnfit,
    /// An operator recorded an aseptic step without qualification in force (無菌操作資格なし).
    OperatorUnqualified,
    /// A media fill of the product's process failed and is not closed (培地充填試験不適合).
    MediaFillFailed,
    /// A batch record exception against its master batch record not dispositioned: a deviation
    /// of a step not decided, a step missing or awaiting verification (製造記録の例外未処理).
    BatchRecordException,
}

/// One reason a release is refused: the kind, what it is about (a test code, a deviation id or a
/// user), and the message in English and Japanese.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ReleaseBlocker {
    pub kind: BlockerKind,
    pub subject: String,
    pub message: String,
    pub message_ja: String,
}

/// The blockers' English messages as one numbered line (for error texts).
pub fn list(blockers: &[ReleaseBlocker]) -> String {
    blockers
        .iter()
        .enumerate()
        .map(|(i, b)| format!("({}) {}", i + 1, b.message))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Everything about a lot's tests and deviations that blocks its release: every test of `spec`
/// without a result, every failing result not covered by an approved deviation naming its test,
/// every deviation still open or assessed. Results of other specifications are ignored.
pub fn release_blockers(
    spec: &Specification,
    results: &[TestResult],
    deviations: &[Deviation],
) -> Vec<ReleaseBlocker> {
    let mut out = Vec::new();
    for test in &spec.tests {
        let code = test.code.as_str();
        let Some(r) = results
            .iter()
            .find(|r| r.specification == spec.id && r.test.as_str() == code)
        else {
            out.push(ReleaseBlocker {
                kind: BlockerKind::MissingResult,
                subject: code.to_string(),
                message: format!("test {code} ({}): no result entered", test.name),
                message_ja: format!("試験結果未入力: {} ({code})", test.name_ja),
            });
            continue;
        };
        // Judged again against the criterion: the stored verdict is what was shown at entry.
        let verdict = test
            .acceptance
            .judge_censored(r.value, r.censor, r.outcome.as_deref())
            .unwrap_or(Verdict::Fail);
        if verdict == Verdict::Fail && !deviations.iter().any(|d| d.covers(code)) {
            out.push(ReleaseBlocker {
                kind: BlockerKind::OutOfSpecification,
                subject: code.to_string(),
                message: format!(
                    "test {code} ({}): result {} is out of specification ({}) and no approved deviation covers it",
                    test.name,
                    r.shown(),
                    test.criterion()
                ),
                message_ja: format!(
                    "規格外: {} ({code}) の結果 {} が規格 ({}) に適合せず、承認済みの逸脱がありません",
                    test.name_ja,
                    r.shown().replace("particles", "個"),
                    test.criterion_ja()
                ),
            });
        }
    }
    out.extend(open_deviations(deviations));
    out
}

/// A blocker for every deviation still open or assessed (QA has not closed it).
pub fn open_deviations(deviations: &[Deviation]) -> impl Iterator<Item = ReleaseBlocker> + '_ {
    deviations
        .iter()
        .filter(|d| !d.status.is_closed())
        .map(|d| ReleaseBlocker {
            kind: BlockerKind::OpenDeviation,
            subject: d.id.clone(),
            message: format!(
                "deviation {} is {}: QA must approve or reject it",
                d.id,
                d.status.as_str()
            ),
            message_ja: format!("未完了の逸脱: {} ({})", d.id, d.status.name_ja()),
        })
}

/// The lot has no specification recorded, so nothing can be judged.
pub fn no_specification(lot: &LotNumber) -> ReleaseBlocker {
    ReleaseBlocker {
        kind: BlockerKind::NoSpecification,
        subject: lot.to_string(),
        message: format!("lot {lot} records no specification (it has not been filled)"),
        message_ja: format!("規格未設定: ロット {lot} に規格が記録されていません (未充填)"),
    }
}

/// The signer took part in the lot's manufacture.
pub fn segregation_of_duties(signer: &UserName, lot: &LotNumber) -> ReleaseBlocker {
    ReleaseBlocker {
        kind: BlockerKind::SegregationOfDuties,
        subject: signer.to_string(),
        message: format!(
            "segregation of duties: {signer} recorded a step of lot {lot}'s manufacture and may not release it"
        ),
        message_ja: format!(
            "職務分掌: {signer} はロット {lot} の製造記録に関与したため出荷判定できません"
        ),
    }
}

#[cfg(test)]
mod tests;

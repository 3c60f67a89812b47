//! Review by exception (例外照査): what departed from the master in a batch's record — values
//! outside their limits, deviations and their status, skipped or missing steps, steps awaiting
//! verification, entries made long after the event, corrections, steps done by someone without
//! the aseptic qualifications a grade A step needs or with equipment out of calibration or
//! qualification — each marked dispositioned or not, and the release blockers the
//! undispositioned ones make. Late entries and corrections (which carry their reason) need no
//! decision; an unqualified operator or overdue equipment is dispositioned by a deviation on the
//! step that QA has decided.

use crate::{
    mbr::{
        deviation::StepDeviation,
        execution::{StepRecord, StepStatus},
        master::{MasterRecord, Stage},
        use_case::UseCase,
    },
    qc::{BlockerKind, ReleaseBlocker},
};
use serde::Serialize;

/// An entry made more than this many hours after the event is a late entry.
pub const LATE_ENTRY_HOURS: f64 = 24.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ExceptionKind {
    OutOfLimit,
    Deviation,
    Skipped,
    Missing,
    AwaitingVerification,
    LateEntry,
    Correction,
    Unqualified,
    EquipmentOverdue,
}

impl ExceptionKind {
    /// The snake_case key (as serialised).
    pub fn key(self) -> &'static str {
        match self {
            ExceptionKind::OutOfLimit => "out_of_limit",
            ExceptionKind::Deviation => "deviation",
            ExceptionKind::Skipped => "skipped",
            ExceptionKind::Missing => "missing",
            ExceptionKind::AwaitingVerification => "awaiting_verification",
            ExceptionKind::LateEntry => "late_entry",
            ExceptionKind::Correction => "correction",
            ExceptionKind::Unqualified => "unqualified",
            ExceptionKind::EquipmentOverdue => "equipment_overdue",
        }
    }
    pub fn name_ja(self) -> &'static str {
        match self {
            ExceptionKind::OutOfLimit => "規格外の値",
            ExceptionKind::Deviation => "逸脱",
            ExceptionKind::Skipped => "工程省略",
            ExceptionKind::Missing => "未記録の工程",
            ExceptionKind::AwaitingVerification => "ダブルチェック待ち",
            ExceptionKind::LateEntry => "遅延記入",
            ExceptionKind::Correction => "訂正",
            ExceptionKind::Unqualified => "無資格者による作業",
            ExceptionKind::EquipmentOverdue => "校正・適格性期限切れの機器",
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            ExceptionKind::OutOfLimit => "value outside its limit",
            ExceptionKind::Deviation => "deviation",
            ExceptionKind::Skipped => "step skipped",
            ExceptionKind::Missing => "step not recorded",
            ExceptionKind::AwaitingVerification => "awaiting second-person verification",
            ExceptionKind::LateEntry => "late entry",
            ExceptionKind::Correction => "correction",
            ExceptionKind::Unqualified => "done by an unqualified person",
            ExceptionKind::EquipmentOverdue => "equipment overdue",
        }
    }
}

/// One exception of a batch's record.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Exception {
    pub kind: ExceptionKind,
    pub batch: String,
    pub step: String,
    pub message: String,
    /// The same in Japanese.
    pub message_ja: String,
    /// Decided by QA (or, for a late entry, needing no decision).
    pub dispositioned: bool,
}

/// The exceptions of one batch's record; `filled`: whether the lot is filled (then filling steps
/// not recorded are missing too).
pub fn exceptions(
    batch: &str,
    master: &MasterRecord,
    records: &[StepRecord],
    deviations: &[StepDeviation],
    filled: bool,
) -> Vec<Exception> {
    let mut out = Vec::new();
    let ex = |kind, step: &str, (message, message_ja): (String, String), dispositioned| Exception {
        kind,
        batch: batch.to_string(),
        step: step.to_string(),
        message,
        message_ja,
        dispositioned,
    };
    let closed = |step: &str, param: Option<&str>| {
        deviations
            .iter()
            .any(|d| d.step == step && d.parameter.as_deref() == param && d.status.is_closed())
    };
    for d in deviations {
        out.push(ex(
            ExceptionKind::Deviation,
            &d.step,
            (
                format!("{} [{}]: {}", d.id, d.status.as_str(), d.description),
                format!("{} [{}]: {}", d.id, d.status.name_ja(), d.description),
            ),
            d.status.is_closed(),
        ));
    }
    for s in &master.steps {
        let Some(r) = records.iter().find(|r| r.step == s.code) else {
            if s.stage < Stage::Filling || filled {
                out.push(ex(
                    ExceptionKind::Missing,
                    &s.code,
                    (
                        format!("step {} ({}) is not recorded", s.code, s.name),
                        format!("工程 {} ({}) の記録がありません", s.code, s.name),
                    ),
                    false,
                ));
            }
            continue;
        };
        for v in r.entered.iter().filter(|v| !v.within) {
            out.push(ex(
                ExceptionKind::OutOfLimit,
                &s.code,
                (
                    format!(
                        "step {}: {} = {} {} outside {}",
                        s.code, v.parameter, v.value, v.unit, v.limit
                    ),
                    format!(
                        "工程 {}: {} = {} {} が {} を外れています",
                        s.code, v.parameter, v.value, v.unit, v.limit
                    ),
                ),
                closed(&s.code, Some(&v.parameter)),
            ));
        }
        match r.status {
            StepStatus::Skipped => out.push(ex(
                ExceptionKind::Skipped,
                &s.code,
                (
                    format!("step {} ({}) skipped", s.code, s.name),
                    format!("工程 {} ({}) は省略されました", s.code, s.name),
                ),
                closed(&s.code, None),
            )),
            StepStatus::AwaitingVerification => out.push(ex(
                ExceptionKind::AwaitingVerification,
                &s.code,
                (
                    format!(
                        "step {} recorded by {}, not yet verified",
                        s.code, r.recorded_by
                    ),
                    format!(
                        "工程 {} は {} が記録し、まだ確認されていません",
                        s.code, r.recorded_by
                    ),
                ),
                false,
            )),
            StepStatus::Complete => {}
        }
        // An observation step's values were entered with the observation it takes.
        let late = r.performed_at.hours_until(r.recorded_at);
        if late > LATE_ENTRY_HOURS && s.use_case != Some(UseCase::Observation) {
            out.push(ex(
                ExceptionKind::LateEntry,
                &s.code,
                (
                    format!(
                        "step {} recorded {:.0} h after it was done ({} by {})",
                        s.code, late, r.recorded_at, r.recorded_by
                    ),
                    format!(
                        "工程 {} は実施の {:.0} 時間後に記録されました ({}、{})",
                        s.code, late, r.recorded_at, r.recorded_by
                    ),
                ),
                true,
            ));
        }
        for c in &r.corrections {
            let was = c
                .previous
                .iter()
                .map(|v| format!("{} = {} {}", v.parameter, v.value, v.unit))
                .collect::<Vec<_>>()
                .join(", ");
            out.push(ex(
                ExceptionKind::Correction,
                &s.code,
                (
                    format!(
                        "step {} corrected at {} by {}: {} (was {was})",
                        s.code, c.at, c.by, c.reason
                    ),
                    format!(
                        "工程 {} は {} に {} が訂正しました: {} (訂正前 {was})",
                        s.code, c.at, c.by, c.reason
                    ),
                ),
                true,
            ));
        }
    }
    out
}

/// What the facility records say about one recorded step: the message (en, ja) when the person who
/// recorded it lacked the qualifications its grade A room needs, and when its equipment was out
/// of calibration or qualification at the time (found by the service from issue 14's records).
#[derive(Debug, Clone, Default)]
pub struct PlaceFacts {
    pub unqualified: Option<(String, String)>,
    pub equipment_overdue: Option<(String, String)>,
}

/// The exceptions of a step's place; dispositioned once QA decided a deviation on that step
/// (other than a value's).
pub fn place_exceptions(
    batch: &str,
    record: &StepRecord,
    facts: &PlaceFacts,
    deviations: &[StepDeviation],
) -> Vec<Exception> {
    let decided = deviations
        .iter()
        .any(|d| d.step == record.step && d.parameter.is_none() && d.status.is_closed());
    [
        (ExceptionKind::Unqualified, &facts.unqualified),
        (ExceptionKind::EquipmentOverdue, &facts.equipment_overdue),
    ]
    .into_iter()
    .filter_map(|(kind, m)| {
        m.as_ref().map(|(en, ja)| Exception {
            kind,
            batch: batch.to_string(),
            step: record.step.clone(),
            message: format!("step {}: {en}", record.step),
            message_ja: format!("工程 {}: {ja}", record.step),
            dispositioned: decided,
        })
    })
    .collect()
}

/// The release blockers of exceptions not dispositioned.
pub fn blockers(exceptions: &[Exception]) -> Vec<ReleaseBlocker> {
    exceptions
        .iter()
        .filter(|e| !e.dispositioned)
        .map(|e| ReleaseBlocker {
            kind: BlockerKind::BatchRecordException,
            subject: format!("{}/{}", e.batch, e.step),
            message: format!("batch {}: {} — {}", e.batch, e.kind.name(), e.message),
            message_ja: format!(
                "バッチ {}: {} — {}",
                e.batch,
                e.kind.name_ja(),
                e.message_ja
            ),
        })
        .collect()
}

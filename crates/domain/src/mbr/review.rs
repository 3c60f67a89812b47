//! Review by exception (例外照査): what departed from the master in a batch's record — values
//! outside their limits, deviations and their status, skipped or missing steps, steps awaiting
//! verification, entries made long after the event — each marked dispositioned or not, and the
//! release blockers the undispositioned ones make.

use crate::{
    mbr::{
        execution::{StepDeviation, StepRecord, StepStatus},
        master::{MasterRecord, Stage},
    },
    qc::{BlockerKind, ReleaseBlocker},
};
use serde::Serialize;

/// An entry made more than this many hours after the event is a late entry.
pub const LATE_ENTRY_HOURS: f64 = 24.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ExceptionKind {
    OutOfLimit,
    Deviation,
    Skipped,
    Missing,
    AwaitingVerification,
    LateEntry,
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
        }
    }
}

/// One exception of a batch's record.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Exception {
    pub kind: ExceptionKind,
    pub batch: String,
    pub step: String,
    pub message: String,
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
    let ex = |kind, step: &str, message: String, dispositioned| Exception {
        kind,
        batch: batch.to_string(),
        step: step.to_string(),
        message,
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
            format!("{} [{}]: {}", d.id, d.status.as_str(), d.description),
            d.status.is_closed(),
        ));
    }
    for s in &master.steps {
        let Some(r) = records.iter().find(|r| r.step == s.code) else {
            if s.stage < Stage::Filling || filled {
                out.push(ex(
                    ExceptionKind::Missing,
                    &s.code,
                    format!("step {} ({}) is not recorded", s.code, s.name),
                    false,
                ));
            }
            continue;
        };
        for v in r.entered.iter().filter(|v| !v.within) {
            out.push(ex(
                ExceptionKind::OutOfLimit,
                &s.code,
                format!(
                    "step {}: {} = {} {} outside {}",
                    s.code, v.parameter, v.value, v.unit, v.limit
                ),
                closed(&s.code, Some(&v.parameter)),
            ));
        }
        match r.status {
            StepStatus::Skipped => out.push(ex(
                ExceptionKind::Skipped,
                &s.code,
                format!("step {} ({}) skipped", s.code, s.name),
                closed(&s.code, None),
            )),
            StepStatus::AwaitingVerification => out.push(ex(
                ExceptionKind::AwaitingVerification,
                &s.code,
                format!(
                    "step {} recorded by {}, not yet verified",
                    s.code, r.recorded_by
                ),
                false,
            )),
            StepStatus::Complete => {}
        }
        let late = r.performed_at.hours_until(r.recorded_at);
        if late > LATE_ENTRY_HOURS {
            out.push(ex(
                ExceptionKind::LateEntry,
                &s.code,
                format!(
                    "step {} recorded {:.0} h after it was done ({} by {})",
                    s.code, late, r.recorded_at, r.recorded_by
                ),
                true,
            ));
        }
    }
    out
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
            message_ja: format!("バッチ {}: {} — {}", e.batch, e.kind.name_ja(), e.message),
        })
        .collect()
}

//! The site's own environmental monitoring limits under change control (Annex 1 §9.26: alert levels
//! are the site's, set from trend data; action limits may be tighter than the Annex's). The Annex 1
//! table values (`em::default_limits`) hold until the site sets a grade × sample type limit; each
//! change is a new `EmLimit` row — who, when, why, from when it applies, and the value it replaces —
//! so a result is always judged against the limit that was in force when it was sampled
//! (`effective_limits`), and an earlier judgement is never rewritten.

use crate::{
    DomainError, Invalids, UtcTime,
    facility::{
        em::{EmSampleType, Limits, default_limits},
        room::Grade,
    },
    ids::UserName,
    quantity::{non_negative, text},
};
use serde::{Deserialize, Serialize};

/// One change of a grade × sample type limit (a version; the newest in force wins).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct EmLimit {
    /// `{grade}/{sample_type}/{n:03}`, e.g. `B/settle_plate/002`.
    pub id: String,
    pub grade: Grade,
    pub sample_type: EmSampleType,
    pub alert_limit: Option<f64>,
    pub action_limit: f64,
    /// What it replaces: the limit in force at `effective_from` before this change (the Annex 1
    /// default or an earlier change); None where none was set.
    pub previous_alert: Option<f64>,
    pub previous_action: Option<f64>,
    /// Results sampled at or after this time are judged against this limit.
    pub effective_from: UtcTime,
    /// The change control's reason (e.g. the trend review or change request that set it).
    pub reason: String,
    pub set_by: UserName,
    pub set_at: UtcTime,
}

impl EmLimit {
    /// A change of the limit for `grade` × `sample_type`: the `n`th for that pair, replacing
    /// `previous` (the limit in force at `effective_from`). The action limit is required; an alert
    /// limit, when given, is below it. `effective_from` (default `now`) is not in the past: a
    /// change never re-judges results already sampled.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        n: usize,
        grade: Grade,
        sample_type: EmSampleType,
        alert: Option<f64>,
        action: f64,
        previous: Option<Limits>,
        effective_from: Option<UtcTime>,
        reason: &str,
        by: &UserName,
        now: UtcTime,
    ) -> Result<EmLimit, DomainError> {
        let mut all = Invalids::default();
        let action = all.take(non_negative("action_limit", action));
        let alert = all.take(alert.map(|a| non_negative("alert_limit", a)).transpose());
        let reason = all.take(text("reason", reason));
        let effective_from = effective_from.unwrap_or(now);
        if effective_from < now {
            all.take::<()>(Err(DomainError::invalid(
                "effective_from", crate::Why::said("must not be in the past: results already sampled keep the limit they were judged against", "過去の日時にはできません (判定済みの結果は当時の基準のまま)"),
            )));
        }
        if let (Some(Some(al)), Some(ac)) = (alert, action)
            && al >= ac
        {
            all.take::<()>(Err(DomainError::invalid(
                "alert_limit",
                crate::Why::said(
                    format!("must be below the action limit {ac}"),
                    format!("警報基準は処置基準 {ac} より低くしてください"),
                ),
            )));
        }
        let (Some(alert), Some(action), Some(reason), true) =
            (alert, action, reason, all.is_empty())
        else {
            return Err(all.into_error());
        };
        Ok(EmLimit {
            id: format!("{}/{}/{n:03}", grade.as_str(), sample_type.as_str()),
            grade,
            sample_type,
            alert_limit: alert,
            action_limit: action,
            previous_alert: previous.and_then(|l| l.alert),
            previous_action: previous.map(|l| l.action),
            effective_from,
            reason,
            set_by: by.clone(),
            set_at: now,
        })
    }

    pub fn limits(&self) -> Limits {
        Limits {
            alert: self.alert_limit,
            action: self.action_limit,
        }
    }
}

/// The limit in force for `grade` × `sample_type` at `at`: the newest change effective by then
/// (ties: the later set), else the Annex 1 default.
pub fn effective_limits(
    grade: Grade,
    sample_type: EmSampleType,
    at: UtcTime,
    changes: &[EmLimit],
) -> Option<Limits> {
    changes
        .iter()
        .filter(|c| c.grade == grade && c.sample_type == sample_type && c.effective_from <= at)
        .max_by_key(|c| (c.effective_from, c.set_at, c.id.clone()))
        .map(EmLimit::limits)
        .or_else(|| default_limits(grade, sample_type))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> UtcTime {
        UtcTime::parse("t", s).unwrap()
    }

    #[test]
    fn a_change_applies_from_its_time_and_keeps_what_it_replaced() {
        let qa = UserName::new("qa").unwrap();
        let now = t("2026-11-01T00:00:00Z");
        let before = default_limits(Grade::B, EmSampleType::SettlePlate);
        let c = EmLimit::new(
            1,
            Grade::B,
            EmSampleType::SettlePlate,
            Some(1.0),
            3.0,
            before,
            None,
            "trend review TR-2026-04",
            &qa,
            now,
        )
        .unwrap();
        assert_eq!(c.id, "B/settle_plate/001");
        assert_eq!(c.previous_action, Some(5.0));
        let changes = [c];
        let at = |s| effective_limits(Grade::B, EmSampleType::SettlePlate, t(s), &changes);
        assert_eq!(at("2026-10-31T23:59:59Z"), before);
        assert_eq!(
            at("2026-11-01T00:00:00Z"),
            Some(Limits {
                alert: Some(1.0),
                action: 3.0
            })
        );
        assert_eq!(
            effective_limits(
                Grade::C,
                EmSampleType::SettlePlate,
                t("2026-12-01T00:00:00Z"),
                &changes
            ),
            default_limits(Grade::C, EmSampleType::SettlePlate)
        );
    }

    #[test]
    fn a_bad_change_is_refused_naming_every_field() {
        let qa = UserName::new("qa").unwrap();
        let now = t("2026-11-01T00:00:00Z");
        let e = EmLimit::new(
            1,
            Grade::B,
            EmSampleType::ActiveAir,
            Some(20.0),
            10.0,
            None,
            Some(t("2026-10-01T00:00:00Z")),
            " ",
            &qa,
            now,
        )
        .unwrap_err()
        .to_string();
        for f in ["alert_limit", "effective_from", "reason"] {
            assert!(e.contains(f), "{f} in {e}");
        }
    }
}

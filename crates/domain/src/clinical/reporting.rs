//! Adverse-event reporting deadlines (疾病等報告, Act on the Safety of Regenerative Medicine and its
//! Enforcement Ordinance): which seriousness criteria an event meets, and when its report to the
//! committee and the authority is due — deaths and life-threatening events within 7 days, other
//! serious events within 15 days, the rest in the periodic report. Days are calendar days counted
//! in Japan (JST) from the day the physician became aware: aware on 31 January (JST) → 7-day report
//! due by the end of 7 February (JST). Pure: the awareness instant is a parameter.

use super::choice;
use crate::{DomainError, UtcTime};
use jiff::{ToSpan, civil::Date, tz::TimeZone};

/// The zone deadlines are counted in.
pub const REPORTING_ZONE: &str = "Asia/Tokyo";

choice!(/// Seriousness criteria as the ordinance lists them (施行規則 第35条).
    SeriousCriterion, "criteria" {
    Death => "death", "Death", "死亡";
    LifeThreatening => "life_threatening", "Life-threatening (could lead to death)", "死亡につながるおそれ";
    Hospitalisation => "hospitalisation", "Hospitalisation or its prolongation", "入院又は入院期間の延長";
    Disability => "disability", "Disability", "障害";
    RiskOfDisability => "risk_of_disability", "Could lead to disability", "障害につながるおそれ";
    OtherSerious => "other_serious", "Otherwise serious (comparable to the above)", "上記に準じて重篤";
    CongenitalAnomaly => "congenital_anomaly", "Congenital disease or anomaly in offspring", "後世代における先天性の疾病又は異常";
});

/// When a report is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportDue {
    /// Within `days` calendar days: due by the end of `date` (JST); `end` is the first instant after.
    By { days: i64, date: Date, end: UtcTime },
    /// Not serious: in the periodic report.
    Periodic,
}

impl ReportDue {
    /// Overdue at `now` (a periodic report never is, here).
    pub fn overdue(&self, now: UtcTime) -> bool {
        matches!(self, ReportDue::By { end, .. } if now >= *end)
    }
    /// Due within `days` days of `now` and not yet overdue.
    pub fn due_soon(&self, now: UtcTime, days: f64) -> bool {
        matches!(self, ReportDue::By { end, .. } if now < *end && now.hours_until(*end) <= days * 24.0)
    }
}

/// The reporting period for an event meeting `criteria` (none: not serious).
pub fn report_days(criteria: &[SeriousCriterion]) -> Option<i64> {
    if criteria.iter().any(|c| {
        matches!(
            c,
            SeriousCriterion::Death | SeriousCriterion::LifeThreatening
        )
    }) {
        Some(7)
    } else if criteria.is_empty() {
        None
    } else {
        Some(15)
    }
}

/// The deadline of the report of an event meeting `criteria`, the physician aware at `aware_at`.
/// None only if the date is out of the calendar's range.
pub fn report_deadline(criteria: &[SeriousCriterion], aware_at: UtcTime) -> Option<ReportDue> {
    let Some(days) = report_days(criteria) else {
        return Some(ReportDue::Periodic);
    };
    let tz = TimeZone::get(REPORTING_ZONE).ok()?;
    let aware = aware_at.timestamp().to_zoned_datetime(tz.clone()).date();
    let date = aware.checked_add(days.days()).ok()?;
    let next = date.checked_add(1.day()).ok()?;
    let end = next.to_zoned_datetime(tz).ok()?.timestamp();
    Some(ReportDue::By {
        days,
        date,
        end: UtcTime::from_timestamp(end),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use SeriousCriterion::*;
    use proptest::prelude::*;

    fn t(s: &str) -> UtcTime {
        UtcTime::parse("t", s).unwrap()
    }
    fn date(d: &str) -> Date {
        d.parse().unwrap()
    }
    fn due(c: &[SeriousCriterion], at: &str) -> (i64, Date, UtcTime) {
        match report_deadline(c, t(at)).unwrap() {
            ReportDue::By { days, date, end } => (days, date, end),
            ReportDue::Periodic => panic!("periodic"),
        }
    }

    #[test]
    fn seven_days_for_death_and_life_threatening_fifteen_for_other_serious() {
        assert_eq!(report_days(&[Death]), Some(7));
        assert_eq!(report_days(&[Hospitalisation, LifeThreatening]), Some(7));
        assert_eq!(report_days(&[Hospitalisation]), Some(15));
        assert_eq!(report_days(&[CongenitalAnomaly]), Some(15));
        assert_eq!(report_days(&[]), None);
        assert_eq!(
            report_deadline(&[], t("2026-01-31T00:00:00Z")),
            Some(ReportDue::Periodic)
        );
    }

    #[test]
    fn counted_in_jst_across_month_and_year_ends() {
        // 2026-01-31 14:59 UTC is 23:59 JST on the 31st; a minute later it is 1 February in Japan.
        assert_eq!(due(&[Death], "2026-01-31T14:59:00Z").1, date("2026-02-07"));
        assert_eq!(due(&[Death], "2026-01-31T15:00:00Z").1, date("2026-02-08"));
        // 15 days from 20 February: 7 March in a common year, 6 March in a leap year
        assert_eq!(
            due(&[Disability], "2026-02-20T03:00:00Z").1,
            date("2026-03-07")
        );
        assert_eq!(
            due(&[Disability], "2028-02-20T03:00:00Z").1,
            date("2028-03-06")
        );
        // across the year end; the deadline ends at midnight JST (15:00 UTC the day before)
        let (_, d, end) = due(&[LifeThreatening], "2026-12-28T10:00:00Z");
        assert_eq!(d, date("2027-01-04"));
        assert_eq!(end, t("2027-01-04T15:00:00Z"));
        // 30 April + 15 → 15 May
        assert_eq!(
            due(&[OtherSerious], "2026-04-30T01:00:00Z").1,
            date("2026-05-15")
        );
    }

    #[test]
    fn overdue_and_due_soon() {
        let d = report_deadline(&[Hospitalisation], t("2026-11-01T00:00:00Z")).unwrap();
        assert!(
            !d.overdue(t("2026-11-16T14:59:59Z")),
            "last second of 16 Nov JST"
        );
        assert!(d.overdue(t("2026-11-16T15:00:00Z")));
        assert!(d.due_soon(t("2026-11-14T00:00:00Z"), 3.0));
        assert!(!d.due_soon(t("2026-11-05T00:00:00Z"), 3.0));
        assert!(!ReportDue::Periodic.overdue(t("2099-01-01T00:00:00Z")));
    }

    proptest! {
        #[test]
        fn the_due_date_is_exactly_n_days_after_the_jst_awareness_date(
            secs in 1_600_000_000i64..2_200_000_000i64,
            death in any::<bool>(),
        ) {
            let at = UtcTime::from_timestamp(jiff::Timestamp::from_second(secs).unwrap());
            let c = if death { vec![Death] } else { vec![Hospitalisation] };
            let ReportDue::By { days, date, end } = report_deadline(&c, at).unwrap() else {
                panic!("serious is never periodic");
            };
            let tz = TimeZone::get(REPORTING_ZONE).unwrap();
            let aware = at.timestamp().to_zoned_datetime(tz).date();
            prop_assert_eq!(days, if death { 7 } else { 15 });
            prop_assert_eq!(aware.until(date).unwrap().get_days() as i64, days);
            let hours = at.hours_until(end);
            prop_assert!(hours > days as f64 * 24.0 && hours <= (days + 1) as f64 * 24.0);
        }
    }
}

//! Plausibility of recorded times and texts (記録の妥当性), the rules every record's constructor
//! applies so that no edge can save an event dated after the moment it is entered, or before the
//! record it follows:
//!
//! - **Not after entry**: an event time may be at most [`ENTRY_TOLERANCE_MINUTES`] after `now` (the
//!   moment the use case is given). The tolerance absorbs clocks of instruments and workstations
//!   that run slightly ahead of the server's; anything later is a typing error (a wrong year or day).
//! - **Not before what it follows**: harvest after the conditioning started, fill after the last
//!   processing step, administration after dispensing, a working bank after its master bank …
//! - **Durations against the process**: a harvest outside the conditioning window
//!   ([`HarvestWindow`]: from the stated duration minus 10 % to the stated duration plus 25 %) is
//!   refused unless a deviation reason is recorded with it; the batch record then flags it.
//! - **Text lengths**: one-line texts at most [`LINE_MAX`] characters, free notes at most
//!   [`NOTE_MAX`].

use crate::{DomainError, UtcTime};

/// How far after the moment of entry an event time may lie (minutes).
pub const ENTRY_TOLERANCE_MINUTES: f64 = 5.0;

/// Longest one-line text (names, suppliers, units, reasons …), characters.
pub const LINE_MAX: usize = 500;

/// Longest free note (observation notes, assessments), characters.
pub const NOTE_MAX: usize = 2000;

/// `at` must not lie after `now` + [`ENTRY_TOLERANCE_MINUTES`]; the error names `field`.
pub fn not_after_entry(field: &str, at: UtcTime, now: UtcTime) -> Result<UtcTime, DomainError> {
    if now.hours_until(at) > ENTRY_TOLERANCE_MINUTES / 60.0 {
        return Err(DomainError::invalid(
            field,
            crate::Why::said(
                format!("must not be in the future (entered at {now}, given {at})"),
                format!(
                    "未来の日時は記録できません (入力時刻から 5 分まで; 入力時刻 {now}, 指定 {at})"
                ),
            ),
        ));
    }
    Ok(at)
}

/// What an earlier time is the time of, in English and Japanese (`("seeding", "播種")`).
pub type What<'a> = (&'a str, &'a str);

/// `at` must not lie before `earlier`, the time of `what`; the error names `field`.
pub fn not_before(
    field: &str,
    at: UtcTime,
    earlier: UtcTime,
    (what, what_ja): What,
) -> Result<UtcTime, DomainError> {
    if at < earlier {
        return Err(DomainError::invalid(
            field,
            crate::Why::said(
                format!("cannot be before {what} ({earlier})"),
                format!("{what_ja} ({earlier}) より前の日時にはできません"),
            ),
        ));
    }
    Ok(at)
}

/// Both rules at once: `earlier ≤ at ≤ now + tolerance`.
pub fn event_time(
    field: &str,
    at: UtcTime,
    earlier: Option<(UtcTime, What)>,
    now: UtcTime,
) -> Result<UtcTime, DomainError> {
    if let Some((e, what)) = earlier {
        not_before(field, at, e, what)?;
    }
    not_after_entry(field, at, now)
}

/// An optional free note: trimmed, empty is none, at most [`NOTE_MAX`] characters.
pub fn note(field: &str, s: Option<String>) -> Result<Option<String>, DomainError> {
    let Some(t) = s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    if t.chars().count() > NOTE_MAX {
        return Err(DomainError::invalid(field, crate::Why::TooLong(NOTE_MAX)));
    }
    Ok(Some(t))
}

/// When a conditioned medium may be harvested, relative to the conditioning's stated duration.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HarvestWindow {
    /// Earliest harvest as a fraction of the stated hours (0.9: 43.2 h of a 48 h conditioning).
    pub earliest: f64,
    /// Latest harvest as a fraction of the stated hours (1.25: 60 h of a 48 h conditioning).
    pub latest: f64,
}

impl HarvestWindow {
    /// The facility's window: −10 % … +25 % of the stated duration.
    pub const STANDARD: HarvestWindow = HarvestWindow {
        earliest: 0.9,
        latest: 1.25,
    };

    /// None when `elapsed_h` is inside the window for `stated_h`, else why not (English).
    pub fn outside(self, stated_h: f64, elapsed_h: f64) -> Option<crate::Why> {
        let (lo, hi) = (stated_h * self.earliest, stated_h * self.latest);
        if elapsed_h < lo {
            Some(crate::Why::said(
                format!(
                    "{elapsed_h:.1} h after conditioning started: before the stated {stated_h} h \
                     (earliest {lo:.1} h)"
                ),
                format!(
                    "馴化培養の規定時間に達していません (開始から {elapsed_h:.1} 時間; 規定 {stated_h} 時間、最短 {lo:.1} 時間)"
                ),
            ))
        } else if elapsed_h > hi {
            Some(crate::Why::said(
                format!(
                    "{elapsed_h:.1} h after conditioning started: later than the stated {stated_h} h \
                     allows (latest {hi:.1} h)"
                ),
                format!(
                    "馴化培養の規定時間を超えています (開始から {elapsed_h:.1} 時間; 規定 {stated_h} 時間、最長 {hi:.1} 時間)"
                ),
            ))
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> UtcTime {
        UtcTime::parse("t", s).unwrap()
    }

    #[test]
    fn future_times_are_refused_beyond_the_tolerance() {
        let now = t("2026-12-01T00:00:00Z");
        assert!(not_after_entry("at", t("2026-12-01T00:04:59Z"), now).is_ok());
        let e = not_after_entry("observed_at", t("2027-01-15T00:00:00Z"), now).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("observed_at: must not be in the future")
        );
        assert!(not_after_entry("at", t("2026-12-01T00:05:01Z"), now).is_err());
    }

    #[test]
    fn times_before_the_record_they_follow_are_refused() {
        let e = event_time(
            "harvested_at",
            t("2026-01-01T00:00:00Z"),
            Some((
                t("2026-01-02T00:00:00Z"),
                ("the start of conditioning", "馴化培養の開始"),
            )),
            t("2026-02-01T00:00:00Z"),
        )
        .unwrap_err();
        assert!(
            e.to_string()
                .starts_with("harvested_at: cannot be before the start of conditioning")
        );
    }

    #[test]
    fn harvest_window_is_stated_duration_minus_10_plus_25_percent() {
        let w = HarvestWindow::STANDARD;
        assert!(w.outside(48.0, 48.0).is_none());
        assert!(w.outside(48.0, 43.3).is_none());
        assert!(w.outside(48.0, 60.0).is_none());
        assert!(
            w.outside(48.0, 1.0 / 60.0)
                .unwrap()
                .en()
                .contains("before the stated 48 h")
        );
        assert!(w.outside(48.0, 61.0).unwrap().en().contains("later than"));
    }

    #[test]
    fn notes_are_limited() {
        assert_eq!(note("note", Some("  ".into())).unwrap(), None);
        assert!(note("note", Some("x".repeat(NOTE_MAX + 1))).is_err());
        assert_eq!(
            note("note", Some(" ok ".into())).unwrap().as_deref(),
            Some("ok")
        );
    }
}

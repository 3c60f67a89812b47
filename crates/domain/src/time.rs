//! `UtcTime`: an instant stored as UTC with microsecond precision and one fixed text form
//! (`2026-11-25T03:04:05.000006Z`), so that stored times sort as text and hash identically.

use crate::DomainError;
use jiff::{Timestamp, tz::TimeZone};
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(try_from = "String", into = "String")]
pub struct UtcTime(Timestamp);

impl UtcTime {
    /// Truncates to whole microseconds (the stored precision).
    pub fn from_timestamp(ts: Timestamp) -> Self {
        let micros = ts.as_microsecond();
        Self(Timestamp::from_microsecond(micros).unwrap_or(ts))
    }
    pub fn timestamp(self) -> Timestamp {
        self.0
    }
    /// Parses RFC 3339 (any offset); `field` names the input for errors.
    pub fn parse(field: &str, s: &str) -> Result<Self, DomainError> {
        s.parse::<Timestamp>()
            .map(Self::from_timestamp)
            .map_err(|e| {
                DomainError::invalid(
                    field,
                    crate::Why::said(
                        format!("not an RFC 3339 time: {e}"),
                        "日時を入力してください (RFC 3339)",
                    ),
                )
            })
    }
    /// This instant plus a number of hours (may be fractional); None on overflow.
    pub fn plus_hours(self, hours: f64) -> Option<Self> {
        let micros = (hours * 3_600_000_000.0).round();
        if !micros.is_finite() || micros.abs() > 1e17 {
            return None;
        }
        let ts = Timestamp::from_microsecond(self.0.as_microsecond().checked_add(micros as i64)?)
            .ok()?;
        Some(Self(ts))
    }
    /// Hours from `self` to `later` (negative if `later` is earlier).
    pub fn hours_until(self, later: UtcTime) -> f64 {
        (later.0.as_microsecond() - self.0.as_microsecond()) as f64 / 3_600_000_000.0
    }
    /// Shown in a time zone, e.g. `2026-11-25 12:04 JST` for Asia/Tokyo.
    pub fn display_in(self, tz: &TimeZone) -> String {
        self.0
            .to_zoned_datetime(tz.clone())
            .strftime("%Y-%m-%d %H:%M %Z")
            .to_string()
    }
    /// The calendar date in a time zone, `YYYY-MM-DD`.
    pub fn date_in(self, tz: &TimeZone) -> String {
        self.0
            .to_zoned_datetime(tz.clone())
            .strftime("%Y-%m-%d")
            .to_string()
    }
}

impl fmt::Display for UtcTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let micros = self.0.subsec_microsecond();
        write!(
            f,
            "{}.{:06}Z",
            self.0.strftime("%Y-%m-%dT%H:%M:%S"),
            micros.rem_euclid(1_000_000)
        )
    }
}

impl TryFrom<String> for UtcTime {
    type Error = DomainError;
    fn try_from(s: String) -> Result<Self, DomainError> {
        Self::parse("time", &s)
    }
}
impl From<UtcTime> for String {
    fn from(t: UtcTime) -> String {
        t.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_text_form_round_trips_and_sorts() {
        let a = UtcTime::parse("t", "2026-11-25T12:00:00+09:00").unwrap();
        assert_eq!(a.to_string(), "2026-11-25T03:00:00.000000Z");
        let b = a.plus_hours(0.5).unwrap();
        assert_eq!(b.to_string(), "2026-11-25T03:30:00.000000Z");
        assert!(a.to_string() < b.to_string());
        assert_eq!(UtcTime::parse("t", &b.to_string()).unwrap(), b);
        assert!((a.hours_until(b) - 0.5).abs() < 1e-12);
    }

    #[test]
    fn shown_in_tokyo_time() {
        let a = UtcTime::parse("t", "2026-11-25T03:00:00Z").unwrap();
        let tz = jiff::tz::TimeZone::fixed(jiff::tz::offset(9));
        assert!(a.display_in(&tz).starts_with("2026-11-25 12:00"));
    }

    #[test]
    fn bad_time_names_the_field() {
        let e = UtcTime::parse("seeded_at", "yesterday").unwrap_err();
        assert!(e.to_string().starts_with("seeded_at: not an RFC 3339 time"));
    }
}

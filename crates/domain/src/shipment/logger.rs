//! Temperature data-logger exports (温度ロガー): the series a shipment's logger recorded, read
//! from its CSV export. Two formats, recognised by their header line:
//!
//! * **Generic** — `time,temperature_c` (header names `time`/`timestamp` and `temperature`/
//!   `temperature_c`/`temp_c`, any case). Times are RFC 3339 with an offset, or local
//!   `YYYY-MM-DD HH:MM[:SS]` read in the zone the caller gives (the site's).
//! * **Lascar EasyLog** (EL-USB-1/-2, EL-GFX; EasyLog software's "Export to CSV") — a header whose
//!   first cell is the logger's name, then `Time`, then `Celsius(°C)` or `Fahrenheit(°F)` (more
//!   channels such as `Humidity(%rh)` may follow, and `Serial Number`, filled on the first data
//!   row only); data rows start with the sample number. Times are the PC's local time,
//!   `YYYY-MM-DD HH:MM:SS` or `DD/MM/YYYY HH:MM:SS`, read in the zone the caller gives.
//!
//! Every unreadable cell is reported at once with its line and column; nothing is kept from a
//! file with an error.

use crate::{DomainError, UtcTime, Why};
use jiff::{civil::DateTime, tz::TimeZone};
use serde::{Deserialize, Serialize};

/// One logged temperature.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Reading {
    pub at: UtcTime,
    pub temperature_c: f64,
}

/// The export formats recognised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Generic,
    EasyLog,
}

/// More problems than this are summarised ("… and N more").
const MAX_ERRORS: usize = 20;

/// Reads a logger export (`file` names it in errors; local times are read in `tz`).
pub fn parse(file: &str, body: &str, tz: &TimeZone) -> Result<(Format, Vec<Reading>), DomainError> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(body.trim_start_matches('\u{feff}').as_bytes());
    let mut records = rdr.records();
    let refuse = |line: u64, why: Why| {
        DomainError::invalid(
            "file",
            Why::File {
                file: file.to_string(),
                problems: vec![Why::line(line, why)],
            },
        )
    };
    let header = match records.next() {
        Some(Ok(h)) => h,
        Some(Err(e)) => return Err(refuse(1, csv_error(&e))),
        None => {
            return Err(refuse(
                1,
                Why::said("the file is empty", "ファイルが空です"),
            ));
        }
    };
    let cells: Vec<String> = header.iter().map(|c| c.to_lowercase()).collect();
    let (format, time_col, temp_col, fahrenheit) = detect(&cells).ok_or_else(|| {
        let given = header.iter().collect::<Vec<_>>().join(",");
        refuse(
            1,
            Why::said(
                format!(
                    "header {given:?} is neither `time,temperature_c` nor a Lascar EasyLog export (name, Time, Celsius(°C), …)"
                ),
                format!(
                    "ロガーの CSV 形式として認識できません (見出し {given:?}; time,temperature_c または Lascar EasyLog)"
                ),
            ),
        )
    })?;
    let mut readings = Vec::new();
    let mut errors: Vec<Why> = Vec::new();
    for rec in records {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                errors.push(Why::line(line, csv_error(&e)));
                continue;
            }
        };
        let line = rec.position().map_or(0, |p| p.line());
        if rec.iter().all(str::is_empty) {
            continue;
        }
        let time = rec.get(time_col).unwrap_or("");
        let temp = rec.get(temp_col).unwrap_or("");
        let at = parse_time(time, tz).map_err(|m| Why::cell(line, time_col as u64 + 1, "time", m));
        let t = temp
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .map(|v| {
                if fahrenheit {
                    (v - 32.0) * 5.0 / 9.0
                } else {
                    v
                }
            })
            .ok_or_else(|| {
                Why::cell(
                    line,
                    temp_col as u64 + 1,
                    "temperature",
                    Why::said(
                        format!("{temp:?} is not a number"),
                        format!("数値として読めません ({temp:?})"),
                    ),
                )
            });
        match (at, t) {
            (Ok(at), Ok(temperature_c)) => readings.push(Reading { at, temperature_c }),
            (a, t) => errors.extend(a.err().into_iter().chain(t.err())),
        }
    }
    if !errors.is_empty() {
        let more = errors.len().saturating_sub(MAX_ERRORS);
        errors.truncate(MAX_ERRORS);
        if more > 0 {
            errors.push(Why::said(
                format!("… and {more} more"),
                format!("… ほか {more} 件"),
            ));
        }
        return Err(DomainError::invalid(
            "file",
            Why::File {
                file: file.to_string(),
                problems: errors,
            },
        ));
    }
    if readings.is_empty() {
        return Err(refuse(
            2,
            Why::said("the file has no readings", "記録がありません"),
        ));
    }
    readings.sort_by_key(|r| r.at);
    Ok((format, readings))
}

/// The format, the time and temperature columns, and whether the temperature is in °F.
fn detect(cells: &[String]) -> Option<(Format, usize, usize, bool)> {
    let find = |names: &[&str]| cells.iter().position(|c| names.contains(&c.as_str()));
    if let (Some(t), Some(v)) = (
        find(&["time", "timestamp"]),
        find(&["temperature", "temperature_c", "temp_c"]),
    ) {
        return Some((Format::Generic, t, v, false));
    }
    if cells.get(1).map(String::as_str) == Some("time") {
        if let Some(c) = cells.iter().position(|c| c.starts_with("celsius")) {
            return Some((Format::EasyLog, 1, c, false));
        }
        if let Some(f) = cells.iter().position(|c| c.starts_with("fahrenheit")) {
            return Some((Format::EasyLog, 1, f, true));
        }
    }
    None
}

/// RFC 3339 with an offset, or a local time in `tz` (`YYYY-MM-DD HH:MM[:SS]`, `YYYY-MM-DDTHH:MM:SS`,
/// `DD/MM/YYYY HH:MM:SS`).
fn parse_time(s: &str, tz: &TimeZone) -> Result<UtcTime, Why> {
    if s.is_empty() {
        return Err(Why::Empty);
    }
    if let Ok(ts) = s.parse::<jiff::Timestamp>() {
        return Ok(UtcTime::from_timestamp(ts));
    }
    let civil = s
        .replacen(' ', "T", 1)
        .parse::<DateTime>()
        .ok()
        .or_else(|| DateTime::strptime("%d/%m/%Y %H:%M:%S", s).ok())
        .or_else(|| DateTime::strptime("%d/%m/%Y %H:%M", s).ok())
        .ok_or_else(|| {
            Why::said(
                format!(
                    "{s:?} is not a time (RFC 3339, YYYY-MM-DD HH:MM:SS or DD/MM/YYYY HH:MM:SS)"
                ),
                format!(
                    "時刻として読めません ({s:?}; RFC 3339、YYYY-MM-DD HH:MM:SS または DD/MM/YYYY HH:MM:SS)"
                ),
            )
        })?;
    civil
        .to_zoned_datetime(tz.clone())
        .map(|z| UtcTime::from_timestamp(z.timestamp()))
        .map_err(|_| {
            Why::said(
                format!("{s:?} is not a time in the site's zone"),
                format!("施設のタイムゾーンでは存在しない時刻です ({s:?})"),
            )
        })
}

/// A CSV reader's error (bad quoting, bad encoding) at its line.
fn csv_error(e: &csv::Error) -> Why {
    Why::said(
        format!("the CSV cannot be read: {e}"),
        "CSV として読めません (引用符や文字コードを確認してください)",
    )
}

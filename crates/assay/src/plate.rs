//! Plate data model shared by importers and analysis: wells, readings, layout and vendor results.

use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt;

/// A well position, 0-based row and column (`B4` is row 1, column 3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Well {
    /// 0-based row (A = 0).
    pub row: u16,
    /// 0-based column (1 = 0).
    pub col: u16,
}

impl Well {
    /// Parse `B4`, `b04`, `AA12` (384/1536-well rows). `None` if not a well name.
    pub fn parse(s: &str) -> Option<Well> {
        let s = s.trim();
        let letters = s.bytes().take_while(|b| b.is_ascii_alphabetic()).count();
        if letters == 0 || letters > 2 || letters == s.len() {
            return None;
        }
        let mut row: u32 = 0;
        for b in s[..letters].bytes() {
            row = row * 26 + u32::from(b.to_ascii_uppercase() - b'A' + 1);
        }
        let col: u32 = s[letters..].parse().ok()?;
        if col == 0 || col > 256 {
            return None;
        }
        Some(Well {
            row: (row - 1) as u16,
            col: (col - 1) as u16,
        })
    }

    /// Row letters (`A`, …, `Z`, `AA`, …).
    pub fn row_name(row: u16) -> String {
        let mut r = u32::from(row) + 1;
        let mut out = Vec::new();
        while r > 0 {
            let k = (r - 1) % 26;
            out.push(b'A' + k as u8);
            r = (r - 1) / 26;
        }
        out.reverse();
        String::from_utf8(out).unwrap_or_default()
    }
}

impl fmt::Display for Well {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", Well::row_name(self.row), self.col + 1)
    }
}

impl Serialize for Well {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// One reading of one well.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reading {
    /// A number.
    Value(f64),
    /// Detector overflow (`OVRFLW`, `OVER`, `Sat.`).
    Overflow,
    /// Any other non-numeric cell (`MISSED`, `?????`, `Range?`), kept verbatim.
    NotNumeric(String),
    /// No reading.
    Empty,
}

impl Reading {
    /// Parse a cell: number, overflow marker, empty or other text.
    pub fn parse(cell: &str) -> Reading {
        let t = cell.trim();
        if t.is_empty() {
            return Reading::Empty;
        }
        if let Ok(v) = t.parse::<f64>()
            && v.is_finite()
        {
            return Reading::Value(v);
        }
        let upper = t.to_ascii_uppercase();
        if upper.starts_with("OVRFLW")
            || upper == "OVER"
            || upper == "OVERFLOW"
            || upper.starts_with("SAT")
        {
            Reading::Overflow
        } else {
            Reading::NotNumeric(t.to_string())
        }
    }

    /// The numeric value, if any.
    pub fn value(&self) -> Option<f64> {
        match self {
            Reading::Value(v) => Some(*v),
            _ => None,
        }
    }
}

/// Role of a well in the layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Group {
    /// Calibrator with a nominal concentration.
    Standard,
    /// Blank (no analyte).
    Blank,
    /// Quality-control sample with a known target.
    Control,
    /// Unknown sample.
    Sample,
}

impl Group {
    /// Lower-case name used in output.
    pub fn name(self) -> &'static str {
        match self {
            Group::Standard => "standard",
            Group::Blank => "blank",
            Group::Control => "control",
            Group::Sample => "sample",
        }
    }
}

/// What a well holds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WellRole {
    /// Standard, blank, control or sample.
    pub group: Group,
    /// Sample / level name; replicates share it.
    pub sample: String,
    /// Nominal concentration (standards; optional target for controls).
    pub concentration: Option<f64>,
    /// Dilution factor applied to back-calculated values (1 if undiluted).
    pub dilution: f64,
    /// Excluded from all calculations.
    pub masked: bool,
}

/// Plate layout: the role of each used well, and the concentration unit.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Layout {
    /// Roles by well.
    pub wells: BTreeMap<Well, WellRole>,
    /// Concentration unit, e.g. `pg/mL`.
    pub unit: Option<String>,
}

/// A value the instrument software itself printed for a well (e.g. SoftMax's back-calculation).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VendorValue {
    /// Column or quantity name in the export, e.g. `BackCalcConc`.
    pub column: String,
    /// Printed value as a reading (number or text such as `Masked`, `Range?`).
    pub value: Reading,
    /// Digits after the decimal point as printed.
    pub decimals: usize,
}

/// One plate (one read) as imported.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plate {
    /// Plate name as in the file.
    pub name: String,
    /// Number of rows (8 for 96 wells).
    pub rows: u16,
    /// Number of columns (12 for 96 wells).
    pub cols: u16,
    /// Wavelength / channel labels in read order, e.g. `["450", "620"]`.
    pub channels: Vec<String>,
    /// Readings per channel, each `rows × cols` row-major.
    pub readings: Vec<Vec<Reading>>,
    /// True when the file's values are already reduced (reference subtracted by the instrument).
    pub reduced: bool,
    /// Layout from the file, if it carries one.
    pub layout: Option<Layout>,
    /// Values the vendor software printed, by well (back-calculated concentrations).
    pub vendor: BTreeMap<Well, VendorValue>,
}

impl Plate {
    /// An empty plate of the given size with `channels` unread channels.
    pub fn new(name: &str, rows: u16, cols: u16, channels: Vec<String>) -> Plate {
        let n = usize::from(rows) * usize::from(cols);
        let readings = channels.iter().map(|_| vec![Reading::Empty; n]).collect();
        Plate {
            name: name.to_string(),
            rows,
            cols,
            channels,
            readings,
            reduced: false,
            layout: None,
            vendor: BTreeMap::new(),
        }
    }

    /// Reading of `well` on channel `ch`, `None` outside the plate.
    pub fn reading(&self, ch: usize, well: Well) -> Option<&Reading> {
        if well.row >= self.rows || well.col >= self.cols {
            return None;
        }
        self.readings
            .get(ch)?
            .get(usize::from(well.row) * usize::from(self.cols) + usize::from(well.col))
    }

    /// Set a reading; ignored outside the plate.
    pub fn set(&mut self, ch: usize, well: Well, r: Reading) {
        if well.row < self.rows && well.col < self.cols {
            let idx = usize::from(well.row) * usize::from(self.cols) + usize::from(well.col);
            if let Some(slot) = self.readings.get_mut(ch).and_then(|v| v.get_mut(idx)) {
                *slot = r;
            }
        }
    }

    /// Every well of the plate in row-major order.
    pub fn wells(&self) -> impl Iterator<Item = Well> + '_ {
        (0..self.rows).flat_map(move |row| (0..self.cols).map(move |col| Well { row, col }))
    }

    /// Response used for analysis: first channel minus the second (reference wavelength) when the
    /// plate has two or more channels and is not already reduced; otherwise the first channel.
    /// Non-numeric readings give `Err` with the reading that spoiled it.
    pub fn response(&self, well: Well) -> Result<f64, Reading> {
        let first = self.reading(0, well).cloned().unwrap_or(Reading::Empty);
        let v = first.value().ok_or(first)?;
        if self.channels.len() >= 2 && !self.reduced {
            let second = self.reading(1, well).cloned().unwrap_or(Reading::Empty);
            let r = second.value().ok_or(second)?;
            return Ok(v - r);
        }
        Ok(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn well_names_round_trip() {
        for name in ["A1", "B4", "H12", "P24", "AF48"] {
            assert_eq!(
                Well::parse(name).map(|w| w.to_string()).as_deref(),
                Some(name)
            );
        }
        assert_eq!(Well::parse("b04"), Some(Well { row: 1, col: 3 }));
        for bad in ["", "4", "A", "A0", "ABC1", "A1x", "Temperature"] {
            assert_eq!(Well::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn readings_classify_instrument_markers() {
        assert_eq!(Reading::parse(" 0.25 "), Reading::Value(0.25));
        assert_eq!(Reading::parse("OVRFLW"), Reading::Overflow);
        assert_eq!(
            Reading::parse("MISSED"),
            Reading::NotNumeric("MISSED".into())
        );
        assert_eq!(Reading::parse(""), Reading::Empty);
        assert_eq!(Reading::parse("NaN"), Reading::NotNumeric("NaN".into()));
    }

    #[test]
    fn response_subtracts_the_reference_channel() {
        let mut p = Plate::new("p", 8, 12, vec!["450".into(), "620".into()]);
        let w = Well { row: 0, col: 0 };
        p.set(0, w, Reading::Value(1.0));
        p.set(1, w, Reading::Value(0.25));
        assert_eq!(p.response(w), Ok(0.75));
        p.reduced = true;
        assert_eq!(p.response(w), Ok(1.0));
        p.set(0, w, Reading::Overflow);
        assert_eq!(p.response(w), Err(Reading::Overflow));
    }
}

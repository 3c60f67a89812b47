//! Outcome scales (acceptance-and-scales.md): their ranges, which way is better, and how a value is
//! typed and shown (ASIA grades are letters, stored as 1–5 for A–E).

use super::choice;
use crate::{DomainError, quantity::display_number};

choice!(/// An outcome measure followed over visits.
    Scale, "scale" {
    Mrs => "mrs", "Modified Rankin Scale (0–6)", "修正ランキンスケール (0–6)";
    Asia => "asia", "ASIA Impairment Scale (A–E)", "ASIA 機能障害尺度 (A–E)";
    VasPain => "vas_pain", "Pain VAS (0–100 mm)", "疼痛 VAS (0–100 mm)";
    Womac => "womac", "WOMAC total (0–96)", "WOMAC 合計 (0–96)";
    WoundArea => "wound_area", "Wound area (cm²)", "創傷面積 (cm²)";
    HairCount => "hair_count", "Hair count (/cm²)", "毛髪数 (/cm²)";
});

impl Scale {
    /// Inclusive range, and whether only whole numbers are allowed.
    fn range(self) -> (f64, f64, bool) {
        match self {
            Scale::Mrs => (0.0, 6.0, true),
            Scale::Asia => (1.0, 5.0, true),
            Scale::VasPain => (0.0, 100.0, false),
            Scale::Womac => (0.0, 96.0, false),
            Scale::WoundArea => (0.0, 10_000.0, false),
            Scale::HairCount => (0.0, 1_000.0, true),
        }
    }

    /// True when a higher value is better (ASIA: E is normal; hair count); false for the others.
    pub fn higher_is_better(self) -> bool {
        matches!(self, Scale::Asia | Scale::HairCount)
    }

    /// Reads a typed value: a letter A–E for ASIA, a number otherwise; errors name the field `value`.
    pub fn parse_value(self, raw: &str) -> Result<f64, DomainError> {
        let raw = raw.trim();
        let v = if self == Scale::Asia {
            match raw.to_ascii_uppercase().as_str() {
                g @ ("A" | "B" | "C" | "D" | "E") => f64::from(g.as_bytes()[0] - b'A' + 1),
                _ => {
                    return Err(DomainError::invalid(
                        "value",
                        crate::Why::said(
                            format!("ASIA grade must be a letter A–E (got {raw:?})"),
                            format!("ASIA グレードは A〜E です (入力値 {raw:?})"),
                        ),
                    ));
                }
            }
        } else {
            raw.parse::<f64>().map_err(|_| {
                DomainError::invalid(
                    "value",
                    crate::Why::said(
                        format!("{raw:?} is not a number"),
                        format!("数値を入力してください (入力値 {raw:?})"),
                    ),
                )
            })?
        };
        self.check(v)
    }

    /// Checks a stored value against the scale's range.
    pub fn check(self, v: f64) -> Result<f64, DomainError> {
        let (lo, hi, whole) = self.range();
        if !v.is_finite() || v < lo || v > hi {
            return Err(DomainError::invalid(
                "value",
                crate::Why::said(
                    format!(
                        "{} must be within {}–{} (got {})",
                        self.as_str(),
                        self.show(lo),
                        self.show(hi),
                        display_number(v)
                    ),
                    format!(
                        "評価尺度の範囲外です ({} は {}〜{}; 入力値 {})",
                        self.as_str(),
                        self.show(lo),
                        self.show(hi),
                        display_number(v)
                    ),
                ),
            ));
        }
        if whole && v.fract() != 0.0 {
            return Err(DomainError::invalid(
                "value",
                crate::Why::said(
                    format!("{} takes whole values only (got {v})", self.as_str()),
                    format!("整数で入力してください ({}; 入力値 {v})", self.as_str()),
                ),
            ));
        }
        Ok(v)
    }

    /// A value as people read it: `C` for ASIA 3, `2` for mRS 2, `41.5` for VAS.
    pub fn show(self, v: f64) -> String {
        if self == Scale::Asia && (1.0..=5.0).contains(&v) && v.fract() == 0.0 {
            char::from(b'A' + v as u8 - 1).to_string()
        } else {
            display_number(v)
        }
    }
}

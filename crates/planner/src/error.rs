//! Typed errors for plans and models, each naming the field that is wrong, plus validation helpers.
//! Every error is said in English (`Display`) and in Japanese (`ja`) from its data; a one-off
//! reason carries both languages, written where it is raised (`Said`), so no reader of this crate
//! ever has to read the English to find the Japanese.

use std::fmt;
use thiserror::Error;

/// A reason written in both languages where it is raised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Said {
    /// English.
    pub en: String,
    /// Japanese.
    pub ja: String,
}

impl Said {
    /// A reason in English and Japanese.
    pub fn new(en: impl Into<String>, ja: impl Into<String>) -> Said {
        Said {
            en: en.into(),
            ja: ja.into(),
        }
    }
}

impl fmt::Display for Said {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.en)
    }
}

/// The allowed range of a value out of range.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Range {
    /// `(0, 1]` (recoveries, fractions).
    Fraction,
    /// `(0, 1)` (confluence fractions).
    OpenFraction,
    /// At least this.
    AtLeast(f64),
    /// At most this many hours.
    AtMostHours(f64),
}

impl fmt::Display for Range {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Range::Fraction => f.write_str("in (0, 1]"),
            Range::OpenFraction => f.write_str("in (0, 1)"),
            Range::AtLeast(min) => write!(f, "at least {min}"),
            Range::AtMostHours(max) => write!(f, "at most {max} h"),
        }
    }
}

impl Range {
    /// The range in Japanese, as a request (「… の値を入力してください」).
    fn ja(&self) -> String {
        match self {
            Range::Fraction => "0 より大きく 1 以下の値を入力してください".into(),
            Range::OpenFraction => "0 より大きく 1 未満の値を入力してください".into(),
            Range::AtLeast(min) => format!("{min} 以上の値を入力してください"),
            Range::AtMostHours(max) => format!("{max} 時間以下の値を入力してください"),
        }
    }
}

/// Why a plan, a culture specification or a model input was rejected.
///
/// `field` is the dotted path of the value as written in a TOML plan (e.g. `expansion.seeding_density`),
/// so a user can find it in their file.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum PlanError {
    /// NaN or infinite.
    #[error("{field}: must be a finite number, got {value}")]
    NonFinite {
        /// Dotted field path.
        field: String,
        /// The rejected value.
        value: f64,
    },
    /// Zero or negative where a positive number is required (areas, volumes, rates, counts).
    #[error("{field}: must be greater than zero, got {value}")]
    NotPositive {
        /// Dotted field path.
        field: String,
        /// The rejected value.
        value: f64,
    },
    /// Negative where zero is allowed (times, lags, degradation rates).
    #[error("{field}: must not be negative, got {value}")]
    Negative {
        /// Dotted field path.
        field: String,
        /// The rejected value.
        value: f64,
    },
    /// Outside a closed or half-open range.
    #[error("{field}: must be {range}, got {value}")]
    OutOfRange {
        /// Dotted field path.
        field: String,
        /// The allowed range.
        range: Range,
        /// The rejected value.
        value: f64,
    },
    /// Any other invalid value (unknown name, inconsistent dates …).
    #[error("{field}: {reason}")]
    Invalid {
        /// Dotted field path.
        field: String,
        /// What is wrong.
        reason: Said,
    },
    /// The plan is well formed but cannot be met (too few cells, passages, time or concentration).
    #[error("impossible target ({field}): {reason}")]
    Impossible {
        /// The target field that cannot be met (e.g. `deadline`, `target.min_concentration.vegf`).
        field: String,
        /// Why, with the best the model can predict and what would make it possible.
        reason: Said,
    },
    /// A TOML plan file could not be read; the message names the line, column and field.
    #[error("plan file: {0}")]
    Parse(String),
    /// The SVG plot could not be drawn.
    #[error("plot: {0}")]
    Plot(String),
}

impl PlanError {
    /// The field the error names (the dotted path of a TOML plan), if any.
    pub fn field(&self) -> Option<&str> {
        match self {
            PlanError::NonFinite { field, .. }
            | PlanError::NotPositive { field, .. }
            | PlanError::Negative { field, .. }
            | PlanError::OutOfRange { field, .. }
            | PlanError::Invalid { field, .. }
            | PlanError::Impossible { field, .. } => Some(field),
            PlanError::Parse(_) | PlanError::Plot(_) => None,
        }
    }

    /// Whether the error is the program's own failure (a plot that could not be drawn), not the
    /// input's.
    pub fn is_internal(&self) -> bool {
        matches!(self, PlanError::Plot(_))
    }

    /// The error in Japanese: the field by its Japanese name where the plan form names it, else
    /// as written in the plan file; the values it carries.
    pub fn ja(&self) -> String {
        let f = |field: &str| field_ja(field).unwrap_or(field).to_string();
        match self {
            PlanError::NonFinite { field, value } => {
                format!(
                    "{}: 有限の数値を入力してください (入力値 {value})",
                    f(field)
                )
            }
            PlanError::NotPositive { field, value } => {
                format!(
                    "{}: 0 より大きい値を入力してください (入力値 {value})",
                    f(field)
                )
            }
            PlanError::Negative { field, value } => {
                format!("{}: 負の値は入力できません (入力値 {value})", f(field))
            }
            PlanError::OutOfRange {
                field,
                range,
                value,
            } => format!("{}: {} (入力値 {value})", f(field), range.ja()),
            PlanError::Invalid { field, reason } => format!("{}: {}", f(field), reason.ja),
            PlanError::Impossible { field, reason } => {
                format!(
                    "この条件では目標を満たせません ({}): {}",
                    f(field),
                    reason.ja
                )
            }
            PlanError::Parse(m) => format!("計画ファイルを読み取れません: {m}"),
            PlanError::Plot(m) => format!("グラフを描けません: {m}"),
        }
    }
}

/// The Japanese name of a field the plan form names (the others are dotted paths of the plan
/// file, shown as written).
fn field_ja(field: &str) -> Option<&'static str> {
    Some(match field {
        "deadline" => "充填期限",
        "source" => "細胞源",
        "stages" => "培養工程",
        "target" => "目標",
        "target.vials" => "目標バイアル数",
        "target.vial_ml" => "バイアル容量",
        "start_cells.cells" => "開始細胞数",
        "start_cells.passage" => "開始継代数",
        "vessel" => "培養容器",
        "expansion.vessel" => "拡大培養容器",
        "conditioning.vessel" => "馴化培養容器",
        "factor" => "因子",
        _ => return None,
    })
}

/// Require a finite number.
pub(crate) fn finite(field: &str, value: f64) -> Result<f64, PlanError> {
    if value.is_finite() {
        Ok(value)
    } else {
        Err(PlanError::NonFinite {
            field: field.to_owned(),
            value,
        })
    }
}

/// Require a finite number `> 0`.
pub(crate) fn positive(field: &str, value: f64) -> Result<f64, PlanError> {
    finite(field, value)?;
    if value > 0.0 {
        Ok(value)
    } else {
        Err(PlanError::NotPositive {
            field: field.to_owned(),
            value,
        })
    }
}

/// Require a finite number `≥ 0`.
pub(crate) fn non_negative(field: &str, value: f64) -> Result<f64, PlanError> {
    finite(field, value)?;
    if value >= 0.0 {
        Ok(value)
    } else {
        Err(PlanError::Negative {
            field: field.to_owned(),
            value,
        })
    }
}

/// Require a finite number in `(0, 1]` (recoveries, fractions).
pub(crate) fn fraction(field: &str, value: f64) -> Result<f64, PlanError> {
    finite(field, value)?;
    if value > 0.0 && value <= 1.0 {
        Ok(value)
    } else {
        Err(PlanError::OutOfRange {
            field: field.to_owned(),
            range: Range::Fraction,
            value,
        })
    }
}

/// Require a finite number in `(0, 1)` (confluence fractions: the logistic never reaches 1).
pub(crate) fn open_fraction(field: &str, value: f64) -> Result<f64, PlanError> {
    finite(field, value)?;
    if value > 0.0 && value < 1.0 {
        Ok(value)
    } else {
        Err(PlanError::OutOfRange {
            field: field.to_owned(),
            range: Range::OpenFraction,
            value,
        })
    }
}

/// Require a finite number `≥ min`.
pub(crate) fn at_least(field: &str, value: f64, min: f64) -> Result<f64, PlanError> {
    finite(field, value)?;
    if value >= min {
        Ok(value)
    } else {
        Err(PlanError::OutOfRange {
            field: field.to_owned(),
            range: Range::AtLeast(min),
            value,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every kind says its field and value in Japanese without the English sentence.
    #[test]
    fn each_refusal_is_said_in_japanese_with_its_data() {
        let cases = [
            (
                finite("target.vial_ml", f64::NAN).unwrap_err(),
                "有限の数値",
            ),
            (
                positive("target.vials", -2.0).unwrap_err(),
                "0 より大きい値",
            ),
            (
                non_negative("downstream.hours", -1.0).unwrap_err(),
                "負の値",
            ),
            (fraction("passage_recovery", 1.5).unwrap_err(), "1 以下"),
            (at_least("feed_interval_h", 0.5, 1.0).unwrap_err(), "1 以上"),
        ];
        for (e, said) in cases {
            let ja = e.ja();
            assert!(ja.contains(said) && !ja.contains("must"), "{ja}");
        }
        assert_eq!(
            positive("target.vials", -2.0).unwrap_err().ja(),
            "目標バイアル数: 0 より大きい値を入力してください (入力値 -2)"
        );
        let e = PlanError::Impossible {
            field: "deadline".into(),
            reason: Said::new(
                "needs 812 h, 340 h are left",
                "812 時間必要ですが残りは 340 時間です",
            ),
        };
        assert_eq!(e.field(), Some("deadline"));
        assert_eq!(
            e.ja(),
            "この条件では目標を満たせません (充填期限): 812 時間必要ですが残りは 340 時間です"
        );
        assert_eq!(
            e.to_string(),
            "impossible target (deadline): needs 812 h, 340 h are left"
        );
        assert!(PlanError::Plot("x".into()).is_internal());
    }
}

//! What the planner tells its user beside a result: calibration notes (a parameter not fitted and
//! why), warnings on a plan (defaults used, senescence, a target met only by lengthening) and on a
//! running batch (a count outside the plan's band). Each is a coded kind with its numbers, said in
//! English (`Display`) and Japanese (`ja`) here, so no reader of the planner matches its words.

use std::fmt;

use jiff::civil::DateTime;
use serde::{Deserialize, Serialize};

use crate::factor::Factor;
use crate::params::Provenance;

/// One note or warning.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "note", rename_all = "snake_case")]
pub enum Note {
    /// Growth not fitted: too few batches or counts.
    GrowthData {
        batches: usize,
        counts: usize,
        min_batches: usize,
        min_counts: usize,
    },
    /// The confluence density kept at its prior (too few dense counts).
    ConfluencePrior { density: f64 },
    /// Growth not fitted: the counts do not identify the parameters.
    Singular,
    /// The growth fit did not converge.
    NotConverged,
    /// A secretion rate not fitted: too few measured batches.
    RateData {
        factor: Factor,
        batches: usize,
        min: usize,
    },
    /// A secretion rate not fitted: no interval.
    RateInterval { factor: Factor },
    /// A count outside the planned culture period.
    Outside { at: DateTime, harvest_h: f64 },
    /// A count outside the plan's 95 % band.
    OffPlan {
        at: DateTime,
        hours: f64,
        counted: f64,
        plan: f64,
        lower95: f64,
        upper95: f64,
        below: bool,
    },
    /// The batch as a whole is off its plan.
    BatchOffPlan,
    /// Conditioning lengthened to meet a concentration target.
    Lengthened { from: f64, to: f64 },
    /// A factor's lower 95 % bound below its target.
    LowerBound {
        factor: Factor,
        lower95: f64,
        unit: String,
        target: f64,
        prediction: f64,
    },
    /// A secretion rate not calibrated on the facility's batches.
    RateDefault { factor: Factor, status: Provenance },
    /// Growth parameters not calibrated.
    GrowthDefault { status: Provenance },
    /// Conditioning at or past the senescence passage.
    Senescence { passage: u32, limit: f64 },
    /// More population doublings than the limit.
    Doublings {
        doublings: f64,
        limit: f64,
        source: String,
    },
}

fn when(at: &DateTime) -> String {
    at.strftime("%Y-%m-%d %H:%M").to_string()
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Note::GrowthData {
                batches,
                counts,
                min_batches,
                min_counts,
            } => write!(
                f,
                "growth not fitted: {batches} batches with {counts} counts; needs ≥ {min_batches} batches and ≥ {min_counts} counts"
            ),
            Note::ConfluencePrior { density } => write!(
                f,
                "confluence density kept at its prior: fewer than 2 counts above 40 % of {density:.3e} cells/cm²"
            ),
            Note::Singular => f.write_str(
                "growth not fitted: parameters not identifiable from these counts (singular covariance)",
            ),
            Note::NotConverged => f.write_str("growth fit did not converge: estimates may be poor"),
            Note::RateData {
                factor,
                batches,
                min,
            } => write!(
                f,
                "{} rate not fitted: {batches} measured batches, needs ≥ {min}",
                factor.name()
            ),
            Note::RateInterval { factor } => write!(
                f,
                "{} rate not fitted: no interval could be computed",
                factor.name()
            ),
            Note::Outside { at, harvest_h } => write!(
                f,
                "count at {} is outside the planned culture period (0–{harvest_h:.0} h); not compared",
                when(at)
            ),
            Note::OffPlan {
                at,
                hours,
                counted,
                plan,
                lower95,
                upper95,
                below,
            } => write!(
                f,
                "{} ({hours:.0} h): counted {counted:.3e} cells, plan {plan:.3e} (95 % band {lower95:.3e}–{upper95:.3e}): {} plan",
                when(at),
                if *below { "below" } else { "above" }
            ),
            Note::BatchOffPlan => f.write_str(
                "batch is off plan: check the culture and re-plan the remaining steps",
            ),
            Note::Lengthened { from, to } => write!(
                f,
                "conditioning lengthened from {from} h to {to} h to meet the concentration target"
            ),
            Note::LowerBound {
                factor,
                lower95,
                unit,
                target,
                prediction,
            } => write!(
                f,
                "{factor}: the lower 95 % bound {lower95:.3e} {unit} is below the target {target} (prediction {prediction:.3e})"
            ),
            Note::RateDefault { factor, status } => write!(
                f,
                "{factor}: secretion rate not calibrated on this facility's batches ({status} default)"
            ),
            Note::GrowthDefault { status } => write!(
                f,
                "growth parameters not calibrated ({status} defaults): dates will move once calibrated"
            ),
            Note::Senescence { passage, limit } => write!(
                f,
                "conditioning at P{passage}: at or past senescence (P{limit})"
            ),
            Note::Doublings {
                doublings,
                limit,
                source,
            } => write!(
                f,
                "{doublings:.1} population doublings exceed the limit {limit} ({source})"
            ),
        }
    }
}

impl Note {
    /// The note in English.
    pub fn en(&self) -> String {
        self.to_string()
    }

    /// The note in Japanese, with the same numbers.
    pub fn ja(&self) -> String {
        match self {
            Note::GrowthData {
                batches,
                counts,
                min_batches,
                min_counts,
            } => format!(
                "増殖パラメータは推定していません: バッチ {batches} 件・計数 {counts} 件 (バッチ {min_batches} 件以上・計数 {min_counts} 件以上が必要)"
            ),
            Note::ConfluencePrior { density } => format!(
                "コンフルエンス時の細胞密度は事前値のまま: {density:.3e} 個/cm² の 40 % を超える計数が 2 件未満"
            ),
            Note::Singular => "増殖パラメータは推定していません: この計数からはパラメータを特定できません (共分散行列が特異)".into(),
            Note::NotConverged => {
                "増殖モデルのあてはめが収束しませんでした: 推定値の精度が低い可能性があります".into()
            }
            Note::RateData {
                factor,
                batches,
                min,
            } => format!(
                "{} の分泌速度は推定していません: 測定済みバッチ {batches} 件 ({min} 件以上が必要)",
                factor.short_ja()
            ),
            Note::RateInterval { factor } => format!(
                "{} の分泌速度は推定していません: 信頼区間を計算できませんでした",
                factor.short_ja()
            ),
            Note::Outside { at, harvest_h } => format!(
                "{} の計数は計画した培養期間 (0〜{harvest_h:.0} 時間) の外のため比較していません",
                when(at)
            ),
            Note::OffPlan {
                at,
                hours,
                counted,
                plan,
                lower95,
                upper95,
                below,
            } => format!(
                "{} ({hours:.0} 時間): 計数 {counted:.3e} 個、計画 {plan:.3e} 個 (95 % 予測帯 {lower95:.3e}〜{upper95:.3e}): 計画を{}",
                when(at),
                if *below {
                    "下回っています"
                } else {
                    "上回っています"
                }
            ),
            Note::BatchOffPlan => {
                "バッチが計画から外れています: 培養を確認し、残りの工程を計画し直してください".into()
            }
            Note::Lengthened { from, to } => format!(
                "濃度目標を満たすため馴化培養を {from} 時間から {to} 時間に延長しました"
            ),
            Note::LowerBound {
                factor,
                lower95,
                unit,
                target,
                prediction,
            } => format!(
                "{}: 95 % 下限 {lower95:.3e} {unit} が目標 {target} を下回ります (予測値 {prediction:.3e})",
                factor.short_ja()
            ),
            Note::RateDefault { factor, status } => format!(
                "{}: 分泌速度が自施設のバッチで校正されていません ({}を使用)",
                factor.short_ja(),
                status.ja()
            ),
            Note::GrowthDefault { status } => format!(
                "増殖パラメータが校正されていません ({}を使用): 校正後に日程が変わります",
                status.ja()
            ),
            Note::Senescence { passage, limit } => format!(
                "P{passage} での馴化培養: 老化が始まる継代数 (P{limit}) に達しています"
            ),
            Note::Doublings {
                doublings,
                limit,
                source,
            } => format!("集団倍加数 {doublings:.1} が上限 {limit} を超えます ({source})"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The Japanese carries every number of the English, and no English words.
    #[test]
    fn each_note_says_its_numbers_in_both_languages() {
        let at = jiff::civil::date(2026, 12, 1).at(10, 0, 0, 0);
        let notes = [
            Note::GrowthData {
                batches: 1,
                counts: 3,
                min_batches: 2,
                min_counts: 5,
            },
            Note::OffPlan {
                at,
                hours: 48.0,
                counted: 1.2e6,
                plan: 2e6,
                lower95: 1.5e6,
                upper95: 2.5e6,
                below: true,
            },
            Note::RateData {
                factor: Factor::Il10,
                batches: 2,
                min: 3,
            },
            Note::Lengthened {
                from: 48.0,
                to: 72.0,
            },
        ];
        assert_eq!(
            notes[0].ja(),
            "増殖パラメータは推定していません: バッチ 1 件・計数 3 件 (バッチ 2 件以上・計数 5 件以上が必要)"
        );
        assert_eq!(
            notes[1].to_string(),
            "2026-12-01 10:00 (48 h): counted 1.200e6 cells, plan 2.000e6 (95 % band 1.500e6–2.500e6): below plan"
        );
        let ja = notes[1].ja();
        assert!(
            ja.contains("1.500e6〜2.500e6") && ja.contains("下回"),
            "{ja}"
        );
        assert!(notes[2].ja().starts_with("IL-10 の分泌速度"));
        assert!(notes[3].ja().contains("48 時間から 72 時間"));
        for n in &notes {
            let ja = n.ja();
            let latin = ja
                .split(|c: char| !c.is_ascii_alphabetic())
                .filter(|w| w.len() > 2 && !["IL"].contains(w))
                .collect::<Vec<_>>();
            assert!(latin.is_empty(), "{ja}: {latin:?}");
        }
    }
}

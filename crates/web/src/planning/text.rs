//! The plan page's words (issue 17 item 1): its cell sources, units, plot titles and axes, and the
//! planner's notes and warnings in the reader's language. The planner (a pure crate) writes its
//! notes in English with their numbers; `note` finds the note by its fixed words and puts its
//! numbers, in order, into the Japanese sentence (`{0}`, `{1}`, …; `{factor}` for the factor it
//! names).

use crate::i18n::Lang;
use crate::registry::Texts;
use secretome_planner::{CellSource, Factor, PlotText, Provenance, StepKind};

/// (key, 日本語, English)
pub const TEXT: Texts = &[
    ("plan.src.bone-marrow", "骨髄", "Bone marrow"),
    ("plan.src.adipose", "脂肪", "Adipose tissue"),
    ("plan.src.umbilical-cord", "臍帯", "Umbilical cord"),
    ("plan.hours", "時間", "h"),
    // Plot titles and axes.
    (
        "plan.plot.cells_title",
        "培養中の細胞数: 計画 (実線)、95 % 予測帯 (破線)、計数 (点)",
        "Cells in culture: plan (line), 95 % band (dashed), counts (dots)",
    ),
    (
        "plan.plot.cells_x",
        "初回播種からの時間 (h)",
        "hours from first seeding",
    ),
    ("plan.plot.cells_y", "細胞数", "cells"),
    (
        "plan.plot.conditioning_title",
        "馴化培養時間と製品中の予測濃度 (目標値: 破線)",
        "Predicted concentration in the product vs conditioning time (target: dashed)",
    ),
    (
        "plan.plot.conditioning_x",
        "馴化培養時間 (h)",
        "hours of conditioning",
    ),
    (
        "plan.plot.conditioning_y",
        "製品中濃度",
        "product concentration",
    ),
    (
        "plan.plot.calibration_title",
        "完了バッチ: 上清回収時の実測値と予測値",
        "Finished batches: measured vs predicted at harvest",
    ),
    (
        "plan.plot.calibration_x",
        "予測値 (pg/mL、細胞外小胞は 個/mL)",
        "predicted (pg/mL; particles/mL for EV)",
    ),
    ("plan.plot.calibration_y", "実測値", "measured"),
    // The planner's calibration notes.
    (
        "plan.note.growth_data",
        "増殖パラメータは推定していません: バッチ {0} 件・計数 {1} 件 (バッチ {2} 件以上・計数 {3} 件以上が必要)",
        "growth not fitted: {0} batches with {1} counts; needs ≥ {2} batches and ≥ {3} counts",
    ),
    (
        "plan.note.confluence",
        "コンフルエンス時の細胞密度は事前値のまま: {2} 個/cm² の {1} % を超える計数が {0} 件未満",
        "confluence density kept at its prior: fewer than {0} counts above {1} % of {2} cells/cm²",
    ),
    (
        "plan.note.singular",
        "増殖パラメータは推定していません: この計数からはパラメータを特定できません (共分散行列が特異)",
        "growth not fitted: parameters not identifiable from these counts (singular covariance)",
    ),
    (
        "plan.note.converge",
        "増殖モデルのあてはめが収束しませんでした: 推定値の精度が低い可能性があります",
        "growth fit did not converge: estimates may be poor",
    ),
    (
        "plan.note.rate_data",
        "{factor} の分泌速度は推定していません: 測定済みバッチ {0} 件 ({1} 件以上が必要)",
        "{factor} rate not fitted: {0} measured batches, needs ≥ {1}",
    ),
    (
        "plan.note.rate_interval",
        "{factor} の分泌速度は推定していません: 信頼区間を計算できませんでした",
        "{factor} rate not fitted: no interval could be computed",
    ),
    // The planner's warnings on a plan and on a running batch.
    (
        "plan.warn.outside",
        "{0} {1} の計数は計画した培養期間 (0〜{3} h) の外のため比較していません",
        "count at {0} {1} is outside the planned culture period (0–{3} h); not compared",
    ),
    (
        "plan.warn.below",
        "{0} {1} ({2} h): 計数 {3} 個、計画 {4} 個 (95 % 予測帯 {6}〜{7}): 計画を下回っています",
        "{0} {1} ({2} h): counted {3} cells, plan {4} ({5} % band {6}–{7}): below plan",
    ),
    (
        "plan.warn.above",
        "{0} {1} ({2} h): 計数 {3} 個、計画 {4} 個 (95 % 予測帯 {6}〜{7}): 計画を上回っています",
        "{0} {1} ({2} h): counted {3} cells, plan {4} ({5} % band {6}–{7}): above plan",
    ),
    (
        "plan.warn.lengthened",
        "濃度目標を満たすため馴化培養を {0} 時間から {1} 時間に延長しました",
        "conditioning lengthened from {0} h to {1} h to meet the concentration target",
    ),
    (
        "plan.warn.lower_bound",
        "{factor}: 95 % 下限 {1} が目標 {2} を下回ります (予測値 {3})",
        "{factor}: the lower {0} % bound {1} is below the target {2} (prediction {3})",
    ),
    (
        "plan.warn.rate_default",
        "{factor}: 分泌速度が自施設のバッチで校正されていません (既定値を使用)",
        "{factor}: secretion rate not calibrated on this facility's batches (default used)",
    ),
    (
        "plan.warn.growth_default",
        "増殖パラメータが校正されていません (既定値を使用): 校正後に日程が変わります",
        "growth parameters not calibrated (defaults used): dates will move once calibrated",
    ),
    (
        "plan.warn.senescence",
        "P{0} での馴化培養: 老化が始まる継代数 (P{1}) に達しています",
        "conditioning at P{0}: at or past senescence (P{1})",
    ),
    (
        "plan.warn.doublings",
        "集団倍加数 {0} が上限 {1} を超えます",
        "{0} population doublings exceed the limit {1}",
    ),
    // The schedule's steps (the planner's `StepKind`).
    ("plan.step.seed", "播種", "Seed"),
    ("plan.step.feed", "培地交換", "Medium change"),
    ("plan.step.passage", "継代", "Passage"),
    (
        "plan.step.conditioning_start",
        "馴化培養開始 (無血清培地)",
        "Conditioning start (serum-free)",
    ),
    ("plan.step.harvest", "上清回収", "Harvest"),
    ("plan.step.fill", "充填", "Fill"),
    ("plan.ev", "エクソソーム (細胞外小胞)", "EV particles"),
    ("plan.particles", "個", "particles"),
    // Why a plan was refused (the planner's `PlanError`, by its wording).
    (
        "plan.err.impossible",
        "この条件では目標を満たす計画を立てられません",
        "impossible target",
    ),
    (
        "plan.err.finite",
        "数値を入力してください",
        "must be a finite number",
    ),
    (
        "plan.err.positive",
        "0 より大きい値を入力してください",
        "must be greater than zero",
    ),
    (
        "plan.err.negative",
        "負の値は入力できません",
        "must not be negative",
    ),
    ("plan.err.range", "範囲外の値です", "must be"),
    (
        "plan.err.other",
        "入力値を受け付けられません",
        "not accepted",
    ),
    ("plan.err.given", "入力値", "given"),
    ("plan.field.deadline", "充填期限", "deadline"),
    ("plan.field.source", "細胞源", "source"),
    ("plan.field.stages", "培養工程", "stages"),
];

/// (fixed words of the planner's English, key); the first match wins, so the longer come first.
const NOTES: &[(&str, &str)] = &[
    ("parameters not identifiable", "plan.note.singular"),
    ("growth not fitted:", "plan.note.growth_data"),
    (
        "confluence density kept at its prior",
        "plan.note.confluence",
    ),
    ("growth fit did not converge", "plan.note.converge"),
    ("rate not fitted: no interval", "plan.note.rate_interval"),
    ("rate not fitted:", "plan.note.rate_data"),
    ("outside the planned culture period", "plan.warn.outside"),
    ("below plan", "plan.warn.below"),
    ("above plan", "plan.warn.above"),
    ("conditioning lengthened", "plan.warn.lengthened"),
    ("is below the target", "plan.warn.lower_bound"),
    ("secretion rate not calibrated", "plan.warn.rate_default"),
    (
        "growth parameters not calibrated",
        "plan.warn.growth_default",
    ),
    ("at or past senescence", "plan.warn.senescence"),
    ("population doublings exceed", "plan.warn.doublings"),
];

/// A planner note or warning in `lang`: English as the planner wrote it, Japanese from the
/// catalogue with the note's numbers (a note not known here is shown as written).
pub fn note(lang: Lang, english: &str) -> String {
    if lang == Lang::En {
        return english.to_string();
    }
    let Some((_, key)) = NOTES.iter().find(|(w, _)| english.contains(w)) else {
        return english.to_string();
    };
    // The factor a note begins with (`VEGF rate not fitted`, `IL-10: …`), taken out before the
    // numbers are read (`IL-10` holds a digit).
    let (factor, rest) = secretome_planner::FACTORS
        .into_iter()
        .find_map(|f| english.strip_prefix(f.name()).map(|r| (Some(f), r)))
        .unwrap_or((None, english));
    let mut out = lang.t(key).to_string();
    if let Some(f) = factor {
        out = out.replace("{factor}", &factor_name(lang, f));
    }
    for (i, n) in numbers(rest).iter().enumerate() {
        out = out.replace(&format!("{{{i}}}"), n);
    }
    out
}

/// Why the planner refused a plan, in `lang`: the planner's English (`PlanError`'s text, as the
/// service passes it on) names the field, which is kept; in Japanese the reason is said from the
/// catalogue with the numbers it carried.
pub fn plan_error(lang: Lang, english: &str) -> String {
    if lang == Lang::En {
        return english.to_string();
    }
    if let Some(rest) = english.strip_prefix("impossible target (") {
        let (field, reason) = rest.split_once("): ").unwrap_or((rest, ""));
        let field = field_name(lang, field.trim_end_matches(')'));
        let n = numbers(reason);
        let mut out = format!("{} ({field})", lang.t("plan.err.impossible"));
        if !n.is_empty() {
            out = format!("{out}: {}", n.join(", "));
        }
        return out;
    }
    let (field, reason) = english.split_once(": ").unwrap_or(("", english));
    let field = &field_name(lang, field);
    let (said, value) = match reason.rsplit_once(", got ") {
        Some((said, v)) => (said, Some(v)),
        None => (reason, None),
    };
    let key = if said.starts_with("must be a finite number") {
        "plan.err.finite"
    } else if said.starts_with("must be greater than zero") {
        "plan.err.positive"
    } else if said.starts_with("must not be negative") {
        "plan.err.negative"
    } else if said.starts_with("must be ") {
        "plan.err.range"
    } else {
        let head = if field.is_empty() {
            String::new()
        } else {
            format!("{field}: ")
        };
        let n = numbers(said);
        return if n.is_empty() {
            format!("{head}{}", lang.t("plan.err.other"))
        } else {
            format!("{head}{} ({})", lang.t("plan.err.other"), n.join(", "))
        };
    };
    let mut out = format!("{field}: {}", lang.t(key));
    let limits = if key == "plan.err.range" {
        numbers(said)
    } else {
        Vec::new()
    };
    let mut notes = Vec::new();
    if !limits.is_empty() {
        notes.push(limits.join("〜"));
    }
    if let Some(v) = value {
        notes.push(format!("{} {v}", lang.t("plan.err.given")));
    }
    if !notes.is_empty() {
        out = format!("{out} ({})", notes.join("; "));
    }
    out
}

/// A field of the plan request as the error names it: a dotted path (`target.vial_ml`) as the
/// planner wrote it, a single word (`deadline`) by its name on the form.
fn field_name(lang: Lang, field: &str) -> String {
    lang.get(&format!("plan.field.{field}"))
        .unwrap_or(field)
        .to_string()
}

/// The numbers of a text, in order: words holding a digit, without the punctuation around them
/// (`(48`, `10:00):` → `48`, `10:00`; `1.2e6–3.4e6` → both).
fn numbers(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_whitespace() || c == '–')
        .map(|w| {
            w.trim_start_matches(['(', '[', 'P', '≥', '≈'])
                .trim_end_matches([')', ']', ':', ';', ',', '.'])
        })
        .filter(|w| w.chars().any(|c| c.is_ascii_digit()))
        .map(str::to_string)
        .collect()
}

/// A factor's name: the planner's own (an abbreviation such as VEGF), EV particles in words.
pub fn factor_name(lang: Lang, f: Factor) -> String {
    match f {
        Factor::EvParticles => lang.t("plan.ev").to_string(),
        f => f.name().to_string(),
    }
}

/// A factor as a table row names it: in Japanese the abbreviation and the Japanese name
/// (`VEGF 血管内皮成長因子`), EV particles by their Japanese name alone.
pub fn factor_label(lang: Lang, f: Factor) -> String {
    match (lang, f) {
        (Lang::Ja, Factor::EvParticles) => factor_name(lang, f),
        (Lang::Ja, f) => format!("{} {}", f.name(), f.name_ja()),
        (Lang::En, f) => f.name().to_string(),
    }
}

/// The cell sources, in the form's order.
pub const SOURCES: [CellSource; 3] = [
    CellSource::BoneMarrow,
    CellSource::Adipose,
    CellSource::UmbilicalCord,
];

/// A cell source by its key.
pub fn source(lang: Lang, s: CellSource) -> &'static str {
    lang.t(&format!("plan.src.{}", s.key()))
}

/// A unit of the planner in `lang`: counts in words (`particles`, `cell`) in Japanese.
pub fn unit(lang: Lang, unit: &str) -> String {
    match lang {
        Lang::En => unit.to_string(),
        Lang::Ja => unit
            .replace("particles", "個")
            .replace("cells", "個")
            .replace("cell", "細胞"),
    }
}

/// The plots' words in `lang`.
pub fn plot_text(lang: Lang) -> PlotText<'static> {
    PlotText {
        cells_title: lang.t("plan.plot.cells_title"),
        cells_x: lang.t("plan.plot.cells_x"),
        cells_y: lang.t("plan.plot.cells_y"),
        conditioning_title: lang.t("plan.plot.conditioning_title"),
        conditioning_x: lang.t("plan.plot.conditioning_x"),
        conditioning_y: lang.t("plan.plot.conditioning_y"),
        calibration_title: lang.t("plan.plot.calibration_title"),
        calibration_x: lang.t("plan.plot.calibration_x"),
        calibration_y: lang.t("plan.plot.calibration_y"),
        ev_particles: lang.t("plan.ev"),
        particles: lang.t("plan.particles"),
    }
}

/// A step's kind.
pub fn step_kind(lang: Lang, k: StepKind) -> &'static str {
    lang.t(match k {
        StepKind::Seed => "plan.step.seed",
        StepKind::Feed => "plan.step.feed",
        StepKind::Passage => "plan.step.passage",
        StepKind::ConditioningStart => "plan.step.conditioning_start",
        StepKind::Harvest => "plan.step.harvest",
        StepKind::Fill => "plan.step.fill",
    })
}

/// The planner's words of a step's description and their Japanese, in the order they are
/// replaced (vessels, counts and volumes stay as the planner wrote them).
const STEP_WORDS: &[(&str, &str)] = &[
    ("wash, add ", "洗浄後、"),
    (" mL serum-free medium to ", " mL の無血清培地を添加: "),
    ("collect conditioned medium (≈ ", "馴化培地を上清回収 (約 "),
    (" mL recovered)", " mL)"),
    (" vials filled (", " 本充填 (製品 "),
    (" mL product)", " mL)"),
    ("medium change, ", "培地交換: "),
    ("harvest ", "細胞剥離 "),
    ("seed ", "播種: "),
    (" with ", "、"),
    (" cells/cm²", " 個/cm²"),
    (" cells", " 個"),
    ("-layer stack", " 段積層フラスコ"),
];

/// A schedule step's description in `lang`.
pub fn step(lang: Lang, description: &str) -> String {
    match lang {
        Lang::En => description.to_string(),
        Lang::Ja => STEP_WORDS
            .iter()
            .fold(description.to_string(), |d, (en, ja)| d.replace(en, ja)),
    }
}

/// A provenance (every variant has its `plan.provenance.*`).
pub fn provenance(lang: Lang, p: Provenance) -> &'static str {
    lang.t(&format!("plan.provenance.{p}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::words::english_runs;

    #[test]
    fn the_planners_notes_read_in_japanese_with_their_numbers() {
        let ja = note(
            Lang::Ja,
            "growth not fitted: 1 batches with 3 counts; needs ≥ 2 batches and ≥ 5 counts",
        );
        assert_eq!(
            ja,
            "増殖パラメータは推定していません: バッチ 1 件・計数 3 件 (バッチ 2 件以上・計数 5 件以上が必要)"
        );
        let ja = note(
            Lang::Ja,
            "IL-10 rate not fitted: 2 measured batches, needs ≥ 3",
        );
        assert!(
            ja.starts_with("IL-10 の分泌速度") && ja.contains("2 件 (3 件以上"),
            "{ja}"
        );
        let ja = note(
            Lang::Ja,
            "2026-12-01 10:00 (48 h): counted 1.200e6 cells, plan 2.000e6 (95 % band 1.500e6–2.500e6): below plan",
        );
        assert!(
            ja.contains("1.200e6") && ja.contains("1.500e6〜2.500e6") && ja.contains("下回"),
            "{ja}"
        );
        assert!(english_runs(&ja).is_empty(), "{ja}");
        let ja = step(
            Lang::Ja,
            "harvest 4.000e7 cells; seed 10 × 5-layer stack with 4.000e7 cells (1258 cells/cm², P3)",
        );
        assert!(english_runs(&ja).is_empty() && ja.contains("P3"), "{ja}");
        let ja = step(Lang::Ja, "collect conditioned medium (≈ 6360 mL recovered)");
        assert!(english_runs(&ja).is_empty(), "{ja}");
        let ja = plan_error(
            Lang::Ja,
            "target.vial_ml: must be greater than zero, got -2",
        );
        assert_eq!(
            ja,
            "target.vial_ml: 0 より大きい値を入力してください (入力値 -2)"
        );
        let ja = plan_error(
            Lang::Ja,
            "impossible target (deadline): needs 812 h from the first seeding, 340 h are left",
        );
        assert!(
            ja.contains("(充填期限): 812, 340") && english_runs(&ja).is_empty(),
            "{ja}"
        );
        let en = "growth fit did not converge: estimates may be poor";
        assert_eq!(note(Lang::En, en), en);
    }

    /// Every `{n}` of a Japanese note is a number of the English it translates (the catalogue's
    /// English, which matches the planner's fixed words, says where each stands).
    #[test]
    fn every_note_key_exists_and_says_the_planners_words() {
        for (words, key) in NOTES {
            let en = Lang::En.t(key);
            assert!(en.contains(words), "{key}: {en:?} lacks {words:?}");
            for i in 0..8 {
                let n = format!("{{{i}}}");
                if Lang::Ja.t(key).contains(&n) {
                    assert!(en.contains(&n), "{key}: {n} is not in the English");
                }
            }
        }
    }
}

//! The plan page's words (issue 17 item 1): its cell sources, units, plot titles and axes, and the
//! planner's notes, warnings and refusals in the reader's language (the planner says those in
//! both languages from their data: `Note`, `PlanError`).

use crate::i18n::Lang;
use crate::registry::Texts;
use secretome_planner::{
    CellSource, Factor, Note, PlanError, PlotText, Provenance, Step, StepKind,
};

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
];

/// A planner note or warning in `lang` (the planner says each in both languages).
pub fn note(lang: Lang, n: &Note) -> String {
    match lang {
        Lang::Ja => n.ja(),
        Lang::En => n.en(),
    }
}

/// Why the planner refused a plan, in `lang`.
pub fn plan_error(lang: Lang, e: &PlanError) -> String {
    match lang {
        Lang::Ja => e.ja(),
        Lang::En => e.to_string(),
    }
}

/// A factor as a table row names it: in Japanese the abbreviation and the Japanese name
/// (`VEGF 血管内皮成長因子`), EV particles by their Japanese name alone.
pub fn factor_label(lang: Lang, f: Factor) -> String {
    match (lang, f) {
        (Lang::Ja, Factor::EvParticles) => f.name_ja().to_string(),
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

/// A schedule step's description in `lang`.
pub fn step(lang: Lang, s: &Step) -> &str {
    match lang {
        Lang::En => &s.description,
        Lang::Ja => &s.description_ja,
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
    fn the_planners_refusals_read_in_japanese() {
        let e = PlanError::NotPositive {
            field: "target.vial_ml".into(),
            value: -2.0,
        };
        let ja = plan_error(Lang::Ja, &e);
        assert!(ja.contains("0 より大きい値") && ja.contains("-2"), "{ja}");
        assert!(english_runs(&ja).is_empty(), "{ja}");
        assert_eq!(plan_error(Lang::En, &e), e.to_string());
    }
}

//! No input reaches a panic: arbitrary plan-file text, and arbitrary numbers in every plan field,
//! give a plan or a typed error.

use jiff::civil::date;
use proptest::prelude::*;
use secretome_planner::plan::request_from;
use secretome_planner::{CellSource, PlanRequest, SourceParams, plan};

fn number() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<f64>().prop_map(|v| format!("{v:?}")),
        (0.0f64..1.0).prop_map(|v| format!("{v:?}")),
        (1.0f64..1e7).prop_map(|v| format!("{v:?}")),
        (0u32..100_000).prop_map(|v| v.to_string()),
        Just("nan".to_owned()),
        Just("-inf".to_owned()),
        Just("0".to_owned()),
        Just("-1".to_owned()),
    ]
}

const KEYS: [&str; 16] = [
    "target.vials",
    "target.vial_ml",
    "target.min_concentration.vegf",
    "start_cells.cells",
    "start_cells.passage",
    "expansion.seeding_density",
    "expansion.passage_at_confluence",
    "expansion.passage_recovery",
    "expansion.max_passage",
    "expansion.feed_interval_h",
    "conditioning.start_at_confluence",
    "conditioning.hours",
    "conditioning.max_hours",
    "conditioning.volume_ml_per_vessel",
    "downstream.concentration_factor",
    "downstream.volume_recovery",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_text_is_parsed_or_rejected(text in ".{0,400}") {
        let _ = PlanRequest::from_toml(&text);
    }

    #[test]
    fn arbitrary_numbers_give_a_plan_or_an_error(values in prop::collection::vec((0usize..KEYS.len(), number()), 1..6)) {
        let overrides: Vec<(String, String)> =
            values.into_iter().map(|(k, v)| (KEYS[k].to_owned(), v)).collect();
        let base = include_str!("fixtures_campaign.toml");
        if let Ok(req) = request_from(Some(base), &overrides) {
            let params = SourceParams::defaults(CellSource::BoneMarrow);
            if let Ok(p) = plan(&req, &params, date(2026, 11, 25).at(12, 0, 0, 0)) {
                prop_assert!(p.outcome.vials >= u64::from(req.target.vials));
                let _ = secretome_planner::plan_svg(&p, None);
            }
        }
    }
}

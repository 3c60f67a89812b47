//! Planning a campaign: schedule, vessels, predictions with intervals, and clear errors when a
//! target cannot be met or a plan is malformed.

use jiff::civil::{DateTime, date};
use secretome_planner::kinetics::concentration;
use secretome_planner::{
    CellSource, Factor, Note, PlanError, PlanRequest, SourceParams, StepKind, plan, render_text,
};

const CAMPAIGN: &str = include_str!("fixtures_campaign.toml");

fn now() -> DateTime {
    date(2026, 11, 25).at(12, 0, 0, 0)
}

fn request() -> PlanRequest {
    PlanRequest::from_toml(CAMPAIGN).unwrap()
}

fn bm() -> SourceParams {
    SourceParams::defaults(CellSource::BoneMarrow)
}

#[test]
fn a_realistic_campaign_gets_a_dated_schedule_that_meets_the_target() {
    let req = request();
    let p = plan(&req, &bm(), now()).unwrap();
    assert_eq!(p.start, date(2026, 12, 1).at(9, 0, 0, 0));
    assert!(p.finish <= date(2027, 2, 1).at(0, 0, 0, 0));
    assert!(p.outcome.vials >= 200);
    // Steps are in time order, dated from the start, and run seed → passages → conditioning → fill.
    for w in p.steps.windows(2) {
        assert!(w[0].hours <= w[1].hours);
    }
    for s in &p.steps {
        assert_eq!(p.hours_at(s.at), s.hours);
    }
    let kinds: Vec<StepKind> = p
        .steps
        .iter()
        .map(|s| s.kind)
        .filter(|k| *k != StepKind::Feed)
        .collect();
    assert_eq!(kinds.first(), Some(&StepKind::Seed));
    assert_eq!(
        &kinds[kinds.len() - 3..],
        &[
            StepKind::ConditioningStart,
            StepKind::Harvest,
            StepKind::Fill
        ]
    );
    assert_eq!(
        kinds.iter().filter(|k| **k == StepKind::Passage).count() as u32,
        p.passages
    );
    // Conditioning in 5-layer stacks at 0.2 mL/cm²: enough medium for 200 mL × 10 / 0.9.
    assert!(p.outcome.conditioning_volume_ml >= 200.0 * 10.0 / 0.9);
    assert!(p.vessels.iter().any(|v| v.vessel == "5-layer stack"));
    assert!(p.growth_medium_l > 0.0 && p.conditioning_medium_l > 0.0);
    // Final passage within the bone-marrow limit (P5).
    assert!(p.outcome.stages.last().unwrap().passage <= 5);
    // The latest start leaves exactly the campaign's duration before the end of the deadline day.
    assert_eq!(
        p.hours_at(date(2027, 2, 1).at(0, 0, 0, 0)) - p.hours_at(p.latest_start),
        p.outcome.finish_h
    );
}

#[test]
fn predictions_follow_the_model_and_carry_an_interval() {
    let params = bm();
    let p = plan(&request(), &params, now()).unwrap();
    let vegf = p
        .predictions
        .iter()
        .find(|x| x.factor == Factor::Vegf)
        .unwrap();
    let sp = &params.secretion[&Factor::Vegf];
    let c = concentration(
        sp.rate.value,
        p.outcome.conditioning_cells,
        p.outcome.conditioning_volume_ml,
        sp.degradation_per_h.value,
        p.conditioning_hours,
    );
    assert!((vegf.at_harvest / c - 1.0).abs() < 1e-12);
    assert!((vegf.in_product / (c * 0.8 * 10.0) - 1.0).abs() < 1e-12);
    assert!(vegf.lower95 < vegf.in_product && vegf.in_product < vegf.upper95);
    assert_eq!(vegf.min_required, Some(20.0));
    assert!(vegf.in_product >= 20.0);
    // Literature/unverified inputs are labelled in the plan.
    assert!(
        p.warnings
            .iter()
            .any(|w| w.to_string().contains("VEGF") && w.to_string().contains("unverified"))
    );
    assert!(
        p.parameters
            .iter()
            .any(|lp| lp.name == "doubling time" && lp.param.status.to_string() == "literature")
    );
}

#[test]
fn tighter_parameters_give_a_narrower_interval() {
    let mut tight = bm();
    tight.secretion.get_mut(&Factor::Vegf).unwrap().rate.rel_sd = 0.05;
    let wide = plan(&request(), &bm(), now()).unwrap();
    let narrow = plan(&request(), &tight, now()).unwrap();
    let ratio = |p: &secretome_planner::Plan| {
        let v = p
            .predictions
            .iter()
            .find(|x| x.factor == Factor::Vegf)
            .unwrap();
        v.upper95 / v.lower95
    };
    assert!(ratio(&narrow) < ratio(&wide));
}

#[test]
fn conditioning_is_lengthened_when_that_meets_the_target() {
    // HGF is stable (accumulates linearly): find the 48 h prediction and ask for 25 % more.
    let base = plan(&request(), &bm(), now()).unwrap();
    let hgf48 = base
        .predictions
        .iter()
        .find(|x| x.factor == Factor::Hgf)
        .unwrap()
        .in_product;
    let mut req = request();
    req.target
        .min_concentration
        .insert(Factor::Hgf, hgf48 * 1.25);
    let p = plan(&req, &bm(), now()).unwrap();
    assert_eq!(p.conditioning_hours, 60.0);
    assert!(p.warnings.iter().any(|w| matches!(
        w,
        Note::Lengthened {
            from: 48.0,
            to: 60.0
        }
    )));
}

fn impossible_field(r: Result<secretome_planner::Plan, PlanError>) -> (String, String) {
    match r {
        Err(PlanError::Impossible { field, reason }) => (field, reason.en),
        other => panic!("expected an impossible-target error, got {other:?}"),
    }
}

#[test]
fn an_unreachable_concentration_says_what_would_be_needed() {
    let mut req = request();
    req.target.min_concentration.insert(Factor::Vegf, 1.0e5);
    let (field, reason) = impossible_field(plan(&req, &bm(), now()));
    assert_eq!(field, "target.min_concentration.vegf");
    assert!(reason.contains("concentration factor ≥"), "{reason}");
}

#[test]
fn a_deadline_too_early_gives_the_earliest_finish() {
    let mut req = request();
    req.deadline = date(2026, 12, 20);
    let (field, reason) = impossible_field(plan(&req, &bm(), now()));
    assert_eq!(field, "deadline");
    assert!(reason.contains("earliest finish is 2027-01-15"), "{reason}");
}

#[test]
fn too_many_passages_or_too_few_cells_are_impossible() {
    let mut req = request();
    req.target.vials = 1_000_000;
    let (field, reason) = impossible_field(plan(&req, &bm(), now()));
    assert_eq!(field, "target.vials");
    assert!(reason.contains("maximum P5"), "{reason}");
    let mut req = request();
    req.start_cells.cells = 1000.0;
    let (field, _) = impossible_field(plan(&req, &bm(), now()));
    assert_eq!(field, "start_cells.cells");
}

#[test]
fn the_start_defaults_to_now_and_the_text_report_shows_the_schedule() {
    let mut req = request();
    req.start = None;
    req.deadline = date(2027, 6, 1);
    let p = plan(&req, &bm(), now()).unwrap();
    assert_eq!(p.start, now());
    let text = render_text(&p);
    assert!(text.contains("Schedule"));
    assert!(text.contains("2026-11-25 12:00"));
    assert!(text.contains("[literature]"));
    assert!(text.contains("VEGF"));
}

/// Every step of the schedule is said in Japanese too, with the same numbers and no English
/// words (only units, vessel names and passages in Latin letters).
#[test]
fn every_step_is_described_in_japanese() {
    let p = plan(&request(), &bm(), now()).unwrap();
    assert!(p.steps.len() > 3);
    for s in &p.steps {
        let words: Vec<&str> = s
            .description_ja
            .split(|c: char| !c.is_ascii_alphabetic())
            .filter(|w| w.len() > 1 && !["mL", "cm", "HYPERFlask"].contains(w))
            .collect();
        assert!(words.is_empty(), "{}: {words:?}", s.description_ja);
        let digits = |t: &str| t.chars().filter(char::is_ascii_digit).count();
        assert_eq!(
            digits(&s.description),
            digits(&s.description_ja),
            "{} / {}",
            s.description,
            s.description_ja
        );
    }
}

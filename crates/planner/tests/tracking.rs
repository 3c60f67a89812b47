//! Plan vs actual: a running batch is compared with its plan's prediction band, and the SVG plot
//! shows plan, band and counts.

use jiff::civil::{DateTime, date};
use secretome_planner::{
    CellSource, Note, Observation, Plan, PlanRequest, Side, SourceParams, TrackStatus, plan,
    plan_svg, track,
};

fn the_plan() -> Plan {
    let req = PlanRequest::from_toml(include_str!("fixtures_campaign.toml")).unwrap();
    plan(
        &req,
        &SourceParams::defaults(CellSource::BoneMarrow),
        date(2026, 11, 25).at(12, 0, 0, 0),
    )
    .unwrap()
}

fn at(p: &Plan, hours: f64) -> DateTime {
    p.date_at(hours).unwrap()
}

/// The planned count at `hours` times `factor`.
fn obs(p: &Plan, hours: f64, factor: f64) -> Observation {
    let predicted = secretome_planner::plan::band_at(&p.outcome, &p.params, hours)
        .unwrap()
        .cells;
    Observation {
        at: at(p, hours),
        cells: predicted * factor,
    }
}

#[test]
fn counts_on_the_prediction_are_on_plan() {
    let p = the_plan();
    let t = track(
        &p,
        &[obs(&p, 96.0, 1.0), obs(&p, 240.0, 1.1), obs(&p, 400.0, 0.9)],
    )
    .unwrap();
    assert_eq!(t.status, TrackStatus::OnPlan);
    assert!(t.comparisons.iter().all(|c| c.side == Side::Within));
    assert!(t.warnings.is_empty(), "{:?}", t.warnings);
}

#[test]
fn a_batch_growing_much_slower_is_flagged_with_the_band() {
    let p = the_plan();
    let t = track(
        &p,
        &[
            obs(&p, 96.0, 1.0),
            obs(&p, 300.0, 0.2),
            obs(&p, 400.0, 0.15),
        ],
    )
    .unwrap();
    assert_eq!(t.status, TrackStatus::OffPlan);
    assert_eq!(t.comparisons[1].side, Side::Below);
    assert!(
        t.warnings
            .iter()
            .any(|w| matches!(w, Note::OffPlan { below: true, .. })
                && w.to_string().contains("below plan")
                && w.to_string().contains("95 % band")),
        "{:?}",
        t.warnings
    );
}

#[test]
fn one_outlier_earlier_is_reported_but_not_off_plan() {
    let p = the_plan();
    let t = track(&p, &[obs(&p, 200.0, 5.0), obs(&p, 300.0, 1.0)]).unwrap();
    assert_eq!(t.comparisons[0].side, Side::Above);
    assert_eq!(t.status, TrackStatus::OnPlan);
    assert_eq!(t.warnings.len(), 1);
}

#[test]
fn counts_outside_the_culture_period_are_not_compared_and_bad_counts_are_errors() {
    let p = the_plan();
    let before = Observation {
        at: at(&p, -10.0),
        cells: 1e5,
    };
    let t = track(&p, &[before]).unwrap();
    assert!(t.comparisons.is_empty());
    assert_eq!(t.warnings.len(), 1);
    let bad = Observation {
        at: at(&p, 10.0),
        cells: f64::NAN,
    };
    assert!(
        track(&p, &[bad])
            .unwrap_err()
            .to_string()
            .starts_with("observations[0].cells")
    );
}

#[test]
fn the_svg_shows_the_plan_and_the_counts() {
    let p = the_plan();
    let t = track(&p, &[obs(&p, 96.0, 1.0), obs(&p, 300.0, 0.2)]).unwrap();
    let svg = plan_svg(&p, Some(&t)).unwrap();
    assert!(svg.starts_with("<svg"));
    assert!(svg.contains("Cells in culture"));
    assert!(svg.contains("VEGF"));
    assert_eq!(svg.matches("<circle").count(), 2, "one marker per count");
    let without = plan_svg(&p, None).unwrap();
    assert_eq!(without.matches("<circle").count(), 0);
}

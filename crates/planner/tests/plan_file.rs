//! TOML plan files: malformed or invalid plans give errors that name the field (and line).

use secretome_planner::{PlanError, PlanRequest};

const CAMPAIGN: &str = include_str!("fixtures_campaign.toml");

fn with(replace: &str, by: &str) -> Result<PlanRequest, PlanError> {
    assert!(CAMPAIGN.contains(replace), "fixture lacks {replace:?}");
    PlanRequest::from_toml(&CAMPAIGN.replacen(replace, by, 1))
}

fn err(replace: &str, by: &str) -> String {
    match with(replace, by) {
        Ok(r) => panic!("accepted {by:?}: {r:?}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn the_example_campaign_parses() {
    let r = PlanRequest::from_toml(CAMPAIGN).unwrap();
    assert_eq!(r.target.vials, 200);
    assert_eq!(r.conditioning.vessel.unwrap().vessel().area_cm2, 3180.0);
}

#[test]
fn invalid_values_name_their_field() {
    let cases = [
        ("vial_ml = 1.0", "vial_ml = 0.0", "target.vial_ml"),
        ("vials = 200", "vials = 0", "target.vials"),
        (
            "seeding_density = 1000",
            "seeding_density = nan",
            "expansion.seeding_density",
        ),
        (
            "seeding_density = 1000",
            "seeding_density = inf",
            "expansion.seeding_density",
        ),
        ("hours = 48", "hours = -48", "conditioning.hours"),
        ("hours = 24", "hours = -1", "downstream.hours"),
        ("max_hours = 72", "max_hours = 24", "conditioning.max_hours"),
        (
            "passage_at_confluence = 0.8",
            "passage_at_confluence = 1.2",
            "expansion.passage_at_confluence",
        ),
        (
            "volume_recovery = 0.9",
            "volume_recovery = 0",
            "downstream.volume_recovery",
        ),
        (
            "concentration_factor = 10",
            "concentration_factor = 0.5",
            "downstream.concentration_factor",
        ),
        (
            "vegf = 20.0",
            "vegf = -20.0",
            "target.min_concentration.vegf",
        ),
        ("cells = 2.0e6", "cells = 0.0", "start_cells.cells"),
        (
            "vessel = \"t175\"",
            "vessel = { name = \"flat bag\", area_cm2 = 0, working_volume_ml = 10 }",
            "expansion.vessel.area_cm2",
        ),
    ];
    for (from, to, field) in cases {
        let e = err(from, to);
        assert!(e.starts_with(field), "{to}: expected {field}, got {e}");
    }
}

#[test]
fn syntax_and_type_errors_name_the_line_and_key() {
    let e = err("vials = 200", "vials = -5");
    assert!(e.contains("line 7") && e.contains("vials"), "{e}");
    let e = err("vessel = \"t175\"", "vessel = \"t999\"");
    assert!(e.contains("line 17") && e.contains("vessel"), "{e}");
    let e = err("source = \"bone-marrow\"", "source = \"liver\"");
    assert!(e.contains("line 2") && e.contains("liver"), "{e}");
    let e = err("deadline = \"2027-01-31\"", "deadline = \"2027-02-30\"");
    assert!(e.contains("deadline") && e.contains("line 4"), "{e}");
    let e = err("hours = 24", "hourz = 24");
    assert!(
        e.contains("hourz"),
        "unknown keys are rejected, not ignored: {e}"
    );
    let e = err(
        "min_concentration = { vegf = 20.0, hgf = 500.0 }",
        "min_concentration = { vegff = 20.0 }",
    );
    assert!(e.contains("vegff"), "{e}");
    let e = err("[target]", "[target");
    assert!(e.starts_with("plan file:"), "{e}");
}

#[test]
fn toml_native_dates_and_short_times_are_accepted() {
    let r = with("deadline = \"2027-01-31\"", "deadline = 2027-01-31").unwrap();
    assert_eq!(r.deadline, jiff::civil::date(2027, 1, 31));
    let r = with(
        "start = \"2026-12-01T09:00:00\"",
        "start = 2026-12-01T09:00",
    )
    .unwrap();
    assert_eq!(r.start, Some(jiff::civil::date(2026, 12, 1).at(9, 0, 0, 0)));
    let e = err(
        "start = \"2026-12-01T09:00:00\"",
        "start = 2026-12-01T09:00:00Z",
    );
    assert!(
        e.contains("line 3") && e.contains("local date and time"),
        "{e}"
    );
}

fn kv(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

#[test]
fn command_line_flags_build_the_same_request_as_a_file() {
    use secretome_planner::plan::{parse_override, request_from};
    let flags = kv(&[
        ("source", "bone-marrow"),
        ("start", "2026-12-01T09:00"),
        ("deadline", "2027-01-31"),
        ("target.vials", "200"),
        ("target.vial_ml", "1"),
        ("target.min_concentration.vegf", "20"),
        ("target.min_concentration.hgf", "500"),
        ("start_cells.cells", "2e6"),
        ("start_cells.passage", "2"),
        ("expansion.vessel", "t175"),
        ("expansion.seeding_density", "1000"),
        ("conditioning.vessel", "stack-5"),
        ("downstream.concentration_factor", "10"),
    ]);
    let from_flags = request_from(None, &flags).unwrap();
    let from_file = request_from(Some(CAMPAIGN), &[]).unwrap();
    assert_eq!(from_flags, from_file);
    // Flags override the file.
    let r = request_from(
        Some(CAMPAIGN),
        &kv(&[("target.vials", "50"), ("conditioning.vessel", "t175")]),
    )
    .unwrap();
    assert_eq!(r.target.vials, 50);
    assert_eq!(r.conditioning.vessel.unwrap().vessel().name, "T-175");
    assert_eq!(
        parse_override("conditioning.hours=60").unwrap(),
        ("conditioning.hours".into(), "60".into())
    );
    assert!(parse_override("conditioning.hours").is_err());
}

#[test]
fn bad_flags_name_the_key() {
    use secretome_planner::plan::request_from;
    let e = request_from(Some(CAMPAIGN), &kv(&[("target.vials", "-5")]))
        .unwrap_err()
        .to_string();
    assert!(e.contains("target.vials"), "{e}");
    let e = request_from(Some(CAMPAIGN), &kv(&[("conditioning.hours", "-3")]))
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("conditioning.hours"), "{e}");
    let e = request_from(Some(CAMPAIGN), &kv(&[("expansion.vessel", "t999")]))
        .unwrap_err()
        .to_string();
    assert!(e.contains("expansion.vessel") && e.contains("t999"), "{e}");
    let e = request_from(Some(CAMPAIGN), &kv(&[("source.x", "1")]))
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("source:"), "{e}");
    let e = request_from(None, &kv(&[("target.vials", "5")]))
        .unwrap_err()
        .to_string();
    assert!(e.contains("missing field"), "{e}");
}

#[test]
fn batches_and_counts_read_from_json() {
    let batch = r#"[{"id": "L001", "source": "umbilical-cord", "donor": "D1", "vessel": "t175", "vessels": 2,
        "seeded_cells": 350000, "observations": [{"hours": 0, "cells": 350000}, {"hours": 72, "cells": 1.1e6}],
        "conditioning": {"start_h": 168, "hours": 48, "volume_ml": 56, "cells": null},
        "measured": {"vegf": 450.0, "tgf-b1": 300.0}}]"#;
    let b: Vec<secretome_planner::FinishedBatch> = serde_json::from_str(batch).unwrap();
    assert_eq!(b[0].measured[&secretome_planner::Factor::TgfB1], 300.0);
    let counts = r#"[{"at": "2026-12-03T09:00:00", "cells": 8.5e5}]"#;
    let o: Vec<secretome_planner::Observation> = serde_json::from_str(counts).unwrap();
    assert_eq!(o[0].at, jiff::civil::date(2026, 12, 3).at(9, 0, 0, 0));
}

//! `secretome plan …`: plan a production campaign (issue 6). A thin IO layer over the
//! `secretome-planner` library: it reads files, takes the clock, calls the library, and prints.
//!
//! Dependencies this module needs in crates/cli/Cargo.toml:
//!   secretome-planner = { path = "../planner" }
//!   anyhow = { workspace = true }
//!   clap = { workspace = true }        # clap 4 with the `derive` feature
//!   jiff = { workspace = true }
//!   serde_json = { workspace = true }
//! Mount it in main.rs with `mod plan;`, a subcommand variant `Plan(plan::PlanArgs)`, and
//! `plan::run(args)`.
//!
//! Usage:
//!   secretome plan --plan campaign.toml [--set conditioning.hours=60 …]
//!   secretome plan --source bone-marrow --vials 200 --vial-ml 1 --min vegf=20 --by 2027-01-31 \
//!                  [--start 2026-12-01T09:00] [--start-cells 2e6] [--vessel t175] …
//!   … [--batches finished.json] [--observations counts.json] [--json] [--svg OUT.svg]
//! Exit code: 0 = planned (and on plan), 2 = planned but the running batch is off plan; errors
//! (bad or impossible plan, unreadable file) exit 1 with a message naming the field.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use secretome_planner::plan::{parse_override, request_from};
use secretome_planner::{
    CalibrationOptions, Factor, FinishedBatch, Observation, SourceParams, TrackStatus, calibrate,
    plan, plan_svg, render_text, track,
};

/// Arguments of `secretome plan`. Every flag is a shorthand for a key of the TOML plan file
/// (shown in brackets) and overrides the file's value.
#[derive(clap::Args, Debug)]
pub struct PlanArgs {
    /// TOML plan file (see crates/planner/tests/fixtures_campaign.toml).
    #[arg(long, value_name = "FILE.toml")]
    pub plan: Option<PathBuf>,
    /// Cell source: bone-marrow, adipose, umbilical-cord [source].
    #[arg(long)]
    pub source: Option<String>,
    /// Donor code, to use that donor's calibration [donor].
    #[arg(long)]
    pub donor: Option<String>,
    /// Vials to fill [target.vials].
    #[arg(long)]
    pub vials: Option<String>,
    /// Fill volume per vial, mL [target.vial_ml].
    #[arg(long)]
    pub vial_ml: Option<String>,
    /// Minimum concentration in the product, FACTOR=VALUE, repeatable, e.g. vegf=20
    /// [target.min_concentration.FACTOR].
    #[arg(long, value_name = "FACTOR=VALUE")]
    pub min: Vec<String>,
    /// Vials filled by the end of this date, YYYY-MM-DD [deadline].
    #[arg(long, value_name = "DATE")]
    pub by: Option<String>,
    /// First seeding, YYYY-MM-DDTHH:MM local time; default now [start].
    #[arg(long, value_name = "DATETIME")]
    pub start: Option<String>,
    /// Viable cells at the start [start_cells.cells].
    #[arg(long)]
    pub start_cells: Option<String>,
    /// Passage of the start cells [start_cells.passage].
    #[arg(long)]
    pub start_passage: Option<String>,
    /// Expansion vessel: t25, t75, t175, t225, hyperflask, stack-1/2/5/10 [expansion.vessel].
    #[arg(long)]
    pub vessel: Option<String>,
    /// Conditioning vessel [conditioning.vessel].
    #[arg(long)]
    pub conditioning_vessel: Option<String>,
    /// Conditioning hours [conditioning.hours].
    #[arg(long)]
    pub conditioning_hours: Option<String>,
    /// Ultrafiltration concentration factor [downstream.concentration_factor].
    #[arg(long)]
    pub concentration_factor: Option<String>,
    /// Any other plan-file key, KEY=VALUE, repeatable (e.g. expansion.passage_recovery=0.85).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// Finished batches (JSON array) to calibrate the model before planning.
    #[arg(long, value_name = "FILE.json")]
    pub batches: Option<PathBuf>,
    /// Cell counts of the running batch (JSON array of {"at": "YYYY-MM-DDTHH:MM", "cells": N}).
    #[arg(long, value_name = "FILE.json")]
    pub observations: Option<PathBuf>,
    /// Print the plan (and tracking, calibration) as JSON instead of the readable report.
    #[arg(long)]
    pub json: bool,
    /// Write the plan's growth/concentration plot as SVG.
    #[arg(long, value_name = "OUT.svg")]
    pub svg: Option<PathBuf>,
}

fn read(path: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

fn overrides(args: &PlanArgs) -> anyhow::Result<Vec<(String, String)>> {
    let flags = [
        ("source", &args.source),
        ("donor", &args.donor),
        ("target.vials", &args.vials),
        ("target.vial_ml", &args.vial_ml),
        ("deadline", &args.by),
        ("start", &args.start),
        ("start_cells.cells", &args.start_cells),
        ("start_cells.passage", &args.start_passage),
        ("expansion.vessel", &args.vessel),
        ("conditioning.vessel", &args.conditioning_vessel),
        ("conditioning.hours", &args.conditioning_hours),
        (
            "downstream.concentration_factor",
            &args.concentration_factor,
        ),
    ];
    let mut out: Vec<(String, String)> = flags
        .into_iter()
        .filter_map(|(k, v)| v.as_ref().map(|v| (k.to_owned(), v.clone())))
        .collect();
    for m in &args.min {
        let (f, v) = parse_override(m).context("--min")?;
        // Accept display names too (VEGF, TGF-β1): the file key is the factor's key.
        let key = f
            .parse::<Factor>()
            .map_or_else(|_| f.to_ascii_lowercase(), |f| f.key().to_owned());
        out.push((format!("target.min_concentration.{key}"), v));
    }
    for s in &args.set {
        out.push(parse_override(s).context("--set")?);
    }
    Ok(out)
}

/// Run `secretome plan`.
pub fn run(args: PlanArgs) -> anyhow::Result<ExitCode> {
    let text = args.plan.as_deref().map(read).transpose()?;
    let req =
        request_from(text.as_deref(), &overrides(&args)?).with_context(|| match &args.plan {
            Some(p) => format!("plan {}", p.display()),
            None => "plan flags".to_owned(),
        })?;
    let calibration = match &args.batches {
        Some(path) => {
            let batches: Vec<FinishedBatch> = serde_json::from_str(&read(path)?)
                .with_context(|| format!("batches {}", path.display()))?;
            Some(
                calibrate(&batches, &CalibrationOptions::default())
                    .with_context(|| format!("batches {}", path.display()))?,
            )
        }
        None => None,
    };
    let params = match &calibration {
        Some(c) => c.params_for(req.source, req.donor.as_deref()),
        None => SourceParams::defaults(req.source),
    };
    let now = jiff::ZonedDateTime::now()
        .datetime()
        .round(jiff::Unit::Minute)?;
    let planned = plan(&req, &params, now)?;
    let tracking = match &args.observations {
        Some(path) => {
            let obs: Vec<Observation> = serde_json::from_str(&read(path)?)
                .with_context(|| format!("observations {}", path.display()))?;
            Some(
                track(&planned, &obs)
                    .with_context(|| format!("observations {}", path.display()))?,
            )
        }
        None => None,
    };
    if let Some(out) = &args.svg {
        let svg = plan_svg(&planned, tracking.as_ref())?;
        std::fs::write(out, svg).with_context(|| format!("cannot write {}", out.display()))?;
    }
    if args.json {
        let doc = serde_json::json!({ "plan": planned, "tracking": tracking, "calibration": calibration });
        println!("{}", serde_json::to_string_pretty(&doc)?);
    } else {
        if let Some(c) = &calibration {
            print!("{}", secretome_planner::render_calibration_text(c));
            println!();
        }
        print!("{}", render_text(&planned));
        if let Some(t) = &tracking {
            println!("\nPlan vs actual: {:?}", t.status);
            for w in &t.warnings {
                println!("  ! {w}");
            }
        }
    }
    let off = tracking.is_some_and(|t| t.status == TrackStatus::OffPlan);
    Ok(if off {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

//! The production-planning page (DESIGN.md §8): the growth parameters calibrated from the facility's
//! own finished batches (with 95 % intervals and what is still a literature default), and a plan for
//! "N vials of M mL by date D, VEGF ≥ X" with its schedule, vessels, media, predicted factor
//! concentrations and the growth plot. A GET form: planning changes nothing.

use crate::{
    auth::{Viewer, now},
    ctx::PageCtx,
    pages::{PageError, render},
};
use askama::Template;
use axum::{
    Extension,
    extract::{Query, State},
    http::Uri,
    response::Html,
};
use secretome_planner::{CalibrationReport, GroupCalibration, Plan, plan::request_from};
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
pub struct PlanForm {
    source: Option<String>,
    vials: Option<String>,
    vial_ml: Option<String>,
    vegf: Option<String>,
    deadline: Option<String>,
}

struct GroupRow {
    source: String,
    growth: Option<(String, String, usize, usize)>,
    notes: Vec<String>,
    /// (factor, fitted rate with 95 % interval, "batch: measured → predicted" per finished batch)
    secretion: Vec<(String, String, Vec<String>)>,
    svg: Option<String>,
}

/// A running batch against what its seeding predicts.
struct RunningRow {
    batch: String,
    on_plan: bool,
    warnings: Vec<String>,
    svg: String,
}

#[derive(Template)]
#[template(path = "planning.html")]
struct PlanningPage {
    running: Vec<RunningRow>,
    /// The source chosen in the form, to keep it selected.
    chosen: String,
    c: PageCtx,
    f: PlanForm,
    groups: Vec<GroupRow>,
    plan: Option<Plan>,
    plan_svg: String,
    error: String,
}

fn group_row(g: &GroupCalibration) -> GroupRow {
    let fmt = |e: &secretome_planner::calibrate::Estimate| {
        format!(
            "{:.1} {} [{:.1} – {:.1}]",
            e.value, e.unit, e.lower95, e.upper95
        )
    };
    GroupRow {
        source: match g.source {
            secretome_planner::CellSource::BoneMarrow => "骨髄 / bone marrow",
            secretome_planner::CellSource::Adipose => "脂肪 / adipose",
            secretome_planner::CellSource::UmbilicalCord => "臍帯 / umbilical cord",
        }
        .to_string(),
        growth: g.growth.as_ref().map(|gr| {
            (
                fmt(&gr.doubling_time_h),
                fmt(&gr.lag_h),
                gr.batches,
                gr.observations,
            )
        }),
        notes: g.notes.clone(),
        secretion: g
            .secretion
            .iter()
            .map(|sc| {
                let r = &sc.rate;
                (
                    format!("{} {}", sc.factor.name(), sc.factor.name_ja()),
                    format!(
                        "{:.3e} {} [{:.3e} – {:.3e}]",
                        r.value, r.unit, r.lower95, r.upper95
                    ),
                    sc.batches
                        .iter()
                        .map(|m| format!("{}: {:.4} → {:.4}", m.batch, m.measured, m.predicted))
                        .collect(),
                )
            })
            .collect(),
        svg: if g.secretion.is_empty() {
            None
        } else {
            secretome_planner::calibrate::calibration_svg(g).ok()
        },
    }
}

pub async fn page(
    State(st): State<crate::AppState>,
    Extension(v): Extension<Viewer>,
    uri: Uri,
    Query(f): Query<PlanForm>,
) -> Result<Html<String>, PageError> {
    let report: CalibrationReport = st
        .service
        .calibration()
        .await
        .map_err(|e| PageError::new(e, &v))?;
    let groups = report
        .groups
        .iter()
        .filter(|g| g.donor.is_none())
        .map(group_row)
        .collect();
    let chosen = f.source.clone().unwrap_or_default();
    let running = st
        .service
        .running_batches_vs_plan()
        .await
        .map_err(|e| PageError::new(e, &v))?
        .into_iter()
        .map(|r| RunningRow {
            on_plan: r.tracking.status == secretome_planner::TrackStatus::OnPlan,
            warnings: r.tracking.warnings.clone(),
            svg: secretome_planner::plan_svg(&r.plan, Some(&r.tracking)).unwrap_or_default(),
            batch: r.batch,
        })
        .collect();
    let mut page = PlanningPage {
        running,
        chosen,
        c: PageCtx::new(&v, uri.path()),
        f,
        groups,
        plan: None,
        plan_svg: String::new(),
        error: String::new(),
    };
    if page.f.source.as_deref().is_some_and(|s| !s.is_empty()) {
        let mut pairs: Vec<(String, String)> = Vec::new();
        let mut put = |k: &str, v: &Option<String>| {
            if let Some(v) = v.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
                pairs.push((k.to_string(), v.to_string()));
            }
        };
        put("source", &page.f.source);
        put("deadline", &page.f.deadline);
        put("target.vials", &page.f.vials);
        put("target.vial_ml", &page.f.vial_ml);
        put("target.min_concentration.vegf", &page.f.vegf);
        match request_from(None, &pairs) {
            Err(e) => page.error = e.to_string(),
            Ok(req) => match st.service.plan_production(&req, now()).await {
                Err(e) => page.error = e.to_string(),
                Ok(plan) => {
                    page.plan_svg = secretome_planner::plan_svg(&plan, None).unwrap_or_default();
                    page.plan = Some(plan);
                }
            },
        }
    }
    Ok(render(&page))
}

//! The production-planning page (DESIGN.md §8): the growth parameters calibrated from the facility's
//! own finished batches (with 95 % intervals and what is still a literature default), and a plan for
//! "N vials of M mL by date D, VEGF ≥ X" with its schedule, vessels, media, predicted factor
//! concentrations and the growth plot. A GET form: planning changes nothing. Its words, and the
//! planner's notes in the reader's language: `text`.

mod text;
pub use text::TEXT;

use crate::i18n::Lang;
use crate::kit::scientific;
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
    /// The notes under the calibration and running-batch headings, with the windows they use.
    calibration_note: String,
    running_note: String,
    running: Vec<RunningRow>,
    /// The cell sources of the form: (key, name in the page's language).
    sources: Vec<(&'static str, &'static str)>,
    /// The plan's steps (time, hours, kind, description) and predictions (factor, in product,
    /// 95 % interval, unit, provenance), in the page's language.
    steps: Vec<(String, f64, &'static str, String)>,
    predictions: Vec<(String, f64, f64, f64, String, &'static str)>,
    warnings: Vec<String>,
    /// The source chosen in the form, to keep it selected.
    chosen: String,
    c: PageCtx,
    f: PlanForm,
    groups: Vec<GroupRow>,
    plan: Option<Plan>,
    plan_svg: String,
    error: String,
}

fn group_row(lang: Lang, g: &GroupCalibration) -> GroupRow {
    let fmt = |e: &secretome_planner::calibrate::Estimate| {
        format!(
            "{:.1} {} [{:.1} – {:.1}]",
            e.value,
            text::unit(lang, &e.unit),
            e.lower95,
            e.upper95
        )
    };
    GroupRow {
        source: text::source(lang, g.source).to_string(),
        growth: g.growth.as_ref().map(|gr| {
            (
                fmt(&gr.doubling_time_h),
                fmt(&gr.lag_h),
                gr.batches,
                gr.observations,
            )
        }),
        notes: g.notes.iter().map(|n| text::note(lang, n)).collect(),
        secretion: g
            .secretion
            .iter()
            .map(|sc| {
                let r = &sc.rate;
                (
                    text::factor_label(lang, sc.factor),
                    format!(
                        "{} {} [{} – {}]",
                        scientific(r.value, 3),
                        text::unit(lang, &r.unit),
                        scientific(r.lower95, 3),
                        scientific(r.upper95, 3)
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
            secretome_planner::calibrate::calibration_svg_in(g, &text::plot_text(lang)).ok()
        },
    }
}

pub async fn page(
    State(st): State<crate::AppState>,
    Extension(v): Extension<Viewer>,
    uri: Uri,
    Query(f): Query<PlanForm>,
) -> Result<Html<String>, PageError> {
    let state = st
        .service
        .planning_state()
        .await
        .map_err(|e| PageError::new(e, &v))?;
    let report: &CalibrationReport = &state.report;
    let groups = report
        .groups
        .iter()
        .filter(|g| g.donor.is_none())
        .map(|g| group_row(v.lang, g))
        .collect();
    let chosen = f.source.clone().unwrap_or_default();
    let running = state
        .running
        .iter()
        .map(|r| RunningRow {
            on_plan: r.tracking.status == secretome_planner::TrackStatus::OnPlan,
            warnings: r
                .tracking
                .warnings
                .iter()
                .map(|w| text::note(v.lang, w))
                .collect(),
            svg: secretome_planner::plan_svg_in(
                &r.plan,
                Some(&r.tracking),
                &text::plot_text(v.lang),
            )
            .unwrap_or_default(),
            batch: r.batch.clone(),
        })
        .collect();
    let sources = text::SOURCES
        .into_iter()
        .map(|s| (s.key(), text::source(v.lang, s)))
        .collect();
    let window = |key: &str, n: usize| v.lang.t(key).replace("{n}", &n.to_string());
    let mut page = PlanningPage {
        calibration_note: window(
            "plan.calibration_note",
            secretome_service::planning::CALIBRATION_BATCHES,
        ),
        running_note: window(
            "plan.running_note",
            secretome_service::planning::RUNNING_BATCHES,
        ),
        running,
        sources,
        steps: Vec::new(),
        predictions: Vec::new(),
        warnings: Vec::new(),
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
            Err(e) => page.error = text::plan_error(v.lang, &e),
            Ok(req) => match secretome_service::Service::plan_with(report, &req, now()) {
                Err(e) => page.error = crate::messages::tell(&e).text(v.lang).to_string(),
                Ok(plan) => {
                    let lang = v.lang;
                    page.plan_svg =
                        secretome_planner::plan_svg_in(&plan, None, &text::plot_text(lang))
                            .unwrap_or_default();
                    page.steps = plan
                        .steps
                        .iter()
                        .map(|s| {
                            (
                                s.at.strftime("%Y-%m-%d %H:%M").to_string(),
                                s.hours,
                                text::step_kind(lang, s.kind),
                                text::step(lang, s).to_string(),
                            )
                        })
                        .collect();
                    page.predictions = plan
                        .predictions
                        .iter()
                        .map(|p| {
                            (
                                text::factor_label(lang, p.factor),
                                p.in_product,
                                p.lower95,
                                p.upper95,
                                text::unit(lang, &p.unit),
                                text::provenance(lang, p.rate_status),
                            )
                        })
                        .collect();
                    page.warnings = plan.warnings.iter().map(|w| text::note(lang, w)).collect();
                    page.plan = Some(plan);
                }
            },
        }
    }
    Ok(render(&page))
}

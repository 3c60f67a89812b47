//! SVG plots of a plan: predicted cells over time with the 95 % band and observed counts, and the
//! predicted concentration of the target factors during conditioning (plotters, SVG backend).

use plotters::prelude::*;

use crate::error::PlanError;
use crate::factor::Factor;
use crate::kinetics::concentration;
use crate::plan::Plan;
use crate::track::{Side, Tracking};

fn plot_err<E: std::fmt::Display>(e: E) -> PlanError {
    PlanError::Plot(e.to_string())
}

/// The words of the plots (titles and axes), so that an edge can draw them in its reader's
/// language; `PlotText::ENGLISH` is what `plan_svg` and `calibration_svg` write.
#[derive(Debug, Clone, Copy)]
pub struct PlotText<'a> {
    pub cells_title: &'a str,
    pub cells_x: &'a str,
    pub cells_y: &'a str,
    pub conditioning_title: &'a str,
    pub conditioning_x: &'a str,
    pub conditioning_y: &'a str,
    pub calibration_title: &'a str,
    pub calibration_x: &'a str,
    pub calibration_y: &'a str,
    /// The legend's name of EV particles and the word for particles in a unit (`particles/mL`).
    pub ev_particles: &'a str,
    pub particles: &'a str,
}

impl PlotText<'_> {
    /// A factor as the legend names it, with its unit when `unit`.
    pub fn factor(&self, f: Factor, unit: bool) -> String {
        let name = match f {
            Factor::EvParticles => self.ev_particles,
            f => f.name(),
        };
        if unit {
            format!("{name} ({})", f.unit().replace("particles", self.particles))
        } else {
            name.to_string()
        }
    }
}

impl PlotText<'static> {
    pub const ENGLISH: PlotText<'static> = PlotText {
        cells_title: "Cells in culture: plan (line), 95 % band (dashed), counts (dots)",
        cells_x: "hours from first seeding",
        cells_y: "cells",
        conditioning_title: "Predicted concentration in the product vs conditioning time (target: dashed)",
        conditioning_x: "hours of conditioning",
        conditioning_y: "product concentration",
        calibration_title: "Finished batches: measured vs predicted at harvest",
        calibration_x: "predicted (pg/mL; particles/mL for EV)",
        calibration_y: "measured",
        ev_particles: "EV particles",
        particles: "particles",
    };
}

/// Cells over time (log scale, with the 95 % prediction band and any observed counts) and, below,
/// the conditioning-phase concentration of the target factors (or VEGF when no target is set).
pub fn plan_svg(plan: &Plan, tracking: Option<&Tracking>) -> Result<String, PlanError> {
    plan_svg_in(plan, tracking, &PlotText::ENGLISH)
}

/// `plan_svg` with the plots' words from `text`.
pub fn plan_svg_in(
    plan: &Plan,
    tracking: Option<&Tracking>,
    text: &PlotText,
) -> Result<String, PlanError> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (900, 640)).into_drawing_area();
        root.fill(&WHITE).map_err(plot_err)?;
        let (top, bottom) = root.split_vertically(400);
        cells_panel(&top, plan, tracking, text)?;
        conditioning_panel(&bottom, plan, text)?;
        root.present().map_err(plot_err)?;
    }
    Ok(svg)
}

fn cells_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    plan: &Plan,
    tracking: Option<&Tracking>,
    text: &PlotText,
) -> Result<(), PlanError>
where
    DB::ErrorType: 'static,
{
    let tr = &plan.trajectory;
    let obs: Vec<(f64, f64)> = tracking
        .map(|t| {
            t.comparisons
                .iter()
                .map(|c| (c.hours, c.observed))
                .collect()
        })
        .unwrap_or_default();
    let x_max = plan.outcome.harvest_h.max(1.0);
    let y_min = tr
        .iter()
        .map(|p| p.lower95)
        .chain(obs.iter().map(|o| o.1))
        .fold(f64::INFINITY, f64::min)
        .max(1.0);
    let y_max = tr
        .iter()
        .map(|p| p.upper95)
        .chain(obs.iter().map(|o| o.1))
        .fold(0.0, f64::max)
        .max(y_min * 10.0);
    let mut chart = ChartBuilder::on(area)
        .caption(text.cells_title, ("sans-serif", 16))
        .margin(10)
        .x_label_area_size(36)
        .y_label_area_size(70)
        .build_cartesian_2d(0.0..x_max, (y_min * 0.8..y_max * 1.25).log_scale())
        .map_err(plot_err)?;
    chart
        .configure_mesh()
        .x_desc(text.cells_x)
        .y_desc(text.cells_y)
        .y_label_formatter(&|v| format!("{v:.0e}"))
        .draw()
        .map_err(plot_err)?;
    let blue = RGBColor(31, 119, 180);
    chart
        .draw_series(LineSeries::new(
            tr.iter().map(|p| (p.hours, p.cells)),
            blue.stroke_width(2),
        ))
        .map_err(plot_err)?;
    for band in [
        tr.iter().map(|p| (p.hours, p.lower95)).collect::<Vec<_>>(),
        tr.iter().map(|p| (p.hours, p.upper95)).collect(),
    ] {
        chart
            .draw_series(DashedLineSeries::new(
                band,
                4,
                4,
                blue.mix(0.6).stroke_width(1),
            ))
            .map_err(plot_err)?;
    }
    let c0 = plan.outcome.conditioning_start_h;
    chart
        .draw_series(LineSeries::new(
            [(c0, y_min * 0.8), (c0, y_max * 1.25)],
            BLACK.mix(0.3).stroke_width(1),
        ))
        .map_err(plot_err)?;
    if let Some(t) = tracking {
        chart
            .draw_series(t.comparisons.iter().map(|c| {
                let color = if c.side == Side::Within {
                    RGBColor(44, 160, 44)
                } else {
                    RGBColor(214, 39, 40)
                };
                Circle::new((c.hours, c.observed), 4, color.filled())
            }))
            .map_err(plot_err)?;
    }
    Ok(())
}

fn conditioning_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    plan: &Plan,
    text: &PlotText,
) -> Result<(), PlanError>
where
    DB::ErrorType: 'static,
{
    let mut factors: Vec<Factor> = plan
        .request
        .target
        .min_concentration
        .keys()
        .copied()
        .collect();
    if factors.is_empty() {
        factors.push(Factor::Vegf);
    }
    let o = &plan.outcome;
    let cf = plan.request.downstream.concentration_factor;
    let t_end = plan.conditioning_hours;
    let curves: Vec<(Factor, Vec<(f64, f64)>)> = factors
        .iter()
        .filter_map(|&f| {
            let sp = plan.params.secretion.get(&f)?;
            let rec = plan
                .request
                .downstream
                .factor_recovery
                .unwrap_or(sp.downstream_recovery.value);
            let pts = (1..=100)
                .map(|i| {
                    let t = t_end * f64::from(i) / 100.0;
                    let c = concentration(
                        sp.rate.value,
                        o.conditioning_cells,
                        o.conditioning_volume_ml,
                        sp.degradation_per_h.value,
                        t,
                    );
                    (t, c * rec * cf)
                })
                .collect();
            Some((f, pts))
        })
        .collect();
    let y_max = curves
        .iter()
        .flat_map(|(_, p)| p.iter().map(|q| q.1))
        .chain(plan.request.target.min_concentration.values().copied())
        .fold(0.0, f64::max)
        .max(1e-9);
    let y_min = curves
        .iter()
        .flat_map(|(_, p)| p.iter().map(|q| q.1))
        .chain(plan.request.target.min_concentration.values().copied())
        .filter(|v| *v > 0.0)
        .fold(f64::INFINITY, f64::min)
        .min(y_max / 10.0);
    let mut chart = ChartBuilder::on(area)
        .caption(text.conditioning_title, ("sans-serif", 16))
        .margin(10)
        .x_label_area_size(36)
        .y_label_area_size(70)
        .build_cartesian_2d(0.0..t_end.max(1.0), (y_min * 0.8..y_max * 1.25).log_scale())
        .map_err(plot_err)?;
    chart
        .configure_mesh()
        .x_desc(text.conditioning_x)
        .y_desc(text.conditioning_y)
        .y_label_formatter(&|v| format!("{v:.0e}"))
        .draw()
        .map_err(plot_err)?;
    for (i, (f, pts)) in curves.into_iter().enumerate() {
        let color = Palette99::pick(i).to_rgba();
        chart
            .draw_series(LineSeries::new(pts, color.stroke_width(2)))
            .map_err(plot_err)?
            .label(text.factor(f, true))
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 16, y)], color.stroke_width(2)));
        if let Some(&m) = plan.request.target.min_concentration.get(&f) {
            chart
                .draw_series(DashedLineSeries::new(
                    [(0.0, m), (t_end, m)],
                    5,
                    4,
                    color.stroke_width(1),
                ))
                .map_err(plot_err)?;
        }
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK.mix(0.3))
        .draw()
        .map_err(plot_err)?;
    Ok(())
}

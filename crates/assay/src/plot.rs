//! SVG plots with plotters: the standard curve with standards and samples, and Levey–Jennings charts.

use crate::analysis::PlateAnalysis;
use crate::plate::Group;
use crate::qc::{ControlResult, Target, Violation};
use plotters::prelude::*;
use thiserror::Error;

/// A plot could not be drawn.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PlotError {
    /// Nothing to plot.
    #[error("nothing to plot: {0}")]
    Empty(&'static str),
    /// The drawing backend failed.
    #[error("drawing failed: {0}")]
    Backend(String),
}

fn backend<E: std::fmt::Debug>(e: E) -> PlotError {
    PlotError::Backend(format!("{e:?}"))
}

/// Standard curve (log concentration axis): fitted line, standard level means, sample wells.
/// Zero concentrations are drawn at half the lowest positive one.
pub fn curve_svg(a: &PlateAnalysis) -> Result<String, PlotError> {
    let fit = a.fit.as_ref().ok_or(PlotError::Empty("no fitted curve"))?;
    let xs: Vec<f64> = a
        .standards
        .iter()
        .map(|s| s.nominal)
        .filter(|&x| x > 0.0)
        .collect();
    if xs.is_empty() {
        return Err(PlotError::Empty("no positive standard concentration"));
    }
    let xmin = xs.iter().copied().fold(f64::INFINITY, f64::min);
    let xmax = xs.iter().copied().fold(0.0, f64::max);
    let (lo, hi) = (xmin / 2.0, xmax * 2.0);
    let place = |x: f64| if x > 0.0 { x.clamp(lo, hi) } else { lo };
    let mut ys: Vec<f64> = a.standards.iter().map(|s| s.mean_response).collect();
    ys.extend(a.wells.iter().filter_map(|w| w.response));
    let ymin = ys
        .iter()
        .copied()
        .fold(f64::INFINITY, f64::min)
        .min(fit.eval(lo));
    let ymax = ys
        .iter()
        .copied()
        .fold(f64::NEG_INFINITY, f64::max)
        .max(fit.eval(hi));
    let pad = 0.05 * (ymax - ymin).max(1e-9);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (800, 560)).into_drawing_area();
        root.fill(&WHITE).map_err(backend)?;
        let unit = a.unit.as_deref().unwrap_or("");
        let mut chart = ChartBuilder::on(&root)
            .caption(
                format!(
                    "Plate {} ({}) — {} fit{}",
                    a.plate,
                    a.plate_name,
                    fit.model.name(),
                    if fit.flags.is_empty() && fit.converged {
                        String::new()
                    } else if fit.flags.is_empty() {
                        " — NOT converged".to_string()
                    } else {
                        let names: Vec<&str> = fit.flags.iter().map(|g| g.name()).collect();
                        format!(" — NOT DETERMINED: {}", names.join(", "))
                    }
                ),
                ("sans-serif", 20),
            )
            .margin(15)
            .x_label_area_size(45)
            .y_label_area_size(60)
            .build_cartesian_2d((lo..hi).log_scale(), (ymin - pad)..(ymax + pad))
            .map_err(backend)?;
        chart
            .configure_mesh()
            .x_desc(format!("concentration {unit}"))
            .y_desc("response")
            .draw()
            .map_err(backend)?;
        let n = 200;
        let line = (0..=n).map(|i| {
            let x = lo * (hi / lo).powf(i as f64 / n as f64);
            (x, fit.eval(x))
        });
        chart
            .draw_series(LineSeries::new(line, BLUE.stroke_width(2)))
            .map_err(backend)?
            .label("curve");
        chart
            .draw_series(
                a.standards
                    .iter()
                    .map(|s| Circle::new((place(s.nominal), s.mean_response), 5, BLACK.filled())),
            )
            .map_err(backend)?
            .label("standards (level means)");
        let samples = a
            .wells
            .iter()
            .filter(|w| matches!(w.group, Group::Sample | Group::Control));
        chart
            .draw_series(samples.filter_map(|w| {
                let (x, y) = (w.interpolated?, w.response?);
                let colour = if w.group == Group::Control {
                    GREEN
                } else {
                    RED
                };
                Some(Cross::new((place(x), y), 5, colour.stroke_width(2)))
            }))
            .map_err(backend)?
            .label("samples and controls");
        root.present().map_err(backend)?;
    }
    Ok(svg)
}

/// Levey–Jennings chart of one control level: values by run, mean and ±1/2/3 SD lines, violating
/// results ringed.
pub fn levey_jennings_svg(
    title: &str,
    results: &[ControlResult],
    target: Target,
    violations: &[Violation],
) -> Result<String, PlotError> {
    if results.is_empty() {
        return Err(PlotError::Empty("no control results"));
    }
    let n = results.len() as f64;
    let values = results.iter().map(|r| r.value);
    let vmin = values.clone().fold(target.mean - 3.5 * target.sd, f64::min);
    let vmax = values.fold(target.mean + 3.5 * target.sd, f64::max);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (800, 420)).into_drawing_area();
        root.fill(&WHITE).map_err(backend)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 20))
            .margin(15)
            .x_label_area_size(40)
            .y_label_area_size(60)
            .build_cartesian_2d(-0.5..(n - 0.5), vmin..vmax)
            .map_err(backend)?;
        chart
            .configure_mesh()
            .x_desc("result")
            .y_desc("value")
            .draw()
            .map_err(backend)?;
        for (k, colour) in [
            (0.0, BLACK),
            (1.0, GREEN),
            (-1.0, GREEN),
            (2.0, YELLOW),
            (-2.0, YELLOW),
            (3.0, RED),
            (-3.0, RED),
        ] {
            let y = target.mean + k * target.sd;
            chart
                .draw_series(LineSeries::new(
                    [(-0.5, y), (n - 0.5, y)],
                    colour.stroke_width(1),
                ))
                .map_err(backend)?;
        }
        let pts: Vec<(f64, f64)> = results
            .iter()
            .enumerate()
            .map(|(i, r)| (i as f64, r.value))
            .collect();
        chart
            .draw_series(LineSeries::new(pts.clone(), BLUE.stroke_width(1)))
            .map_err(backend)?;
        chart
            .draw_series(pts.iter().map(|&p| Circle::new(p, 4, BLUE.filled())))
            .map_err(backend)?;
        chart
            .draw_series(
                violations
                    .iter()
                    .filter(|v| v.rule.rejects())
                    .filter_map(|v| {
                        pts.get(v.index)
                            .map(|&p| Circle::new(p, 9, RED.stroke_width(2)))
                    }),
            )
            .map_err(backend)?;
        root.present().map_err(backend)?;
    }
    Ok(svg)
}

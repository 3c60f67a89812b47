//! Calibration results for people: a text summary (rates with 95 % intervals, what was not fitted)
//! and an SVG of measured vs predicted concentration for finished batches.

use std::fmt::Write;

use plotters::prelude::*;

use super::{CalibrationReport, GroupCalibration};
use crate::error::PlanError;

/// The report as text (what `secretome plan --batches` prints).
pub fn render_calibration_text(report: &CalibrationReport) -> String {
    let mut s = String::new();
    for g in &report.groups {
        let who = match &g.donor {
            Some(d) => format!("{} donor {d}", g.source),
            None => format!("{} (all donors)", g.source),
        };
        let _ = writeln!(s, "Calibration: {who}");
        if let Some(gr) = &g.growth {
            let _ = writeln!(
                s,
                "  {} batches, {} counts, residual sd of ln count {:.3}",
                gr.batches, gr.observations, gr.count_sd
            );
            for (name, e) in [
                ("doubling time", &gr.doubling_time_h),
                ("lag", &gr.lag_h),
                ("confluence density", &gr.confluence_density),
            ] {
                let _ = writeln!(
                    s,
                    "  {name:<20} {:>10.4e} {:<10} 95 % CI [{:.4e}, {:.4e}]",
                    e.value, e.unit, e.lower95, e.upper95
                );
            }
        }
        for sc in &g.secretion {
            let e = &sc.rate;
            let _ = writeln!(
                s,
                "  {:<20} {:>10.4e} {:<10} 95 % CI [{:.4e}, {:.4e}]  ({} batches, scatter sd(ln) {:.2})",
                format!("{} rate", sc.factor.name()),
                e.value,
                e.unit,
                e.lower95,
                e.upper95,
                sc.batches.len(),
                sc.residual_sd
            );
        }
        for n in &g.notes {
            let _ = writeln!(s, "  note: {n}");
        }
    }
    s
}

fn plot_err<E: std::fmt::Display>(e: E) -> PlanError {
    PlanError::Plot(e.to_string())
}

/// Measured vs predicted concentration at harvest for each calibrated factor of `group`
/// (log–log, identity line); one colour per factor. Factors differ in units, so each point is
/// drawn relative to its factor's own scale on shared log axes.
pub fn calibration_svg(group: &GroupCalibration) -> Result<String, PlanError> {
    calibration_svg_in(group, &crate::svg::PlotText::ENGLISH)
}

/// `calibration_svg` with the plot's words from `text`.
pub fn calibration_svg_in(
    group: &GroupCalibration,
    text: &crate::svg::PlotText,
) -> Result<String, PlanError> {
    let pts: Vec<(usize, f64, f64)> = group
        .secretion
        .iter()
        .enumerate()
        .flat_map(|(i, s)| s.batches.iter().map(move |b| (i, b.predicted, b.measured)))
        .filter(|(_, p, m)| *p > 0.0 && *m > 0.0)
        .collect();
    let lo = pts
        .iter()
        .flat_map(|p| [p.1, p.2])
        .fold(f64::INFINITY, f64::min);
    let hi = pts.iter().flat_map(|p| [p.1, p.2]).fold(0.0, f64::max);
    let (lo, hi) = if pts.is_empty() {
        (1.0, 10.0)
    } else {
        (lo / 1.5, hi * 1.5)
    };
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (640, 560)).into_drawing_area();
        root.fill(&WHITE).map_err(plot_err)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(text.calibration_title, ("sans-serif", 16))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(70)
            .build_cartesian_2d((lo..hi).log_scale(), (lo..hi).log_scale())
            .map_err(plot_err)?;
        chart
            .configure_mesh()
            .x_desc(text.calibration_x)
            .y_desc(text.calibration_y)
            .x_label_formatter(&|v| format!("{v:.0e}"))
            .y_label_formatter(&|v| format!("{v:.0e}"))
            .draw()
            .map_err(plot_err)?;
        chart
            .draw_series(LineSeries::new([(lo, lo), (hi, hi)], BLACK.mix(0.4)))
            .map_err(plot_err)?;
        for (i, s) in group.secretion.iter().enumerate() {
            let color = Palette99::pick(i).to_rgba();
            chart
                .draw_series(
                    pts.iter()
                        .filter(|p| p.0 == i)
                        .map(|p| Circle::new((p.1, p.2), 4, color.filled())),
                )
                .map_err(plot_err)?
                .label(text.factor(s.factor, false))
                .legend(move |(x, y)| Circle::new((x + 6, y), 4, color.filled()));
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK.mix(0.3))
            .draw()
            .map_err(plot_err)?;
        root.present().map_err(plot_err)?;
    }
    Ok(svg)
}

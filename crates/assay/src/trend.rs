//! Trend charts against fixed limits, in the style of the Levey–Jennings charts of `plot`: values in
//! time order joined by a line, with horizontal alert and action lines instead of ±SD lines, and
//! every value above the action limit ringed. Used for environmental monitoring (one chart per
//! room/zone and sample type).

use crate::plot::PlotError;
use plotters::prelude::*;

fn backend<E: std::fmt::Debug>(e: E) -> PlotError {
    PlotError::Backend(format!("{e:?}"))
}

/// One point of a trend: its label on the x axis (e.g. the sampling date) and its value.
#[derive(Debug, Clone, PartialEq)]
pub struct TrendPoint {
    pub label: String,
    pub value: f64,
}

/// Fixed limits drawn across the chart; a value above `action` is ringed.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct TrendLimits {
    pub alert: Option<f64>,
    pub action: Option<f64>,
}

/// A trend chart of `points` (chronological) with its alert (amber) and action (red) lines.
pub fn limits_chart_svg(
    title: &str,
    unit: &str,
    points: &[TrendPoint],
    limits: TrendLimits,
) -> Result<String, PlotError> {
    if points.is_empty() {
        return Err(PlotError::Empty("no results"));
    }
    let n = points.len() as f64;
    let top = points
        .iter()
        .map(|p| p.value)
        .chain(limits.action)
        .chain(limits.alert)
        .fold(0.0_f64, f64::max);
    let ymax = if top > 0.0 { top * 1.15 } else { 1.0 };
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (800, 320)).into_drawing_area();
        root.fill(&WHITE).map_err(backend)?;
        let labels: Vec<String> = points.iter().map(|p| p.label.clone()).collect();
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 18))
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(70)
            .build_cartesian_2d(-0.5..(n - 0.5), 0.0..ymax)
            .map_err(backend)?;
        chart
            .configure_mesh()
            .x_labels(points.len().min(8))
            .x_label_formatter(&|x| {
                let i = x.round();
                if i >= 0.0 && (i - x).abs() < 1e-6 {
                    labels.get(i as usize).cloned().unwrap_or_default()
                } else {
                    String::new()
                }
            })
            .y_desc(unit)
            .draw()
            .map_err(backend)?;
        for (limit, colour) in [(limits.alert, RGBColor(230, 160, 0)), (limits.action, RED)] {
            if let Some(y) = limit {
                chart
                    .draw_series(LineSeries::new(
                        [(-0.5, y), (n - 0.5, y)],
                        colour.stroke_width(2),
                    ))
                    .map_err(backend)?;
            }
        }
        let pts: Vec<(f64, f64)> = points
            .iter()
            .enumerate()
            .map(|(i, p)| (i as f64, p.value))
            .collect();
        chart
            .draw_series(LineSeries::new(pts.clone(), BLUE.stroke_width(1)))
            .map_err(backend)?;
        chart
            .draw_series(pts.iter().map(|&p| Circle::new(p, 3, BLUE.filled())))
            .map_err(backend)?;
        if let Some(a) = limits.action {
            chart
                .draw_series(
                    pts.iter()
                        .filter(|p| p.1 > a)
                        .map(|&p| Circle::new(p, 8, RED.stroke_width(2))),
                )
                .map_err(backend)?;
        }
        root.present().map_err(backend)?;
    }
    Ok(svg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_limits_and_rings_action_excursions() {
        let pts: Vec<TrendPoint> = [0.0, 1.0, 0.0, 6.0]
            .iter()
            .enumerate()
            .map(|(i, v)| TrendPoint {
                label: format!("11-{:02}", i + 1),
                value: *v,
            })
            .collect();
        let limits = TrendLimits {
            alert: Some(2.0),
            action: Some(5.0),
        };
        let svg = limits_chart_svg("BSC-1 settle plate", "CFU/4 h", &pts, limits).unwrap();
        assert!(svg.starts_with("<svg"), "{}", &svg[..40]);
        // One ring (radius 8) for the one value above the action limit.
        assert_eq!(svg.matches("r=\"8\"").count(), 1, "{svg}");
        assert!(limits_chart_svg("x", "u", &[], limits).is_err());
    }
}

//! The outcome plot of an indication page, with plotters: one scale's value against days since each
//! patient's first dose, one line per patient. The y axis is titled with the scale's name and which
//! way is better; ASIA grades are labelled with their letters.

use plotters::prelude::*;
use secretome_domain::clinical::Scale;
use secretome_service::clinical_queries::ScaleSeries;

/// Line colours, one per patient in turn.
const PALETTE: [RGBColor; 8] = [
    RGBColor(11, 95, 122),
    RGBColor(200, 80, 40),
    RGBColor(46, 125, 50),
    RGBColor(123, 31, 162),
    RGBColor(183, 28, 28),
    RGBColor(0, 121, 107),
    RGBColor(130, 119, 23),
    RGBColor(69, 90, 100),
];

/// The plot's axis ranges: days (padded) and the scale's values (padded, never empty).
fn ranges(s: &ScaleSeries) -> Option<((f64, f64), (f64, f64))> {
    let pts: Vec<(f64, f64)> = s
        .patients
        .iter()
        .flat_map(|p| p.points.iter().copied())
        .filter(|(d, v)| d.is_finite() && v.is_finite())
        .collect();
    if pts.is_empty() {
        return None;
    }
    let fold = |f: fn(&(f64, f64)) -> f64, init: f64, pick: fn(f64, f64) -> f64| {
        pts.iter().map(f).fold(init, pick)
    };
    let (d0, d1) = (fold(|p| p.0, 0.0, f64::min), fold(|p| p.0, 0.0, f64::max));
    let (v0, v1) = (
        fold(|p| p.1, f64::INFINITY, f64::min),
        fold(|p| p.1, f64::NEG_INFINITY, f64::max),
    );
    let dpad = ((d1 - d0) * 0.05).max(1.0);
    let (vlo, vhi) = match s.scale {
        // whole-number scales are shown over their full range
        Scale::Mrs => (0.0, 6.0),
        Scale::Asia => (1.0, 5.0),
        _ => {
            let pad = ((v1 - v0) * 0.1).max(1.0);
            ((v0 - pad).max(0.0), v1 + pad)
        }
    };
    Some(((d0 - dpad, d1 + dpad), (vlo - 0.25, vhi + 0.25)))
}

/// The SVG, or None when no patient has a value of this scale (or drawing failed, which is logged).
pub fn outcome_svg(s: &ScaleSeries, x_title: &str, y_title: &str) -> Option<String> {
    let ((x0, x1), (y0, y1)) = ranges(s)?;
    let mut svg = String::new();
    if let Err(e) = draw(&mut svg, s, (x0..x1, y0..y1), x_title, y_title) {
        tracing::error!(error = %e, "outcome plot failed");
        return None;
    }
    Some(svg)
}

fn draw(
    svg: &mut String,
    s: &ScaleSeries,
    (xs, ys): (std::ops::Range<f64>, std::ops::Range<f64>),
    x_title: &str,
    y_title: &str,
) -> Result<(), Box<dyn std::error::Error>> {
    {
        let root = SVGBackend::with_string(svg, (760, 380)).into_drawing_area();
        root.fill(&WHITE)?;
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(44)
            .y_label_area_size(62)
            .build_cartesian_2d(xs, ys)?;
        let scale = s.scale;
        chart
            .configure_mesh()
            .x_desc(x_title)
            .y_desc(y_title)
            .label_style(("sans-serif", 13))
            .axis_desc_style(("sans-serif", 14))
            .y_label_formatter(&|v| {
                if matches!(scale, Scale::Asia | Scale::Mrs) && (v.fract()).abs() > 1e-9 {
                    String::new()
                } else {
                    scale.show(*v)
                }
            })
            .x_label_formatter(&|d| format!("{d:.0}"))
            .draw()?;
        for (i, p) in s.patients.iter().enumerate() {
            let colour = PALETTE[i % PALETTE.len()];
            chart
                .draw_series(LineSeries::new(
                    p.points.iter().copied(),
                    colour.stroke_width(2),
                ))?
                .label(p.patient.as_str())
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 18, y)], colour.stroke_width(2))
                });
            chart.draw_series(
                p.points
                    .iter()
                    .map(|(d, v)| Circle::new((*d, *v), 4, colour.filled())),
            )?;
        }
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK.mix(0.3))
            .position(SeriesLabelPosition::UpperRight)
            .draw()?;
        root.present()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use secretome_domain::ids::PatientCode;
    use secretome_service::clinical_queries::PatientSeries;

    fn series(scale: Scale, pts: &[&[(f64, f64)]]) -> ScaleSeries {
        ScaleSeries {
            scale,
            higher_is_better: scale.higher_is_better(),
            patients: pts
                .iter()
                .enumerate()
                .map(|(i, p)| PatientSeries {
                    patient: PatientCode::new(format!("PT-{i}")).unwrap(),
                    points: p.to_vec(),
                    change: None,
                })
                .collect(),
            mean_change: None,
            improved: 0,
            worsened: 0,
        }
    }

    #[test]
    fn one_line_per_patient_with_the_axis_titles() {
        let s = series(
            Scale::Mrs,
            &[
                &[(-1.0, 4.0), (30.0, 3.0), (90.0, 2.0)],
                &[(0.0, 3.0), (60.0, 3.0)],
            ],
        );
        let svg = outcome_svg(&s, "days since first dose", "mRS (lower is better)").unwrap();
        assert!(svg.contains("<svg") && svg.contains("</svg>"));
        assert!(svg.contains("days since first dose") && svg.contains("mRS (lower is better)"));
        assert!(
            svg.contains("PT-0") && svg.contains("PT-1"),
            "legend names each patient"
        );
        assert_eq!(svg.matches("<circle").count(), 5);
    }

    #[test]
    fn asia_is_labelled_with_letters_and_nothing_draws_nothing() {
        let s = series(Scale::Asia, &[&[(0.0, 1.0), (90.0, 3.0)]]);
        let svg = outcome_svg(&s, "d", "ASIA").unwrap();
        let labels: Vec<&str> = svg.lines().map(str::trim).collect();
        assert!(labels.contains(&"A") && labels.contains(&"E"), "{svg}");
        assert!(
            !labels.contains(&"1") && !labels.contains(&"5"),
            "letters, not numbers"
        );
        assert!(outcome_svg(&series(Scale::Womac, &[]), "d", "W").is_none());
        let one = series(Scale::VasPain, &[&[(0.0, 50.0)]]);
        assert!(!outcome_svg(&one, "d", "VAS").unwrap().contains("NaN"));
    }
}

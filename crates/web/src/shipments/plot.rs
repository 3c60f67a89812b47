//! A shipment's temperature plot, with plotters: the logger's readings against hours since packing,
//! the transport limit (an excursion is a reading above it) and each product's storage temperature
//! as horizontal lines; readings above the limit are marked in red, and the receipt as a vertical
//! line.

use plotters::prelude::*;
use secretome_domain::shipment::Shipment;
use secretome_service::shipment_queries::ProductLimit;

/// Texts the plot carries, in the page's language.
pub struct Labels<'a> {
    pub x: &'a str,
    pub y: &'a str,
    pub limit: &'a str,
    pub storage: &'a str,
    pub readings: &'a str,
}

const LINE: RGBColor = RGBColor(11, 95, 122);
const LIMIT: RGBColor = RGBColor(183, 28, 28);
const STORAGE: RGBColor = RGBColor(46, 90, 160);

/// The SVG, or None without readings (or when drawing failed, which is logged).
pub fn temperature_svg(s: &Shipment, products: &[ProductLimit], l: &Labels) -> Option<String> {
    let pts: Vec<(f64, f64)> = s
        .log_readings
        .as_ref()?
        .iter()
        .map(|r| (s.packed_at.hours_until(r.at), r.temperature_c))
        .filter(|(x, y)| x.is_finite() && y.is_finite())
        .collect();
    if pts.is_empty() {
        return None;
    }
    let received = s.received_at.map(|t| s.packed_at.hours_until(t));
    let xs = pts.iter().map(|p| p.0).chain(received);
    let (x0, x1) = xs.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| {
        (a.min(x), b.max(x))
    });
    let ys = pts
        .iter()
        .map(|p| p.1)
        .chain([s.limit_c])
        .chain(products.iter().map(|p| p.storage_c));
    let (y0, y1) = ys.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), y| {
        (a.min(y), b.max(y))
    });
    let xpad = ((x1 - x0) * 0.03).max(0.5);
    let ypad = ((y1 - y0) * 0.1).max(2.0);
    let mut svg = String::new();
    let ranges = (x0 - xpad..x1 + xpad, y0 - ypad..y1 + ypad);
    if let Err(e) = draw(&mut svg, s, products, &pts, received, ranges, l) {
        tracing::error!(error = %e, "temperature plot failed");
        return None;
    }
    Some(svg)
}

fn draw(
    svg: &mut String,
    s: &Shipment,
    products: &[ProductLimit],
    pts: &[(f64, f64)],
    received: Option<f64>,
    (xs, ys): (std::ops::Range<f64>, std::ops::Range<f64>),
    l: &Labels,
) -> Result<(), Box<dyn std::error::Error>> {
    let root = SVGBackend::with_string(svg, (760, 340)).into_drawing_area();
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(&root)
        .margin(12)
        .x_label_area_size(44)
        .y_label_area_size(56)
        .build_cartesian_2d(xs.clone(), ys.clone())?;
    chart
        .configure_mesh()
        .x_desc(l.x)
        .y_desc(l.y)
        .label_style(("sans-serif", 13))
        .axis_desc_style(("sans-serif", 14))
        .x_label_formatter(&|h| format!("{h:.0}"))
        .y_label_formatter(&|c| format!("{c:.0}"))
        .draw()?;
    let limit = s.limit_c;
    chart
        .draw_series(LineSeries::new(
            [(xs.start, limit), (xs.end, limit)],
            LIMIT.stroke_width(2),
        ))?
        .label(format!("{} {limit} °C", l.limit))
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], LIMIT.stroke_width(2)));
    for p in products {
        let c = p.storage_c;
        chart
            .draw_series(LineSeries::new(
                [(xs.start, c), (xs.end, c)],
                STORAGE.stroke_width(1),
            ))?
            .label(format!("{} {c} °C ({})", l.storage, p.product))
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], STORAGE.stroke_width(1)));
    }
    if let Some(r) = received {
        chart.draw_series(LineSeries::new(
            [(r, ys.start), (r, ys.end)],
            BLACK.mix(0.4).stroke_width(1),
        ))?;
    }
    chart
        .draw_series(LineSeries::new(pts.iter().copied(), LINE.stroke_width(2)))?
        .label(l.readings)
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], LINE.stroke_width(2)));
    chart.draw_series(
        pts.iter()
            .filter(|(_, t)| *t > limit)
            .map(|(h, t)| Circle::new((*h, *t), 4, LIMIT.filled())),
    )?;
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK.mix(0.3))
        .position(SeriesLabelPosition::LowerRight)
        .draw()?;
    root.present()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use secretome_domain::{
        UtcTime,
        ids::{SiteCode, UserName, VialId},
        shipment::{ShipperType, logger::Reading},
    };

    fn t(s: &str) -> UtcTime {
        UtcTime::parse("t", s).unwrap()
    }

    #[test]
    fn readings_limits_and_the_excursion_are_drawn() {
        let s = Shipment::pack(
            "SHP-1",
            SiteCode::new("CPC-TOKYO").unwrap(),
            SiteCode::new("CL-1").unwrap(),
            vec![VialId::new("L-1-0001").unwrap()],
            ShipperType::DryIce,
            "EL-1",
            &[-80.0],
            UserName::new("operator").unwrap(),
            t("2026-11-01T00:00:00Z"),
        )
        .unwrap()
        .dispatch(
            UserName::new("operator").unwrap(),
            t("2026-11-01T01:00:00Z"),
        )
        .unwrap();
        let readings = ["-79", "-55", "-78.5"]
            .iter()
            .enumerate()
            .map(|(i, c)| Reading {
                at: t(&format!("2026-11-01T0{}:00:00Z", i + 2)),
                temperature_c: c.parse().unwrap(),
            })
            .collect();
        let s = s.import_log("l.csv", readings).unwrap();
        let products = [ProductLimit {
            product: "P1".into(),
            name: "p".into(),
            name_ja: "p".into(),
            storage_c: -80.0,
        }];
        let l = Labels {
            x: "hours since packing",
            y: "°C",
            limit: "limit",
            storage: "storage",
            readings: "readings",
        };
        let svg = temperature_svg(&s, &products, &l).unwrap();
        assert!(svg.contains("hours since packing") && svg.contains("limit -70 °C"));
        assert!(svg.contains("storage -80 °C (P1)"));
        assert_eq!(
            svg.matches("<circle").count(),
            1,
            "one reading above −70 °C"
        );
        let none = Shipment {
            log_readings: None,
            ..s
        };
        assert!(temperature_svg(&none, &products, &l).is_none());
    }
}

//! The growth plot of a culture batch: viable cell counts over days since seeding, on a log axis,
//! as inline SVG. Written by hand rather than with plotters: the plot is one polyline, points and
//! two axes; hand-made SVG scales with the page (viewBox), carries a `<title>` per point and the
//! axis titles in the page's language, and keeps the web crate free of another dependency.

use secretome_domain::UtcTime;
use std::fmt::Write;

const W: f64 = 720.0;
const H: f64 = 300.0;
const LEFT: f64 = 72.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 14.0;
const BOTTOM: f64 = 46.0;

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The plot of `(observed_at, cell_count)` against days since `seeded_at`, or `None` when fewer
/// than two observations have a positive count (nothing to draw on a log axis).
pub fn growth_svg(
    seeded_at: UtcTime,
    points: &[(UtcTime, f64)],
    x_title: &str,
    y_title: &str,
) -> Option<String> {
    let pts: Vec<(f64, f64)> = points
        .iter()
        .filter(|(_, n)| n.is_finite() && *n > 0.0)
        .map(|(t, n)| (seeded_at.hours_until(*t) / 24.0, n.log10()))
        .filter(|(d, _)| d.is_finite())
        .collect();
    if pts.len() < 2 {
        return None;
    }
    let x_max = pts.iter().map(|p| p.0).fold(1.0_f64, f64::max).ceil();
    let x_min = pts.iter().map(|p| p.0).fold(0.0_f64, f64::min).floor();
    let mut y_lo = pts
        .iter()
        .map(|p| p.1)
        .fold(f64::INFINITY, f64::min)
        .floor();
    let mut y_hi = pts
        .iter()
        .map(|p| p.1)
        .fold(f64::NEG_INFINITY, f64::max)
        .ceil();
    if y_hi <= y_lo {
        y_hi = y_lo + 1.0;
    }
    if y_hi - y_lo > 12.0 {
        y_lo = y_hi - 12.0;
    }
    let sx = |d: f64| LEFT + (d - x_min) / (x_max - x_min) * (W - LEFT - RIGHT);
    let sy = |l: f64| TOP + (y_hi - l.clamp(y_lo, y_hi)) / (y_hi - y_lo) * (H - TOP - BOTTOM);

    let mut s = String::new();
    let _ = write!(
        s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" role="img" aria-label="{}" class="growth-plot" font-family="sans-serif" font-size="12">"##,
        esc(y_title)
    );
    let _ = write!(
        s,
        r##"<rect x="{LEFT}" y="{TOP}" width="{}" height="{}" fill="#fff" stroke="#b9c4cf"/>"##,
        W - LEFT - RIGHT,
        H - TOP - BOTTOM
    );
    // decades on the y axis
    let mut k = y_lo as i32;
    while k as f64 <= y_hi {
        let y = sy(k as f64);
        let _ = write!(
            s,
            r##"<line x1="{LEFT}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="#e3e8ee"/>"##,
            W - RIGHT
        );
        let _ = write!(
            s,
            r##"<text x="{:.1}" y="{:.1}" text-anchor="end">10<tspan dy="-6" font-size="9">{k}</tspan></text>"##,
            LEFT - 6.0,
            y + 4.0
        );
        k += 1;
    }
    // days on the x axis (at most ~15 labels)
    let span = x_max - x_min;
    let step = (span / 15.0).ceil().max(1.0);
    let mut d = x_min;
    while d <= x_max + 1e-9 {
        let x = sx(d);
        let _ = write!(
            s,
            r##"<line x1="{x:.1}" y1="{:.1}" x2="{x:.1}" y2="{:.1}" stroke="#5b6b7c"/>"##,
            H - BOTTOM,
            H - BOTTOM + 4.0
        );
        let _ = write!(
            s,
            r##"<text x="{x:.1}" y="{:.1}" text-anchor="middle">{d}</text>"##,
            H - BOTTOM + 17.0
        );
        d += step;
    }
    let _ = write!(
        s,
        r##"<text x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"##,
        (LEFT + W - RIGHT) / 2.0,
        H - 6.0,
        esc(x_title)
    );
    let _ = write!(
        s,
        r##"<text transform="translate(14 {:.1}) rotate(-90)" text-anchor="middle">{}</text>"##,
        (TOP + H - BOTTOM) / 2.0,
        esc(y_title)
    );
    let line: Vec<String> = pts
        .iter()
        .map(|(d, l)| format!("{:.1},{:.1}", sx(*d), sy(*l)))
        .collect();
    let _ = write!(
        s,
        r##"<polyline points="{}" fill="none" stroke="#0b5f7a" stroke-width="2"/>"##,
        line.join(" ")
    );
    for (d, l) in &pts {
        let _ = write!(
            s,
            r##"<circle class="obs" cx="{:.1}" cy="{:.1}" r="4" fill="#0b5f7a"><title>{:.2} d: {:.3e}</title></circle>"##,
            sx(*d),
            sy(*l),
            d,
            10f64.powf(*l)
        );
    }
    s.push_str("</svg>");
    Some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(h: f64) -> UtcTime {
        UtcTime::parse("t", "2026-03-01T00:00:00Z")
            .unwrap()
            .plus_hours(h)
            .unwrap()
    }

    #[test]
    fn plots_points_on_a_log_axis_and_escapes_titles() {
        let pts = [
            (t(24.0), 2.0e7),
            (t(48.0), 4.1e7),
            (t(72.0), 0.0),
            (t(96.0), 1.5e8),
        ];
        let svg = growth_svg(t(0.0), &pts, "days <after>", "cells").unwrap();
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert_eq!(
            svg.matches("<circle").count(),
            3,
            "zero count left out on a log axis"
        );
        assert!(svg.contains("days &lt;after&gt;"));
        assert!(
            svg.contains(">7</tspan>") && svg.contains(">9</tspan>"),
            "decades 10^7..10^9"
        );
    }

    #[test]
    fn too_few_points_draw_nothing() {
        assert!(growth_svg(t(0.0), &[(t(24.0), 1e6)], "x", "y").is_none());
        assert!(growth_svg(t(0.0), &[(t(24.0), f64::NAN), (t(30.0), -1.0)], "x", "y").is_none());
    }

    #[test]
    fn one_instant_or_flat_counts_do_not_divide_by_zero() {
        let svg = growth_svg(t(0.0), &[(t(0.0), 1e6), (t(0.0), 1e6)], "x", "y").unwrap();
        assert!(!svg.contains("NaN") && !svg.contains("inf"));
    }
}

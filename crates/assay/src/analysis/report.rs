//! Output of plate analyses: the JSON-lines contract of `secretome assay import --json` and the
//! readable report.

use super::{Flag, PlateAnalysis};
use serde::Serialize;
use std::fmt::Write;

/// One output line of `secretome assay import --json`, fields in contract order.
#[derive(Serialize)]
struct WellLine<'a> {
    plate: usize,
    plate_name: &'a str,
    well: String,
    group: &'a str,
    sample: Option<&'a str>,
    response: Option<f64>,
    interpolated: Option<f64>,
    dilution: f64,
    concentration: Option<f64>,
    flags: Vec<&'static str>,
    /// The curve's own flags (which parameter is not determined), on every well read off it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    curve_flags: Vec<&'static str>,
}

fn num(v: Option<f64>) -> Option<f64> {
    v.filter(|x| x.is_finite())
}

/// One JSON object per well, one per line (each line ends with `\n`):
/// `{"plate","plate_name","well","group","sample","response","interpolated","dilution","concentration","flags"}`,
/// and `"curve_flags"` (the curve's parameters not determined) on wells flagged `curve_not_determined`.
pub fn json_lines(analyses: &[PlateAnalysis]) -> String {
    let mut out = String::new();
    for a in analyses {
        let curve_flags: Vec<&'static str> = a
            .fit
            .as_ref()
            .map(|f| f.flags.iter().map(|g| g.name()).collect())
            .unwrap_or_default();
        for w in &a.wells {
            let line = WellLine {
                plate: a.plate,
                plate_name: &a.plate_name,
                well: w.well.to_string(),
                group: w.group.name(),
                sample: w.sample.as_deref(),
                response: num(w.response),
                interpolated: num(w.interpolated),
                dilution: w.dilution,
                concentration: num(w.concentration),
                flags: w.flags.iter().map(|f| f.name()).collect(),
                curve_flags: if w.flags.contains(&Flag::CurveNotDetermined) {
                    curve_flags.clone()
                } else {
                    vec![]
                },
            };
            // Serialising plain structs of strings and numbers cannot fail.
            out.push_str(&serde_json::to_string(&line).unwrap_or_default());
            out.push('\n');
        }
    }
    out
}

fn fmt(v: Option<f64>, decimals: usize) -> String {
    match v {
        Some(x) if x.is_finite() => format!("{x:.decimals$}"),
        _ => "-".to_string(),
    }
}

fn flags(f: &[Flag]) -> String {
    f.iter().map(|f| f.name()).collect::<Vec<_>>().join(",")
}

/// A human-readable report: curve, calibrators, LLOQ/ULOQ, and per-sample results.
pub fn text_report(analyses: &[PlateAnalysis]) -> String {
    let mut s = String::new();
    for a in analyses {
        let unit = a.unit.as_deref().unwrap_or("");
        let _ = writeln!(s, "Plate {} ({})", a.plate, a.plate_name);
        match &a.fit {
            Some(f) => {
                let names = f.model.param_names();
                let params: Vec<String> = names
                    .iter()
                    .zip(&f.params)
                    .zip(&f.se)
                    .map(|((n, p), se)| format!("{n} = {p:.6} ± {se:.3e}"))
                    .collect();
                let _ = writeln!(
                    s,
                    "  curve: {} ({:?} weights) {}; R² = {:.5}; {}",
                    f.model.name(),
                    f.weighting,
                    params.join(", "),
                    f.r_squared,
                    if f.converged {
                        "converged"
                    } else {
                        "NOT converged"
                    }
                );
                for g in &f.flags {
                    let _ = writeln!(s, "  NOT DETERMINED ({}): {}", g.name(), g.reason_en());
                    let _ = writeln!(s, "  未決定 ({}): {}", g.name(), g.reason_ja());
                }
                if !f.flags.is_empty() || !f.converged {
                    let _ = writeln!(
                        s,
                        "  every value read off this curve is flagged curve_not_determined / この曲線から読んだ値にはすべて curve_not_determined が付きます"
                    );
                }
            }
            None => {
                let _ = writeln!(
                    s,
                    "  curve: none ({})",
                    a.fit_error.as_deref().unwrap_or("unknown")
                );
            }
        }
        let _ = writeln!(
            s,
            "  LLOQ {} {unit}, ULOQ {} {unit}; calibrators {}",
            fmt(a.lloq, 3),
            fmt(a.uloq, 3),
            if a.curve_accepted {
                "accepted (ICH M10)"
            } else {
                "FAIL acceptance (ICH M10)"
            }
        );
        if !a.standards.is_empty() {
            let _ = writeln!(
                s,
                "  {:<12} {:>12} {:>10} {:>12} {:>9}  pass",
                "standard", "nominal", "mean resp", "back-calc", "recov %"
            );
            for l in &a.standards {
                let _ = writeln!(
                    s,
                    "  {:<12} {:>12} {:>10.4} {:>12} {:>9}  {}",
                    l.sample,
                    format!("{}", l.nominal),
                    l.mean_response,
                    fmt(l.back_calculated, 3),
                    fmt(l.recovery_percent, 1),
                    if l.nominal == 0.0 {
                        "-"
                    } else if l.passes {
                        "yes"
                    } else {
                        "no"
                    }
                );
            }
        }
        let _ = writeln!(
            s,
            "  {:<12} {:<8} {:>3} {:>12} {:>12} {:>10} {:>7}  flags",
            "sample", "group", "n", "interp.", "conc.", "SD", "CV %"
        );
        for m in &a.samples {
            let _ = writeln!(
                s,
                "  {:<12} {:<8} {:>3} {:>12} {:>12} {:>10} {:>7}  {}",
                m.sample,
                m.group.name(),
                m.n,
                fmt(m.mean_interpolated, 3),
                fmt(m.mean, 3),
                fmt(m.sd, 3),
                fmt(m.cv_percent, 1),
                flags(&m.flags)
            );
        }
        s.push('\n');
    }
    s
}

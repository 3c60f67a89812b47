//! Batch curve fitting for `secretome assay fit`: parse a `curve,x,y` CSV and emit one JSON object per
//! curve, one per line, including curves that cannot be fitted.

mod input;
mod output;

pub use input::parse_curves_csv;

use crate::curve::{self, CurveFit, Model, Weighting};
use serde::Serialize;
use std::io::Write;

/// One curve's points in file order, or the first located problem in its rows.
#[derive(Debug, Clone, PartialEq)]
pub struct CurveData {
    /// The `curve` column value.
    pub name: String,
    /// Concentrations.
    pub x: Vec<f64>,
    /// Responses.
    pub y: Vec<f64>,
    /// First bad row of this curve (`file:line:column: message`), if any.
    pub error: Option<String>,
}

/// Parameters (or their standard errors) by name, in model order; `null` where not finite.
#[derive(Debug, Clone, Serialize)]
pub struct Named {
    a: Option<f64>,
    b: Option<f64>,
    c: Option<f64>,
    d: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    g: Option<Option<f64>>,
}

impl Named {
    fn new(model: Model, v: &[f64]) -> Named {
        let f = |i: usize| v.get(i).copied().filter(|x| x.is_finite());
        Named {
            a: f(0),
            b: f(1),
            c: f(2),
            d: f(3),
            g: (model == Model::FivePl).then(|| f(4)),
        }
    }
}

/// One output line of `secretome assay fit`, fields in contract order.
#[derive(Debug, Clone, Serialize)]
pub struct FitLine {
    /// Curve name from the CSV.
    pub curve: String,
    /// `4pl` or `5pl`.
    pub model: &'static str,
    /// Parameters, `null` when the curve could not be fitted.
    pub params: Option<Named>,
    /// Standard errors.
    pub se: Option<Named>,
    /// Residual sum of squares (weighted).
    pub rss: Option<f64>,
    /// Solver iterations.
    pub iterations: usize,
    /// Converged to a valid curve.
    pub converged: bool,
    /// Parameters the standards do not determine (`upper_asymptote_not_determined`, …); absent when none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub flags: Vec<&'static str>,
    /// Why not, when not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// Fit one curve, or pass on its parse error.
fn fit_result(curve: &CurveData, model: Model, weighting: Weighting) -> Result<CurveFit, String> {
    match &curve.error {
        Some(e) => Err(e.clone()),
        None => curve::fit(model, &curve.x, &curve.y, weighting).map_err(|e| e.to_string()),
    }
}

/// Fit one curve into its output line.
pub fn fit_line(curve: &CurveData, model: Model, weighting: Weighting) -> FitLine {
    match fit_result(curve, model, weighting) {
        Ok(f) => FitLine {
            curve: curve.name.clone(),
            model: model.name(),
            params: Some(Named::new(model, &f.params)),
            se: Some(Named::new(model, &f.se)),
            rss: Some(f.rss).filter(|r| r.is_finite()),
            iterations: f.iterations,
            converged: f.converged,
            flags: f.flags.iter().map(|g| g.name()).collect(),
            error: (!f.converged).then(|| NOT_CONVERGED.to_string()),
        },
        Err(e) => FitLine {
            curve: curve.name.clone(),
            model: model.name(),
            params: None,
            se: None,
            rss: None,
            iterations: 0,
            converged: false,
            flags: vec![],
            error: Some(e),
        },
    }
}

const NOT_CONVERGED: &str = "did not converge to a valid curve";

/// Fit every curve; one JSON object per line, each line ending in `\n`, in input order.
pub fn fit_json_lines(curves: &[CurveData], model: Model, weighting: Weighting) -> String {
    let mut out = Vec::new();
    // Writing to a Vec cannot fail, and every line is built from `str`s: valid UTF-8.
    let _ = write_fit_json_lines(curves, model, weighting, &mut out);
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Curves per unit of work handed to a thread.
const CHUNK: usize = 256;

/// [`fit_json_lines`] written to `out`. Large batches are fitted on every available core (scoped
/// threads take chunks of curves in turn; each curve is independent), and written in input order.
pub fn write_fit_json_lines(
    curves: &[CurveData],
    model: Model,
    weighting: Weighting,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    if threads <= 1 || curves.len() <= CHUNK {
        return out.write_all(fit_chunk(curves, model, weighting).as_bytes());
    }
    let chunks: Vec<&[CurveData]> = curves.chunks(CHUNK).collect();
    let done: Vec<std::sync::OnceLock<String>> =
        chunks.iter().map(|_| Default::default()).collect();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let work = || {
        loop {
            let k = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let Some(chunk) = chunks.get(k) else { break };
            let _ = done[k].set(fit_chunk(chunk, model, weighting));
        }
    };
    std::thread::scope(|s| {
        let helpers: Vec<_> = (1..threads)
            .filter_map(|_| std::thread::Builder::new().spawn_scoped(s, work).ok())
            .collect();
        work();
        for h in helpers {
            // A helper can only stop by panicking, which fitting never does; its chunk is redone below.
            let _ = h.join();
        }
    });
    for (chunk, part) in chunks.iter().zip(done) {
        match part.into_inner() {
            Some(text) => out.write_all(text.as_bytes())?,
            None => out.write_all(fit_chunk(chunk, model, weighting).as_bytes())?,
        }
    }
    Ok(())
}

/// [`fit_json_lines`] on the calling thread only (for profiling).
pub fn fit_json_lines_serial(curves: &[CurveData], model: Model, weighting: Weighting) -> String {
    fit_chunk(curves, model, weighting)
}

fn fit_chunk(curves: &[CurveData], model: Model, weighting: Weighting) -> String {
    let mut out = String::with_capacity(curves.len() * 320);
    for c in curves {
        output::write_line(&mut out, &c.name, model, &fit_result(c, model, weighting));
    }
    out
}

//! Batch curve fitting for `secretome assay fit`: parse a `curve,x,y` CSV and emit one JSON object per
//! curve, one per line, including curves that cannot be fitted.

use crate::curve::{self, CurveFit, Model, Weighting};
use crate::import::ImportError;
use serde::Serialize;

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

/// Parse CSV with header `curve,x,y` (columns in any order; extra columns ignored). Curves keep the
/// order of their first row. A bad value spoils only its curve; a missing header or a malformed CSV
/// record is a file error.
pub fn parse_curves_csv(name: &str, bytes: &[u8]) -> Result<Vec<CurveData>, ImportError> {
    let text = crate::import::decode(bytes);
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let lines = crate::import::LineIndex::new(&text);
    let headers = rdr.headers().map_err(|e| csv_error(name, &e))?.clone();
    let col = |h: &str| {
        headers
            .iter()
            .position(|c| c.trim_start_matches('\u{feff}').eq_ignore_ascii_case(h))
    };
    let (Some(ci), Some(xi), Some(yi)) = (col("curve"), col("x"), col("y")) else {
        return Err(ImportError::new(
            name,
            1,
            1,
            "header must name the columns `curve`, `x` and `y`",
        ));
    };
    let mut curves: Vec<CurveData> = Vec::new();
    let mut index: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| csv_error(name, &e))?;
        if rec.iter().all(|f| f.is_empty()) {
            continue;
        }
        let line = rec.position().map_or(0, |p| lines.line(p.byte()));
        let curve = rec.get(ci).unwrap_or("").to_string();
        let k = *index.entry(curve.clone()).or_insert_with(|| {
            curves.push(CurveData {
                name: curve.clone(),
                x: vec![],
                y: vec![],
                error: None,
            });
            curves.len() - 1
        });
        let c = &mut curves[k];
        if c.error.is_some() {
            continue;
        }
        let field = |i: usize| -> Result<f64, String> {
            let t = rec.get(i).unwrap_or("");
            t.parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| {
                    let column = column_of(&rec, i);
                    format!("{name}:{line}:{column}: `{t}` is not a finite number")
                })
        };
        match (field(xi), field(yi)) {
            (Ok(x), Ok(y)) => {
                c.x.push(x);
                c.y.push(y);
            }
            (Err(e), _) | (_, Err(e)) => c.error = Some(e),
        }
    }
    Ok(curves)
}

fn column_of(rec: &csv::StringRecord, i: usize) -> usize {
    // 1-based character column of field i, assuming unquoted fields (good enough to point at it).
    1 + (0..i)
        .map(|k| rec.get(k).map_or(0, |f| f.chars().count()) + 1)
        .sum::<usize>()
}

fn csv_error(name: &str, e: &csv::Error) -> ImportError {
    let line = e.position().map_or(1, |p| p.line() as usize);
    ImportError::new(name, line, 1, format!("malformed CSV: {e}"))
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
    /// Why not, when not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// Fit one curve into its output line.
pub fn fit_line(curve: &CurveData, model: Model, weighting: Weighting) -> FitLine {
    let result: Result<CurveFit, String> = match &curve.error {
        Some(e) => Err(e.clone()),
        None => curve::fit(model, &curve.x, &curve.y, weighting).map_err(|e| e.to_string()),
    };
    match result {
        Ok(f) => FitLine {
            curve: curve.name.clone(),
            model: model.name(),
            params: Some(Named::new(model, &f.params)),
            se: Some(Named::new(model, &f.se)),
            rss: Some(f.rss).filter(|r| r.is_finite()),
            iterations: f.iterations,
            converged: f.converged,
            error: (!f.converged).then(|| "did not converge to a valid curve".to_string()),
        },
        Err(e) => FitLine {
            curve: curve.name.clone(),
            model: model.name(),
            params: None,
            se: None,
            rss: None,
            iterations: 0,
            converged: false,
            error: Some(e),
        },
    }
}

/// Fit every curve; one JSON object per line, each line ending in `\n`, in input order. Large
/// batches are split over the available cores (scoped threads; each curve is independent).
pub fn fit_json_lines(curves: &[CurveData], model: Model, weighting: Weighting) -> String {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    if threads <= 1 || curves.len() < 256 {
        return fit_chunk(curves, model, weighting);
    }
    let chunk = curves.len().div_ceil(threads);
    let parts: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = curves
            .chunks(chunk)
            .map(|c| s.spawn(move || fit_chunk(c, model, weighting)))
            .collect();
        // A worker can only fail by panicking, which fitting never does; fall back to this thread.
        handles
            .into_iter()
            .zip(curves.chunks(chunk))
            .map(|(h, c)| h.join().unwrap_or_else(|_| fit_chunk(c, model, weighting)))
            .collect()
    });
    parts.concat()
}

fn fit_chunk(curves: &[CurveData], model: Model, weighting: Weighting) -> String {
    let mut out = String::with_capacity(curves.len() * 256);
    for c in curves {
        // Serialising plain structs of strings and numbers cannot fail.
        out.push_str(&serde_json::to_string(&fit_line(c, model, weighting)).unwrap_or_default());
        out.push('\n');
    }
    out
}

/// [`fit_json_lines`] on the calling thread only (for profiling).
pub fn fit_json_lines_serial(curves: &[CurveData], model: Model, weighting: Weighting) -> String {
    fit_chunk(curves, model, weighting)
}

//! NIST StRD nonlinear-regression reference problems: parser for the `.dat` files and the 27 models
//! with analytic Jacobians, used to validate the solver (tests, benches, BENCHMARKS.md).
#![allow(clippy::needless_range_loop)] // index loops mirror the linear algebra / Fortran original

use crate::lm::Problem;
use std::f64::consts::PI;
use thiserror::Error;

/// A parsed NIST StRD nonlinear-regression dataset.
#[derive(Debug, Clone)]
pub struct Dataset {
    /// Dataset name, e.g. `MGH09`.
    pub name: String,
    /// Model of the dataset.
    pub model: Model,
    /// Starting values 1 (harder) and 2 (closer).
    pub start1: Vec<f64>,
    /// Starting values 2.
    pub start2: Vec<f64>,
    /// Certified parameter values.
    pub certified: Vec<f64>,
    /// Certified parameter standard deviations.
    pub certified_sd: Vec<f64>,
    /// Certified residual sum of squares.
    pub certified_rss: f64,
    /// Responses (Nelson: `ln y`, as its model is on the log scale).
    pub y: Vec<f64>,
    /// Predictors: `x[i]` is `[x1]` or `[x1, x2]`.
    pub x: Vec<[f64; 2]>,
}

/// Parse errors, located by file, line and column (1-based).
#[derive(Debug, Clone, PartialEq, Error)]
pub enum NistError {
    /// A malformed or missing field.
    #[error("{file}:{line}:{column}: {message}")]
    Syntax {
        /// File name as handed to the parser.
        file: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What was wrong.
        message: String,
    },
}

/// The 27 NIST models (several datasets share one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum Model {
    Misra1a,
    Chwirut,
    Lanczos,
    Gauss,
    Misra1b,
    Kirby2,
    Rational33,
    Nelson,
    Mgh17,
    Misra1c,
    Misra1d,
    Roszman1,
    Enso,
    Mgh09,
    Rat42,
    Mgh10,
    Eckerle4,
    Rat43,
    Bennett5,
    DanWood,
}

impl Model {
    fn for_name(name: &str) -> Option<Model> {
        Some(match name {
            "Misra1a" | "BoxBOD" => Model::Misra1a,
            "Chwirut1" | "Chwirut2" => Model::Chwirut,
            "Lanczos1" | "Lanczos2" | "Lanczos3" => Model::Lanczos,
            "Gauss1" | "Gauss2" | "Gauss3" => Model::Gauss,
            "Misra1b" => Model::Misra1b,
            "Kirby2" => Model::Kirby2,
            "Hahn1" | "Thurber" => Model::Rational33,
            "Nelson" => Model::Nelson,
            "MGH17" => Model::Mgh17,
            "Misra1c" => Model::Misra1c,
            "Misra1d" => Model::Misra1d,
            "Roszman1" => Model::Roszman1,
            "ENSO" => Model::Enso,
            "MGH09" => Model::Mgh09,
            "Rat42" => Model::Rat42,
            "MGH10" => Model::Mgh10,
            "Eckerle4" => Model::Eckerle4,
            "Rat43" => Model::Rat43,
            "Bennett5" => Model::Bennett5,
            "DanWood" => Model::DanWood,
            _ => return None,
        })
    }

    /// Number of parameters of the model.
    pub fn n_params(self) -> usize {
        match self {
            Model::Misra1a | Model::Misra1b | Model::Misra1c | Model::Misra1d | Model::DanWood => 2,
            Model::Chwirut
            | Model::Nelson
            | Model::Rat42
            | Model::Mgh10
            | Model::Eckerle4
            | Model::Bennett5 => 3,
            Model::Roszman1 | Model::Mgh09 | Model::Rat43 => 4,
            Model::Kirby2 | Model::Mgh17 => 5,
            Model::Lanczos => 6,
            Model::Rational33 => 7,
            Model::Gauss => 8,
            Model::Enso => 9,
        }
    }

    /// Model value at predictors `x` with parameters `b` (length [`Model::n_params`]); writes
    /// `df/db` into `g`.
    pub fn eval(self, x: [f64; 2], b: &[f64], g: &mut [f64]) -> f64 {
        let x1 = x[0];
        match self {
            Model::Misra1a => {
                let e = (-b[1] * x1).exp();
                g[0] = 1.0 - e;
                g[1] = b[0] * x1 * e;
                b[0] * (1.0 - e)
            }
            Model::Chwirut => {
                let e = (-b[0] * x1).exp();
                let u = b[1] + b[2] * x1;
                g[0] = -x1 * e / u;
                g[1] = -e / (u * u);
                g[2] = -x1 * e / (u * u);
                e / u
            }
            Model::Lanczos => {
                let mut f = 0.0;
                for k in 0..3 {
                    let e = (-b[2 * k + 1] * x1).exp();
                    g[2 * k] = e;
                    g[2 * k + 1] = -b[2 * k] * x1 * e;
                    f += b[2 * k] * e;
                }
                f
            }
            Model::Gauss => {
                let e = (-b[1] * x1).exp();
                g[0] = e;
                g[1] = -b[0] * x1 * e;
                let mut f = b[0] * e;
                for k in [2usize, 5] {
                    let (amp, mu, w) = (b[k], b[k + 1], b[k + 2]);
                    let d = x1 - mu;
                    let ge = (-(d * d) / (w * w)).exp();
                    g[k] = ge;
                    g[k + 1] = amp * ge * 2.0 * d / (w * w);
                    g[k + 2] = amp * ge * 2.0 * d * d / (w * w * w);
                    f += amp * ge;
                }
                f
            }
            Model::Misra1b => {
                let u = 1.0 + b[1] * x1 / 2.0;
                g[0] = 1.0 - u.powi(-2);
                g[1] = b[0] * x1 * u.powi(-3);
                b[0] * (1.0 - u.powi(-2))
            }
            Model::Kirby2 => {
                let n = b[0] + b[1] * x1 + b[2] * x1 * x1;
                let d = 1.0 + b[3] * x1 + b[4] * x1 * x1;
                g[0] = 1.0 / d;
                g[1] = x1 / d;
                g[2] = x1 * x1 / d;
                g[3] = -n * x1 / (d * d);
                g[4] = -n * x1 * x1 / (d * d);
                n / d
            }
            Model::Rational33 => {
                let (x2, x3) = (x1 * x1, x1 * x1 * x1);
                let n = b[0] + b[1] * x1 + b[2] * x2 + b[3] * x3;
                let d = 1.0 + b[4] * x1 + b[5] * x2 + b[6] * x3;
                g[0] = 1.0 / d;
                g[1] = x1 / d;
                g[2] = x2 / d;
                g[3] = x3 / d;
                g[4] = -n * x1 / (d * d);
                g[5] = -n * x2 / (d * d);
                g[6] = -n * x3 / (d * d);
                n / d
            }
            Model::Nelson => {
                let e = (-b[2] * x[1]).exp();
                g[0] = 1.0;
                g[1] = -x1 * e;
                g[2] = b[1] * x1 * x[1] * e;
                b[0] - b[1] * x1 * e
            }
            Model::Mgh17 => {
                let e3 = (-x1 * b[3]).exp();
                let e4 = (-x1 * b[4]).exp();
                g[0] = 1.0;
                g[1] = e3;
                g[2] = e4;
                g[3] = -b[1] * x1 * e3;
                g[4] = -b[2] * x1 * e4;
                b[0] + b[1] * e3 + b[2] * e4
            }
            Model::Misra1c => {
                let u = 1.0 + 2.0 * b[1] * x1;
                g[0] = 1.0 - u.powf(-0.5);
                g[1] = b[0] * x1 * u.powf(-1.5);
                b[0] * (1.0 - u.powf(-0.5))
            }
            Model::Misra1d => {
                let u = 1.0 + b[1] * x1;
                g[0] = b[1] * x1 / u;
                g[1] = b[0] * x1 / (u * u);
                b[0] * b[1] * x1 / u
            }
            Model::Roszman1 => {
                let w = x1 - b[3];
                let z = b[2] / w;
                let dz = 1.0 / (1.0 + z * z) / PI;
                g[0] = 1.0;
                g[1] = -x1;
                g[2] = -dz / w;
                g[3] = -dz * b[2] / (w * w);
                b[0] - b[1] * x1 - z.atan() / PI
            }
            Model::Enso => {
                let t = 2.0 * PI * x1 / 12.0;
                g[0] = 1.0;
                g[1] = t.cos();
                g[2] = t.sin();
                let mut f = b[0] + b[1] * t.cos() + b[2] * t.sin();
                for k in [3usize, 6] {
                    let th = 2.0 * PI * x1 / b[k];
                    let (s, c) = th.sin_cos();
                    g[k] = (-b[k + 1] * s + b[k + 2] * c) * (-th / b[k]);
                    g[k + 1] = c;
                    g[k + 2] = s;
                    f += b[k + 1] * c + b[k + 2] * s;
                }
                f
            }
            Model::Mgh09 => {
                let n = x1 * x1 + x1 * b[1];
                let d = x1 * x1 + x1 * b[2] + b[3];
                g[0] = n / d;
                g[1] = b[0] * x1 / d;
                g[2] = -b[0] * n * x1 / (d * d);
                g[3] = -b[0] * n / (d * d);
                b[0] * n / d
            }
            Model::Rat42 => {
                let e = (b[1] - b[2] * x1).exp();
                let u = 1.0 + e;
                g[0] = 1.0 / u;
                g[1] = -b[0] * e / (u * u);
                g[2] = b[0] * x1 * e / (u * u);
                b[0] / u
            }
            Model::Mgh10 => {
                let v = x1 + b[2];
                let e = (b[1] / v).exp();
                g[0] = e;
                g[1] = b[0] * e / v;
                g[2] = -b[0] * e * b[1] / (v * v);
                b[0] * e
            }
            Model::Eckerle4 => {
                let z = (x1 - b[2]) / b[1];
                let e = (-0.5 * z * z).exp();
                let f = b[0] / b[1] * e;
                g[0] = e / b[1];
                g[1] = -f / b[1] + f * z * z / b[1];
                g[2] = f * z / b[1];
                f
            }
            Model::Rat43 => {
                let e = (b[1] - b[2] * x1).exp();
                let u = 1.0 + e;
                let p = u.powf(-1.0 / b[3]);
                g[0] = p;
                g[1] = -b[0] / b[3] * p / u * e;
                g[2] = b[0] / b[3] * p / u * e * x1;
                g[3] = b[0] * p * u.ln() / (b[3] * b[3]);
                b[0] * p
            }
            Model::Bennett5 => {
                let v = b[1] + x1;
                let p = v.powf(-1.0 / b[2]);
                g[0] = p;
                g[1] = -b[0] / b[2] * p / v;
                g[2] = b[0] * p * v.ln() / (b[2] * b[2]);
                b[0] * p
            }
            Model::DanWood => {
                let p = x1.powf(b[1]);
                g[0] = p;
                g[1] = b[0] * p * x1.ln();
                b[0] * p
            }
        }
    }
}

impl Problem for Dataset {
    fn n_params(&self) -> usize {
        self.certified.len()
    }
    fn n_residuals(&self) -> usize {
        self.y.len()
    }
    fn residuals(&self, p: &[f64], out: &mut [f64]) {
        let mut g = [0.0; 9];
        for (i, (&x, &y)) in self.x.iter().zip(&self.y).enumerate() {
            out[i] = y - self.model.eval(x, p, &mut g);
        }
    }
    fn jacobian(&self, p: &[f64], out: &mut [f64]) {
        let n = p.len();
        let mut g = [0.0; 9];
        for (i, &x) in self.x.iter().enumerate() {
            self.model.eval(x, p, &mut g);
            for j in 0..n {
                out[i * n + j] = -g[j];
            }
        }
    }
}

fn located(file: &str, line: usize, column: usize, message: impl Into<String>) -> NistError {
    NistError::Syntax {
        file: file.to_string(),
        line,
        column,
        message: message.into(),
    }
}

fn number(file: &str, line: usize, text: &str, word: &str) -> Result<f64, NistError> {
    let column = word.as_ptr() as usize - text.as_ptr() as usize + 1;
    word.parse::<f64>().map_err(|_| {
        located(
            file,
            line,
            column,
            format!("expected a number, found `{word}`"),
        )
    })
}

/// Parse one NIST StRD `.dat` file. `name` is the file name (the dataset name is its stem).
pub fn parse(name: &str, bytes: &[u8]) -> Result<Dataset, NistError> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let before = &bytes[..e.valid_up_to()];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let column = before.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
        located(name, line, column, "not UTF-8 text")
    })?;
    let stem = name.rsplit('/').next().unwrap_or(name);
    let stem = stem.strip_suffix(".dat").unwrap_or(stem);
    let model = Model::for_name(stem)
        .ok_or_else(|| located(name, 1, 1, format!("unknown NIST dataset `{stem}`")))?;
    let mut ds = Dataset {
        name: stem.to_string(),
        model,
        start1: vec![],
        start2: vec![],
        certified: vec![],
        certified_sd: vec![],
        certified_rss: f64::NAN,
        y: vec![],
        x: vec![],
    };
    let mut in_data = false;
    let mut last_line = 0;
    for (idx, line) in text.lines().enumerate() {
        let lineno = idx + 1;
        last_line = lineno;
        let words: Vec<&str> = line.split_whitespace().collect();
        if in_data {
            if words.is_empty() {
                continue;
            }
            let need = if model == Model::Nelson { 3 } else { 2 };
            if words.len() != need {
                return Err(located(name, lineno, 1, format!("expected {need} numbers")));
            }
            let y = number(name, lineno, line, words[0])?;
            let y = if model == Model::Nelson { y.ln() } else { y };
            let x1 = number(name, lineno, line, words[1])?;
            let x2 = if need == 3 {
                number(name, lineno, line, words[2])?
            } else {
                0.0
            };
            ds.y.push(y);
            ds.x.push([x1, x2]);
        } else if words.len() == 6 && words[0].starts_with('b') && words[1] == "=" {
            let k = ds.certified.len() + 1;
            if words[0] != format!("b{k}") {
                return Err(located(name, lineno, 3, format!("expected parameter b{k}")));
            }
            ds.start1.push(number(name, lineno, line, words[2])?);
            ds.start2.push(number(name, lineno, line, words[3])?);
            ds.certified.push(number(name, lineno, line, words[4])?);
            ds.certified_sd.push(number(name, lineno, line, words[5])?);
        } else if line.starts_with("Residual Sum of Squares:") {
            match words.last() {
                Some(w) => ds.certified_rss = number(name, lineno, line, w)?,
                None => return Err(located(name, lineno, 1, "missing value")),
            }
        } else if line.starts_with("Data:") && words.get(1) == Some(&"y") {
            in_data = true;
        }
    }
    if ds.certified.len() != model.n_params() {
        let msg = format!(
            "{} parameter lines `bK = …` found, the {stem} model has {}",
            ds.certified.len(),
            model.n_params()
        );
        return Err(located(name, last_line + 1, 1, msg));
    }
    if ds.certified_rss.is_nan() || ds.y.is_empty() {
        return Err(located(
            name,
            last_line + 1,
            1,
            "truncated: missing residual sum of squares or data",
        ));
    }
    Ok(ds)
}

/// Log relative error `−log10(|estimate − certified| / |certified|)`, capped at 15 (exact agreement).
pub fn lre(estimate: f64, certified: f64) -> f64 {
    if !estimate.is_finite() {
        return 0.0;
    }
    let rel = if certified == 0.0 {
        estimate.abs()
    } else {
        (estimate - certified).abs() / certified.abs()
    };
    if rel == 0.0 {
        15.0
    } else {
        (-rel.log10()).clamp(0.0, 15.0)
    }
}

//! One JSON line of `secretome assay fit`, written straight into the output buffer: the same bytes
//! serde_json gives for [`super::FitLine`] (same key order, same shortest round-trip floats from
//! `zmij`, same string escapes — tested below), without building the line struct or a string per line.

use super::NOT_CONVERGED;
use crate::curve::{CurveFit, Model};

/// Append the line for one curve (its fit, or why there is none) and its `\n`.
pub(super) fn write_line(
    out: &mut String,
    curve: &str,
    model: Model,
    fit: &Result<CurveFit, String>,
) {
    out.push_str("{\"curve\":");
    push_str(out, curve);
    out.push_str(",\"model\":\"");
    out.push_str(model.name());
    out.push_str("\",\"params\":");
    match fit {
        Ok(f) => {
            push_named(out, model, &f.params);
            out.push_str(",\"se\":");
            push_named(out, model, &f.se);
            out.push_str(",\"rss\":");
            push_num(out, f.rss);
            out.push_str(",\"iterations\":");
            out.push_str(itoa::Buffer::new().format(f.iterations));
            out.push_str(if f.converged {
                ",\"converged\":true"
            } else {
                ",\"converged\":false"
            });
            if !f.flags.is_empty() {
                out.push_str(",\"flags\":[");
                for (i, g) in f.flags.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    push_str(out, g.name());
                }
                out.push(']');
            }
            if !f.converged {
                out.push_str(",\"error\":");
                push_str(out, NOT_CONVERGED);
            }
            out.push_str("}\n");
        }
        Err(e) => {
            out.push_str(
                "null,\"se\":null,\"rss\":null,\"iterations\":0,\"converged\":false,\"error\":",
            );
            push_str(out, e);
            out.push_str("}\n");
        }
    }
}

/// `{"a":…,"b":…,"c":…,"d":…}` plus `"g"` for the 5PL; `null` for a missing or non-finite value.
fn push_named(out: &mut String, model: Model, v: &[f64]) {
    let get = |i: usize| v.get(i).copied().unwrap_or(f64::NAN);
    for (i, key) in ["{\"a\":", ",\"b\":", ",\"c\":", ",\"d\":"]
        .into_iter()
        .enumerate()
    {
        out.push_str(key);
        push_num(out, get(i));
    }
    if model == Model::FivePl {
        out.push_str(",\"g\":");
        push_num(out, get(4));
    }
    out.push('}');
}

fn push_num(out: &mut String, v: f64) {
    if v.is_finite() {
        out.push_str(zmij::Buffer::new().format_finite(v));
    } else {
        out.push_str("null");
    }
}

/// A JSON string with serde_json's escapes: `\"`, `\\`, `\b \t \n \f \r`, other controls `\u00XX`.
fn push_str(out: &mut String, s: &str) {
    out.push('"');
    let mut run = 0;
    for (i, b) in s.bytes().enumerate() {
        let esc = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            0x08 => "\\b",
            b'\t' => "\\t",
            b'\n' => "\\n",
            0x0c => "\\f",
            b'\r' => "\\r",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(&s[run..i]);
        if esc.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.push_str("\\u00");
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0xf)]));
        } else {
            out.push_str(esc);
        }
        run = i + 1;
    }
    out.push_str(&s[run..]);
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::super::{CurveData, fit_line, fit_result};
    use super::*;
    use crate::curve::Weighting;

    fn curve(name: &str, x: &[f64], y: &[f64], error: Option<&str>) -> CurveData {
        CurveData {
            name: name.into(),
            x: x.into(),
            y: y.into(),
            error: error.map(Into::into),
        }
    }

    #[test]
    fn lines_are_the_bytes_serde_json_writes() {
        let x = [0.0, 46.875, 93.75, 187.5, 375.0, 750.0, 1500.0, 3000.0];
        let y = [0.03, 0.06, 0.13, 0.24, 0.42, 0.82, 1.46, 2.43];
        let curves = [
            curve("c1", &x, &y, None),
            curve("q\"u\\o\u{1}\t\u{7f}é\n", &x, &y, None),
            curve("flat", &x[..5], &[2.0; 5], None),
            curve(
                "bad",
                &[],
                &[],
                Some("f:3:4: `oops` is not a finite number"),
            ),
            curve("", &x[..4], &y[..4], None),
            // A straight line: no upper plateau, a flagged fit.
            curve("line", &x, &x.map(|v| 0.05 + 0.001 * v), None),
        ];
        for model in [Model::FourPl, Model::FivePl] {
            for weighting in [Weighting::None, Weighting::InvY2] {
                for c in &curves {
                    let mut ours = String::new();
                    write_line(&mut ours, &c.name, model, &fit_result(c, model, weighting));
                    let serde =
                        serde_json::to_string(&fit_line(c, model, weighting)).expect("json");
                    assert_eq!(ours, serde + "\n");
                }
            }
        }
    }

    #[test]
    fn non_finite_numbers_are_null() {
        let mut out = String::new();
        push_named(
            &mut out,
            Model::FivePl,
            &[1.0, f64::NAN, f64::INFINITY, -0.5],
        );
        assert_eq!(out, r#"{"a":1.0,"b":null,"c":null,"d":-0.5,"g":null}"#);
    }
}

//! The `curve,x,y` CSV of `secretome assay fit`. Plain files (no quotes, LF or CRLF line ends — what
//! instruments, spreadsheets and scripts write) are split by hand without allocating per row; anything
//! else goes through the `csv` crate. Both paths give the same curves and the same located errors
//! (tested against each other below).

use super::CurveData;
use crate::import::ImportError;
use std::collections::HashMap;

/// Parse CSV with header `curve,x,y` (columns in any order; extra columns ignored; fields trimmed).
/// Curves keep the order of their first row. A bad value spoils only its curve; a missing header or a
/// malformed CSV record is a file error.
pub fn parse_curves_csv(name: &str, bytes: &[u8]) -> Result<Vec<CurveData>, ImportError> {
    let text = crate::import::decode(bytes);
    match parse_plain(name, &text) {
        Some(parsed) => parsed,
        None => parse_general(name, &text),
    }
}

/// Column indices of `curve`, `x`, `y` in a (trimmed) header.
fn header_columns<'a>(headers: impl Iterator<Item = &'a str> + Clone) -> Option<[usize; 3]> {
    let col = |h: &str| {
        headers
            .clone()
            .position(|c| c.trim_start_matches('\u{feff}').eq_ignore_ascii_case(h))
    };
    Some([col("curve")?, col("x")?, col("y")?])
}

fn no_header(name: &str) -> ImportError {
    ImportError::new(
        name,
        1,
        1,
        "header must name the columns `curve`, `x` and `y`",
        "見出しには `curve`、`x`、`y` の列が必要です",
    )
}

/// Curves in first-row order, found by name; consecutive rows of one curve skip the hash lookup.
struct Collector<'t> {
    curves: Vec<CurveData>,
    index: HashMap<&'t str, usize>,
    owned: HashMap<String, usize>,
    last: usize,
}

impl<'t> Collector<'t> {
    fn new() -> Self {
        Collector {
            curves: Vec::new(),
            index: HashMap::new(),
            owned: HashMap::new(),
            last: usize::MAX,
        }
    }

    fn slot(&mut self, curve: &str, borrowed: Option<&'t str>) -> &mut CurveData {
        if self.curves.get(self.last).is_none_or(|c| c.name != curve) {
            let found = match borrowed {
                Some(b) => self.index.get(b),
                None => self.owned.get(curve),
            };
            self.last = match found {
                Some(&k) => k,
                None => {
                    let k = self.curves.len();
                    self.curves.push(CurveData {
                        name: curve.to_string(),
                        x: Vec::with_capacity(8),
                        y: Vec::with_capacity(8),
                        error: None,
                    });
                    match borrowed {
                        Some(b) => self.index.insert(b, k),
                        None => self.owned.insert(curve.to_string(), k),
                    };
                    k
                }
            };
        }
        &mut self.curves[self.last]
    }
}

/// Add one record (trimmed fields) to its curve; `line` is 1-based.
fn add_record<'t>(
    name: &str,
    line: usize,
    fields: &[&str],
    cols: [usize; 3],
    curves: &mut Collector<'t>,
    borrowed: Option<&'t str>,
) {
    if fields.iter().all(|f| f.is_empty()) {
        return;
    }
    let [ci, xi, yi] = cols;
    let c = curves.slot(fields.get(ci).copied().unwrap_or(""), borrowed);
    if c.error.is_some() {
        return;
    }
    let field = |i: usize| -> Result<f64, String> {
        let t = fields.get(i).copied().unwrap_or("");
        t.parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .ok_or_else(|| {
                // 1-based character column of field i (trimmed fields, unquoted: enough to point at it).
                let column = 1
                    + (0..i)
                        .map(|k| fields.get(k).map_or(0, |f| f.chars().count()) + 1)
                        .sum::<usize>();
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

/// `str::trim`, without its Unicode scan where the field starts and ends in printable ASCII.
fn trim(field: &str) -> &str {
    let plain = |b: &u8| (0x21..0x7f).contains(b);
    match (field.as_bytes().first(), field.as_bytes().last()) {
        (Some(a), Some(z)) if plain(a) && plain(z) => field,
        _ => field.trim(),
    }
}

/// The hand-split path; `None` when the text has a quote or a bare CR (left to the `csv` crate).
/// Like the `csv` crate: empty lines are skipped, the first other line is the header.
fn parse_plain(name: &str, text: &str) -> Option<Result<Vec<CurveData>, ImportError>> {
    let bytes = text.as_bytes();
    let mut curves = Collector::new();
    let mut cols: Option<[usize; 3]> = None;
    let mut fields: Vec<&str> = Vec::with_capacity(8);
    let (mut pos, mut line) = (0, 0);
    while pos < bytes.len() {
        line += 1;
        fields.clear();
        let (mut field_start, mut i) = (pos, pos);
        let end = loop {
            match bytes.get(i) {
                None => break i,
                Some(b'\n') => break i,
                Some(b',') => {
                    fields.push(trim(text.get(field_start..i)?));
                    field_start = i + 1;
                }
                Some(b'"') => return None,
                Some(b'\r') if bytes.get(i + 1) == Some(&b'\n') => {
                    i += 1;
                    break i - 1;
                }
                Some(b'\r') => return None,
                Some(_) => {}
            }
            i += 1;
        };
        let empty = end == pos;
        fields.push(trim(text.get(field_start..end)?));
        pos = i + 1;
        if empty {
            continue;
        }
        match cols {
            None => match header_columns(fields.iter().copied()) {
                Some(c) => cols = Some(c),
                None => return Some(Err(no_header(name))),
            },
            Some(c) => {
                let curve = fields.get(c[0]).copied().unwrap_or("");
                add_record(name, line, &fields, c, &mut curves, Some(curve));
            }
        }
    }
    if cols.is_none() {
        return Some(Err(no_header(name)));
    }
    Some(Ok(curves.curves))
}

/// The general path through the `csv` crate (quoted fields, bare CR line ends).
fn parse_general(name: &str, text: &str) -> Result<Vec<CurveData>, ImportError> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let lines = crate::import::LineIndex::new(text);
    let headers = rdr.headers().map_err(|e| csv_error(name, &e))?.clone();
    let cols = header_columns(headers.iter()).ok_or_else(|| no_header(name))?;
    let mut curves = Collector::new();
    let mut rec = csv::StringRecord::new();
    loop {
        match rdr.read_record(&mut rec) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(csv_error(name, &e)),
        }
        let line = rec.position().map_or(0, |p| lines.line(p.byte()));
        let fields: Vec<&str> = rec.iter().collect();
        add_record(name, line, &fields, cols, &mut curves, None);
    }
    Ok(curves.curves)
}

fn csv_error(name: &str, e: &csv::Error) -> ImportError {
    let line = e.position().map_or(1, |p| p.line() as usize);
    ImportError::new(
        name,
        line,
        1,
        format!("malformed CSV: {e}"),
        format!("CSV の形式が正しくありません: {e}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn both(text: &str) -> Option<(String, String)> {
        let plain = parse_plain("f", text)?;
        Some((
            format!("{plain:?}"),
            format!("{:?}", parse_general("f", text)),
        ))
    }

    #[test]
    fn plain_path_matches_the_csv_crate_on_tricky_files() {
        for text in [
            "curve,x,y\nc1,1,2\nc1,2,3\n",
            "\n\ncurve, x ,y\r\n\r\nc1 , 1 ,2\r\nc2,1,\r\nc2,2,3\r\n,,\r\n  \r\nc1,3,4",
            "y,curve,x,extra\n2,a,1,z\n3,b,oops\n4,a,2\n",
            "\u{feff}CURVE,X,Y\nä,1,2\nä,nan,3\nä,2,3\n",
            "id,conc,od\n1,2,3\n",
            "",
            "\n\n",
            "curve,x\nc,1\n",
            "curve,x,y\n\u{3000}c\u{3000},1,2\nc,1e400,2\n",
        ] {
            let (plain, general) = both(text).expect("plain path applies");
            assert_eq!(plain, general, "{text:?}");
        }
    }

    #[test]
    fn quotes_and_bare_cr_take_the_general_path() {
        assert!(parse_plain("f", "curve,x,y\n\"c,1\",1,2\n").is_none());
        assert!(parse_plain("f", "curve,x,y\rc,1,2\r").is_none());
        let curves = parse_curves_csv("f", b"curve,x,y\n\"c,1\",1,2\n").expect("parses");
        assert_eq!(curves[0].name, "c,1");
    }

    proptest! {
        #[test]
        fn plain_path_matches_the_csv_crate(
            header in prop::sample::select(vec!["curve,x,y", " x , y ,curve", "curve,y", "a,b,c"]),
            rows in prop::collection::vec(
                prop::collection::vec(
                    prop::sample::select(vec!["c1", "c2", " c1", "", " ", "1", "2.5", "-3e2", "x",
                        "inf", "1e999", "\u{a0}4", "é"]),
                    0..5),
                0..12),
            crlf in any::<bool>(),
        ) {
            let eol = if crlf { "\r\n" } else { "\n" };
            let mut text = format!("{header}{eol}");
            for r in &rows {
                text.push_str(&r.join(","));
                text.push_str(eol);
            }
            let (plain, general) = both(&text).expect("plain path applies");
            prop_assert_eq!(plain, general);
        }
    }
}

//! xlsx workbooks (calamine): each sheet is read as a table and parsed as grids or long form
//! (e.g. Tecan Magellan's `Well positions, Label1, Label2` sheets). Errors give sheet row and column.

use super::ImportError;
use super::grid::{Row, parse_table};
use crate::plate::Plate;
use calamine::{DataRef, Reader, Xlsx};
use std::collections::BTreeMap;
use std::io::Cursor;

/// Largest sheet accepted: rows and columns of an xlsx sheet, and cells held in memory.
const MAX_ROW: u32 = 1 << 20;
const MAX_COL: u32 = 1 << 14;
const MAX_CELLS: usize = 1 << 20;

fn cell_text(d: &DataRef) -> String {
    match d {
        DataRef::Empty => String::new(),
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => {
            s.trim().to_string()
        }
        DataRef::SharedString(s) => s.trim().to_string(),
        DataRef::Float(f) => f.to_string(),
        DataRef::Int(i) => i.to_string(),
        DataRef::Bool(b) => b.to_string(),
        DataRef::DateTime(t) => t.as_f64().to_string(),
        DataRef::Error(e) => format!("#{e:?}"),
    }
}

/// Read one sheet's cells, streaming, into sparse rows; why not (English, Japanese) if the sheet
/// is unreadable or too large.
fn sheet_rows(wb: &mut Xlsx<Cursor<Vec<u8>>>, sheet: &str) -> Result<Vec<Row>, (String, String)> {
    let unreadable = |e: calamine::XlsxError| (e.to_string(), format!("読み取れません: {e}"));
    let mut reader = wb.worksheet_cells_reader(sheet).map_err(unreadable)?;
    let mut cells: BTreeMap<(u32, u32), String> = BTreeMap::new();
    while let Some(cell) = reader.next_cell().map_err(unreadable)? {
        let (r, c) = cell.get_position();
        if r >= MAX_ROW || c >= MAX_COL || cells.len() >= MAX_CELLS {
            let (r, c) = (u64::from(r) + 1, u64::from(c) + 1);
            return Err((
                format!("cell at row {r}, column {c} is beyond the sheet limits"),
                format!("{r} 行 {c} 列のセルがシートの上限を超えています"),
            ));
        }
        let text = cell_text(cell.get_value());
        if !text.is_empty() {
            cells.insert((r, c), text);
        }
    }
    let mut rows: Vec<Row> = Vec::new();
    for ((r, c), text) in cells {
        if rows.last().is_none_or(|row| row.0 != r as usize + 1) {
            rows.push((r as usize + 1, Vec::new()));
        }
        if let Some(row) = rows.last_mut() {
            row.1.resize(c as usize, String::new());
            row.1.push(text);
        }
    }
    Ok(rows)
}

/// Largest uncompressed XML part inspected (bytes).
const MAX_PART: u64 = 64 << 20;

/// calamine 0.38's cell-reference parser overflows (a panic with overflow checks) on references with
/// long runs of letters or digits. Every `r="…"` and `ref="…"` attribute of the workbook's XML parts is
/// checked first (a run of at most 3 letters and 7 digits: XFD1048576 is the largest legal cell), so
/// such a file is a located error instead.
fn check_references(name: &str, bytes: &[u8]) -> Result<(), ImportError> {
    use std::io::Read;
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(()); // calamine reports what is wrong with the archive
    };
    for k in 0..zip.len() {
        let Ok(entry) = zip.by_index(k) else { continue };
        let Ok(part) = entry.name().map(|n| n.into_owned()) else {
            continue;
        };
        if !part.ends_with(".xml") {
            continue;
        }
        // Keep whatever decompresses even if the part is corrupt (a CRC error only shows at its end,
        // after calamine would already have parsed the references).
        let mut xml = Vec::new();
        let mut reader = entry.take(MAX_PART + 1);
        let mut buf = [0u8; 8192];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            xml.extend_from_slice(&buf[..n]);
        }
        if xml.len() as u64 > MAX_PART {
            return Err(ImportError::new(
                name,
                1,
                1,
                format!("{part}: XML part larger than {MAX_PART} bytes"),
                format!("{part}: XML パートが {MAX_PART} バイトを超えています"),
            ));
        }
        for key in [
            &b" r=\""[..],
            b" ref=\"",
            b"\tr=\"",
            b"\nr=\"",
            b" r='",
            b" ref='",
        ] {
            let mut from = 0;
            while let Some(pos) = xml[from..].windows(key.len()).position(|w| w == key) {
                let start = from + pos + key.len();
                let quote = key[key.len() - 1];
                let end = xml[start..]
                    .iter()
                    .position(|&b| b == quote)
                    .map_or(xml.len(), |e| start + e);
                let value = &xml[start..end];
                let (mut letters, mut digits, mut bad) = (0, 0, false);
                for &b in value {
                    if b.is_ascii_alphabetic() {
                        letters += 1;
                        digits = 0;
                    } else if b.is_ascii_digit() {
                        digits += 1;
                        letters = 0;
                    } else {
                        letters = 0;
                        digits = 0;
                    }
                    bad |= letters > 3 || digits > 7;
                }
                if bad {
                    let before = &xml[..start];
                    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
                    let column = before.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
                    let shown = String::from_utf8_lossy(&value[..value.len().min(40)]).into_owned();
                    return Err(ImportError::new(
                        name,
                        line,
                        column,
                        format!(
                            "{part}: cell reference `{shown}` is out of range (line and column are in that part)"
                        ),
                        format!(
                            "{part}: セル参照 `{shown}` が範囲外です (行と列はそのパート内の位置)"
                        ),
                    ));
                }
                from = end.max(start);
            }
        }
    }
    Ok(())
}

/// Parse an xlsx workbook: the plates of every sheet that holds any, in sheet order.
///
/// Cell references are checked before calamine sees them (see `check_references`); as a second line
/// of defence any calamine panic is caught and becomes an error (where panics unwind).
pub fn parse(name: &str, bytes: &[u8]) -> Result<Vec<Plate>, ImportError> {
    check_references(name, bytes)?;
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| parse_inner(name, bytes))) {
        Ok(r) => r,
        Err(_) => Err(ImportError::new(
            name,
            1,
            1,
            "corrupt xlsx workbook (unreadable cell reference)",
            "xlsx ブックが壊れています (セル参照を読み取れません)",
        )),
    }
}

fn parse_inner(name: &str, bytes: &[u8]) -> Result<Vec<Plate>, ImportError> {
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).map_err(|e| {
        ImportError::new(
            name,
            1,
            1,
            format!("not a readable xlsx workbook: {e}"),
            format!("xlsx ブックとして読み取れません: {e}"),
        )
    })?;
    let mut plates = Vec::new();
    let mut first_error = None;
    for sheet in wb.sheet_names() {
        let rows = match sheet_rows(&mut wb, &sheet) {
            Ok(r) => r,
            Err((en, ja)) => {
                first_error.get_or_insert(ImportError::new(
                    name,
                    1,
                    1,
                    format!("sheet `{sheet}`: {en}"),
                    format!("シート `{sheet}`: {ja}"),
                ));
                continue;
            }
        };
        if rows.is_empty() {
            continue;
        }
        let col_of = |_: &Row, k: usize| k + 1;
        match parse_table(name, &rows, &col_of) {
            Ok((_, mut p)) => {
                for plate in &mut p {
                    if plate.name.starts_with("Plate ") {
                        plate.name = format!("{sheet} {}", plate.name);
                    }
                }
                plates.extend(p);
            }
            Err(mut e) => {
                e.message = format!("sheet `{sheet}`: {}", e.message);
                first_error.get_or_insert(e);
            }
        }
    }
    if plates.is_empty() {
        return Err(first_error.unwrap_or_else(|| {
            ImportError::new(
                name,
                1,
                1,
                "workbook has no sheet with plate data",
                "ブックにプレートデータのあるシートがありません",
            )
        }));
    }
    Ok(plates)
}

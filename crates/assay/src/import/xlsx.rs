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

/// Read one sheet's cells, streaming, into sparse rows (`None` if the sheet is too large).
fn sheet_rows(wb: &mut Xlsx<Cursor<Vec<u8>>>, sheet: &str) -> Result<Vec<Row>, String> {
    let mut reader = wb
        .worksheet_cells_reader(sheet)
        .map_err(|e| e.to_string())?;
    let mut cells: BTreeMap<(u32, u32), String> = BTreeMap::new();
    while let Some(cell) = reader.next_cell().map_err(|e| e.to_string())? {
        let (r, c) = cell.get_position();
        if r >= MAX_ROW || c >= MAX_COL || cells.len() >= MAX_CELLS {
            return Err(format!(
                "cell at row {}, column {} is beyond the sheet limits",
                u64::from(r) + 1,
                u64::from(c) + 1
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

/// Parse an xlsx workbook: the plates of every sheet that holds any, in sheet order.
///
/// calamine 0.38 can panic on corrupt cell references (integer overflow in its reference parser), so
/// the read is isolated with `catch_unwind` and such a panic becomes an error: no input may crash us.
pub fn parse(name: &str, bytes: &[u8]) -> Result<Vec<Plate>, ImportError> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| parse_inner(name, bytes))) {
        Ok(r) => r,
        Err(_) => Err(ImportError::new(
            name,
            1,
            1,
            "corrupt xlsx workbook (unreadable cell reference)",
        )),
    }
}

fn parse_inner(name: &str, bytes: &[u8]) -> Result<Vec<Plate>, ImportError> {
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec()))
        .map_err(|e| ImportError::new(name, 1, 1, format!("not a readable xlsx workbook: {e}")))?;
    let mut plates = Vec::new();
    let mut first_error = None;
    for sheet in wb.sheet_names() {
        let rows = match sheet_rows(&mut wb, &sheet) {
            Ok(r) => r,
            Err(e) => {
                first_error.get_or_insert(ImportError::new(
                    name,
                    1,
                    1,
                    format!("sheet `{sheet}`: {e}"),
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
            ImportError::new(name, 1, 1, "workbook has no sheet with plate data")
        }));
    }
    Ok(plates)
}

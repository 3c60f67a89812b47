//! Generic tables: CSV/TSV plate grids (a header `1 2 … N` then rows `A`, `B`, …; also BMG MARS and
//! PerkinElmer EnVision exports, several grids per file) and long form (a `well` column, one or more
//! reading columns, optional `plate`, `group`, `sample`, `concentration`, `dilution`, `masked`).
//! The xlsx importer reuses this on each sheet.

use super::layout::parse_group;
use super::{Format, ImportError};
use crate::plate::{Layout, Plate, Reading, Well, WellRole};

/// A table row: its 1-based line (or sheet row) and its cells.
pub type Row = (usize, Vec<String>);

/// Parse CSV/TSV text: the delimiter (tab, `;` or `,`) is the most frequent in the first lines.
pub fn parse_text(name: &str, text: &str) -> Result<(Format, Vec<Plate>), ImportError> {
    let sample: String = text.lines().take(30).collect::<Vec<_>>().join("\n");
    let delim = [b'\t', b';', b',']
        .into_iter()
        .max_by_key(|&d| sample.bytes().filter(|&b| b == d).count())
        .unwrap_or(b',');
    // One reader over the whole text; each record's line comes from its byte offset (exact, also
    // for CRLF files and quoted fields spanning lines).
    let index = super::LineIndex::new(text);
    let line_of = |byte: u64| index.line(byte);
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delim)
        .from_reader(text.as_bytes());
    let mut rows: Vec<Row> = Vec::new();
    let mut rec = csv::ByteRecord::new();
    loop {
        match rdr.read_byte_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {
                let line = rec.position().map_or(rows.len() + 1, |p| line_of(p.byte()));
                let cells = rec
                    .iter()
                    .map(|f| {
                        String::from_utf8_lossy(f)
                            .trim_start_matches('\u{feff}')
                            .trim()
                            .to_string()
                    })
                    .collect();
                rows.push((line, cells));
            }
            Err(e) => {
                let line = e.position().map_or(rows.len() + 1, |p| line_of(p.byte()));
                return Err(ImportError::new(
                    name,
                    line,
                    1,
                    format!("malformed CSV: {e}"),
                    format!("CSV の形式が正しくありません: {e}"),
                ));
            }
        }
    }
    parse_table(name, &rows, &|row, k| {
        super::field_column(&row_text(row), ',', k)
    })
}

fn row_text(row: &Row) -> String {
    row.1.join(",")
}

/// Column reported in errors for cell index `k` of a row (characters for text, sheet column for xlsx).
pub type ColumnOf<'a> = &'a dyn Fn(&Row, usize) -> usize;

/// Parse a table as grids or, failing that, as long form.
pub fn parse_table(
    name: &str,
    rows: &[Row],
    col_of: ColumnOf,
) -> Result<(Format, Vec<Plate>), ImportError> {
    let grids = parse_grids(name, rows, col_of)?;
    if !grids.is_empty() {
        return Ok((Format::Grid, grids));
    }
    if let Some(plates) = parse_long(name, rows, col_of)? {
        return Ok((Format::Long, plates));
    }
    Err(ImportError::new(
        name,
        rows.first().map_or(1, |r| r.0),
        1,
        "no plate grid (a header 1…N then rows A, B, …) and no long-form header with a `well` column",
        "プレートの格子 (見出し 1…N と行 A, B, …) も、`well` 列のある縦持ち形式の見出しもありません",
    ))
}

fn header_numbers(cells: &[String]) -> Option<(usize, usize)> {
    // Returns (first cell index of column 1, number of columns).
    let start = cells
        .iter()
        .position(|c| c.parse::<u32>().ok() == Some(1))?;
    if start > 1 {
        return None;
    }
    let mut n = 0;
    for (k, c) in cells[start..].iter().enumerate() {
        match c.parse::<usize>() {
            Ok(v) if v == k + 1 => n += 1,
            _ if c.is_empty() || n >= 2 => break,
            _ => return None,
        }
    }
    (n >= 2 && cells[..start].iter().all(|c| c.is_empty())).then_some((start, n))
}

fn parse_grids(name: &str, rows: &[Row], col_of: ColumnOf) -> Result<Vec<Plate>, ImportError> {
    let mut plates = Vec::new();
    // A grid without any number may be a plate map (EnVision): skipped, unless no grid has numbers.
    let mut text_only: Option<ImportError> = None;
    let mut i = 0;
    let mut label = String::new();
    while i < rows.len() {
        let (line, cells) = &rows[i];
        let Some((start, ncols)) = header_numbers(cells) else {
            if let Some(first) = cells.iter().find(|c| !c.is_empty()) {
                label = first.clone();
            }
            i += 1;
            continue;
        };
        let mut grid_rows: Vec<&Row> = Vec::new();
        let mut j = i + 1;
        while j < rows.len() {
            let first = rows[j]
                .1
                .get(start - if start > 0 { 1 } else { 0 })
                .map(String::as_str)
                .unwrap_or("");
            let expected = Well::row_name(grid_rows.len() as u16);
            if start == 0 || !first.eq_ignore_ascii_case(&expected) {
                break;
            }
            grid_rows.push(&rows[j]);
            j += 1;
        }
        if grid_rows.is_empty() {
            return Err(ImportError::new(
                name,
                line + 1,
                1,
                "grid header without rows `A`, `B`, …",
                "格子の見出しの後に行 `A`, `B`, … がありません",
            ));
        }
        let pname = if label.is_empty() {
            format!("Plate {}", plates.len() + 1)
        } else {
            label.clone()
        };
        let mut plate = Plate::new(
            &pname,
            grid_rows.len() as u16,
            ncols as u16,
            vec![pname.clone()],
        );
        let mut numeric = 0;
        for (r, row) in grid_rows.iter().enumerate() {
            for c in 0..ncols {
                let cell = row.1.get(start + c).map(String::as_str).unwrap_or("");
                let reading = Reading::parse(cell);
                numeric += usize::from(matches!(reading, Reading::Value(_)));
                plate.set(
                    0,
                    Well {
                        row: r as u16,
                        col: c as u16,
                    },
                    reading,
                );
            }
        }
        if numeric == 0 {
            let first = grid_rows[0];
            text_only.get_or_insert_with(|| {
                ImportError::new(
                    name,
                    first.0,
                    col_of(first, start),
                    "plate grid holds no numeric reading",
                    "プレートの格子に数値の測定値がありません",
                )
            });
        } else {
            plates.push(plate);
        }
        label.clear();
        i = j;
    }
    match text_only {
        Some(e) if plates.is_empty() => Err(e),
        _ => Ok(plates),
    }
}

const LAYOUT_COLUMNS: [&str; 8] = [
    "plate",
    "group",
    "type",
    "sample",
    "concentration",
    "conc",
    "dilution",
    "masked",
];

fn parse_long(
    name: &str,
    rows: &[Row],
    col_of: ColumnOf,
) -> Result<Option<Vec<Plate>>, ImportError> {
    let Some(h) = rows.iter().position(|(_, cells)| {
        cells
            .iter()
            .any(|c| c.to_ascii_lowercase().contains("well"))
    }) else {
        return Ok(None);
    };
    let header = &rows[h].1;
    let lower: Vec<String> = header.iter().map(|c| c.to_ascii_lowercase()).collect();
    let Some(wcol) = lower.iter().position(|c| c.contains("well")) else {
        return Ok(None);
    };
    let find = |names: &[&str]| lower.iter().position(|c| names.contains(&c.as_str()));
    let (pcol, gcol, scol) = (
        find(&["plate"]),
        find(&["group", "type"]),
        find(&["sample"]),
    );
    let (ccol, dcol, mcol) = (
        find(&["concentration", "conc"]),
        find(&["dilution"]),
        find(&["masked"]),
    );
    let channels: Vec<usize> = (0..header.len())
        .filter(|&k| {
            k != wcol && !header[k].is_empty() && !LAYOUT_COLUMNS.contains(&lower[k].as_str())
        })
        .collect();
    if channels.is_empty() {
        return Err(ImportError::new(
            name,
            rows[h].0,
            col_of(&rows[h], wcol),
            "long form: no reading column beside `well`",
            "縦持ち形式: `well` 列の横に測定値の列がありません",
        ));
    }
    // (plate name, well, readings, role)
    let mut entries: Vec<(String, Well, Vec<Reading>, Option<WellRole>)> = Vec::new();
    for row in &rows[h + 1..] {
        let cell = |k: Option<usize>| {
            k.and_then(|k| row.1.get(k))
                .map(String::as_str)
                .unwrap_or("")
        };
        let wtext = cell(Some(wcol));
        if wtext.is_empty() {
            continue;
        }
        let Some(well) = Well::parse(wtext) else {
            if entries.is_empty() {
                return Err(ImportError::new(
                    name,
                    row.0,
                    col_of(row, wcol),
                    format!("`{wtext}` is not a well"),
                    format!("`{wtext}` はウェル名ではありません"),
                ));
            }
            break; // end of the table (trailing metadata)
        };
        let readings = channels
            .iter()
            .map(|&k| Reading::parse(cell(Some(k))))
            .collect();
        let role = match gcol.map(|_| cell(gcol)).filter(|g| !g.is_empty()) {
            Some(g) => {
                let group = parse_group(g).ok_or_else(|| {
                    ImportError::new(
                        name,
                        row.0,
                        col_of(row, gcol.unwrap_or(0)),
                        format!("unknown group `{g}`"),
                        format!("不明なグループ `{g}` です"),
                    )
                })?;
                let num = |k: Option<usize>| -> Result<Option<f64>, ImportError> {
                    let t = cell(k);
                    if t.is_empty() {
                        return Ok(None);
                    }
                    t.parse::<f64>().map(Some).map_err(|_| {
                        ImportError::new(
                            name,
                            row.0,
                            col_of(row, k.unwrap_or(0)),
                            format!("`{t}` is not a number"),
                            format!("`{t}` は数値ではありません"),
                        )
                    })
                };
                let dilution = num(dcol)?
                    .filter(|d| *d > 0.0 && d.is_finite())
                    .unwrap_or(1.0);
                let masked = matches!(
                    cell(mcol).to_ascii_lowercase().as_str(),
                    "true" | "yes" | "1" | "x"
                );
                Some(WellRole {
                    group,
                    sample: cell(scol).to_string(),
                    concentration: num(ccol)?,
                    dilution,
                    masked,
                })
            }
            None => None,
        };
        entries.push((cell(pcol).to_string(), well, readings, role));
    }
    if entries.is_empty() {
        return Err(ImportError::new(
            name,
            rows[h].0 + 1,
            1,
            "long form: header but no well rows",
            "縦持ち形式: 見出しの後にウェルの行がありません",
        ));
    }
    let mut names: Vec<String> = Vec::new();
    for e in &entries {
        if !names.contains(&e.0) {
            names.push(e.0.clone());
        }
    }
    let channel_names: Vec<String> = channels.iter().map(|&k| header[k].clone()).collect();
    let mut plates = Vec::new();
    for (k, pname) in names.iter().enumerate() {
        let mine: Vec<_> = entries.iter().filter(|e| &e.0 == pname).collect();
        let max_row = mine.iter().map(|e| e.1.row).max().unwrap_or(0);
        let max_col = mine.iter().map(|e| e.1.col).max().unwrap_or(0);
        let (rows_n, cols_n) = [(8u16, 12u16), (16, 24), (32, 48)]
            .into_iter()
            .find(|&(r, c)| max_row < r && max_col < c)
            .unwrap_or((max_row + 1, max_col + 1));
        let label = if pname.is_empty() {
            format!("Plate {}", k + 1)
        } else {
            pname.clone()
        };
        let mut plate = Plate::new(&label, rows_n, cols_n, channel_names.clone());
        let mut layout = Layout::default();
        for (_, well, readings, role) in mine {
            for (ch, r) in readings.iter().enumerate() {
                plate.set(ch, *well, r.clone());
            }
            if let Some(role) = role {
                layout.wells.insert(*well, role.clone());
            }
        }
        if !layout.wells.is_empty() {
            plate.layout = Some(layout);
        }
        plates.push(plate);
    }
    Ok(Some(plates))
}

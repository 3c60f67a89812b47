//! SoftMax Pro text export (plate and time format, Latin-1 or UTF-16): plates, and the layout and
//! back-calculated values of its groups.
//!
//! Hand-written: SoftMax's block format (`##BLOCKS=`, `Plate:`, `Group:`, `~End`) has no crate. Group
//! columns are identified by their formulas (`!SampleNames`, `!WellIDs`, `!WellValues`,
//! `!SampleDescriptor`, `!Factor`, `InterpX(…)`), with the header names as a fallback.

use super::{ImportError, field_column, lines};
use crate::plate::{Group, Layout, Plate, Reading, VendorValue, Well, WellRole};

/// Parse a SoftMax Pro export from bytes.
pub fn parse(name: &str, bytes: &[u8]) -> Result<Vec<Plate>, ImportError> {
    parse_text(name, &super::decode(bytes))
}

struct Cursor<'a> {
    name: &'a str,
    lines: Vec<&'a str>,
    i: usize,
}

impl<'a> Cursor<'a> {
    fn err(&self, line_idx: usize, column: usize, msg: impl Into<String>) -> ImportError {
        ImportError::new(self.name, line_idx + 1, column, msg)
    }
    fn fields(&self, idx: usize) -> Vec<&'a str> {
        self.lines
            .get(idx)
            .map(|l| l.split('\t').collect())
            .unwrap_or_default()
    }
}

fn blank(line: &str) -> bool {
    line.trim().is_empty()
}

/// Parse already-decoded text.
pub fn parse_text(name: &str, text: &str) -> Result<Vec<Plate>, ImportError> {
    let mut c = Cursor {
        name,
        lines: lines(text),
        i: 0,
    };
    let first = c
        .lines
        .first()
        .copied()
        .unwrap_or("")
        .trim_start_matches('\u{feff}');
    let announced = first
        .trim()
        .strip_prefix("##BLOCKS=")
        .map(|s| s.split('\t').next().unwrap_or("").trim())
        .ok_or_else(|| c.err(0, 1, "not a SoftMax Pro export: expected `##BLOCKS=`"))?;
    let announced: usize = announced
        .parse()
        .map_err(|_| c.err(0, 10, format!("block count `{announced}` is not a number")))?;
    c.i = 1;
    let mut plates: Vec<Plate> = Vec::new();
    let mut pending_groups: Vec<GroupData> = Vec::new();
    let mut blocks = 0;
    while c.i < c.lines.len() {
        let line = c.lines[c.i];
        if blank(line) || line.starts_with("Original Filename") {
            c.i += 1;
            continue;
        }
        if line.starts_with("Plate:") {
            plates.push(parse_plate(&mut c)?);
        } else if let Some(gname) = line.strip_prefix("Group:") {
            pending_groups.push(parse_group(
                &mut c,
                gname.split('\t').next().unwrap_or("").trim(),
            )?);
            if let Some(p) = plates.last_mut() {
                for g in pending_groups.drain(..) {
                    apply_group(p, g);
                }
            }
        } else if line.starts_with("Note:") {
            skip_to_end(&mut c)?;
        } else {
            return Err(c.err(c.i, 1, "expected a `Plate:`, `Group:` or `Note:` block"));
        }
        blocks += 1;
    }
    if blocks < announced {
        return Err(c.err(
            c.lines.len(),
            1,
            format!("truncated: {announced} blocks announced, {blocks} found"),
        ));
    }
    if plates.is_empty() {
        return Err(c.err(c.lines.len(), 1, "no `Plate:` block"));
    }
    if !pending_groups.is_empty() {
        for g in pending_groups {
            apply_group(&mut plates[0], g);
        }
    }
    Ok(plates)
}

fn skip_to_end(c: &mut Cursor) -> Result<(), ImportError> {
    let start = c.i;
    c.i += 1;
    while c.i < c.lines.len() {
        let l = c.lines[c.i];
        c.i += 1;
        if l.trim_start().starts_with("~End") {
            return Ok(());
        }
    }
    Err(c.err(
        c.lines.len(),
        1,
        format!(
            "truncated: block starting at line {} has no `~End`",
            start + 1
        ),
    ))
}

fn parse_plate(c: &mut Cursor) -> Result<Plate, ImportError> {
    let hdr_idx = c.i;
    let f = c.fields(hdr_idx);
    let line = c.lines[hdr_idx];
    let pname = f.get(1).copied().unwrap_or("").trim();
    let layout_kind = f.get(3).copied().unwrap_or("").trim();
    let read_type = f.get(4).copied().unwrap_or("").trim();
    let reduced = f
        .get(6)
        .is_some_and(|s| s.trim().eq_ignore_ascii_case("Reduced"));
    if !read_type.eq_ignore_ascii_case("Endpoint") {
        return Err(c.err(
            hdr_idx,
            field_column(line, '\t', 4),
            format!("read type `{read_type}`: only Endpoint reads are supported"),
        ));
    }
    // Trailing geometry: … nWavelengths, wavelengths, firstColumn, nColumns, nWells, firstRow, nRows.
    let last = f.iter().rposition(|s| !s.trim().is_empty()).unwrap_or(0);
    let num = |k: usize| f.get(k).and_then(|s| s.trim().parse::<usize>().ok());
    let geometry = (last >= 6)
        .then(|| (num(last), num(last - 2), num(last - 3)))
        .and_then(|g| match g {
            (Some(r), Some(w), Some(cols))
                if r > 0 && cols > 0 && r * cols == w && r <= 64 && cols <= 96 =>
            {
                Some((r, cols))
            }
            _ => None,
        });
    let (rows, cols) = geometry.ok_or_else(|| {
        c.err(
            hdr_idx,
            field_column(line, '\t', last),
            "cannot read plate geometry (rows, columns, wells)",
        )
    })?;
    let wl_idx = last - 5;
    let channels: Vec<String> = f[wl_idx].split_whitespace().map(str::to_string).collect();
    let n_wl = num(wl_idx - 1).unwrap_or(channels.len());
    if channels.is_empty() || n_wl != channels.len() {
        return Err(c.err(
            hdr_idx,
            field_column(line, '\t', wl_idx),
            "wavelength list does not match its count",
        ));
    }
    let mut plate = Plate::new(pname, rows as u16, cols as u16, channels);
    plate.reduced = reduced;
    let n_data_rows = if reduced { 1 } else { n_wl };
    c.i += 1;
    // Header line (well IDs for TimeFormat, column numbers for PlateFormat).
    let header_idx = c.i;
    if header_idx >= c.lines.len() {
        return Err(c.err(header_idx, 1, "truncated: plate has no data"));
    }
    let header = c.fields(header_idx);
    c.i += 1;
    if layout_kind.eq_ignore_ascii_case("TimeFormat") {
        let wells: Vec<Option<Well>> = header.iter().skip(2).map(|s| Well::parse(s)).collect();
        let mut ch = 0;
        while c.i < c.lines.len() && !c.lines[c.i].trim_start().starts_with("~End") {
            let l = c.lines[c.i];
            if !blank(l) {
                if ch >= n_data_rows {
                    return Err(c.err(
                        c.i,
                        1,
                        "more data rows than wavelengths (kinetic reads are not supported)",
                    ));
                }
                for (k, cell) in l.split('\t').skip(2).enumerate() {
                    match wells.get(k).copied().flatten() {
                        Some(w) => plate.set(ch, w, Reading::parse(cell)),
                        None if !cell.trim().is_empty() => {
                            return Err(c.err(
                                c.i,
                                field_column(l, '\t', k + 2),
                                "value without a well in the header",
                            ));
                        }
                        None => {}
                    }
                }
                ch += 1;
            }
            c.i += 1;
        }
        if ch < n_data_rows {
            return Err(c.err(
                c.i,
                1,
                format!("truncated: {ch} of {n_data_rows} data rows"),
            ));
        }
    } else {
        // PlateFormat: `rows` lines, each wavelength's columns side by side, separated by one field.
        let mut r = 0;
        while c.i < c.lines.len() && !c.lines[c.i].trim_start().starts_with("~End") {
            let l = c.lines[c.i];
            if !blank(l) && r < rows {
                let cells: Vec<&str> = l.split('\t').collect();
                for ch in 0..n_data_rows {
                    for col in 0..cols {
                        let k = 2 + ch * (cols + 1) + col;
                        let cell = cells.get(k).copied().unwrap_or("");
                        plate.set(
                            ch,
                            Well {
                                row: r as u16,
                                col: col as u16,
                            },
                            Reading::parse(cell),
                        );
                    }
                }
                r += 1;
            }
            c.i += 1;
        }
        if r < rows {
            return Err(c.err(c.i, 1, format!("truncated: {r} of {rows} plate rows")));
        }
    }
    if c.i >= c.lines.len() {
        return Err(c.err(
            c.lines.len(),
            1,
            format!("truncated: plate `{pname}` has no `~End`"),
        ));
    }
    c.i += 1;
    Ok(plate)
}

struct GroupRow {
    sample: String,
    well: Well,
    value: String,
    concentration: Option<f64>,
    dilution: Option<f64>,
    backcalc: Option<String>,
}

struct GroupData {
    name: String,
    unit: Option<String>,
    backcalc_column: String,
    backcalc_decimals: usize,
    rows: Vec<GroupRow>,
}

#[derive(Default)]
struct Columns {
    sample: Option<usize>,
    wells: Option<usize>,
    value: Option<usize>,
    conc: Option<usize>,
    dilution: Option<usize>,
    backcalc: Option<usize>,
    decimals: usize,
}

fn parse_group(c: &mut Cursor, gname: &str) -> Result<GroupData, ImportError> {
    let start = c.i;
    c.i += 1;
    let header_idx = c.i;
    let header = c.fields(header_idx);
    if header.first().is_none_or(|h| h.trim().is_empty()) {
        return Err(c.err(
            header_idx,
            1,
            format!("group `{gname}` has no column header"),
        ));
    }
    // Find the extent of the data rows and the formula section.
    let data_start = header_idx + 1;
    let mut j = data_start;
    while j < c.lines.len()
        && !blank(c.lines[j])
        && !c.lines[j].starts_with("Group Column")
        && !c.lines[j].trim_start().starts_with("~End")
    {
        j += 1;
    }
    let data_end = j;
    let mut cols = Columns {
        decimals: 3,
        ..Columns::default()
    };
    while j < c.lines.len() && !c.lines[j].trim_start().starts_with("~End") {
        if c.lines[j].starts_with("Group Column") {
            let mut k = j + 1;
            while k < c.lines.len()
                && !blank(c.lines[k])
                && !c.lines[k].trim_start().starts_with("~End")
            {
                let f = c.fields(k);
                if let Some(idx) = f
                    .first()
                    .and_then(|s| s.trim().parse::<usize>().ok())
                    .filter(|&i| i > 0)
                {
                    let formula = f.get(2).copied().unwrap_or("").trim().trim_matches('"');
                    let idx = idx - 1;
                    match formula {
                        "!SampleNames" => cols.sample = Some(idx),
                        "!WellIDs" => cols.wells = Some(idx),
                        "!WellValues" => cols.value = Some(idx),
                        "!SampleDescriptor" => cols.conc = Some(idx),
                        "!Factor" => cols.dilution = Some(idx),
                        f if f.starts_with("InterpX(") && cols.backcalc.is_none() => {
                            cols.backcalc = Some(idx);
                            let prec = c.fields(k).get(3).copied().unwrap_or("").trim().to_string();
                            cols.decimals = prec
                                .split_whitespace()
                                .next()
                                .and_then(|s| s.parse().ok())
                                .unwrap_or(3);
                        }
                        _ => {}
                    }
                }
                k += 1;
            }
            j = k;
        } else {
            j += 1;
        }
    }
    if j >= c.lines.len() {
        return Err(c.err(
            c.lines.len(),
            1,
            format!(
                "truncated: group `{gname}` (line {}) has no `~End`",
                start + 1
            ),
        ));
    }
    // Fallback on header names.
    let find = |pred: &dyn Fn(&str) -> bool| header.iter().position(|h| pred(h.trim()));
    cols.sample = cols.sample.or_else(|| find(&|h| h == "Sample"));
    cols.wells = cols
        .wells
        .or_else(|| find(&|h| h == "Wells" || h == "Well"));
    cols.value = cols
        .value
        .or_else(|| find(&|h| h == "Value" || h == "Values"));
    cols.conc = cols
        .conc
        .or_else(|| find(&|h| h.starts_with("Concentration")));
    cols.dilution = cols.dilution.or_else(|| find(&|h| h == "Dilution"));
    let wcol = cols
        .wells
        .ok_or_else(|| c.err(header_idx, 1, format!("group `{gname}` has no well column")))?;
    let unit = cols
        .conc
        .and_then(|k| header.get(k))
        .and_then(|h| h.trim().split_once(' '))
        .map(|(_, u)| u.trim().to_string());
    let backcalc_column = cols
        .backcalc
        .and_then(|k| header.get(k))
        .map(|s| s.trim().to_string())
        .unwrap_or_default();
    let mut rows = Vec::new();
    let (mut sample, mut conc, mut dil) = (String::new(), None, None);
    for li in data_start..data_end {
        let line = c.lines[li];
        let f: Vec<&str> = line.split('\t').collect();
        let get = |k: Option<usize>| k.and_then(|k| f.get(k)).map(|s| s.trim()).unwrap_or("");
        let s = get(cols.sample);
        if !s.is_empty() {
            sample = s.to_string();
            conc = None;
            dil = None;
        }
        let number = |k: Option<usize>| -> Result<Option<f64>, ImportError> {
            let t = get(k);
            if t.is_empty() {
                return Ok(None);
            }
            t.parse::<f64>().map(Some).map_err(|_| {
                ImportError::new(
                    c.name,
                    li + 1,
                    field_column(line, '\t', k.unwrap_or(0)),
                    format!("`{t}` is not a number"),
                )
            })
        };
        if let Some(v) = number(cols.conc)? {
            conc = Some(v);
        }
        if let Some(v) = number(cols.dilution)? {
            dil = Some(v);
        }
        let wtext = get(Some(wcol));
        let well = Well::parse(wtext).ok_or_else(|| {
            c.err(
                li,
                field_column(line, '\t', wcol),
                format!("`{wtext}` is not a well"),
            )
        })?;
        rows.push(GroupRow {
            sample: sample.clone(),
            well,
            value: get(cols.value).to_string(),
            concentration: conc,
            dilution: dil,
            backcalc: cols.backcalc.map(|k| get(Some(k)).to_string()),
        });
    }
    c.i = j + 1;
    Ok(GroupData {
        name: gname.to_string(),
        unit,
        backcalc_column,
        backcalc_decimals: cols.decimals,
        rows,
    })
}

/// Group role from SoftMax's group name.
pub fn classify(name: &str) -> Group {
    let n = name.to_ascii_lowercase();
    if n.contains("std") || n.contains("standard") || n.contains("calib") {
        Group::Standard
    } else if n.contains("blank") || n.contains("blk") {
        Group::Blank
    } else if n.contains("control") || n.starts_with("qc") || n.contains("_qc") {
        Group::Control
    } else {
        Group::Sample
    }
}

fn apply_group(plate: &mut Plate, g: GroupData) {
    let group = classify(&g.name);
    let layout = plate.layout.get_or_insert_with(Layout::default);
    if group == Group::Standard && g.unit.is_some() {
        layout.unit = g.unit.clone();
    }
    for r in g.rows {
        let masked = r.value.eq_ignore_ascii_case("Masked");
        layout.wells.insert(
            r.well,
            WellRole {
                group,
                sample: r.sample,
                concentration: if group == Group::Standard {
                    r.concentration
                } else {
                    None
                },
                dilution: r
                    .dilution
                    .filter(|d| *d > 0.0 && d.is_finite())
                    .unwrap_or(1.0),
                masked,
            },
        );
        if let Some(text) = r.backcalc {
            plate.vendor.insert(
                r.well,
                VendorValue {
                    column: g.backcalc_column.clone(),
                    value: Reading::parse(&text),
                    decimals: g.backcalc_decimals,
                },
            );
        }
    }
}

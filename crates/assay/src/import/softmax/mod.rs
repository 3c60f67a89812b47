//! SoftMax Pro text export (plate and time format, Latin-1 or UTF-16): plates, and the layout and
//! back-calculated values of its groups.
//!
//! Hand-written: SoftMax's block format (`##BLOCKS=`, `Plate:`, `Group:`, `~End`) has no crate. Group
//! columns are identified by their formulas (`!SampleNames`, `!WellIDs`, `!WellValues`,
//! `!SampleDescriptor`, `!Factor`, `InterpX(…)`), with the header names as a fallback.

mod groups;

use super::{ImportError, field_column, lines};
use crate::plate::{Plate, Reading, Well};
pub use groups::classify;
use groups::{GroupData, apply_group, parse_group};

/// Parse a SoftMax Pro export from bytes.
pub fn parse(name: &str, bytes: &[u8]) -> Result<Vec<Plate>, ImportError> {
    parse_text(name, &super::decode(bytes))
}

pub(crate) struct Cursor<'a> {
    pub(crate) name: &'a str,
    pub(crate) lines: Vec<&'a str>,
    pub(crate) i: usize,
}

impl<'a> Cursor<'a> {
    pub(crate) fn err(
        &self,
        line_idx: usize,
        column: usize,
        msg: impl Into<String>,
        msg_ja: impl Into<String>,
    ) -> ImportError {
        ImportError::new(self.name, line_idx + 1, column, msg, msg_ja)
    }
    pub(crate) fn fields(&self, idx: usize) -> Vec<&'a str> {
        self.lines
            .get(idx)
            .map(|l| l.split('\t').collect())
            .unwrap_or_default()
    }
}

pub(crate) fn blank(line: &str) -> bool {
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
        .ok_or_else(|| {
            c.err(
                0,
                1,
                "not a SoftMax Pro export: expected `##BLOCKS=`",
                "SoftMax Pro の出力ではありません: `##BLOCKS=` がありません",
            )
        })?;
    let announced: usize = announced.parse().map_err(|_| {
        c.err(
            0,
            10,
            format!("block count `{announced}` is not a number"),
            format!("ブロック数 `{announced}` が数値ではありません"),
        )
    })?;
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
            return Err(c.err(
                c.i,
                1,
                "expected a `Plate:`, `Group:` or `Note:` block",
                "`Plate:`、`Group:`、`Note:` のいずれかのブロックが必要です",
            ));
        }
        blocks += 1;
    }
    if blocks < announced {
        return Err(c.err(
            c.lines.len(),
            1,
            format!("truncated: {announced} blocks announced, {blocks} found"),
            format!("途中で切れています: ブロック数 {announced} のうち {blocks} 個しかありません"),
        ));
    }
    if plates.is_empty() {
        return Err(c.err(
            c.lines.len(),
            1,
            "no `Plate:` block",
            "`Plate:` ブロックがありません",
        ));
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
        format!(
            "途中で切れています: {} 行目から始まるブロックに `~End` がありません",
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
            format!("測定タイプ `{read_type}`: 読み取れるのはエンドポイント測定のみです"),
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
            "プレートの形 (行・列・ウェル数) を読み取れません",
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
            "波長の一覧が波長数と一致しません",
        ));
    }
    let mut plate = Plate::new(pname, rows as u16, cols as u16, channels);
    plate.reduced = reduced;
    let n_data_rows = if reduced { 1 } else { n_wl };
    c.i += 1;
    // Header line (well IDs for TimeFormat, column numbers for PlateFormat).
    let header_idx = c.i;
    if header_idx >= c.lines.len() {
        return Err(c.err(
            header_idx,
            1,
            "truncated: plate has no data",
            "途中で切れています: プレートにデータがありません",
        ));
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
                        "波長数よりデータ行が多くあります (カイネティック測定には対応していません)",
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
                                "見出しにウェルのない値があります",
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
                format!("途中で切れています: データ行 {n_data_rows} 行のうち {ch} 行のみ"),
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
            return Err(c.err(
                c.i,
                1,
                format!("truncated: {r} of {rows} plate rows"),
                format!("途中で切れています: プレート {rows} 行のうち {r} 行のみ"),
            ));
        }
    }
    if c.i >= c.lines.len() {
        return Err(c.err(
            c.lines.len(),
            1,
            format!("truncated: plate `{pname}` has no `~End`"),
            format!("途中で切れています: プレート `{pname}` に `~End` がありません"),
        ));
    }
    c.i += 1;
    Ok(plate)
}

//! BioTek/Agilent Gen5 text export: one or more plates (`Plate Number`), the `Layout` block when
//! present (`Well ID` / `Conc/Dil` rows), and the `Results` block. Non-numeric cells (`OVRFLW`,
//! `MISSED`, `?????`, `>3141492.000`) become flagged readings, never errors.
//!
//! Hand-written: Gen5's sectioned text export has no crate. Each result row carries several data sets
//! (raw read, blank-subtracted, concentration, …) labelled in its last cell; every label becomes a
//! channel, the first one (the raw read) is the response (`reduced`: no reference subtraction).

use super::{ImportError, field_column, lines};
use crate::plate::{Group, Layout, Plate, Reading, Well, WellRole};

/// Parse a Gen5 export from bytes.
pub fn parse(name: &str, bytes: &[u8]) -> Result<Vec<Plate>, ImportError> {
    parse_text(name, &super::decode(bytes))
}

fn cells(line: &str) -> Vec<&str> {
    line.split('\t').collect()
}

/// Header `\t1\t2…\tN`: number of columns.
fn grid_header(line: &str) -> Option<usize> {
    let c = cells(line);
    if c.first().is_none_or(|s| !s.trim().is_empty()) {
        return None;
    }
    let nums: Vec<&str> = c[1..]
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect();
    let ok = nums.len() >= 2
        && nums
            .iter()
            .enumerate()
            .all(|(k, s)| s.parse::<usize>().ok() == Some(k + 1));
    ok.then_some(nums.len())
}

/// A grid block: for each row letter, the labelled lines that follow it. Returns (rows, cols, sets)
/// with `sets[label] = cells by (row, col)` and the index after the block.
struct Block {
    rows: usize,
    cols: usize,
    sets: Vec<(String, Vec<Vec<String>>)>,
    end: usize,
}

fn read_block(name: &str, ls: &[&str], start: usize) -> Result<Block, ImportError> {
    let header = start + 1;
    let cols = ls.get(header).and_then(|l| grid_header(l)).ok_or_else(|| {
        ImportError::new(
            name,
            header + 1,
            1,
            "expected the column header `1 2 … N`",
            "列見出し `1 2 … N` がありません",
        )
    })?;
    let mut sets: Vec<(String, Vec<Vec<String>>)> = Vec::new();
    let mut row = 0usize;
    let mut k = 0usize; // data set index within the current row
    let mut i = header + 1;
    while i < ls.len() {
        let l = ls[i];
        if l.trim().is_empty() {
            break;
        }
        let c = cells(l);
        let first = c[0].trim();
        if !first.is_empty() {
            if first != Well::row_name(row as u16) {
                return Err(ImportError::new(
                    name,
                    i + 1,
                    1,
                    format!("expected row `{}`", Well::row_name(row as u16)),
                    format!("行 `{}` が必要です", Well::row_name(row as u16)),
                ));
            }
            row += 1;
            k = 0;
        } else if row == 0 {
            return Err(ImportError::new(
                name,
                i + 1,
                1,
                "data line before row `A`",
                "行 `A` より前にデータ行があります",
            ));
        }
        let label = c
            .get(cols + 1)
            .map(|s| s.trim().to_string())
            .unwrap_or_default();
        if k >= sets.len() {
            if row > 1 {
                return Err(ImportError::new(
                    name,
                    i + 1,
                    1,
                    "more data lines than in row `A`",
                    "行 `A` よりデータ行が多すぎます",
                ));
            }
            sets.push((label.clone(), Vec::new()));
        } else if sets[k].0 != label {
            let col = field_column(l, '\t', cols + 1);
            return Err(ImportError::new(
                name,
                i + 1,
                col,
                format!("expected data set `{}`", sets[k].0),
                format!("データセット `{}` が必要です", sets[k].0),
            ));
        }
        sets[k].1.push(
            (1..=cols)
                .map(|j| c.get(j).map(|s| s.trim().to_string()).unwrap_or_default())
                .collect(),
        );
        k += 1;
        i += 1;
    }
    if row == 0 {
        return Err(ImportError::new(
            name,
            i + 1,
            1,
            "truncated: block has no rows",
            "途中で切れています: ブロックに行がありません",
        ));
    }
    if let Some((label, _)) = sets.iter().find(|s| s.1.len() != row) {
        return Err(ImportError::new(
            name,
            i + 1,
            1,
            format!("truncated: data set `{label}` lacks rows"),
            format!("途中で切れています: データセット `{label}` の行が足りません"),
        ));
    }
    Ok(Block {
        rows: row,
        cols,
        sets,
        end: i,
    })
}

fn role_from(id: &str, conc_dil: &str) -> Option<WellRole> {
    let id = id.trim();
    if id.is_empty() {
        return None;
    }
    let upper = id.to_ascii_uppercase();
    let value = conc_dil
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite());
    let group = if upper.starts_with("STD") {
        Group::Standard
    } else if upper.starts_with("BLK") || upper.starts_with("BLANK") {
        Group::Blank
    } else if upper.starts_with("CTL") || upper.starts_with("CTRL") {
        Group::Control
    } else {
        Group::Sample
    };
    let (concentration, dilution) = match group {
        Group::Standard => (value, 1.0),
        Group::Blank => (None, 1.0),
        _ => (None, value.filter(|v| *v > 0.0).unwrap_or(1.0)),
    };
    if group == Group::Standard && concentration.is_none() {
        return None; // a standard without a concentration cannot be used
    }
    Some(WellRole {
        group,
        sample: id.to_string(),
        concentration,
        dilution,
        masked: false,
    })
}

/// Parse already-decoded text.
pub fn parse_text(name: &str, text: &str) -> Result<Vec<Plate>, ImportError> {
    let ls = lines(text);
    let mut plates: Vec<Plate> = Vec::new();
    let mut pname = String::new();
    let mut layout: Option<Layout> = None;
    let mut i = 0;
    while i < ls.len() {
        let c = cells(ls[i]);
        let key = c[0].trim();
        if key == "Plate Number" {
            pname = c.get(1).map(|s| s.trim().to_string()).unwrap_or_default();
            layout = None;
        } else if key == "Layout" && c.iter().skip(1).all(|s| s.trim().is_empty()) {
            let b = read_block(name, &ls, i)?;
            let ids = b.sets.iter().find(|s| s.0 == "Well ID");
            let concs = b.sets.iter().find(|s| s.0 == "Conc/Dil");
            let mut l = Layout::default();
            if let Some((_, ids)) = ids {
                for (r, row) in ids.iter().enumerate() {
                    for (col, id) in row.iter().enumerate() {
                        let cd = concs
                            .and_then(|s| s.1.get(r))
                            .and_then(|v| v.get(col))
                            .map(String::as_str)
                            .unwrap_or("");
                        if let Some(role) = role_from(id, cd) {
                            l.wells.insert(
                                Well {
                                    row: r as u16,
                                    col: col as u16,
                                },
                                role,
                            );
                        }
                    }
                }
            }
            layout = (!l.wells.is_empty()).then_some(l);
            i = b.end;
            continue;
        } else if key == "Results" && c.iter().skip(1).all(|s| s.trim().is_empty()) {
            let b = read_block(name, &ls, i)?;
            let labels: Vec<String> = b.sets.iter().map(|s| s.0.clone()).collect();
            let label = if pname.is_empty() {
                format!("Plate {}", plates.len() + 1)
            } else {
                pname.clone()
            };
            let mut plate = Plate::new(&label, b.rows as u16, b.cols as u16, labels);
            plate.reduced = true;
            for (ch, (_, grid)) in b.sets.iter().enumerate() {
                for (r, row) in grid.iter().enumerate() {
                    for (col, cell) in row.iter().enumerate() {
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
            }
            if let Some(w) = layout
                .as_ref()
                .and_then(|l| l.wells.keys().find(|w| usize::from(w.row) >= b.rows))
            {
                return Err(ImportError::new(
                    name,
                    b.end + 1,
                    1,
                    format!("truncated: results lack row of well {w}"),
                    format!("途中で切れています: 結果にウェル {w} の行がありません"),
                ));
            }
            plate.layout = layout.take();
            plates.push(plate);
            i = b.end;
            continue;
        }
        i += 1;
    }
    if plates.is_empty() {
        return Err(ImportError::new(
            name,
            ls.len(),
            1,
            "truncated or not Gen5: no `Results` block",
            "途中で切れているか Gen5 形式ではありません: `Results` ブロックがありません",
        ));
    }
    Ok(plates)
}

//! SoftMax Pro `Group:` blocks: column roles from their formulas, rows carried down, and the layout,
//! masks, dilutions, units and InterpX values they give a plate.

use super::{Cursor, blank};
use crate::import::{ImportError, field_column};
use crate::plate::{Group, Layout, Plate, Reading, VendorValue, Well, WellRole};

struct GroupRow {
    sample: String,
    well: Well,
    value: String,
    concentration: Option<f64>,
    dilution: Option<f64>,
    backcalc: Option<String>,
}

pub(super) struct GroupData {
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

pub(super) fn parse_group(c: &mut Cursor, gname: &str) -> Result<GroupData, ImportError> {
    let start = c.i;
    c.i += 1;
    let header_idx = c.i;
    let header = c.fields(header_idx);
    if header.first().is_none_or(|h| h.trim().is_empty()) {
        return Err(c.err(
            header_idx,
            1,
            format!("group `{gname}` has no column header"),
            format!("グループ `{gname}` に列見出しがありません"),
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
            format!(
                "途中で切れています: グループ `{gname}` ({} 行目) に `~End` がありません",
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
    let wcol = cols.wells.ok_or_else(|| {
        c.err(
            header_idx,
            1,
            format!("group `{gname}` has no well column"),
            format!("グループ `{gname}` にウェルの列がありません"),
        )
    })?;
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
                    format!("`{t}` は数値ではありません"),
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
                format!("`{wtext}` はウェル名ではありません"),
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

pub(super) fn apply_group(plate: &mut Plate, g: GroupData) {
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

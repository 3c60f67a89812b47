//! Layout files (TOML or CSV) for exports that carry no layout.
//!
//! TOML:
//! ```toml
//! unit = "pg/mL"
//! [[wells]]
//! wells = ["A1", "A2"]          # or well = "A1"
//! group = "standard"            # standard | blank | control | sample
//! sample = "S1"
//! concentration = 3000          # nominal (standards)
//! dilution = 1                  # optional, default 1
//! masked = false                # optional
//! ```
//! CSV: header `well,group,sample,concentration,dilution,masked[,unit]`, one row per well.

use super::{ImportError, decode};
use crate::plate::{Group, Layout, Well, WellRole};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TomlLayout {
    unit: Option<String>,
    #[serde(default)]
    wells: Vec<TomlEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TomlEntry {
    well: Option<String>,
    #[serde(default)]
    wells: Vec<String>,
    group: String,
    sample: String,
    concentration: Option<f64>,
    dilution: Option<f64>,
    #[serde(default)]
    masked: bool,
}

/// Parse a group name.
pub fn parse_group(s: &str) -> Option<Group> {
    match s.trim().to_ascii_lowercase().as_str() {
        "standard" | "std" | "calibrator" => Some(Group::Standard),
        "blank" | "blk" => Some(Group::Blank),
        "control" | "qc" => Some(Group::Control),
        "sample" | "unknown" | "spl" => Some(Group::Sample),
        _ => None,
    }
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// Parse a layout file: TOML if it parses as TOML-looking text (`=`/`[[`), else CSV.
pub fn parse(name: &str, bytes: &[u8]) -> Result<Layout, ImportError> {
    let text = decode(bytes);
    let first = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .unwrap_or("");
    if first.starts_with('[') || first.contains('=') {
        parse_toml(name, &text)
    } else {
        parse_csv(name, &text)
    }
}

fn check(layout: &Layout, name: &str) -> Result<(), ImportError> {
    if layout.wells.is_empty() {
        return Err(ImportError::new(
            name,
            1,
            1,
            "layout defines no wells",
            "レイアウトにウェルが定義されていません",
        ));
    }
    Ok(())
}

fn role(
    group: Group,
    sample: String,
    conc: Option<f64>,
    dil: Option<f64>,
    masked: bool,
) -> Result<WellRole, (String, String)> {
    if group == Group::Standard && !conc.is_some_and(|c| c.is_finite() && c >= 0.0) {
        return Err((
            "a standard needs a non-negative concentration".into(),
            "標準品には 0 以上の濃度が必要です".into(),
        ));
    }
    let dilution = dil.unwrap_or(1.0);
    if !(dilution.is_finite() && dilution > 0.0) {
        return Err((
            "dilution must be a positive number".into(),
            "希釈倍率は正の数で指定してください".into(),
        ));
    }
    Ok(WellRole {
        group,
        sample,
        concentration: conc,
        dilution,
        masked,
    })
}

fn parse_toml(name: &str, text: &str) -> Result<Layout, ImportError> {
    let raw: TomlLayout = toml::from_str(text).map_err(|e| {
        let (line, col) = e.span().map_or((1, 1), |s| line_col(text, s.start));
        ImportError::new(
            name,
            line,
            col,
            e.message().to_string(),
            format!("TOML として読み取れません: {}", e.message()),
        )
    })?;
    let mut layout = Layout {
        unit: raw.unit,
        ..Layout::default()
    };
    for (k, entry) in raw.wells.into_iter().enumerate() {
        // Locate the k-th `[[wells]]` table for errors.
        let at = text
            .match_indices("[[wells]]")
            .nth(k)
            .map_or((1, 1), |(o, _)| line_col(text, o));
        let err = |(en, ja): (String, String)| ImportError::new(name, at.0, at.1, en, ja);
        let group = parse_group(&entry.group).ok_or_else(|| {
            err((
                format!("unknown group `{}`", entry.group),
                format!("不明なグループ `{}` です", entry.group),
            ))
        })?;
        let names: Vec<String> = entry.well.into_iter().chain(entry.wells).collect();
        if names.is_empty() {
            return Err(err((
                "entry names no well".into(),
                "ウェルが指定されていません".into(),
            )));
        }
        for w in names {
            let well = Well::parse(&w).ok_or_else(|| {
                err((
                    format!("`{w}` is not a well"),
                    format!("`{w}` はウェル名ではありません"),
                ))
            })?;
            let r = role(
                group,
                entry.sample.clone(),
                entry.concentration,
                entry.dilution,
                entry.masked,
            )
            .map_err(err)?;
            layout.wells.insert(well, r);
        }
    }
    check(&layout, name)?;
    Ok(layout)
}

fn parse_csv(name: &str, text: &str) -> Result<Layout, ImportError> {
    let index = super::LineIndex::new(text);
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = rdr
        .headers()
        .map_err(|e| {
            ImportError::new(
                name,
                1,
                1,
                format!("malformed CSV: {e}"),
                format!("CSV の形式が正しくありません: {e}"),
            )
        })?
        .clone();
    let col = |h: &str| {
        headers
            .iter()
            .position(|c| c.trim_start_matches('\u{feff}').eq_ignore_ascii_case(h))
    };
    let (Some(wi), Some(gi), Some(si)) = (col("well"), col("group"), col("sample")) else {
        return Err(ImportError::new(
            name,
            1,
            1,
            "layout CSV header must name `well`, `group` and `sample`",
            "レイアウト CSV の見出しには `well`、`group`、`sample` が必要です",
        ));
    };
    let (ci, di, mi, ui) = (
        col("concentration"),
        col("dilution"),
        col("masked"),
        col("unit"),
    );
    let mut layout = Layout::default();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| {
            ImportError::new(
                name,
                e.position().map_or(1, |p| p.line() as usize),
                1,
                format!("malformed CSV: {e}"),
                format!("CSV の形式が正しくありません: {e}"),
            )
        })?;
        let line = rec.position().map_or(0, |p| index.line(p.byte()));
        let colno = |i: usize| {
            1 + (0..i)
                .map(|k| rec.get(k).map_or(0, |f| f.chars().count()) + 1)
                .sum::<usize>()
        };
        let get = |i: Option<usize>| i.and_then(|i| rec.get(i)).unwrap_or("");
        if rec.iter().all(|f| f.is_empty()) {
            continue;
        }
        let num = |i: Option<usize>| -> Result<Option<f64>, ImportError> {
            let t = get(i);
            if t.is_empty() {
                return Ok(None);
            }
            t.parse::<f64>().map(Some).map_err(|_| {
                ImportError::new(
                    name,
                    line,
                    colno(i.unwrap_or(0)),
                    format!("`{t}` is not a number"),
                    format!("`{t}` は数値ではありません"),
                )
            })
        };
        let well = Well::parse(get(Some(wi))).ok_or_else(|| {
            ImportError::new(
                name,
                line,
                colno(wi),
                format!("`{}` is not a well", get(Some(wi))),
                format!("`{}` はウェル名ではありません", get(Some(wi))),
            )
        })?;
        let group = parse_group(get(Some(gi))).ok_or_else(|| {
            ImportError::new(
                name,
                line,
                colno(gi),
                format!("unknown group `{}`", get(Some(gi))),
                format!("不明なグループ `{}` です", get(Some(gi))),
            )
        })?;
        let masked = matches!(
            get(mi).to_ascii_lowercase().as_str(),
            "true" | "yes" | "1" | "x"
        );
        let r = role(group, get(Some(si)).to_string(), num(ci)?, num(di)?, masked)
            .map_err(|(en, ja)| ImportError::new(name, line, 1, en, ja))?;
        if layout.unit.is_none() && !get(ui).is_empty() {
            layout.unit = Some(get(ui).to_string());
        }
        layout.wells.insert(well, r);
    }
    check(&layout, name)?;
    Ok(layout)
}

//! Plate-reader importers: format detection, text decoding, and located errors.
//!
//! Every importer takes `(name, bytes)`; `name` only labels errors. A wrong or truncated file gives an
//! [`ImportError`] naming file, line and column (1-based; column counts characters).

pub mod gen5;
pub mod grid;
pub mod layout;
pub mod softmax;
pub mod xlsx;

use crate::plate::Plate;
use serde::Serialize;
use thiserror::Error;

/// A located import error.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{file}:{line}:{column}: {message}")]
pub struct ImportError {
    /// File name as handed to the importer.
    pub file: String,
    /// 1-based line (for xlsx: the sheet row).
    pub line: usize,
    /// 1-based column (characters; for xlsx: the sheet column).
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

impl ImportError {
    /// Build an error.
    pub fn new(file: &str, line: usize, column: usize, message: impl Into<String>) -> ImportError {
        ImportError {
            file: file.to_string(),
            line,
            column,
            message: message.into(),
        }
    }
}

/// Recognised export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// SoftMax Pro plate/time-format text export.
    SoftMaxPro,
    /// BioTek/Agilent Gen5 text export.
    Gen5,
    /// Generic CSV/TSV 8 × 12 (or any size) grid, incl. BMG MARS and PerkinElmer EnVision.
    Grid,
    /// Generic long form: one row per well.
    Long,
    /// Excel workbook (grid or long form on its sheets).
    Xlsx,
}

/// An imported file: its format and plates in file order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Imported {
    /// Detected format.
    pub format: Format,
    /// Plates in the order they appear.
    pub plates: Vec<Plate>,
}

/// Decode text: UTF-16 (LE/BE) with BOM, UTF-8 (with or without BOM), else Windows-1252/Latin-1.
pub fn decode(bytes: &[u8]) -> String {
    if let Some((enc, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, _) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        return text.into_owned();
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::WINDOWS_1252
            .decode_without_bom_handling(bytes)
            .0
            .into_owned(),
    }
}

/// Split text into lines (CRLF, LF or CR), 1-based numbering left to the caller.
pub fn lines(text: &str) -> Vec<&str> {
    text.split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect()
}

/// 1-based character column where field `index` of `line` split by `sep` starts.
pub fn field_column(line: &str, sep: char, index: usize) -> usize {
    let mut col = 1;
    for (k, f) in line.split(sep).enumerate() {
        if k == index {
            return col;
        }
        col += f.chars().count() + 1;
    }
    col
}

/// Detect the format and import.
pub fn import(name: &str, bytes: &[u8]) -> Result<Imported, ImportError> {
    if bytes.starts_with(b"PK\x03\x04") {
        return Ok(Imported {
            format: Format::Xlsx,
            plates: xlsx::parse(name, bytes)?,
        });
    }
    let text = decode(bytes);
    let head: String = text.chars().take(4096).collect();
    if head
        .trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with("##BLOCKS")
    {
        return Ok(Imported {
            format: Format::SoftMaxPro,
            plates: softmax::parse_text(name, &text)?,
        });
    }
    if head.contains("Software Version")
        && (head.contains("Plate Number") || head.contains("Reader Type"))
    {
        return Ok(Imported {
            format: Format::Gen5,
            plates: gen5::parse_text(name, &text)?,
        });
    }
    if head.contains("xPONENT") {
        return Err(ImportError::new(
            name,
            1,
            1,
            "Luminex xPONENT multiplex export: bead-level multiplex data is not a plate-reader format this importer reads",
        ));
    }
    let (format, plates) = grid::parse_text(name, &text)?;
    Ok(Imported { format, plates })
}

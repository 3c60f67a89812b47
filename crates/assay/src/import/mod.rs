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
    /// The same in Japanese.
    pub message_ja: String,
}

impl ImportError {
    /// Build an error, saying what is wrong in English and Japanese.
    pub fn new(
        file: &str,
        line: usize,
        column: usize,
        message: impl Into<String>,
        message_ja: impl Into<String>,
    ) -> ImportError {
        ImportError {
            file: file.to_string(),
            line,
            column,
            message: message.into(),
            message_ja: message_ja.into(),
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

/// Decode text: UTF-16 (LE/BE) with BOM, UTF-8 (with or without BOM; borrowed, not copied), else
/// Windows-1252/Latin-1.
pub fn decode(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    if let Some((enc, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        return enc.decode_without_bom_handling(&bytes[bom_len..]).0;
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => std::borrow::Cow::Borrowed(s),
        Err(_) => {
            encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(bytes)
                .0
        }
    }
}

/// Maps byte offsets of a text to 1-based line numbers. csv's record positions can sit on the
/// previous line's terminator (CRLF), so terminators at the offset are skipped first.
pub(crate) struct LineIndex<'a> {
    bytes: &'a [u8],
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        let bytes = text.as_bytes();
        let starts = std::iter::once(0)
            .chain(
                bytes
                    .iter()
                    .enumerate()
                    .filter(|&(_, &b)| b == b'\n')
                    .map(|(i, _)| i + 1),
            )
            .collect();
        LineIndex { bytes, starts }
    }

    /// Line of the record starting at `byte`.
    pub(crate) fn line(&self, byte: u64) -> usize {
        let mut b = usize::try_from(byte)
            .unwrap_or(usize::MAX)
            .min(self.bytes.len());
        while b < self.bytes.len() && (self.bytes[b] == b'\r' || self.bytes[b] == b'\n') {
            b += 1;
        }
        self.starts.partition_point(|&s| s <= b)
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
            "Luminex xPONENT のマルチプレックス出力です: ビーズ単位のデータは、この取り込みが読むプレートリーダーの形式ではありません",
        ));
    }
    let (format, plates) = grid::parse_text(name, &text)?;
    Ok(Imported { format, plates })
}

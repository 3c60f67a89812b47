//! secretome product labels: the data a vial label shows, rendered to SVG (screen, label page) and
//! PDF (label printer), with the ISBT 128 DIN as Code 128 and DIN + product code + expiry as
//! DataMatrix. Pure: no IO, no clock, no fonts read from disk.
//!
//! Layout: a 50 × 30 mm label (a common cryovial / thermal-transfer size). Barcodes use the ISBT
//! 128 nominal X dimension of 0.25 mm for Code 128 and quiet zones of 10 modules (Code 128) and
//! 1 module (DataMatrix). The PDF is drawn on a `secretome-document` page and written by its one
//! PDF/A path with the embedded Noto Sans JP, so it carries the same text as the SVG, Japanese
//! product name included. Text a person reads is at least [`MIN_TEXT_MM`] (cap height ≥ 1.5 mm,
//! legible from a 203 dpi label printer); a product name too long for that is wrapped onto a
//! second line, and one that still does not fit is refused rather than shrunk or cut.

pub(crate) mod names;
mod pdf;
mod svg;
pub mod symbols;

pub use pdf::{label_page, render_pdf};
pub use svg::render_svg;
pub use symbols::{Code128Symbol, DataMatrixSymbol, ScannedLabel, parse_compound_message};

use jiff::civil::Date;
use secretome_domain::ids::{LotNumber, VialId};
use secretome_domain::isbt::{Din, IsbtError, ProductCode};
use thiserror::Error;

/// Label width in millimetres.
pub const LABEL_WIDTH_MM: f64 = 50.0;
/// Label height in millimetres.
pub const LABEL_HEIGHT_MM: f64 = 30.0;
/// Code 128 module width (X dimension) in millimetres.
pub const CODE128_MODULE_MM: f64 = 0.25;

/// Why a label could not be made or a scan not be read.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum LabelError {
    /// A label field is out of range; `field` names it.
    #[error("{field}: {message}")]
    Invalid {
        field: &'static str,
        message: secretome_domain::Why,
    },
    #[error(transparent)]
    Isbt(#[from] IsbtError),
    /// The PDF could not be made (a character no embedded font has, a PDF/A rule).
    #[error(transparent)]
    Document(#[from] secretome_document::DocumentError),
    /// The barcode library refused the data.
    #[error("barcode: {0}")]
    Barcode(String),
    /// Scanned text is not the label's compound message; `position` is 1-based.
    #[error("scan: at position {position}: {message}")]
    Scan { position: usize, message: String },
}

impl LabelError {
    pub fn invalid(field: &'static str, message: secretome_domain::Why) -> Self {
        LabelError::Invalid { field, message }
    }
}

/// The language of a label's words (its field names, the storage line and which product name it
/// carries); the codes, dates and numbers are the same in both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LabelLanguage {
    /// ロット / 有効期限 / バイアル / `−80 °C 以下で保存`, the Japanese product name alone when the
    /// product has one — what a Japanese facility's labels print (Japanese indications).
    #[default]
    Japanese,
    /// `Lot` / `EXP` / `Vial` / `Store at −80 °C or below`, the English name with the Japanese below.
    English,
}

/// Everything a vial label shows.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelData {
    /// The language the label is printed in.
    pub language: LabelLanguage,
    /// Product name in English.
    pub product_name_en: String,
    /// Product name in Japanese, if the product has one (製品名).
    pub product_name_ja: Option<String>,
    pub din: Din,
    pub product_code: ProductCode,
    pub lot: LotNumber,
    /// Fill volume in millilitres (> 0).
    pub volume_ml: f64,
    /// Store at or below this temperature, in °C (e.g. −80).
    pub storage_max_celsius: i16,
    pub expiry: Date,
    pub vial: VialId,
}

/// The label's symbols and text lines, checked once and shared by both renderers.
pub(crate) struct Prepared {
    pub code128: Code128Symbol,
    pub datamatrix: DataMatrixSymbol,
    /// `Lot …  1.0 mL`
    pub lot_volume: String,
    /// `EXP 2027-05-01`
    pub expiry: String,
    /// `Vial …`
    pub vial: String,
}

impl LabelData {
    pub(crate) fn prepare(&self) -> Result<Prepared, LabelError> {
        if !self.volume_ml.is_finite() || self.volume_ml <= 0.0 {
            let message = secretome_domain::Why::said(
                format!(
                    "must be a finite number greater than 0 (got {})",
                    self.volume_ml
                ),
                format!("0 より大きい数値にしてください ({})", self.volume_ml),
            );
            return Err(LabelError::invalid("volume_ml", message));
        }
        if self.product_name_en.trim().is_empty() {
            let empty = secretome_domain::Why::Empty;
            return Err(LabelError::invalid("product_name_en", empty));
        }
        let message = symbols::compound_message(&self.din, &self.product_code, self.expiry)?;
        Ok(Prepared {
            code128: Code128Symbol::encode(&self.din.barcode_data())?,
            datamatrix: DataMatrixSymbol::encode(&message)?,
            lot_volume: format!(
                "{} {}{}{} mL",
                self.word("ロット", "Lot"),
                self.lot,
                self.gap(),
                format_volume(self.volume_ml)
            ),
            expiry: format!("{} {}", self.word("有効期限", "EXP"), self.expiry),
            vial: format!("{} {}", self.word("バイアル", "Vial"), self.vial),
        })
    }

    fn word(&self, ja: &'static str, en: &'static str) -> &'static str {
        match self.language {
            LabelLanguage::Japanese => ja,
            LabelLanguage::English => en,
        }
    }

    /// Between two fields of a line: a Japanese line's words are wider, so it keeps two spaces.
    pub(crate) fn gap(&self) -> &'static str {
        self.word("  ", "   ")
    }

    /// `−80 °C 以下で保存` / `Store at -80 °C or below`.
    pub fn storage_text(&self) -> String {
        match self.language {
            LabelLanguage::Japanese => format!("{} °C 以下で保存", self.storage_max_celsius),
            LabelLanguage::English => format!("Store at {} °C or below", self.storage_max_celsius),
        }
    }
}

/// The smallest font size on a label (mm): Noto Sans JP's cap height is 0.733 em, so 2.1 mm gives
/// 1.54 mm capitals, 12 dots at 203 dpi.
pub const MIN_TEXT_MM: f64 = 2.1;

/// Volume with at most two decimals and no trailing zeros beyond one (`1.0`, `0.25`).
fn format_volume(ml: f64) -> String {
    let s = format!("{ml:.2}");
    match s.strip_suffix('0') {
        Some(t) if !t.ends_with('.') => t.to_owned(),
        _ => s,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn volume_is_printed_as_a_person_writes_it() {
        assert_eq!(super::format_volume(1.0), "1.0");
        assert_eq!(super::format_volume(0.25), "0.25");
        assert_eq!(super::format_volume(2.5), "2.5");
    }
}

//! secretome documents: every PDF the system makes goes through this crate — a page model in
//! millimetres (`page`), a flowing A4 layout with wrapped paragraphs and tables (`flow`), the
//! documents themselves (`coa`: certificate of analysis; vial labels are drawn by
//! `secretome-label` on a [`Page`]) — and one writer, [`render`], that makes PDF/A-2b with the
//! embedded, subsetted Noto Sans JP fonts (`fonts/`, SIL OFL 1.1). Pure: no IO, no clock (the
//! creation time is a parameter), no fonts read from the system.

pub mod coa;
pub mod flow;
mod fonts;
pub mod page;
#[cfg(feature = "testing")]
pub mod testing;
mod wrap;

pub use fonts::{Weight, cap_height, text_width};
pub use page::{Item, PT_PER_MM, Page, render};
pub use wrap::wrap;

use thiserror::Error;

/// Why a document could not be made.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DocumentError {
    /// A character none of the embedded fonts can show (it would print as a box or `?`).
    #[error("the character {character:?} (U+{:04X}) cannot be printed: no embedded font has it", u32::from(*character))]
    Glyph { character: char },
    /// The PDF writer refused the document (a PDF/A rule or a size limit).
    #[error("PDF: {0}")]
    Pdf(String),
}

/// What the PDF says about itself (document information and XMP).
#[derive(Debug, Clone, PartialEq)]
pub struct Meta {
    pub title: String,
    /// BCP 47 language of the text (`ja` for the bilingual documents).
    pub language: String,
    pub author: Option<String>,
    /// When the document was made (the use case's `now`).
    pub created: jiff::Timestamp,
}

//! The fonts every document is set in, carried inside the binary: Noto Sans JP (Regular, Bold) for
//! Japanese and Latin text, Noto Sans Regular for the few characters Noto Sans JP lacks (superscript
//! digits such as the `⁹` of `1 × 10⁹ /mL`). A text is cut into runs by the first face that has a
//! glyph for each character; a character no face has is refused (never drawn as `?` or a box).
//! Widths for line breaking come from the fonts' advances (skrifa, the parser krilla uses).

use crate::DocumentError;
use skrifa::{
    FontRef, MetadataProvider,
    instance::{LocationRef, Size},
};
use std::sync::OnceLock;

static JP_REGULAR: &[u8] = include_bytes!("../fonts/NotoSansJP-Regular.ttf");
static JP_BOLD: &[u8] = include_bytes!("../fonts/NotoSansJP-Bold.ttf");
static LATIN: &[u8] = include_bytes!("../fonts/NotoSans-Regular.ttf");

/// The weight of a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Weight {
    Regular,
    Bold,
}

/// One embedded face: the handle krilla draws with and the parsed tables for measuring.
pub(crate) struct Face {
    pub pdf: krilla::text::Font,
    table: FontRef<'static>,
    units_per_em: f32,
    /// Cap height as a fraction of the font size.
    pub cap_height: f32,
}

impl Face {
    fn load(data: &'static [u8]) -> Face {
        // The fonts are part of the build and checked by the crate's tests: failing to parse them
        // is a broken build, not a runtime condition.
        let table = FontRef::new(data).expect("embedded font parses");
        let metrics = table.metrics(Size::unscaled(), LocationRef::default());
        let units_per_em = f32::from(metrics.units_per_em).max(1.0);
        Face {
            pdf: krilla::text::Font::new(data.into(), 0).expect("embedded font loads"),
            cap_height: metrics.cap_height.unwrap_or(0.7 * units_per_em) / units_per_em,
            table,
            units_per_em,
        }
    }
    fn has(&self, c: char) -> bool {
        self.table.charmap().map(c).is_some()
    }
    /// Advance of `c` in em.
    fn advance(&self, c: char) -> f32 {
        let glyphs = self
            .table
            .glyph_metrics(Size::unscaled(), LocationRef::default());
        self.table
            .charmap()
            .map(c)
            .and_then(|g| glyphs.advance_width(g))
            .unwrap_or(0.0)
            / self.units_per_em
    }
}

pub(crate) struct Fonts {
    regular: Face,
    bold: Face,
    fallback: Face,
}

/// The fonts, parsed once per process.
pub(crate) fn fonts() -> &'static Fonts {
    static FONTS: OnceLock<Fonts> = OnceLock::new();
    FONTS.get_or_init(|| Fonts {
        regular: Face::load(JP_REGULAR),
        bold: Face::load(JP_BOLD),
        fallback: Face::load(LATIN),
    })
}

impl Fonts {
    pub fn face(&self, w: Weight) -> &Face {
        match w {
            Weight::Regular => &self.regular,
            Weight::Bold => &self.bold,
        }
    }

    /// The face that draws `c` in weight `w`, or the refusal naming the character.
    fn face_for(&self, c: char, w: Weight) -> Result<&Face, DocumentError> {
        let primary = self.face(w);
        if primary.has(c) {
            Ok(primary)
        } else if self.fallback.has(c) {
            Ok(&self.fallback)
        } else {
            Err(DocumentError::Glyph { character: c })
        }
    }

    /// `text` cut into runs of one face each (controls other than none are dropped).
    pub fn runs(&self, text: &str, w: Weight) -> Result<Vec<(&Face, String)>, DocumentError> {
        let mut out: Vec<(&Face, String)> = Vec::new();
        for c in text.chars().filter(|c| !c.is_control()) {
            let face = self.face_for(c, w)?;
            match out.last_mut() {
                Some((f, s)) if std::ptr::eq(*f, face) => s.push(c),
                _ => out.push((face, c.to_string())),
            }
        }
        Ok(out)
    }

    /// Width of `text` in em (font size 1), without kerning: never less than what is drawn.
    pub fn width(&self, text: &str, w: Weight) -> Result<f32, DocumentError> {
        let mut em = 0.0;
        for c in text.chars().filter(|c| !c.is_control()) {
            em += self.face_for(c, w)?.advance(c);
        }
        Ok(em)
    }
}

/// Width of `text` at `size` (same unit as the result), in weight `w`.
pub fn text_width(text: &str, w: Weight, size: f32) -> Result<f32, DocumentError> {
    Ok(fonts().width(text, w)? * size)
}

/// The cap height of the document font at `size` (same unit), e.g. to check a label's legibility.
pub fn cap_height(w: Weight, size: f32) -> f32 {
    fonts().face(w).cap_height * size
}

//! Reading what an operator scanned or typed as an ISBT 128 identity: the DIN barcode (`=DINff`),
//! the DIN and product code barcodes read one after the other (`=DINff=<code`), the label's
//! DataMatrix compound message (`=+03000…`), or the eye-readable DIN (13 characters, or 14 with the
//! check character; spaces ignored), optionally followed by the product code with its division.
//! Full-width input (a Japanese IME in full-width mode: `Ｇ１２３４…`) is normalised (Unicode NFKC)
//! first, and the caller is told it was, so a wrong check character, a wrong flag, full-width input
//! and an unknown DIN can each be answered in their own words.

use super::{Container, Din, IsbtError, ProductCode};
use unicode_normalization::UnicodeNormalization;

/// The scanned text after normalisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Normalised {
    /// NFKC of the input, trimmed, ideographic spaces as spaces.
    pub text: String,
    /// Whether normalising changed anything (full-width letters, digits, `＝`, spaces).
    pub full_width: bool,
}

/// Normalises scanned or typed text (NFKC: full-width `Ｇ１２３４` becomes `G1234`).
pub fn normalise(typed: &str) -> Normalised {
    let text: String = typed.trim().nfkc().collect::<String>().trim().to_string();
    let full_width = text != typed.trim();
    Normalised { text, full_width }
}

/// What a scan names: a DIN alone (a lot), or a DIN with a product code and division (one vial).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scanned {
    Din(Din),
    Container(Container),
}

impl Scanned {
    pub fn din(&self) -> Din {
        match self {
            Scanned::Din(d) => *d,
            Scanned::Container(c) => c.din,
        }
    }
}

/// Reads normalised text as an ISBT 128 identity; the error says what is wrong (check character,
/// flag, length, a character not allowed).
pub fn read(text: &str) -> Result<Scanned, IsbtError> {
    if let Some(rest) = text.strip_prefix("=+") {
        return compound(rest);
    }
    if text.starts_with('=') {
        let c: Vec<char> = text.chars().collect();
        if c.len() > 16 {
            let din: String = c[..16].iter().collect();
            let code: String = c[16..].iter().collect();
            return container(Din::from_barcode(&din)?, ProductCode::parse(&code)?);
        }
        return Ok(Scanned::Din(Din::from_barcode(text)?));
    }
    let c: Vec<char> = text.chars().filter(|c| !c.is_whitespace()).collect();
    if matches!(c.len(), 21 | 22) {
        let (din, code) = c.split_at(c.len() - 8);
        let din: String = din.iter().collect();
        let code: String = code.iter().collect();
        return container(Din::parse(&din)?, ProductCode::parse(&code)?);
    }
    Ok(Scanned::Din(Din::parse(&c.iter().collect::<String>())?))
}

fn container(din: Din, product_code: ProductCode) -> Result<Scanned, IsbtError> {
    Ok(Scanned::Container(Container { din, product_code }))
}

/// The structures of a compound message after `=+`: `aabbb` (count, sequence), then each data
/// structure; the DIN and the product code are kept, others (expiry) skipped.
fn compound(rest: &str) -> Result<Scanned, IsbtError> {
    let field = "scan.compound";
    let bad = |got: usize| IsbtError::Length {
        field,
        expected: 5,
        got,
    };
    let count: usize = rest
        .get(..2)
        .and_then(|n| n.parse().ok())
        .ok_or(bad(rest.len().min(5)))?;
    let mut pos = 5;
    let (mut din, mut code) = (None, None);
    for _ in 0..count {
        let item = rest.get(pos..).unwrap_or("");
        let len = match item.get(..2) {
            Some("=<") => 10,
            Some("=>") => 8,
            _ => 16,
        };
        let Some(item) = item.get(..len) else {
            return Err(IsbtError::Length {
                field,
                expected: pos + len,
                got: rest.len(),
            });
        };
        match item.get(..2) {
            Some("=<") => code = Some(ProductCode::parse(item)?),
            Some("=>") => {}
            _ => din = Some(Din::from_barcode(item)?),
        }
        pos += len;
    }
    match (din, code) {
        (Some(din), Some(code)) => container(din, code),
        (Some(din), None) => Ok(Scanned::Din(din)),
        _ => Err(IsbtError::Length {
            field: Din::FIELD,
            expected: 16,
            got: 0,
        }),
    }
}

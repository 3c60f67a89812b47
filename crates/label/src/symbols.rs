//! The two barcode symbols of a label and what they carry: Code 128 of the DIN (ISBT 128 Data
//! Structure 001) and a DataMatrix compound message (Data Structure 023) of DIN + product code +
//! expiration date (Data Structures 001, 003, 004); and the reverse, from scanned text to identifiers.

use crate::LabelError;
use barcoders::sym::code128::Code128;
use datamatrix::{DataMatrix, SymbolList};
use jiff::civil::Date;
use secretome_domain::isbt::{Din, ProductCode};

/// Quiet zone each side of a Code 128 symbol, in modules (ISO/IEC 15417 asks for at least 10).
pub const CODE128_QUIET_MODULES: usize = 10;
/// Quiet zone around a DataMatrix symbol, in modules (ISO/IEC 16022 asks for at least 1).
pub const DATAMATRIX_QUIET_MODULES: usize = 1;

/// A Code 128 symbol as its modules, left to right: `true` is a bar, `false` a space. No quiet zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Code128Symbol {
    pub data: String,
    pub modules: Vec<bool>,
}

impl Code128Symbol {
    /// Encodes `data` (printable ASCII): code set B, switching to set C for a trailing even run of
    /// at least 4 digits (the DIN's sequence and flag), which keeps the symbol short on a small label.
    pub fn encode(data: &str) -> Result<Self, LabelError> {
        let bad = |reason: &str| LabelError::Barcode(format!("Code 128 of {data:?}: {reason}"));
        if data.is_empty() || !data.chars().all(|c| c.is_ascii_graphic() || c == ' ') {
            return Err(bad("only printable ASCII can be encoded"));
        }
        let digits = data.chars().rev().take_while(char::is_ascii_digit).count() / 2 * 2;
        let split = data.len() - digits;
        let mut text = String::from("Ɓ");
        text.push_str(&data[..split]);
        if digits >= 4 {
            text.push('Ć');
        }
        text.push_str(&data[split..]);
        if split == 0 {
            text.remove(0); // all digits: start directly in set C
        }
        let code = Code128::new(&text).map_err(|e| bad(&format!("{e:?}")))?;
        let modules = code.encode().into_iter().map(|m| m == 1).collect();
        Ok(Code128Symbol {
            data: data.to_owned(),
            modules,
        })
    }

    /// The bars as (first module, width in modules) runs: what a renderer draws.
    pub fn bars(&self) -> Vec<(usize, usize)> {
        runs(&self.modules)
    }
}

/// Consecutive `true` runs of a row of modules as (start, length).
pub(crate) fn runs(row: &[bool]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, &m) in row.iter().chain(std::iter::once(&false)).enumerate() {
        match (m, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push((s, i - s));
                start = None;
            }
            _ => {}
        }
    }
    out
}

/// A DataMatrix (ECC 200) symbol: `width × height` modules, row-major, `true` is dark. No quiet zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataMatrixSymbol {
    pub data: String,
    pub width: usize,
    pub height: usize,
    pub modules: Vec<bool>,
}

impl DataMatrixSymbol {
    /// Encodes `data` in the smallest square symbol that holds it.
    pub fn encode(data: &str) -> Result<Self, LabelError> {
        let code = DataMatrix::encode_str(data, SymbolList::default().enforce_square())
            .map_err(|e| LabelError::Barcode(format!("DataMatrix of {data:?}: {e:?}")))?;
        let bitmap = code.bitmap();
        let (width, height) = (bitmap.width(), bitmap.height());
        let mut modules = vec![false; width * height];
        for (x, y) in bitmap.pixels() {
            modules[y * width + x] = true;
        }
        Ok(DataMatrixSymbol {
            data: data.to_owned(),
            width,
            height,
            modules,
        })
    }

    pub fn is_dark(&self, x: usize, y: usize) -> bool {
        x < self.width && y < self.height && self.modules[y * self.width + x]
    }
}

/// ISBT 128 Expiration Date (Data Structure 004): `=>cyyjjj`, c the century after 2000, jjj the day
/// of the year. Dates before 2000 or after 2999 cannot be expressed.
pub fn expiration_date_data(date: Date) -> Result<String, LabelError> {
    let year = date.year();
    if !(2000..=2999).contains(&year) {
        return Err(LabelError::invalid(
            "expiry",
            secretome_domain::Why::said(
                format!("year {year} is outside 2000–2999"),
                format!("{year} 年は 2000〜2999 年の範囲外です"),
            ),
        ));
    }
    Ok(format!("=>{:03}{:03}", year - 2000, date.day_of_year()))
}

/// The DataMatrix content: compound message `=+03000` (three structures, no predefined sequence)
/// followed by the DIN, product code and expiration date structures.
pub fn compound_message(
    din: &Din,
    product: &ProductCode,
    expiry: Date,
) -> Result<String, LabelError> {
    Ok(format!(
        "=+03000{}{}{}",
        din.barcode_data(),
        product.barcode_data(),
        expiration_date_data(expiry)?
    ))
}

/// What a scanned DataMatrix label says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScannedLabel {
    pub din: Din,
    pub product_code: ProductCode,
    pub expiry: Date,
}

/// Reads a compound message back into identifiers (DIN flag and all characters checked).
pub fn parse_compound_message(text: &str) -> Result<ScannedLabel, LabelError> {
    let scan = |position: usize, message: String| LabelError::Scan { position, message };
    let header = text.get(..7).filter(|h| h.starts_with("=+"));
    let count = header.and_then(|h| h[2..4].parse::<usize>().ok());
    let Some(count) = count else {
        return Err(scan(1, "expected a compound message header =+aabbb".into()));
    };
    let (mut din, mut product, mut expiry) = (None, None, None);
    let mut pos = 7;
    for _ in 0..count {
        let rest = text.get(pos..).unwrap_or("");
        let len = match rest.get(..2) {
            Some("=<") => 10,
            Some("=>") => 8,
            Some(s) if s.starts_with('=') => 16,
            _ => return Err(scan(pos + 1, "expected a data identifier".into())),
        };
        let Some(item) = rest.get(..len) else {
            return Err(scan(
                pos + 1,
                format!("data structure {rest:?} is too short"),
            ));
        };
        match &item[..2] {
            "=<" => product = Some(ProductCode::parse(item)?),
            "=>" => expiry = Some(parse_expiry(item).map_err(|m| scan(pos + 3, m))?),
            _ => din = Some(Din::from_barcode(item)?),
        }
        pos += len;
    }
    if pos != text.len() {
        return Err(scan(
            pos + 1,
            format!("{} characters after the last structure", text.len() - pos),
        ));
    }
    match (din, product, expiry) {
        (Some(din), Some(product_code), Some(expiry)) => Ok(ScannedLabel {
            din,
            product_code,
            expiry,
        }),
        _ => Err(scan(
            1,
            "DIN, product code or expiration date missing".into(),
        )),
    }
}

fn parse_expiry(item: &str) -> Result<Date, String> {
    let (cyy, jjj) = (item.get(2..5), item.get(5..8));
    let num = |s: Option<&str>| {
        s.filter(|s| s.bytes().all(|b| b.is_ascii_digit()))?
            .parse::<i16>()
            .ok()
    };
    let (Some(cyy), Some(jjj)) = (num(cyy), num(jjj)) else {
        return Err(format!("expiration date {item:?} is not =>cyyjjj"));
    };
    let first = Date::new(2000 + cyy, 1, 1).map_err(|e| e.to_string())?;
    first
        .with()
        .day_of_year(jjj)
        .build()
        .map_err(|e| format!("expiration date {item:?}: {e}"))
}

//! ISBT 128 identifiers (ICCBBA ST-001): facility identification number, Donation Identification
//! Number with its ISO/IEC 7064 mod 37-2 check character and flag, and the product code with division.
//!
//! Structures, as ST-001 defines them (Data Structures 001 and 003; ICCBBA IG-033, IG-034):
//! - FIN `αpppp`: α is `A–N`, `P–Z` or `1–9` (no `O`, no `0`, so it never reads as zero), p are
//!   digits. Assigned by ICCBBA on registration: the facility's FIN is configuration, never a constant.
//! - DIN `αppppyynnnnnn`: FIN, 2-digit year, 6-digit sequence. Barcode data `=αppppyynnnnnnff`, where the
//!   flag `ff` is `60 + checksum` (flag type 2); the check character is printed boxed, never encoded.
//! - Product code `αoooo t ds`: product description code (`E` + 4 digits for ICCBBA's E-codes),
//!   type of donation `t`, division `ds` (`00` undivided; `d` is `A–Z`, `s` is `a–z`, each or `0`).
//!   Barcode data `=<αooootds`. Not to be confused with [`crate::ids::ProductCode`], the facility's own
//!   product code.

use crate::DomainError;
pub use assign::{
    CollectionType, Container, FIRST_LEVEL_DIVISIONS, LotDonor, LotIdentity, MAX_DIVISIONS, assign,
    collection_type, dins_needed, division,
};
use serde::{Deserialize, Serialize};
use std::fmt;
use thiserror::Error;

/// The ISO/IEC 7064 mod 37-2 character set: a character's value is its index.
pub const MOD37_2_CHARSET: &[u8; 37] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ*";

/// Why an ISBT 128 value was refused; `field` names the input, `position` is 1-based in it.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum IsbtError {
    #[error("{field}: must be {expected} characters (got {got})")]
    Length {
        field: &'static str,
        expected: usize,
        got: usize,
    },
    #[error(
        "{field}: character {found:?} at position {position} is not allowed (expected {expected})"
    )]
    Character {
        field: &'static str,
        position: usize,
        found: char,
        expected: &'static str,
    },
    #[error("{field}: check character {found:?} does not match the DIN (expected {expected:?})")]
    CheckCharacter {
        field: &'static str,
        found: char,
        expected: char,
    },
    #[error("{field}: flag {found:02} is not 60 + checksum of the DIN (expected {expected})")]
    Flag {
        field: &'static str,
        found: u8,
        expected: u8,
    },
}

impl IsbtError {
    /// The input field the error is about.
    pub fn field(&self) -> &'static str {
        match self {
            Self::Length { field, .. }
            | Self::Character { field, .. }
            | Self::CheckCharacter { field, .. }
            | Self::Flag { field, .. } => field,
        }
    }
}

impl IsbtError {
    /// The refusal in both languages (the English is `Display`'s).
    pub fn why(&self) -> crate::Why {
        let ja = match self {
            Self::Length {
                field,
                expected,
                got,
            } => format!("{field}: {expected} 文字で入力してください ({got} 文字です)"),
            Self::Character {
                field,
                position,
                found,
                expected,
            } => format!("{field}: {position} 文字目の {found:?} は使えません ({expected})"),
            Self::CheckCharacter {
                field,
                found,
                expected,
            } => format!(
                "{field}: チェック文字 {found:?} が DIN と合いません (正しくは {expected:?})"
            ),
            Self::Flag {
                field,
                found,
                expected,
            } => format!(
                "{field}: フラグ {found:02} が DIN のチェックサムと合いません (正しくは {expected})"
            ),
        };
        crate::Why::said(self.to_string(), ja)
    }
}

impl From<IsbtError> for DomainError {
    fn from(e: IsbtError) -> Self {
        DomainError::invalid(e.field(), e.why())
    }
}

/// The value of `c` in the mod 37-2 character set (`0–9` → 0–9, `A–Z` → 10–35, `*` → 36).
pub fn mod37_2_value(c: char) -> Option<u32> {
    let b = u8::try_from(c).ok()?;
    MOD37_2_CHARSET
        .iter()
        .position(|&x| x == b)
        .map(|i| i as u32)
}

/// ISO/IEC 7064 mod 37-2 checksum (0–36) of `data`: the weighted sum Σ vᵢ·2ⁿ⁻ⁱ⁺¹ mod 37 = r, then
/// (38 − r) mod 37. `None` if a character is outside the character set.
pub fn mod37_2_checksum(data: &str) -> Option<u8> {
    let mut sum = 0u32;
    for c in data.chars() {
        // Horner form of the weighted sum: each earlier character gets one more factor 2.
        sum = ((sum + mod37_2_value(c)?) * 2) % 37;
    }
    u8::try_from((38 - sum) % 37).ok()
}

/// The check character for a checksum value (0–36).
pub fn mod37_2_character(checksum: u8) -> char {
    char::from(MOD37_2_CHARSET[usize::from(checksum) % 37])
}

fn check_chars(
    field: &'static str,
    s: &[char],
    offset: usize,
    ok: fn(char) -> bool,
    expected: &'static str,
) -> Result<(), IsbtError> {
    match s.iter().position(|&c| !ok(c)) {
        Some(i) => Err(IsbtError::Character {
            field,
            position: offset + i + 1,
            found: s[i],
            expected,
        }),
        None => Ok(()),
    }
}

fn length(field: &'static str, expected: usize, got: usize) -> IsbtError {
    IsbtError::Length {
        field,
        expected,
        got,
    }
}

/// The characters as ASCII bytes (callers have checked they are ASCII).
fn ascii<const N: usize>(c: &[char]) -> [u8; N] {
    let mut b = [0u8; N];
    for (slot, ch) in b.iter_mut().zip(c) {
        *slot = u8::try_from(*ch).unwrap_or(b'0');
    }
    b
}

/// Checks that `c` (at `offset` in the input) are digits and returns their value.
fn number(field: &'static str, c: &[char], offset: usize) -> Result<u32, IsbtError> {
    check_chars(field, c, offset, |c| c.is_ascii_digit(), "a digit")?;
    Ok(c.iter()
        .fold(0, |n, c| n * 10 + c.to_digit(10).unwrap_or(0)))
}

/// Generates `Display` (from `$v, $f => $display`), and `FromStr`, `TryFrom<String>`,
/// `From<T> for String` from `parse` and `Display`.
macro_rules! text_type {
    ($t:ty, |$v:ident, $f:ident| $display:expr) => {
        impl fmt::Display for $t {
            fn fmt(&self, $f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let $v = self;
                $display
            }
        }
        impl std::str::FromStr for $t {
            type Err = IsbtError;
            fn from_str(s: &str) -> Result<Self, IsbtError> {
                Self::parse(s)
            }
        }
        impl TryFrom<String> for $t {
            type Error = IsbtError;
            fn try_from(s: String) -> Result<Self, IsbtError> {
                Self::parse(&s)
            }
        }
        impl From<$t> for String {
            fn from(v: $t) -> String {
                v.to_string()
            }
        }
    };
}

/// A facility identification number (`αpppp`), as ICCBBA assigned it to the facility.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(try_from = "String", into = "String")]
pub struct Fin([u8; 5]);

impl Fin {
    pub const FIELD: &'static str = "fin";

    pub fn parse(s: &str) -> Result<Self, IsbtError> {
        let c: Vec<char> = s.chars().collect();
        Self::from_chars(Self::FIELD, &c, 0)
    }

    fn from_chars(field: &'static str, c: &[char], offset: usize) -> Result<Self, IsbtError> {
        if c.len() != 5 {
            return Err(length(field, 5, c.len()));
        }
        let first = |c| matches!(c, 'A'..='N' | 'P'..='Z' | '1'..='9');
        check_chars(field, &c[..1], offset, first, "A–N, P–Z or 1–9")?;
        number(field, &c[1..], offset + 1)?;
        Ok(Fin(ascii(c)))
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("")
    }
}
text_type!(Fin, |v, f| f.write_str(v.as_str()));

/// A Donation Identification Number: FIN + year (2 digits) + sequence (6 digits).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(try_from = "String", into = "String")]
pub struct Din {
    fin: Fin,
    year: u8,
    sequence: u32,
}

impl Din {
    pub const FIELD: &'static str = "din";

    /// A DIN from its parts; `year` is the last two digits (0–99), `sequence` 0–999999.
    pub fn new(fin: Fin, year: u8, sequence: u32) -> Result<Self, IsbtError> {
        if year > 99 {
            return Err(length("din.year", 2, 3));
        }
        if sequence > 999_999 {
            let got = sequence.to_string().len();
            return Err(length("din.sequence", 6, got));
        }
        Ok(Din {
            fin,
            year,
            sequence,
        })
    }

    /// Parses the 13 characters, or 14 with the check character (verified); spaces are ignored, so
    /// the eye-readable `G1234 26 000123 H` is accepted.
    pub fn parse(s: &str) -> Result<Self, IsbtError> {
        let c: Vec<char> = s.chars().filter(|c| *c != ' ').collect();
        let din = Self::from_chars(&c[..c.len().min(13)])?;
        match c.get(13..) {
            Some([]) | None => Ok(din),
            Some([k]) => din.verify_check_character(*k),
            Some(rest) => Err(length(Self::FIELD, 14, 13 + rest.len())),
        }
    }

    fn from_chars(c: &[char]) -> Result<Self, IsbtError> {
        if c.len() != 13 {
            return Err(length(Self::FIELD, 13, c.len()));
        }
        let fin = Fin::from_chars("din.fin", &c[..5], 0)?;
        let year = number("din.year", &c[5..7], 5)?; // two digits: < 100
        Self::new(
            fin,
            u8::try_from(year).unwrap_or(99),
            number("din.sequence", &c[7..], 7)?,
        )
    }

    fn verify_check_character(self, found: char) -> Result<Self, IsbtError> {
        let expected = self.check_character();
        if found.to_ascii_uppercase() != expected {
            return Err(IsbtError::CheckCharacter {
                field: "din.check_character",
                found,
                expected,
            });
        }
        Ok(self)
    }

    /// Parses Code 128 / DataMatrix data `=αppppyynnnnnnff`; a flag of 60–96 is verified against the
    /// checksum (flags 00–59 carry other meanings and are accepted as they are).
    pub fn from_barcode(data: &str) -> Result<Self, IsbtError> {
        let c: Vec<char> = data.chars().collect();
        if c.len() != 16 {
            return Err(length("din.barcode", 16, c.len()));
        }
        check_chars("din.barcode", &c[..1], 0, |c| c == '=', "'='")?;
        let din = Self::from_chars(&c[1..14])?;
        let flag = u8::try_from(number("din.flag", &c[14..], 14)?).unwrap_or(0); // two digits
        if (60..=96).contains(&flag) && flag != din.flag() {
            return Err(IsbtError::Flag {
                field: "din.flag",
                found: flag,
                expected: din.flag(),
            });
        }
        Ok(din)
    }

    pub fn fin(&self) -> Fin {
        self.fin
    }
    pub fn year(&self) -> u8 {
        self.year
    }
    pub fn sequence(&self) -> u32 {
        self.sequence
    }
    /// ISO/IEC 7064 mod 37-2 checksum of the 13 characters (0–36).
    pub fn checksum(&self) -> u8 {
        mod37_2_checksum(&self.to_string()).unwrap_or(0) // all characters are in the set
    }
    /// The check character, printed boxed after the DIN and used when the DIN is typed by hand.
    pub fn check_character(&self) -> char {
        mod37_2_character(self.checksum())
    }
    /// The barcode flag value `60 + checksum` (ISBT 128 flag type 2).
    pub fn flag(&self) -> u8 {
        60 + self.checksum()
    }
    /// Data of the DIN barcode (Data Structure 001): `=` + DIN + flag.
    pub fn barcode_data(&self) -> String {
        format!("={self}{:02}", self.flag())
    }
    /// The DIN grouped as printed on labels: `G1234 26 000123`.
    pub fn eye_readable(&self) -> String {
        format!("{} {:02} {:06}", self.fin, self.year, self.sequence)
    }
}
text_type!(Din, |v, f| write!(
    f,
    "{}{:02}{:06}",
    v.fin, v.year, v.sequence
));

/// An ISBT 128 product code: product description code, type of donation, division (`E0001V00`).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(try_from = "String", into = "String")]
pub struct ProductCode([u8; 8]);

impl ProductCode {
    pub const FIELD: &'static str = "product_code";

    /// From its parts: `description` `E0001`, `donation_type` `V`, `division` `00`.
    pub fn new(description: &str, donation_type: char, division: &str) -> Result<Self, IsbtError> {
        Self::parse(&format!("{description}{donation_type}{division}"))
    }

    /// Parses the 8 characters `αooootds` (the barcode form `=<αooootds` too).
    pub fn parse(s: &str) -> Result<Self, IsbtError> {
        let c: Vec<char> = s.strip_prefix("=<").unwrap_or(s).chars().collect();
        if c.len() != 8 {
            return Err(length(Self::FIELD, 8, c.len()));
        }
        let field = "product_code.description";
        check_chars(field, &c[..1], 0, |c| c.is_ascii_uppercase(), "A–Z")?;
        number(field, &c[1..5], 1)?;
        let (t, alnum) = ("product_code.donation_type", |c: char| {
            c.is_ascii_alphanumeric()
        });
        check_chars(t, &c[5..6], 5, alnum, "a letter or digit")?;
        let first = |c: char| c == '0' || c.is_ascii_uppercase();
        check_chars("product_code.division", &c[6..7], 6, first, "0 or A–Z")?;
        let second = |c: char| c == '0' || c.is_ascii_lowercase();
        check_chars("product_code.division", &c[7..], 7, second, "0 or a–z")?;
        if c[6] == '0' && c[7] != '0' {
            let (field, found) = ("product_code.division", c[7]);
            let expected = "0 (a second-level division needs a first-level one)";
            return Err(IsbtError::Character {
                field,
                position: 8,
                found,
                expected,
            });
        }
        Ok(ProductCode(ascii(&c)))
    }

    fn part(&self, r: std::ops::Range<usize>) -> &str {
        std::str::from_utf8(&self.0[r]).unwrap_or("")
    }
    /// The product description code (`E0001`).
    pub fn description_code(&self) -> &str {
        self.part(0..5)
    }
    /// The type of donation or collection (`V`, `0`, …).
    pub fn donation_type(&self) -> char {
        char::from(self.0[5])
    }
    /// The division (`00` if undivided).
    pub fn division(&self) -> &str {
        self.part(6..8)
    }
    /// Data of the product code barcode (Data Structure 003): `=<` + code.
    pub fn barcode_data(&self) -> String {
        format!("=<{self}")
    }
}
text_type!(ProductCode, |v, f| f.write_str(v.part(0..8)));

mod assign;
pub mod scan;

#[cfg(test)]
mod assign_tests;
#[cfg(test)]
mod tests;

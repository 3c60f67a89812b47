//! Looking up what was scanned or typed (docs/isbt128.md, issue 17 item 5): a vial id, or an
//! ISBT 128 identity read by `secretome_domain::isbt::scan`. A DIN with its product code and
//! division names one vial; a DIN alone names a lot (its pool) and lists the lot's vials. A wrong
//! check character, a wrong flag and an unknown DIN are told apart ([`ScanError`]), and full-width
//! input is normalised before the look-up (the answer says it was).

use crate::clinical::VialRows;
use crate::{Service, ServiceError};
use secretome_domain::{
    isbt::{
        IsbtError,
        scan::{self, Scanned},
    },
    lot::Lot,
    vial::Vial,
};
use secretome_store::Table;
use thiserror::Error;

/// Why a scan found nothing, each with its own code (the web's catalogue keys are
/// `scan.err.<code>`), its English text here, and the field it is about (`vial`).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ScanError {
    /// The 14th character typed after the DIN is not its ISO/IEC 7064 mod 37-2 check character.
    #[error(
        "DIN {din}: check character {found} is wrong (the DIN's is {expected}): retype the DIN or scan its barcode"
    )]
    CheckCharacter {
        din: String,
        found: char,
        expected: char,
    },
    /// The barcode's flag (60 + checksum) does not match the DIN: a misread or a damaged label.
    #[error(
        "DIN {din}: barcode flag {found:02} does not match the DIN (expected {expected:02}): the label may be damaged or misprinted"
    )]
    Flag {
        din: String,
        found: u8,
        expected: u8,
    },
    /// A well-formed DIN this facility never assigned.
    #[error("DIN {din} is not known here{}", full_width_note(*.full_width))]
    UnknownDin { din: String, full_width: bool },
    /// The DIN is known but no vial has this product code and division.
    #[error("DIN {din} has no vial with product code {product_code}{}", full_width_note(*.full_width))]
    UnknownContainer {
        din: String,
        product_code: String,
        full_width: bool,
    },
    /// A DIN alone where one vial is needed: it names the lot's pool, not a container.
    #[error(
        "DIN {din} is lot {lot} ({vials} vials): scan the label's 2D code (DIN with product code and division) or type the vial id"
    )]
    DinNamesLot {
        din: String,
        lot: String,
        vials: usize,
    },
}

fn full_width_note(full_width: bool) -> &'static str {
    if full_width {
        " (full-width input was read as half-width)"
    } else {
        ""
    }
}

impl ScanError {
    /// The stable code of the error (catalogue key `scan.err.<code>`).
    pub fn code(&self) -> &'static str {
        match self {
            ScanError::CheckCharacter { .. } => "check_character",
            ScanError::Flag { .. } => "flag",
            ScanError::UnknownDin { .. } => "unknown_din",
            ScanError::UnknownContainer { .. } => "unknown_container",
            ScanError::DinNamesLot { .. } => "din_names_lot",
        }
    }
    /// Whether the input was full-width and normalised before the look-up.
    pub fn full_width(&self) -> bool {
        match self {
            ScanError::UnknownDin { full_width, .. }
            | ScanError::UnknownContainer { full_width, .. } => *full_width,
            _ => false,
        }
    }
    /// The values the message names (DIN, characters, lot), in the order the catalogue's
    /// `{din}`, `{found}`, `{expected}`, `{lot}`, `{vials}`, `{product_code}` placeholders take them.
    pub fn values(&self) -> Vec<(&'static str, String)> {
        match self {
            ScanError::CheckCharacter {
                din,
                found,
                expected,
            } => vec![
                ("din", din.clone()),
                ("found", found.to_string()),
                ("expected", expected.to_string()),
            ],
            ScanError::Flag {
                din,
                found,
                expected,
            } => vec![
                ("din", din.clone()),
                ("found", format!("{found:02}")),
                ("expected", format!("{expected:02}")),
            ],
            ScanError::UnknownDin { din, .. } => vec![("din", din.clone())],
            ScanError::UnknownContainer {
                din, product_code, ..
            } => vec![("din", din.clone()), ("product_code", product_code.clone())],
            ScanError::DinNamesLot { din, lot, vials } => vec![
                ("din", din.clone()),
                ("lot", lot.clone()),
                ("vials", vials.to_string()),
            ],
        }
    }
}

/// What a scan found.
#[derive(Debug, Clone, PartialEq)]
pub enum ScanFound {
    /// One vial: its id, or its DIN with product code and division (or a DIN that names only it).
    Vial { vial: Vial, full_width: bool },
    /// A DIN alone: the lot it was assigned to and the vials carrying it, in filling order.
    Lot {
        lot: Lot,
        din: String,
        vials: Vec<Vial>,
        full_width: bool,
    },
}

/// The typed text as an ISBT 128 identity, or None when it is not one (a vial id, a typo that is
/// not ISBT at all). A wrong check character or flag is an answer of its own.
fn read_isbt(typed: &str) -> Result<Option<(Scanned, bool)>, ScanError> {
    let n = scan::normalise(typed);
    match scan::read(&n.text) {
        Ok(s) => Ok(Some((s, n.full_width))),
        Err(IsbtError::CheckCharacter {
            found, expected, ..
        }) => {
            let din: String = n
                .text
                .chars()
                .filter(|c| !c.is_whitespace())
                .take(13)
                .collect();
            Err(ScanError::CheckCharacter {
                din,
                found,
                expected,
            })
        }
        Err(IsbtError::Flag {
            found, expected, ..
        }) => Err(ScanError::Flag {
            din: n.text.chars().skip(1).take(13).collect(),
            found,
            expected,
        }),
        Err(_) => Ok(None),
    }
}

/// Looks a scan up in `rows`: the vial, or the lot of a DIN alone; None when the text is neither a
/// vial id nor an ISBT 128 identity.
pub(crate) async fn lookup(
    rows: &mut VialRows<'_>,
    typed: &str,
) -> Result<Option<ScanFound>, ServiceError> {
    let typed = typed.trim();
    let Some((scanned, full_width)) = read_isbt(typed)? else {
        return Ok(None);
    };
    let din = scanned.din().to_string();
    let mut vials: Vec<Vial> = rows
        .by("din", &din)
        .await?
        .into_iter()
        .map(|s| s.to_record())
        .collect::<Result<_, _>>()?;
    vials.sort_by_key(|v| v.seq);
    if vials.is_empty() {
        return Err(ScanError::UnknownDin { din, full_width }.into());
    }
    match scanned {
        Scanned::Container(c) => {
            let code = c.product_code.to_string();
            match vials
                .into_iter()
                .find(|v| v.product_code.as_deref() == Some(code.as_str()))
            {
                Some(vial) => Ok(Some(ScanFound::Vial { vial, full_width })),
                None => Err(ScanError::UnknownContainer {
                    din,
                    product_code: code,
                    full_width,
                }
                .into()),
            }
        }
        // A DIN of one undivided vial (each vial filled before migration 0009 has its own).
        Scanned::Din(_) if vials.len() == 1 && is_undivided(&vials[0]) => {
            Ok(Some(ScanFound::Vial {
                vial: vials.remove(0),
                full_width,
            }))
        }
        Scanned::Din(_) => {
            let lot = rows.lot(vials[0].lot.as_str()).await?;
            Ok(Some(ScanFound::Lot {
                lot,
                din,
                vials,
                full_width,
            }))
        }
    }
}

fn is_undivided(v: &Vial) -> bool {
    v.product_code
        .as_deref()
        .is_none_or(|c| c.get(6..) == Some("00"))
}

impl Service {
    /// What a scanned or typed code names (read-only; any signed-in role): a vial by id, a vial by
    /// DIN with product code and division, or a lot and its vials by a DIN alone.
    pub async fn scan(&self, typed: &str) -> Result<ScanFound, ServiceError> {
        let typed = typed.trim();
        if let Ok(id) = secretome_domain::ids::VialId::new(typed)
            && let Some(s) = self.store().get(Table::Vial, id.as_str()).await?
        {
            return Ok(ScanFound::Vial {
                vial: s.to_record()?,
                full_width: false,
            });
        }
        let mut rows = VialRows::Store(self.store());
        lookup(&mut rows, typed)
            .await?
            .ok_or_else(|| ServiceError::NotFound {
                what: "vial or DIN",
                id: typed.to_string(),
            })
    }
}

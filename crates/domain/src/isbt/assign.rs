//! ISBT 128 identity of a lot's containers (docs/isbt128.md): the lot is a pool, so it takes a DIN
//! of its own; its vials are divisions of one product under that DIN (ST-001 Product Code, Data
//! Structure 003; ICCBBA IG-022). First level `A0`–`Z0` for up to 26 containers, second level
//! `Aa`–`Zz` for 27–676; a lot of more vials is filled as several pools, each with the next DIN of
//! the facility's sequence and up to 676 divisions — the lot keeps the list of its DINs. The type of
//! collection follows the donors: `1` autologous (the one donor is the patient), `V` allogeneic.

use super::{Din, Fin, IsbtError, ProductCode};
use crate::DomainError;
use crate::ids::{DonorCode, PatientCode};

/// Containers one DIN + product description code can carry with first-level divisions only.
pub const FIRST_LEVEL_DIVISIONS: usize = 26;
/// Containers one DIN + product description code can carry with Data Structure 003 divisions.
pub const MAX_DIVISIONS: usize = 26 * 26;

/// The division code of container `index` (0-based) among `containers` (≤ 676) divided from one
/// product: `A0`… when `containers` ≤ 26, else `Aa`, `Ab`, … `Az`, `Ba`, … (first level
/// `index / 26`, second level `index % 26`). `None` when `index` or `containers` is out of range.
pub fn division(index: usize, containers: usize) -> Option<String> {
    if containers == 0 || containers > MAX_DIVISIONS || index >= containers {
        return None;
    }
    let letter = |base: u8, i: usize| char::from(base + u8::try_from(i).unwrap_or(0));
    Some(if containers <= FIRST_LEVEL_DIVISIONS {
        format!("{}0", letter(b'A', index))
    } else {
        format!("{}{}", letter(b'A', index / 26), letter(b'a', index % 26))
    })
}

/// How many DINs a lot of `containers` vials needs (676 divisions per DIN).
pub fn dins_needed(containers: usize) -> usize {
    containers.div_ceil(MAX_DIVISIONS)
}

/// The type of donation or collection of a lot (ST-001 table of donation types; IG-022).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CollectionType {
    /// `V`: volunteer allogeneic (homologous) donation.
    Allogeneic,
    /// `1`: for autologous use only — the donor is the patient.
    Autologous,
}

impl CollectionType {
    /// The character in the product code's 6th position.
    pub fn code(self) -> char {
        match self {
            CollectionType::Allogeneic => 'V',
            CollectionType::Autologous => '1',
        }
    }
}

/// One donor whose tissue went into a lot, and the patient the donation is reserved for, if the
/// donor is that patient (autologous).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LotDonor {
    pub donor: DonorCode,
    pub autologous_for: Option<PatientCode>,
}

/// The collection type of a lot from its donors: autologous only when there is exactly one donor
/// and that donor's donation is for autologous use; allogeneic when no donor is. A lot that pools an
/// autologous donation with other donors' tissue is refused (the product could no longer be given
/// back to its donor only), and so is a lot with no donor on record (nothing is guessed).
pub fn collection_type(lot: &str, donors: &[LotDonor]) -> Result<CollectionType, DomainError> {
    let autologous: Vec<&LotDonor> = donors
        .iter()
        .filter(|d| d.autologous_for.is_some())
        .collect();
    match (donors.len(), autologous.len()) {
        (0, _) => Err(DomainError::Rule(crate::rule::Rule::NoDonorUpstream {
            lot: lot.to_string(),
        })),
        (_, 0) => Ok(CollectionType::Allogeneic),
        (1, 1) => Ok(CollectionType::Autologous),
        _ => Err(DomainError::Rule(crate::rule::Rule::AutologousPooled {
            lot: lot.to_string(),
            donor: autologous
                .iter()
                .map(|d| d.donor.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        })),
    }
}

/// The ISBT 128 identity of one container.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Container {
    pub din: Din,
    pub product_code: ProductCode,
}

/// The identities of a lot's containers: the DINs it takes (in order, from `first_sequence` of the
/// facility's FIN and year) and one (DIN, product code) per container, in container order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LotIdentity {
    pub dins: Vec<Din>,
    pub containers: Vec<Container>,
}

impl LotIdentity {
    /// The sequence number the next lot of this FIN and year starts from.
    pub fn next_sequence(&self, first_sequence: u32) -> u32 {
        first_sequence + u32::try_from(self.dins.len()).unwrap_or(u32::MAX)
    }
}

/// Assigns the identities of `count` containers of a lot: DINs `fin`+`year`+`first_sequence`, …
/// (676 containers each, the last DIN taking the rest), and for each container the product code
/// `description` + collection type + its division. Refused when the sequence would pass 999999.
pub fn assign(
    fin: Fin,
    year: u8,
    first_sequence: u32,
    description: &str,
    collection: CollectionType,
    count: usize,
) -> Result<LotIdentity, IsbtError> {
    let mut dins = Vec::with_capacity(dins_needed(count));
    let mut containers = Vec::with_capacity(count);
    let mut left = count;
    let mut sequence = first_sequence;
    while left > 0 {
        let din = Din::new(fin, year, sequence)?;
        let here = left.min(MAX_DIVISIONS);
        for i in 0..here {
            let d = division(i, here).unwrap_or_else(|| "00".into()); // i < here ≤ 676
            containers.push(Container {
                din,
                product_code: ProductCode::new(description, collection.code(), &d)?,
            });
        }
        dins.push(din);
        left -= here;
        sequence += 1;
    }
    Ok(LotIdentity { dins, containers })
}

//! Identifier newtypes, valid by construction: a value of `DonorCode`, `LotNumber`, … is always
//! non-empty, at most 64 characters of `A–Z a–z 0–9 - _ . / :`, without surrounding whitespace.

use crate::DomainError;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Checks the shared identifier rules; `field` names the input for the error message.
pub fn check_identifier(field: &str, s: &str) -> Result<(), DomainError> {
    if s.is_empty() {
        return Err(DomainError::invalid(field, crate::Why::Empty));
    }
    if s.len() > 64 {
        return Err(DomainError::invalid(field, crate::Why::TooLong(64)));
    }
    if let Some(c) = s
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/' | ':')))
    {
        return Err(DomainError::invalid(
            field,
            crate::Why::said(
                format!("character {c:?} is not allowed (use letters, digits, - _ . / :)"),
                format!("使用できない文字があります ({c:?}; 英数字と - _ . / : のみ)"),
            ),
        ));
    }
    Ok(())
}

macro_rules! identifier {
    ($(#[$doc:meta])* $name:ident, $field:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// The input field this identifier is read from, for error messages.
            pub const FIELD: &'static str = $field;

            pub fn new(s: impl Into<String>) -> Result<Self, DomainError> {
                let s = s.into();
                check_identifier($field, &s)?;
                Ok(Self(s))
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
        impl TryFrom<String> for $name {
            type Error = DomainError;
            fn try_from(s: String) -> Result<Self, DomainError> {
                Self::new(s)
            }
        }
        impl From<$name> for String {
            fn from(v: $name) -> String {
                v.0
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl std::str::FromStr for $name {
            type Err = DomainError;
            fn from_str(s: &str) -> Result<Self, DomainError> {
                Self::new(s)
            }
        }
    };
}

identifier!(/// A site (facility or clinic) code.
    SiteCode, "site");
identifier!(/// A user's sign-in name.
    UserName, "user");
identifier!(/// A donor's pseudonymised code: never a name.
    DonorCode, "donor");
identifier!(/// A tissue collection's identifier.
    TissueId, "tissue");
identifier!(/// A cell bank's identifier (master or working).
    CellBankId, "cell_bank");
identifier!(/// A culture batch's identifier.
    BatchId, "batch");
identifier!(/// A raw-material lot: the supplier's lot number, prefixed as the facility registers it.
    MaterialLotId, "material_lot");
identifier!(/// A harvest of supernatant.
    HarvestId, "harvest");
identifier!(/// A product lot number (製造番号).
    LotNumber, "lot");
identifier!(/// A vial's identifier.
    VialId, "vial");
identifier!(/// A product's code (e.g. `MSC-CM-01`).
    ProductCode, "product");
identifier!(/// A test's code within a specification (e.g. `endotoxin`).
    TestCode, "test");
identifier!(/// A patient's pseudonym (e.g. `PT-000123`): never a name.
    PatientCode, "patient");
identifier!(/// A freezer's code (e.g. `FRZ-1`).
    FreezerId, "freezer");

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn identifiers_reject_bad_input_naming_the_field() {
        assert_eq!(
            LotNumber::new("").unwrap_err().to_string(),
            "lot: must not be empty"
        );
        let e = DonorCode::new("Taro Yamada").unwrap_err().to_string();
        assert!(e.starts_with("donor: character ' '"), "{e}");
        assert!(VialId::new("x".repeat(65)).is_err());
        assert_eq!(LotNumber::new("L-2026-001").unwrap().as_str(), "L-2026-001");
    }

    #[test]
    fn deserialising_validates_too() {
        let ok: LotNumber = serde_json::from_str("\"L-1\"").unwrap();
        assert_eq!(ok.as_str(), "L-1");
        assert!(serde_json::from_str::<LotNumber>("\"\"").is_err());
        assert!(serde_json::from_str::<LotNumber>("\"a b\"").is_err());
    }

    proptest! {
        #[test]
        fn any_string_either_validates_or_errors_without_panic(s in ".{0,80}") {
            if let Ok(id) = VialId::new(s.clone()) {
                prop_assert_eq!(id.as_str(), s.as_str());
                prop_assert!(!s.is_empty() && s.len() <= 64);
            }
        }
    }
}

//! SNOMED CT codes for our routes and indications, where one fits (FHIR exports carry them beside
//! the local code). Routes are concepts under 284009009 "Route of administration values" (HL7's
//! `route-codes` value set); indications are disorders/findings. None where no concept matches
//! what we mean: a "local injection" names no site, chronic wounds, skin regeneration and ageing
//! care are not single disorders.

use super::{Indication, Route};

/// The SNOMED CT code system URI.
pub const SNOMED: &str = "http://snomed.info/sct";

impl Route {
    /// (code, display) in SNOMED CT. A scalp injection for hair loss is given intradermally.
    pub fn snomed(self) -> Option<(&'static str, &'static str)> {
        match self {
            Route::IvDrip => Some(("47625008", "Intravenous route")),
            Route::Intranasal => Some(("46713006", "Nasal route")),
            Route::ScalpInjection => Some(("372464004", "Intradermal use")),
            Route::Topical => Some(("6064005", "Topical route")),
            Route::LocalInjection => None,
        }
    }
}

impl Indication {
    /// (code, display) in SNOMED CT.
    pub fn snomed(self) -> Option<(&'static str, &'static str)> {
        match self {
            Indication::Stroke => Some(("230690007", "Cerebrovascular accident")),
            Indication::SpinalCordInjury => Some(("90584004", "Spinal cord injury")),
            Indication::Osteoarthritis => Some(("396275006", "Osteoarthritis")),
            Indication::ChronicPain => Some(("82423001", "Chronic pain")),
            Indication::HairLoss => Some(("56317004", "Alopecia")),
            Indication::ChronicWound | Indication::Skin | Indication::AgeingCare => None,
        }
    }
}

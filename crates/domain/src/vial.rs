//! Vials (バイアル) and their state machine: `quarantine → available → dispensed → administered`;
//! also `expired`, `destroyed`, `recalled` (terminal). A vial is dispensed only if its lot is released,
//! it has not expired and it is not recalled.

use crate::{
    DomainError, TransitionError, UtcTime,
    ids::{LotNumber, VialId},
    lot::LotStatus,
    quantity::text,
};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum VialStatus {
    Quarantine,
    Available,
    Dispensed,
    Administered,
    Expired,
    Destroyed,
    Recalled,
}

impl VialStatus {
    pub const ALL: [VialStatus; 7] = [
        VialStatus::Quarantine,
        VialStatus::Available,
        VialStatus::Dispensed,
        VialStatus::Administered,
        VialStatus::Expired,
        VialStatus::Destroyed,
        VialStatus::Recalled,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            VialStatus::Quarantine => "quarantine",
            VialStatus::Available => "available",
            VialStatus::Dispensed => "dispensed",
            VialStatus::Administered => "administered",
            VialStatus::Expired => "expired",
            VialStatus::Destroyed => "destroyed",
            VialStatus::Recalled => "recalled",
        }
    }
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            VialStatus::Administered
                | VialStatus::Expired
                | VialStatus::Destroyed
                | VialStatus::Recalled
        )
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Vial {
    pub id: VialId,
    pub lot: LotNumber,
    pub seq: i64,
    pub fill_volume_ml: f64,
    pub status: VialStatus,
    /// Storage location, e.g. `FRZ-1/R2/B3/A5` (freezer / rack / box / position).
    pub location: Option<String>,
    pub expires_at: UtcTime,
    pub filled_at: UtcTime,
    /// ISBT 128 Donation Identification Number (13 characters, without the check character),
    /// assigned at filling from the facility's FIN.
    pub din: Option<String>,
    /// ISBT 128 product code (8 characters: description code, donation type, division).
    pub product_code: Option<String>,
}

impl Vial {
    fn refuse(&self, action: &'static str) -> DomainError {
        TransitionError {
            entity: "vial",
            id: self.id.to_string(),
            from: self.status.as_str(),
            action,
        }
        .into()
    }

    fn to(&self, status: VialStatus) -> Vial {
        let mut v = self.clone();
        v.status = status;
        v
    }

    /// The lot was released: a quarantined vial becomes available.
    pub fn make_available(&self) -> Result<Vial, DomainError> {
        match self.status {
            VialStatus::Quarantine => Ok(self.to(VialStatus::Available)),
            _ => Err(self.refuse("become available")),
        }
    }

    /// The lot was rejected, or the vial was damaged: destroyed (terminal).
    pub fn destroy(&self) -> Result<Vial, DomainError> {
        match self.status {
            VialStatus::Quarantine | VialStatus::Available => Ok(self.to(VialStatus::Destroyed)),
            _ => Err(self.refuse("be destroyed")),
        }
    }

    /// Recall: every vial not yet administered and not already terminal is blocked.
    /// Returns None for a vial the recall leaves as it is (already terminal).
    pub fn recall(&self) -> Option<Vial> {
        match self.status {
            VialStatus::Quarantine | VialStatus::Available | VialStatus::Dispensed => {
                Some(self.to(VialStatus::Recalled))
            }
            _ => None,
        }
    }

    /// Dispense (払出し): only an available vial of a released lot, not expired at `now`.
    pub fn dispense(&self, lot_status: LotStatus, now: UtcTime) -> Result<Vial, DomainError> {
        if self.status != VialStatus::Available {
            return Err(self.refuse("be dispensed"));
        }
        if lot_status != LotStatus::Released {
            return Err(DomainError::Rule(crate::rule::Rule::LotNotReleased {
                vial: self.id.to_string(),
                lot: self.lot.to_string(),
                status: lot_status.as_str().to_string(),
            }));
        }
        if now >= self.expires_at {
            return Err(DomainError::Rule(crate::rule::Rule::VialExpired {
                vial: self.id.to_string(),
                at: self.expires_at.to_string(),
            }));
        }
        Ok(self.to(VialStatus::Dispensed))
    }

    /// Packed into a shipment: an available vial leaves its freezer position (location cleared).
    pub fn pack(&self) -> Result<Vial, DomainError> {
        match self.status {
            VialStatus::Available => {
                let mut v = self.clone();
                v.location = None;
                Ok(v)
            }
            _ => Err(self.refuse("be packed for shipment")),
        }
    }

    /// Its shipment had a temperature excursion: an available vial goes back to quarantine until
    /// QA decides (`make_available` on release, `destroy` on rejection). Other vials are left.
    pub fn quarantine_for_excursion(&self) -> Option<Vial> {
        match self.status {
            VialStatus::Available => Some(self.to(VialStatus::Quarantine)),
            _ => None,
        }
    }

    /// Administered (投与) to a patient after dispensing.
    pub fn administer(&self) -> Result<Vial, DomainError> {
        match self.status {
            VialStatus::Dispensed => Ok(self.to(VialStatus::Administered)),
            _ => Err(self.refuse("be administered")),
        }
    }

    /// A dispensed vial not given is discarded at the point of care (thawed and not used in time,
    /// opened, damaged): destroyed (terminal).
    pub fn discard_dispensed(&self) -> Result<Vial, DomainError> {
        match self.status {
            VialStatus::Dispensed => Ok(self.to(VialStatus::Destroyed)),
            _ => Err(self.refuse("be discarded at the point of care")),
        }
    }

    /// A dispensed vial returned unopened and within temperature goes back to quarantine: QA
    /// decides whether it may be used again.
    pub fn return_dispensed(&self) -> Result<Vial, DomainError> {
        match self.status {
            VialStatus::Dispensed => Ok(self.to(VialStatus::Quarantine)),
            _ => Err(self.refuse("be returned")),
        }
    }

    /// Marks an unused vial past its expiry as expired.
    pub fn expire(&self, now: UtcTime) -> Result<Vial, DomainError> {
        if now < self.expires_at {
            return Err(DomainError::Rule(crate::rule::Rule::VialNotExpired {
                vial: self.id.to_string(),
            }));
        }
        match self.status {
            VialStatus::Quarantine | VialStatus::Available => Ok(self.to(VialStatus::Expired)),
            _ => Err(self.refuse("expire")),
        }
    }

    /// Stores the vial at a location (freezer / rack / box / position).
    pub fn store_at(&self, location: &str) -> Result<Vial, DomainError> {
        if self.status.is_terminal() || self.status == VialStatus::Dispensed {
            return Err(self.refuse("be moved"));
        }
        let mut v = self.clone();
        v.location = Some(text("location", location)?);
        Ok(v)
    }
}

//! Shipments (出荷・輸送) from the cell processing facility to a clinic: packed with scanned vials
//! in a shipper with a temperature data logger, dispatched, received at the clinic (vials scanned
//! again, condition on arrival). The logger's series (`logger`) is checked against the products'
//! storage limit: a reading warmer than the limit is an excursion, and the shipment's vials are
//! quarantined until QA releases them (with a reason) or rejects them (destroyed).
//!
//! States: `packed → dispatched → received`; `quarantined` (excursion, or arrival not intact)
//! `→ released | rejected`. Vials may be dispensed only from a `received` or `released` shipment,
//! at its destination site.

pub mod logger;
#[cfg(test)]
mod tests;

use crate::{
    DomainError, TransitionError, UtcTime, Why,
    clinical::choice,
    ids::{SiteCode, UserName, VialId},
    quantity::text,
};
use logger::Reading;
use serde::{Deserialize, Serialize};

/// How far above a product's storage temperature (°C) a transport reading may go before it is an
/// excursion. A −80 °C product shipped on dry ice (−78.5 °C) is within; a reading above −70 °C is
/// not. The facility's transport validation sets this; one value for every product here.
pub const TRANSPORT_ALLOWANCE_C: f64 = 10.0;

choice!(/// The shipper (輸送容器) and its coolant.
    ShipperType, "shipper" {
    DryIce => "dry_ice", "Dry ice box (−78.5 °C)", "ドライアイス梱包 (−78.5 °C)";
    Ln2DryShipper => "ln2_dry_shipper", "LN₂ dry shipper (≤ −150 °C)", "液体窒素ドライシッパー (≤ −150 °C)";
    Frozen => "frozen", "Validated frozen shipper (−25 to −15 °C)", "冷凍輸送容器 (−25〜−15 °C)";
});

choice!(/// The shipper's condition when it arrives at the clinic.
    ArrivalCondition, "condition" {
    Intact => "intact", "Intact, coolant remaining", "異常なし (冷媒残存)";
    CoolantDepleted => "coolant_depleted", "Coolant depleted", "冷媒消失";
    Damaged => "damaged", "Shipper damaged", "容器破損";
});

choice!(/// Where a shipment is.
    ShipmentStatus, "status" {
    Packed => "packed", "Packed", "梱包済";
    Dispatched => "dispatched", "Dispatched", "出荷済";
    Received => "received", "Received", "受領済";
    Quarantined => "quarantined", "Quarantined (QA decision pending)", "隔離中 (QA判定待ち)";
    Released => "released", "Released by QA", "QA解除";
    Rejected => "rejected", "Rejected by QA", "QA不適";
});

/// The worst reading above the limit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Excursion {
    pub at: UtcTime,
    pub temperature_c: f64,
    pub limit_c: f64,
    /// Readings above the limit.
    pub readings: usize,
}

impl Excursion {
    pub fn describe(&self) -> String {
        format!(
            "{} reading(s) above {} °C, warmest {} °C at {}",
            self.readings, self.limit_c, self.temperature_c, self.at
        )
    }
}

/// A shipment of vials from the facility to a clinic.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Shipment {
    pub id: String,
    pub from_site: SiteCode,
    pub to_site: SiteCode,
    pub vials: Vec<VialId>,
    pub shipper: ShipperType,
    pub logger_id: String,
    /// The warmest temperature allowed in transport (°C): the coldest-stored product's storage
    /// temperature plus `TRANSPORT_ALLOWANCE_C`.
    pub limit_c: f64,
    pub status: ShipmentStatus,
    pub packed_at: UtcTime,
    pub packed_by: UserName,
    pub dispatched_at: Option<UtcTime>,
    pub dispatched_by: Option<UserName>,
    pub received_at: Option<UtcTime>,
    pub received_by: Option<UserName>,
    pub condition: Option<ArrivalCondition>,
    /// The logger's series as imported (name of the file and its readings).
    pub log_file: Option<String>,
    pub log_readings: Option<Vec<Reading>>,
    pub excursion: Option<Excursion>,
    pub decided_at: Option<UtcTime>,
    pub decided_by: Option<UserName>,
    pub decision_reason: Option<String>,
}

impl Shipment {
    /// Packs `vials` (at least one, no repeats) for `to_site`. `storage_c` are the storage
    /// temperatures of the vials' products.
    #[allow(clippy::too_many_arguments)]
    pub fn pack(
        id: &str,
        from_site: SiteCode,
        to_site: SiteCode,
        vials: Vec<VialId>,
        shipper: ShipperType,
        logger_id: &str,
        storage_c: &[f64],
        by: UserName,
        now: UtcTime,
    ) -> Result<Self, DomainError> {
        let mut errors = Vec::new();
        let id = text("id", id);
        let logger_id = text("logger_id", logger_id);
        if vials.is_empty() {
            errors.push(DomainError::invalid(
                "vials",
                crate::Why::said(
                    "scan at least one vial",
                    "バイアルを 1 本以上スキャンしてください",
                ),
            ));
        }
        let mut seen = std::collections::BTreeSet::new();
        let repeated: Vec<&str> = vials
            .iter()
            .filter(|v| !seen.insert(v.as_str()))
            .map(VialId::as_str)
            .collect();
        if !repeated.is_empty() {
            errors.push(DomainError::invalid(
                "vials",
                crate::Why::said(
                    format!("scanned twice: {}", repeated.join(", ")),
                    format!(
                        "同じバイアルが 2 回スキャンされました: {}",
                        repeated.join(", ")
                    ),
                ),
            ));
        }
        if from_site == to_site {
            errors.push(DomainError::invalid(
                "to_site",
                crate::Why::said(
                    format!("must be another site than {from_site}"),
                    format!("送付先は発送元 ({from_site}) と別の施設にしてください"),
                ),
            ));
        }
        let (id, logger_id) = match (id, logger_id) {
            (Ok(i), Ok(l)) if errors.is_empty() => (i, l),
            (i, l) => {
                errors.extend(i.err());
                errors.extend(l.err());
                return Err(combine(errors));
            }
        };
        let coldest = storage_c.iter().copied().fold(f64::INFINITY, f64::min);
        Ok(Shipment {
            id,
            from_site,
            to_site,
            vials,
            shipper,
            logger_id,
            limit_c: if coldest.is_finite() {
                coldest + TRANSPORT_ALLOWANCE_C
            } else {
                TRANSPORT_ALLOWANCE_C
            },
            status: ShipmentStatus::Packed,
            packed_at: now,
            packed_by: by,
            dispatched_at: None,
            dispatched_by: None,
            received_at: None,
            received_by: None,
            condition: None,
            log_file: None,
            log_readings: None,
            excursion: None,
            decided_at: None,
            decided_by: None,
            decision_reason: None,
        })
    }

    fn refuse(&self, action: &'static str) -> DomainError {
        TransitionError {
            entity: "shipment",
            id: self.id.clone(),
            from: self.status.as_str(),
            action,
        }
        .into()
    }

    /// Handed to the carrier.
    pub fn dispatch(&self, by: UserName, now: UtcTime) -> Result<Shipment, DomainError> {
        if self.status != ShipmentStatus::Packed {
            return Err(self.refuse("be dispatched"));
        }
        let mut s = self.clone();
        s.status = ShipmentStatus::Dispatched;
        s.dispatched_at = Some(now);
        s.dispatched_by = Some(by);
        Ok(s)
    }

    /// Received at `site` with the vials scanned there: every packed vial must be scanned and no
    /// other. An arrival not intact, or an excursion already found in the log, quarantines it. A
    /// shipment quarantined in transit (its log imported before arrival) is still received: it
    /// arrives and stays quarantined until QA decides.
    pub fn receive(
        &self,
        site: &SiteCode,
        scanned: &[VialId],
        condition: ArrivalCondition,
        by: UserName,
        now: UtcTime,
    ) -> Result<Shipment, DomainError> {
        let in_transit = match self.status {
            ShipmentStatus::Dispatched => true,
            ShipmentStatus::Quarantined => self.received_at.is_none(),
            _ => false,
        };
        if !in_transit {
            return Err(self.refuse("be received"));
        }
        let mut errors = Vec::new();
        if site != &self.to_site {
            errors.push(DomainError::invalid(
                "site",
                crate::Why::said(
                    format!(
                        "shipment {} is addressed to {}, not {site}",
                        self.id, self.to_site
                    ),
                    format!(
                        "この出荷は別の施設宛てです ({}: {} 宛て、{site} ではありません)",
                        self.id, self.to_site
                    ),
                ),
            ));
        }
        let missing: Vec<&str> = self
            .vials
            .iter()
            .filter(|v| !scanned.contains(v))
            .map(VialId::as_str)
            .collect();
        let extra: Vec<&str> = scanned
            .iter()
            .filter(|v| !self.vials.contains(v))
            .map(VialId::as_str)
            .collect();
        if !missing.is_empty() {
            errors.push(DomainError::invalid(
                "vials",
                crate::Why::said(
                    format!("packed but not scanned: {}", missing.join(", ")),
                    format!(
                        "梱包したバイアルがスキャンされていません: {}",
                        missing.join(", ")
                    ),
                ),
            ));
        }
        if !extra.is_empty() {
            errors.push(DomainError::invalid(
                "vials",
                crate::Why::said(
                    format!("not in this shipment: {}", extra.join(", ")),
                    format!("この出荷に含まれないバイアルです: {}", extra.join(", ")),
                ),
            ));
        }
        if !errors.is_empty() {
            return Err(combine(errors));
        }
        let mut s = self.clone();
        s.received_at = Some(now);
        s.received_by = Some(by);
        s.condition = Some(condition);
        s.status = if condition != ArrivalCondition::Intact
            || s.excursion.is_some()
            || self.status == ShipmentStatus::Quarantined
        {
            ShipmentStatus::Quarantined
        } else {
            ShipmentStatus::Received
        };
        Ok(s)
    }

    /// Attaches the logger's series (readings between packing and receipt, or all after packing
    /// while still in transit). A reading above `limit_c` is an excursion: the shipment is
    /// quarantined. Refused once QA has decided, or before dispatch.
    pub fn import_log(&self, file: &str, readings: Vec<Reading>) -> Result<Shipment, DomainError> {
        match self.status {
            ShipmentStatus::Dispatched | ShipmentStatus::Received | ShipmentStatus::Quarantined => {
            }
            _ => return Err(self.refuse("take a logger file")),
        }
        if readings.is_empty() {
            return Err(DomainError::invalid(
                "file",
                crate::Why::said("the file has no readings", "記録がありません"),
            ));
        }
        let mut s = self.clone();
        s.excursion = self.excursion_in(&readings);
        s.log_file = Some(text("file", file)?);
        s.log_readings = Some(readings);
        if s.excursion.is_some() {
            s.status = ShipmentStatus::Quarantined;
        }
        Ok(s)
    }

    /// The excursion among `readings` inside this shipment's transport window, if any.
    pub fn excursion_in(&self, readings: &[Reading]) -> Option<Excursion> {
        let inside =
            |r: &&Reading| r.at >= self.packed_at && self.received_at.is_none_or(|end| r.at <= end);
        let above: Vec<&Reading> = readings
            .iter()
            .filter(inside)
            .filter(|r| r.temperature_c > self.limit_c)
            .collect();
        let worst = above
            .iter()
            .max_by(|a, b| a.temperature_c.total_cmp(&b.temperature_c))?;
        Some(Excursion {
            at: worst.at,
            temperature_c: worst.temperature_c,
            limit_c: self.limit_c,
            readings: above.len(),
        })
    }

    /// QA's decision on a quarantined shipment: release (the vials may be used; a reason is
    /// required) or reject (the vials are destroyed).
    pub fn decide(
        &self,
        release: bool,
        reason: &str,
        by: UserName,
        now: UtcTime,
    ) -> Result<Shipment, DomainError> {
        if self.status != ShipmentStatus::Quarantined {
            return Err(self.refuse(if release {
                "be released"
            } else {
                "be rejected"
            }));
        }
        let reason = text("reason", reason)?;
        let mut s = self.clone();
        s.status = if !release {
            ShipmentStatus::Rejected
        } else if s.received_at.is_some() {
            ShipmentStatus::Released
        } else {
            // Released in transit: it still has to arrive.
            ShipmentStatus::Dispatched
        };
        s.decided_at = Some(now);
        s.decided_by = Some(by);
        s.decision_reason = Some(reason);
        Ok(s)
    }

    /// Whether its vials may be dispensed at `site`: received (or released by QA) there.
    pub fn usable_at(&self, site: &SiteCode) -> Result<(), DomainError> {
        match self.status {
            ShipmentStatus::Received | ShipmentStatus::Released if &self.to_site == site => Ok(()),
            ShipmentStatus::Received | ShipmentStatus::Released => {
                Err(DomainError::Rule(crate::rule::Rule::ShipmentElsewhere {
                    shipment: self.id.to_string(),
                    to_site: self.to_site.to_string(),
                    site: site.to_string(),
                }))
            }
            ShipmentStatus::Quarantined => {
                Err(DomainError::Rule(crate::rule::Rule::ShipmentQuarantined {
                    shipment: self.id.to_string(),
                    why: self
                        .excursion
                        .as_ref()
                        .map(Excursion::describe)
                        .unwrap_or_else(|| {
                            format!("arrived {}", self.condition.map_or("—", |c| c.as_str()))
                        }),
                }))
            }
            ShipmentStatus::Rejected => {
                Err(DomainError::Rule(crate::rule::Rule::ShipmentRejected {
                    shipment: self.id.to_string(),
                }))
            }
            ShipmentStatus::Packed | ShipmentStatus::Dispatched => {
                Err(DomainError::Rule(crate::rule::Rule::ShipmentNotReceived {
                    shipment: self.id.to_string(),
                    status: self.status.as_str().to_string(),
                }))
            }
        }
    }
}

/// One vial's membership in a shipment (`{shipment}/{vial}`): finds a vial's shipments without
/// reading every shipment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ShipmentItem {
    pub id: String,
    pub shipment: String,
    pub vial: VialId,
    pub packed_at: UtcTime,
}

impl ShipmentItem {
    pub fn of(s: &Shipment) -> Vec<ShipmentItem> {
        s.vials
            .iter()
            .map(|v| ShipmentItem {
                id: format!("{}/{v}", s.id),
                shipment: s.id.clone(),
                vial: v.clone(),
                packed_at: s.packed_at,
            })
            .collect()
    }
}

/// Every refusal at once: one error naming the first field, the message listing them all.
fn combine(mut errors: Vec<DomainError>) -> DomainError {
    if errors.len() == 1 {
        return errors.remove(0);
    }
    let field = match errors.first() {
        Some(DomainError::Invalid { field, .. }) => field.clone(),
        _ => "shipment".to_string(),
    };
    let all = errors.into_iter().map(DomainError::into_why).collect();
    DomainError::invalid(field, Why::All(all))
}

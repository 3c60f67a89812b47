//! Recall (回収): QA opens one on a lot, a raw-material lot or a donor; every affected vial is
//! blocked in the same transaction, and each patient who received one is listed for follow-up
//! by their contact physician.

use crate::{
    DomainError, UtcTime,
    genealogy::NodeKind,
    ids::{PatientCode, UserName, VialId},
    quantity::text,
};
use serde::{Deserialize, Serialize};

/// What a recall is opened on.
pub const RECALL_TARGETS: [NodeKind; 3] = [NodeKind::Lot, NodeKind::MaterialLot, NodeKind::Donor];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Recall {
    pub id: String,
    pub target_kind: NodeKind,
    pub target_id: String,
    pub reason: String,
    pub opened_at: UtcTime,
    pub opened_by: UserName,
    /// Lots reached from the target.
    pub lots: Vec<String>,
    /// Vials this recall moved to `recalled`.
    pub vials_blocked: i64,
}

impl Recall {
    pub fn open(
        id: String,
        target_kind: NodeKind,
        target_id: &str,
        reason: &str,
        by: UserName,
        now: UtcTime,
    ) -> Result<Self, DomainError> {
        if !RECALL_TARGETS.contains(&target_kind) {
            return Err(DomainError::invalid(
                "target",
                crate::Why::said(
                    format!(
                        "a recall is opened on a lot, a raw-material lot or a donor, not a {}",
                        target_kind.as_str()
                    ),
                    format!(
                        "回収はロット・原材料ロット・ドナーのいずれかに対して開始します ({})",
                        target_kind.as_str()
                    ),
                ),
            ));
        }
        Ok(Recall {
            id,
            target_kind,
            target_id: target_id.to_string(),
            reason: text("reason", reason)?,
            opened_at: now,
            opened_by: by,
            lots: Vec::new(),
            vials_blocked: 0,
        })
    }
}

/// A patient who received (was dispensed or given) vials a recall reached, to be followed up once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Exposure {
    pub id: String,
    pub recall: String,
    pub patient: PatientCode,
    /// The vials the recall reached that were dispensed for this patient.
    pub vials: Vec<VialId>,
    /// Whether any of them had been given (else all were dispensed and are now blocked).
    pub administered: bool,
    pub physician: UserName,
    pub followed_up_at: Option<UtcTime>,
    pub followed_up_by: Option<UserName>,
    pub note: Option<String>,
}

impl Exposure {
    pub fn new(recall: &Recall, patient: PatientCode, physician: UserName) -> Self {
        Exposure {
            id: format!("{}-{}", recall.id, patient),
            recall: recall.id.clone(),
            patient,
            vials: Vec::new(),
            administered: false,
            physician,
            followed_up_at: None,
            followed_up_by: None,
            note: None,
        }
    }

    /// Adds a reached vial dispensed for this patient (`given`: the dose had been administered).
    pub fn add_vial(&mut self, vial: VialId, given: bool) {
        self.vials.push(vial);
        self.administered |= given;
    }

    /// Records that the patient was contacted; once only.
    pub fn follow_up(&self, by: UserName, note: &str, now: UtcTime) -> Result<Self, DomainError> {
        if self.followed_up_at.is_some() {
            return Err(DomainError::Rule(crate::rule::Rule::FollowedUp {
                patient: self.patient.to_string(),
                recall: self.recall.to_string(),
            }));
        }
        let mut e = self.clone();
        e.followed_up_at = Some(now);
        e.followed_up_by = Some(by);
        e.note = Some(text("note", note)?);
        Ok(e)
    }
}

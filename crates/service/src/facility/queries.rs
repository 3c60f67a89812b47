//! The facility's registers as read by the pages and the API: equipment with its due status,
//! training and qualification records, media fills, and a lot's sterility summary for the release
//! check (the rooms it used, EM results there, filtrations and integrity tests, equipment and
//! operators).

use crate::{Service, ServiceError};
use secretome_domain::{
    UtcTime,
    facility::{Equipment, MediaFill, Qualification},
};
use serde::Serialize;

/// Days before a due date from which an instrument shows as "due soon".
pub const DUE_SOON_DAYS: f64 = 30.0;

/// Whether an instrument's calibration or qualification is in force at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DueStatus {
    Ok,
    DueSoon,
    Overdue,
}

impl DueStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DueStatus::Ok => "ok",
            DueStatus::DueSoon => "due_soon",
            DueStatus::Overdue => "overdue",
        }
    }
    /// The status of the earlier of the two due dates at `now`.
    pub fn of(e: &Equipment, now: UtcTime) -> DueStatus {
        let soon = now.plus_hours(DUE_SOON_DAYS * 24.0).unwrap_or(now);
        let due = [e.calibration_due, e.qualification_due]
            .into_iter()
            .flatten()
            .min();
        match due {
            Some(d) if d < now => DueStatus::Overdue,
            Some(d) if d < soon => DueStatus::DueSoon,
            _ => DueStatus::Ok,
        }
    }
}

/// An instrument with its due status now.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct EquipmentStatus {
    #[serde(flatten)]
    pub equipment: Equipment,
    pub status: DueStatus,
}

impl Service {
    /// The equipment register by id, each with its due status at `now`.
    pub async fn equipment_register(
        &self,
        now: UtcTime,
    ) -> Result<Vec<EquipmentStatus>, ServiceError> {
        let mut v = self.store.list::<Equipment>(None).await?;
        v.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(v.into_iter()
            .map(|e| EquipmentStatus {
                status: DueStatus::of(&e, now),
                equipment: e,
            })
            .collect())
    }

    /// Every training and qualification record, by operator then date.
    pub async fn qualifications(&self) -> Result<Vec<Qualification>, ServiceError> {
        let mut v = self.store.list::<Qualification>(None).await?;
        v.sort_by(|a, b| (&a.operator, a.trained_at).cmp(&(&b.operator, b.trained_at)));
        Ok(v)
    }

    /// Every media fill, newest first.
    pub async fn media_fills(&self) -> Result<Vec<MediaFill>, ServiceError> {
        let mut v = self.store.list::<MediaFill>(None).await?;
        v.sort_by_key(|m| std::cmp::Reverse(m.performed_at));
        Ok(v)
    }
}

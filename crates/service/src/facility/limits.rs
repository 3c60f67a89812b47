//! The site's environmental monitoring limits under change control: QA sets a grade × sample type
//! alert/action limit with a reason (the previous value, who and when are kept on the row and in
//! its audit event); results are judged against the limit in force at their sampling time
//! (`effective_limits`), the Annex 1 defaults where the site set none.

use crate::{Service, ServiceError, ctx};
use secretome_domain::Capability;
use secretome_domain::{
    Actor, UtcTime,
    facility::{
        EmLimit, EmSampleType, Grade, effective_limits,
        em::{Limits, default_limits},
    },
};
use secretome_store::Tx;
use serde::Serialize;

/// A change of one grade × sample type limit, as QA enters it.
#[derive(Debug, Clone)]
pub struct NewEmLimit {
    pub grade: Grade,
    pub sample_type: EmSampleType,
    pub alert: Option<f64>,
    pub action: f64,
    /// From when it applies (None: now); never in the past.
    pub effective_from: Option<UtcTime>,
    pub reason: String,
}

/// One grade × sample type: the Annex 1 default, the limit in force now, and its changes (newest
/// first).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct LimitRow {
    pub grade: Grade,
    pub sample_type: EmSampleType,
    pub default: Option<Limits>,
    pub in_force: Option<Limits>,
    pub changes: Vec<EmLimit>,
}

/// The site's changes for rooms of `grade` (every sample type), read inside `tx`.
pub(crate) async fn changes_for(
    tx: &mut dyn Tx,
    grade: Grade,
) -> Result<Vec<EmLimit>, ServiceError> {
    Ok(tx.list::<EmLimit>(Some(("grade", grade.as_str()))).await?)
}

impl Service {
    /// Sets the site's limit for `grade` × `sample_type` under change control: the reason is
    /// required and recorded, with the limit it replaces, in one audited transaction. Results
    /// already sampled keep the limit they were judged against. Role: qa.
    pub async fn set_em_limit(
        &self,
        actor: &Actor,
        now: UtcTime,
        n: NewEmLimit,
    ) -> Result<EmLimit, ServiceError> {
        actor.require_to(
            Capability::AssureQuality,
            "change an environmental monitoring limit",
        )?;
        let mut tx = self.store.begin().await?;
        let changes = changes_for(&mut *tx, n.grade).await?;
        let at = n.effective_from.unwrap_or(now);
        let previous = effective_limits(n.grade, n.sample_type, at, &changes);
        let k = changes
            .iter()
            .filter(|c| c.sample_type == n.sample_type)
            .count();
        let limit = EmLimit::new(
            k + 1,
            n.grade,
            n.sample_type,
            n.alert,
            n.action,
            previous,
            n.effective_from,
            &n.reason,
            &actor.user,
            now,
        )?;
        tx.insert_record(
            &limit,
            &ctx(actor, now, "em_limit.set", Some(&limit.reason)),
        )
        .await?;
        tx.commit().await?;
        Ok(limit)
    }

    /// Every grade × sample type with its default, the limit in force at `now` and its changes.
    pub async fn em_limits(&self, now: UtcTime) -> Result<Vec<LimitRow>, ServiceError> {
        let all = self.store.list::<EmLimit>(None).await?;
        let mut out = Vec::new();
        for grade in Grade::ALL {
            for t in EmSampleType::ALL {
                let mut changes: Vec<EmLimit> = all
                    .iter()
                    .filter(|c| c.grade == grade && c.sample_type == t)
                    .cloned()
                    .collect();
                changes.sort_by(|a, b| {
                    (b.effective_from, b.set_at, &b.id).cmp(&(a.effective_from, a.set_at, &a.id))
                });
                out.push(LimitRow {
                    grade,
                    sample_type: t,
                    default: default_limits(grade, t),
                    in_force: effective_limits(grade, t, now, &changes),
                    changes,
                });
            }
        }
        Ok(out)
    }
}

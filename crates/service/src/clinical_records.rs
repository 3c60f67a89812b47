//! Clinical follow-up use cases (DESIGN.md §5): adverse events graded by CTCAE v5.0 (有害事象報告)
//! and outcome measures at follow-up visits (転帰・評価尺度), each numbered per patient
//! (`{patient}-AE-001`, `{patient}-OC-0001`). Role: physician.

use crate::{Service, ServiceError, ctx};
use secretome_domain::{
    Actor, DomainError, Role, UtcTime,
    clinical::{Administration, AdverseEvent, AeOutcome, OutcomeMeasure, Patient, Scale},
};

/// An adverse event as reported.
#[derive(Debug, Clone)]
pub struct NewAdverseEvent {
    pub patient: String,
    /// The dose it followed: an administration id (`ADM-…`) or the vial's id; none if unrelated
    /// to a particular dose.
    pub administration: Option<String>,
    /// The CTCAE term, e.g. "Injection site reaction".
    pub term: String,
    /// CTCAE grade 1–5.
    pub grade: i64,
    /// Ticked by the reporter; grade 4–5 events are serious whatever is ticked.
    pub serious: bool,
    pub onset_at: UtcTime,
    /// `recovered`, `recovering`, `not_recovered`, `recovered_with_sequelae`, `fatal`, `unknown`.
    pub outcome: String,
}

/// One value of an outcome scale at a follow-up visit, as typed.
#[derive(Debug, Clone)]
pub struct NewOutcome {
    pub patient: String,
    /// `mrs`, `asia`, `vas_pain`, `womac`, `wound_area`, `hair_count`.
    pub scale: String,
    /// As typed: `"C"` for ASIA grade C, `"3"` for mRS 3, `"41.5"` for VAS.
    pub value: String,
    pub visit_at: UtcTime,
}

impl Service {
    /// Reports an adverse event for a patient (有害事象報告), optionally tied to a dose they were
    /// given. Refused (nothing written) for a grade outside 1–5, grade 5 without outcome fatal (or
    /// the reverse), an onset in the future, or a dose given to someone else. Role: physician.
    pub async fn report_adverse_event(
        &self,
        actor: &Actor,
        now: UtcTime,
        new: NewAdverseEvent,
    ) -> Result<AdverseEvent, ServiceError> {
        actor.require(Role::Physician, "report an adverse event")?;
        let scope = self.patient_scope(actor).await?;
        let outcome = AeOutcome::parse(&new.outcome)?;
        let mut tx = self.store.begin().await?;
        let p = tx.must_load::<Patient>(new.patient.trim()).await?;
        scope.require(actor, &p)?;
        let given = match new.administration.as_deref().map(str::trim) {
            Some(a) if !a.is_empty() => {
                let id = if a.starts_with("ADM-") {
                    a.to_string()
                } else {
                    format!("ADM-{a}")
                };
                let found = tx.load::<Administration>(&id).await?.ok_or_else(|| {
                    DomainError::invalid("administration", format!("no dose {a} has been recorded"))
                })?;
                Some(found)
            }
            _ => None,
        };
        let n = tx
            .list::<AdverseEvent>(Some(("patient", p.id.as_str())))
            .await?
            .len();
        let ae = AdverseEvent::new(
            format!("{}-AE-{:03}", p.id, n + 1),
            &p,
            given.as_ref(),
            &new.term,
            new.grade,
            new.serious,
            new.onset_at,
            outcome,
            actor.user.clone(),
            now,
        )?;
        tx.insert_record(&ae, &ctx(actor, now, "adverse_event.report", None))
            .await?;
        tx.commit().await?;
        Ok(ae)
    }

    /// Records one outcome value at a follow-up visit (評価). Refused (nothing written) for a scale
    /// not followed for the patient's indication, a value outside the scale's range, or a visit in
    /// the future. Role: physician.
    pub async fn record_outcome(
        &self,
        actor: &Actor,
        now: UtcTime,
        new: NewOutcome,
    ) -> Result<OutcomeMeasure, ServiceError> {
        actor.require(Role::Physician, "record an outcome")?;
        let scope = self.patient_scope(actor).await?;
        let scale = Scale::parse(&new.scale)?;
        let mut tx = self.store.begin().await?;
        let p = tx.must_load::<Patient>(new.patient.trim()).await?;
        scope.require(actor, &p)?;
        let n = tx
            .list::<OutcomeMeasure>(Some(("patient", p.id.as_str())))
            .await?
            .len();
        let m = OutcomeMeasure::new(
            format!("{}-OC-{:04}", p.id, n + 1),
            &p,
            scale,
            &new.value,
            new.visit_at,
            actor.user.clone(),
            now,
        )?;
        tx.insert_record(&m, &ctx(actor, now, "outcome.record", None))
            .await?;
        tx.commit().await?;
        Ok(m)
    }
}

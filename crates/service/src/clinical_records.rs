//! Clinical follow-up use cases (DESIGN.md §5): adverse events graded by CTCAE v5.0 (有害事象報告),
//! each with its report (疾病等報告, deadline from its seriousness), and outcome measures at
//! follow-up visits (転帰・評価尺度), each numbered per patient (`{patient}-AE-001`,
//! `{patient}-OC-0001`). Role: physician.

use crate::{Service, ServiceError, ctx};
use secretome_domain::Capability;
use secretome_domain::{
    Actor, DomainError, UtcTime,
    clinical::{
        Administration, AdverseEvent, AeFacts, AeOutcome, AeReport, Causality, OutcomeMeasure,
        Patient, Scale, reporting::SeriousCriterion,
    },
    vial::Vial,
};

/// An adverse event as reported.
#[derive(Debug, Clone)]
pub struct NewAdverseEvent {
    pub patient: String,
    /// The dose it followed: an administration id (`ADM-…`) or the vial's id; none if unrelated
    /// to a particular dose.
    pub administration: Option<String>,
    /// The CTCAE v5.0 term or its MedDRA code, e.g. "Injection site reaction" or "10022095".
    pub term: String,
    /// CTCAE grade 1–5, one the term allows.
    pub grade: i64,
    /// Ticked by the reporter without a criterion: otherwise serious. Grade 4–5 events are
    /// serious whatever is ticked.
    pub serious: bool,
    /// Seriousness criteria met: `death`, `life_threatening`, `hospitalisation`, `disability`,
    /// `risk_of_disability`, `other_serious`, `congenital_anomaly`.
    pub criteria: Vec<String>,
    /// `related`, `possibly`, `unlikely`, `unrelated`.
    pub causality: String,
    pub onset_at: UtcTime,
    /// When the physician became aware (none: now); the report deadline counts from it.
    pub aware_at: Option<UtcTime>,
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
    /// given, with its report record (deadline computed; the lot of the dose kept for the
    /// manufacturer's QA). Refused (nothing written) for a term not in CTCAE v5.0, a grade the
    /// term does not allow, grade 5 without outcome fatal (or the reverse), an onset in the future,
    /// or a dose given to someone else. Role: physician.
    pub async fn report_adverse_event(
        &self,
        actor: &Actor,
        now: UtcTime,
        new: NewAdverseEvent,
    ) -> Result<AdverseEvent, ServiceError> {
        actor.require_to(Capability::Treat, "report an adverse event")?;
        let scope = self.patient_scope(actor).await?;
        let outcome = AeOutcome::parse(&new.outcome)?;
        let causality = Causality::parse(&new.causality)?;
        let criteria = new
            .criteria
            .iter()
            .filter(|c| !c.trim().is_empty())
            .map(|c| SeriousCriterion::parse(c))
            .collect::<Result<Vec<_>, _>>()?;
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
                    DomainError::invalid(
                        "administration",
                        secretome_domain::Why::said(
                            format!("no dose {a} has been recorded"),
                            format!("その投与は記録されていません ({a})"),
                        ),
                    )
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
            AeFacts {
                term: new.term.clone(),
                grade: new.grade,
                serious: new.serious,
                criteria,
                causality,
                onset_at: new.onset_at,
                aware_at: new.aware_at,
                outcome,
            },
            actor.user.clone(),
            now,
        )?;
        let lot = match &given {
            Some(a) => tx
                .load::<Vial>(a.vial.as_str())
                .await?
                .map(|v| v.lot.to_string()),
            None => None,
        };
        let report = AeReport::for_event(&ae, lot, actor.user.clone(), now)?;
        let c = ctx(actor, now, "adverse_event.report", None);
        tx.insert_record(&ae, &c).await?;
        tx.insert_record(&report, &c).await?;
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
        actor.require_to(Capability::Treat, "record an outcome")?;
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

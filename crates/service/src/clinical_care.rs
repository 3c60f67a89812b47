//! Consent and the point of care (issue 16 items 2–3): recording a patient's explanation and
//! consent for an indication and its withdrawal; a dispensed vial thawed (use-by), discarded with
//! the reason, or returned unopened within temperature. Dispensing checks the consent
//! (`consent_for`) and administering the route's dose limit (`max_dose_ml`), both in
//! `clinical.rs`. Role: physician, for patients of their own site.

use crate::{Service, ServiceError, ctx};
use secretome_domain::Capability;
use secretome_domain::{
    Actor, DomainError, UtcTime,
    clinical::{
        Consent, Dispensing, Indication, Patient, Route,
        care::{default_max_dose_ml, max_dose_setting},
    },
    site::Setting,
    vial::Vial,
};
use secretome_store::Tx;

/// A consent as entered.
#[derive(Debug, Clone)]
pub struct NewConsent {
    pub indication: String,
    pub document_version: String,
    pub explained_by: String,
    pub explained_at: UtcTime,
    pub consented_at: UtcTime,
}

impl Service {
    /// Records the explanation and consent of a patient for an indication (説明・同意). A patient
    /// may consent to several indications (and again to one, with a newer document). Role: physician.
    pub async fn record_consent(
        &self,
        actor: &Actor,
        now: UtcTime,
        patient: &str,
        new: NewConsent,
    ) -> Result<Consent, ServiceError> {
        actor.require_to(Capability::Treat, "record a consent")?;
        let scope = self.patient_scope(actor).await?;
        let indication = Indication::parse(&new.indication)?;
        let mut tx = self.store.begin().await?;
        let p = tx.must_load::<Patient>(patient.trim()).await?;
        scope.require(actor, &p)?;
        let n = tx
            .list::<Consent>(Some(("patient", p.id.as_str())))
            .await?
            .len();
        let c = Consent::new(
            format!("{}-CN-{:02}", p.id, n + 1),
            p.id.clone(),
            indication,
            &new.document_version,
            &new.explained_by,
            new.explained_at,
            new.consented_at,
            actor.user.clone(),
            now,
        )?;
        tx.insert_record(&c, &ctx(actor, now, "consent.record", None))
            .await?;
        tx.commit().await?;
        Ok(c)
    }

    /// A patient's consents, oldest first. Role: whoever may read the patient.
    pub async fn consents_for(
        &self,
        actor: &Actor,
        patient: &str,
    ) -> Result<Vec<Consent>, ServiceError> {
        self.readable_patient(actor, patient).await?;
        let mut all: Vec<Consent> = self.store().list(Some(("patient", patient.trim()))).await?;
        all.sort_by(|a, b| a.id.cmp(&b.id)); // ids are `{patient}-CN-nn`
        Ok(all)
    }

    /// The patient withdrew a consent (同意の撤回): no further dispensing for that indication.
    /// Role: physician.
    pub async fn withdraw_consent(
        &self,
        actor: &Actor,
        now: UtcTime,
        consent: &str,
        at: UtcTime,
        reason: &str,
    ) -> Result<Consent, ServiceError> {
        actor.require_to(Capability::Treat, "record a consent withdrawal")?;
        let scope = self.patient_scope(actor).await?;
        let mut tx = self.store.begin().await?;
        let c = tx.must_load::<Consent>(consent.trim()).await?;
        let p = tx.must_load::<Patient>(c.patient.as_str()).await?;
        scope.require(actor, &p)?;
        let w = c.withdraw(at, reason, actor.user.clone(), now)?;
        tx.update_record(&w, &ctx(actor, now, "consent.withdraw", Some(reason)))
            .await?;
        tx.commit().await?;
        Ok(w)
    }

    /// The vial was thawed at `at` (its post-thaw use-by starts). Role: physician.
    pub async fn record_thaw(
        &self,
        actor: &Actor,
        now: UtcTime,
        vial: &str,
        at: UtcTime,
    ) -> Result<Dispensing, ServiceError> {
        actor.require_to(Capability::Treat, "record a thaw")?;
        let (mut tx, _, d) = self.dispensed(actor, vial).await?;
        let next = d.thaw(at, now)?;
        tx.update_record(&next, &ctx(actor, now, "vial.thaw", None))
            .await?;
        tx.commit().await?;
        Ok(next)
    }

    /// A dispensed vial not given is discarded, with the reason (the vial is destroyed).
    /// Role: physician.
    pub async fn discard_dispensed(
        &self,
        actor: &Actor,
        now: UtcTime,
        vial: &str,
        at: UtcTime,
        reason: &str,
    ) -> Result<Dispensing, ServiceError> {
        actor.require_to(Capability::Treat, "discard a dispensed vial")?;
        let (mut tx, v, d) = self.dispensed(actor, vial).await?;
        let next = d.discard(at, reason, actor.user.clone(), now)?;
        let c = ctx(actor, now, "vial.discard", Some(reason));
        tx.update_record(&v.discard_dispensed()?, &c).await?;
        tx.update_record(&next, &c).await?;
        tx.commit().await?;
        Ok(next)
    }

    /// A dispensed vial returned: only unopened, never thawed, and kept within temperature. It
    /// goes back to quarantine for QA to decide (`clinical_returns`). Role: physician.
    pub async fn return_dispensed(
        &self,
        actor: &Actor,
        now: UtcTime,
        vial: &str,
        at: UtcTime,
        unopened: bool,
        within_temperature: bool,
    ) -> Result<Dispensing, ServiceError> {
        actor.require_to(Capability::Treat, "return a dispensed vial")?;
        let (mut tx, v, d) = self.dispensed(actor, vial).await?;
        let next = d.return_unopened(at, unopened, within_temperature, actor.user.clone(), now)?;
        let c = ctx(actor, now, "vial.return", None);
        tx.update_record(&v.return_dispensed()?, &c).await?;
        tx.update_record(&next, &c).await?;
        tx.commit().await?;
        Ok(next)
    }

    /// The vial (by id or DIN) and its dispensing, in a write transaction, for a patient in scope.
    async fn dispensed(
        &self,
        actor: &Actor,
        vial: &str,
    ) -> Result<(Box<dyn Tx>, Vial, Dispensing), ServiceError> {
        let scope = self.patient_scope(actor).await?;
        let mut tx = self.store.begin().await?;
        let v = crate::clinical::find_vial(&mut *tx, vial).await?;
        let d = crate::clinical_returns::current_dispensing(&mut *tx, &v)
            .await?
            .ok_or_else(|| {
                DomainError::Rule(secretome_domain::Rule::VialNotDispensed {
                    vial: v.id.to_string(),
                })
            })?;
        let p = tx.must_load::<Patient>(d.patient.as_str()).await?;
        scope.require(actor, &p)?;
        Ok((tx, v, d))
    }
}

/// Refuses dispensing for `indication` unless one of the patient's consents covers it at `at`.
pub(crate) async fn consent_for(
    tx: &mut dyn Tx,
    p: &Patient,
    indication: Indication,
    at: UtcTime,
) -> Result<Consent, ServiceError> {
    tx.list::<Consent>(Some(("patient", p.id.as_str())))
        .await?
        .into_iter()
        .find(|c| c.covers(indication, at))
        .ok_or_else(|| {
            DomainError::NoConsent {
                patient: p.id.to_string(),
                indication: indication.as_str(),
            }
            .into()
        })
}

/// The maximum dose for `route`: the facility's setting, else the default.
pub(crate) async fn max_dose_ml(tx: &mut dyn Tx, route: Route) -> Result<f64, ServiceError> {
    Ok(tx
        .load::<Setting>(&max_dose_setting(route))
        .await?
        .and_then(|s| s.value.parse::<f64>().ok())
        .unwrap_or_else(|| default_max_dose_ml(route)))
}

//! Clinical use cases (DESIGN.md §5): registering a pseudonymised patient, dispensing a vial for
//! them by scanning or typing its id, and recording the dose given. Adverse events, outcomes and
//! the clinical pages' reads are in `clinical_records` and `clinical_queries`.

use crate::scan::{ScanError, ScanFound};
use crate::{Service, ServiceError, ctx, link};
use secretome_domain::Capability;
use secretome_domain::{
    Actor, DomainError, Role, UtcTime,
    clinical::{Administration, Dispensing, Indication, Patient, Route, Sex, care::check_dose},
    genealogy::{NodeKind, Relation},
    ids::{PatientCode, SiteCode, UserName, VialId},
    inventory::VialMove,
    lot::Lot,
    site::{Site, User},
    vial::Vial,
};
use secretome_store::{Snapshot, Store, StoreError, Table, Tx};

/// A patient as entered at registration.
#[derive(Debug, Clone)]
pub struct NewPatient {
    pub id: String,
    pub site: String,
    pub birth_year: i64,
    pub sex: String,
    pub indication: String,
    /// The contact physician followed up on a recall; the registering physician if none.
    pub physician: Option<String>,
}

/// A dose as entered.
#[derive(Debug, Clone)]
pub struct NewAdministration {
    /// The vial's id or its scanned DIN.
    pub vial: String,
    pub route: String,
    pub dose_ml: f64,
    pub administered_at: UtcTime,
    /// Why a dose above the route's configured maximum is given (refused without one).
    pub dose_reason: Option<String>,
}

impl Service {
    /// Registers a pseudonymised patient (患者登録). Role: physician.
    pub async fn register_patient(
        &self,
        actor: &Actor,
        now: UtcTime,
        new: NewPatient,
    ) -> Result<Patient, ServiceError> {
        actor.require_to(Capability::Treat, "register a patient")?;
        let physician = match new.physician.as_deref().map(str::trim) {
            Some(p) if !p.is_empty() => UserName::new(p)?,
            _ => actor.user.clone(),
        };
        let patient = Patient::new(
            PatientCode::new(new.id.trim())?,
            SiteCode::new(new.site.trim())?,
            new.birth_year,
            Sex::parse(&new.sex)?,
            Indication::parse(&new.indication)?,
            physician,
            now,
        )?;
        self.patient_scope(actor).await?.require(actor, &patient)?;
        let mut tx = self.store.begin().await?;
        tx.must_load::<Site>(patient.site.as_str()).await?;
        let doctor = tx.must_load::<User>(patient.physician.as_str()).await?;
        if !doctor.roles.contains(&Role::Physician) {
            return Err(DomainError::invalid(
                "physician",
                secretome_domain::Why::said(
                    format!("{} is not a physician", doctor.id),
                    format!("{} は医師ではありません", doctor.id),
                ),
            )
            .into());
        }
        tx.insert_record(&patient, &ctx(actor, now, "patient.register", None))
            .await?;
        tx.commit().await?;
        Ok(patient)
    }

    /// Dispenses a vial for a patient (払出し) for their registered indication; see
    /// `dispense_vial_for`. Role: physician.
    pub async fn dispense_vial(
        &self,
        actor: &Actor,
        now: UtcTime,
        vial: &str,
        patient: &str,
    ) -> Result<Dispensing, ServiceError> {
        self.dispense_vial_for(actor, now, vial, patient, None)
            .await
    }

    /// Dispenses a vial for a patient (払出し), by its id or its scanned/typed DIN, for an
    /// indication (none: the one they were registered for). Refused, with the reason, without a
    /// consent in force for that indication (`DomainError::NoConsent`), and for a vial that is
    /// recalled, expired, quarantined, rejected or already dispensed. The vial leaves its freezer
    /// position (a move is recorded) and a genealogy edge vial → patient is written, all in one
    /// transaction. Role: physician.
    pub async fn dispense_vial_for(
        &self,
        actor: &Actor,
        now: UtcTime,
        vial: &str,
        patient: &str,
        indication: Option<&str>,
    ) -> Result<Dispensing, ServiceError> {
        actor.require_to(Capability::Treat, "dispense a vial")?;
        let indication = match indication.map(str::trim).filter(|s| !s.is_empty()) {
            Some(i) => Some(Indication::parse(i)?),
            None => None,
        };
        let scope = self.patient_scope(actor).await?;
        let mut tx = self.store.begin().await?;
        let v = find_vial(&mut *tx, vial).await?;
        let p = tx.must_load::<Patient>(patient.trim()).await?;
        scope.require(actor, &p)?;
        let indication = indication.unwrap_or(p.indication);
        crate::clinical_care::consent_for(&mut *tx, &p, indication, now).await?;
        let lot = tx.must_load::<Lot>(v.lot.as_str()).await?;
        // Only where the vial is: received there (shipment not quarantined) or in a freezer there.
        let shipped = crate::shipments::received_at(&mut *tx, &v, &p.site).await?;
        let mut next = v.dispense(lot.status, now)?;
        if !shipped {
            crate::shipments::in_freezer_at(&mut *tx, &v, &p.site).await?;
        }
        let c = ctx(actor, now, "vial.dispense", None);
        // A vial back in stock after a return is dispensed again under the next ids.
        let before = tx
            .select(Table::Dispensing, Some(("vial", v.id.as_str())))
            .await?
            .len();
        if let Some(from) = next.location.take() {
            let mv = VialMove {
                id: if before == 0 {
                    format!("{}-MV-DSP", v.id)
                } else {
                    format!("{}-MV-DSP{}", v.id, before + 1)
                },
                vial: v.id.clone(),
                from_location: Some(from),
                to_location: None,
                moved_at: now,
                moved_by: actor.user.clone(),
                reason: Some(format!("dispensed for {}", p.id)),
            };
            tx.insert_record(&mv, &c).await?;
        }
        let mut d = Dispensing::new(v.id.clone(), p.id.clone(), actor.user.clone(), now);
        d.id = Dispensing::id_for(&v.id, before + 1);
        d.indication = Some(indication);
        tx.update_record(&next, &c).await?;
        tx.insert_record(&d, &c).await?;
        link(
            &mut *tx,
            (NodeKind::Vial, v.id.as_str()),
            (NodeKind::Patient, p.id.as_str()),
            Relation::Dispensed,
            Some(v.fill_volume_ml),
            &c,
        )
        .await?;
        tx.commit().await?;
        Ok(d)
    }

    /// Records the dose given from a vial dispensed for this patient (投与). Role: physician.
    pub async fn record_administration(
        &self,
        actor: &Actor,
        now: UtcTime,
        new: NewAdministration,
    ) -> Result<Administration, ServiceError> {
        self.administer(actor, now, None, new).await
    }

    /// Like `record_administration`, from a patient's page: refused when the vial was dispensed
    /// for someone other than `patient`. Role: physician.
    pub async fn record_administration_for(
        &self,
        actor: &Actor,
        now: UtcTime,
        patient: &str,
        new: NewAdministration,
    ) -> Result<Administration, ServiceError> {
        self.administer(actor, now, Some(patient), new).await
    }

    async fn administer(
        &self,
        actor: &Actor,
        now: UtcTime,
        patient: Option<&str>,
        new: NewAdministration,
    ) -> Result<Administration, ServiceError> {
        actor.require_to(Capability::Treat, "record an administration")?;
        let route = Route::parse(&new.route)?;
        let scope = self.patient_scope(actor).await?;
        let mut tx = self.store.begin().await?;
        let v = find_vial(&mut *tx, &new.vial).await?;
        let d = crate::clinical_returns::current_dispensing(&mut *tx, &v)
            .await?
            .ok_or_else(|| {
                DomainError::Rule(secretome_domain::Rule::VialNotDispensed {
                    vial: v.id.to_string(),
                })
            })?;
        let p = tx
            .must_load::<Patient>(patient.unwrap_or(d.patient.as_str()).trim())
            .await?;
        scope.require(actor, &p)?;
        let given = v.administer()?;
        let ended = d.administered(new.administered_at, actor.user.clone())?;
        let max = crate::clinical_care::max_dose_ml(&mut *tx, route).await?;
        let reason = check_dose(route, new.dose_ml, max, new.dose_reason.as_deref())?;
        let mut a = Administration::new(
            &d,
            &p,
            v.fill_volume_ml,
            route,
            new.dose_ml,
            new.administered_at,
            actor.user.clone(),
            now,
        )?;
        a.indication = d.indication.unwrap_or(p.indication);
        a.dose_reason = reason;
        let c = ctx(actor, now, "vial.administer", a.dose_reason.as_deref());
        tx.update_record(&given, &c).await?;
        tx.update_record(&ended, &c).await?;
        tx.insert_record(&a, &c).await?;
        tx.commit().await?;
        Ok(a)
    }
}

/// The vial an operator scanned or typed: its id, or its DIN (eye-readable, 13 or 14 characters,
/// or the barcode data `=…`), read inside a write transaction.
pub(crate) async fn find_vial(tx: &mut dyn Tx, typed: &str) -> Result<Vial, ServiceError> {
    find_vial_in(VialRows::Tx(tx), typed).await
}

/// Where vial rows are read from: a write transaction, or the store for pages that only read.
pub(crate) enum VialRows<'a> {
    Tx(&'a mut dyn Tx),
    Store(&'a dyn Store),
}

impl VialRows<'_> {
    pub(crate) async fn by(
        &mut self,
        column: &str,
        value: &str,
    ) -> Result<Vec<Snapshot>, StoreError> {
        let filter = Some((column, value));
        match self {
            VialRows::Tx(tx) => tx.select(Table::Vial, filter).await,
            VialRows::Store(s) => s.select(Table::Vial, filter).await,
        }
    }

    pub(crate) async fn lot(&mut self, id: &str) -> Result<Lot, ServiceError> {
        let found = match self {
            VialRows::Tx(tx) => tx.get(Table::Lot, id).await?,
            VialRows::Store(s) => s.get(Table::Lot, id).await?,
        };
        match found {
            Some(s) => Ok(s.to_record()?),
            None => Err(ServiceError::NotFound {
                what: "lot",
                id: id.to_string(),
            }),
        }
    }
}

/// The one lookup of a scanned or typed vial: by id, else by DIN.
pub(crate) async fn find_vial_in(
    mut rows: VialRows<'_>,
    typed: &str,
) -> Result<Vial, ServiceError> {
    let typed = typed.trim();
    if let Ok(id) = VialId::new(typed)
        && let Some(s) = rows.by("id", id.as_str()).await?.into_iter().next()
    {
        return Ok(s.to_record()?);
    }
    match crate::scan::lookup(&mut rows, typed).await? {
        Some(ScanFound::Vial { vial, .. }) => return Ok(vial),
        Some(ScanFound::Lot {
            lot,
            din,
            mut vials,
            ..
        }) => {
            if vials.len() == 1 {
                return Ok(vials.remove(0));
            }
            return Err(ScanError::DinNamesLot {
                din,
                lot: lot.id.to_string(),
                vials: vials.len(),
            }
            .into());
        }
        None => {}
    }
    Err(ServiceError::NotFound {
        what: "vial (by id or DIN)",
        id: typed.to_string(),
    })
}

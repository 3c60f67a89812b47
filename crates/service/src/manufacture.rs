//! Manufacturing use cases up to the harvest: donors and their screening, tissue, cell banks,
//! raw-material lots, culture batches with observations and material use, conditioning, harvest.
//! Inputs arrive as plain values (as from a form) and are parsed here, so errors name the field.

use crate::{Service, ServiceError, ctx, link, mbr::guided::At};
use secretome_domain::{
    Actor, Role, UtcTime,
    batch::{CultureBatch, Harvest, Observation, VesselKind},
    culture::{CellBank, TissueCollection},
    donor::{Donor, ScreenResult, TissueSource},
    genealogy::{NodeKind, Relation},
    ids::{BatchId, CellBankId, DonorCode, HarvestId, MaterialLotId, TissueId},
    material::{MaterialCategory, MaterialUse, RawMaterialLot},
    mbr::UseCase,
};
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
pub struct NewTissue {
    pub id: String,
    pub donor: String,
    pub collected_at: UtcTime,
    pub amount: f64,
    pub amount_unit: String,
}

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
pub struct NewBank {
    pub id: String,
    /// Tissue id for a master bank; master bank id for a working bank.
    pub from: String,
    pub working: bool,
    pub passage: i64,
    pub population_doublings: f64,
    pub vials_frozen: i64,
    pub cells_per_vial: f64,
    pub banked_at: UtcTime,
}

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
pub struct NewMaterialLot {
    pub id: String,
    pub material: String,
    pub category: String,
    pub supplier: String,
    pub supplier_lot: String,
    pub received_at: UtcTime,
    pub expires_at: UtcTime,
}

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
pub struct NewBatch {
    pub id: String,
    pub cell_bank: String,
    pub vessel: String,
    pub vessel_count: i64,
    pub seeding_density: f64,
    pub seeded_at: UtcTime,
}

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
pub struct NewObservation {
    pub batch: String,
    pub observed_at: UtcTime,
    pub cell_count: f64,
    pub viability_pct: f64,
    pub confluence_pct: f64,
    pub note: Option<String>,
}

impl Service {
    /// Registers a donor under a pseudonymised code. Role: operator.
    pub async fn register_donor(
        &self,
        actor: &Actor,
        now: UtcTime,
        code: &str,
        source: &str,
        consent_form: &str,
        consented_at: UtcTime,
    ) -> Result<Donor, ServiceError> {
        actor.require(Role::Operator, "register a donor")?;
        let d = Donor::register(
            DonorCode::new(code)?,
            TissueSource::parse("source", source)?,
            consent_form,
            consented_at,
            now,
        )?;
        let mut tx = self.store.begin().await?;
        tx.insert_record(&d, &ctx(actor, now, "donor.register", None))
            .await?;
        tx.commit().await?;
        Ok(d)
    }

    /// Records that a donor's donation is for autologous use only: the donor is patient `patient`
    /// (自家). Lots made from this donor alone carry ISBT 128 collection type `1`; pooling it with
    /// other donors is refused at filling (docs/isbt128.md). Role: operator.
    pub async fn designate_autologous(
        &self,
        actor: &Actor,
        now: UtcTime,
        donor: &str,
        patient: &str,
    ) -> Result<Donor, ServiceError> {
        actor.require(Role::Operator, "record an autologous donation")?;
        let patient = secretome_domain::ids::PatientCode::new(patient)?;
        let mut tx = self.store.begin().await?;
        tx.must_load::<secretome_domain::clinical::Patient>(patient.as_str())
            .await?;
        let d = tx
            .must_load::<Donor>(donor)
            .await?
            .for_autologous_use(patient)?;
        tx.update_record(&d, &ctx(actor, now, "donor.autologous", None))
            .await?;
        tx.commit().await?;
        Ok(d)
    }

    /// Records the infectious-disease screen; the donor becomes eligible or ineligible. Role: operator.
    pub async fn record_screening(
        &self,
        actor: &Actor,
        now: UtcTime,
        code: &str,
        results: Vec<ScreenResult>,
    ) -> Result<Donor, ServiceError> {
        actor.require(Role::Operator, "record a donor's screening")?;
        let mut tx = self.store.begin().await?;
        let d = tx
            .must_load::<Donor>(code)
            .await?
            .record_screening(results)?;
        tx.update_record(&d, &ctx(actor, now, "donor.screen", None))
            .await?;
        tx.commit().await?;
        Ok(d)
    }

    /// Records a tissue collection from an eligible donor. Role: operator.
    pub async fn collect_tissue(
        &self,
        actor: &Actor,
        now: UtcTime,
        new: NewTissue,
    ) -> Result<TissueCollection, ServiceError> {
        actor.require(Role::Operator, "record a tissue collection")?;
        let id = TissueId::new(new.id)?;
        let mut tx = self.store.begin().await?;
        let donor = tx.must_load::<Donor>(&new.donor).await?;
        let t = TissueCollection::collect(
            id,
            &donor,
            donor.source,
            new.collected_at,
            new.amount,
            &new.amount_unit,
            now,
        )?;
        let c = ctx(actor, now, "tissue.collect", None);
        tx.insert_record(&t, &c).await?;
        link(
            &mut *tx,
            (NodeKind::Donor, donor.id.as_str()),
            (NodeKind::Tissue, t.id.as_str()),
            Relation::Derived,
            None,
            &c,
        )
        .await?;
        tx.commit().await?;
        Ok(t)
    }

    /// Establishes a master bank from tissue, or a working bank from a master bank. Role: operator.
    pub async fn create_cell_bank(
        &self,
        actor: &Actor,
        now: UtcTime,
        new: NewBank,
    ) -> Result<CellBank, ServiceError> {
        actor.require(Role::Operator, "create a cell bank")?;
        let id = CellBankId::new(new.id)?;
        let mut tx = self.store.begin().await?;
        let (bank, parent) = if new.working {
            let master = tx.must_load::<CellBank>(&new.from).await?;
            let b = CellBank::working(
                id,
                &master,
                new.passage,
                new.population_doublings,
                new.vials_frozen,
                new.cells_per_vial,
                new.banked_at,
                now,
            )?;
            (b, (NodeKind::CellBank, master.id.to_string()))
        } else {
            let tissue = tx.must_load::<TissueCollection>(&new.from).await?;
            let b = CellBank::master(
                id,
                &tissue,
                new.passage,
                new.population_doublings,
                new.vials_frozen,
                new.cells_per_vial,
                new.banked_at,
                now,
            )?;
            (b, (NodeKind::Tissue, tissue.id.to_string()))
        };
        let c = ctx(actor, now, "cell_bank.create", None);
        tx.insert_record(&bank, &c).await?;
        link(
            &mut *tx,
            (parent.0, &parent.1),
            (NodeKind::CellBank, bank.id.as_str()),
            Relation::Derived,
            None,
            &c,
        )
        .await?;
        tx.commit().await?;
        Ok(bank)
    }

    /// Receives a raw-material lot into the facility. Role: operator.
    pub async fn receive_material(
        &self,
        actor: &Actor,
        now: UtcTime,
        new: NewMaterialLot,
    ) -> Result<RawMaterialLot, ServiceError> {
        actor.require(Role::Operator, "receive a raw-material lot")?;
        let lot = RawMaterialLot::receive(
            MaterialLotId::new(new.id)?,
            &new.material,
            MaterialCategory::parse("category", &new.category)?,
            &new.supplier,
            &new.supplier_lot,
            new.received_at,
            new.expires_at,
            now,
        )?;
        let mut tx = self.store.begin().await?;
        tx.insert_record(&lot, &ctx(actor, now, "material_lot.receive", None))
            .await?;
        tx.commit().await?;
        Ok(lot)
    }

    /// Seeds a culture batch from a cell bank. Role: operator. (`seed_batch_from_master` seeds
    /// and starts it from a master batch record.)
    pub async fn seed_batch(
        &self,
        actor: &Actor,
        now: UtcTime,
        new: NewBatch,
    ) -> Result<CultureBatch, ServiceError> {
        actor.require(Role::Operator, "seed a culture batch")?;
        let mut tx = self.store.begin().await?;
        let b = seed_in_tx(&mut *tx, actor, now, new).await?;
        tx.commit().await?;
        Ok(b)
    }

    /// Records a count / viability / confluence observation. Role: operator.
    pub async fn record_observation(
        &self,
        actor: &Actor,
        now: UtcTime,
        new: NewObservation,
    ) -> Result<Observation, ServiceError> {
        actor.require(Role::Operator, "record an observation")?;
        let mut tx = self.store.begin().await?;
        let batch = tx.must_load::<CultureBatch>(&new.batch).await?;
        let n = tx
            .select(
                secretome_store::Table::Observation,
                Some(("batch", batch.id.as_str())),
            )
            .await?
            .len();
        let id = format!("{}/OBS-{:03}", batch.id, n + 1);
        let o = Observation::new(
            id,
            &batch,
            new.observed_at,
            new.cell_count,
            new.viability_pct,
            new.confluence_pct,
            new.note,
            now,
        )?;
        tx.insert_record(&o, &ctx(actor, now, "observation.record", None))
            .await?;
        tx.commit().await?;
        Ok(o)
    }

    /// Corrects an observation's values; the reason is required and kept in the audit trail. Role: operator.
    pub async fn correct_observation(
        &self,
        actor: &Actor,
        now: UtcTime,
        id: &str,
        cell_count: f64,
        viability_pct: f64,
        confluence_pct: f64,
        reason: &str,
    ) -> Result<Observation, ServiceError> {
        actor.require(Role::Operator, "correct an observation")?;
        let mut tx = self.store.begin().await?;
        let o = tx.must_load::<Observation>(id).await?.corrected(
            cell_count,
            viability_pct,
            confluence_pct,
        )?;
        tx.update_record(&o, &ctx(actor, now, "observation.correct", Some(reason)))
            .await?;
        tx.commit().await?;
        Ok(o)
    }

    /// Records that a batch used a raw-material lot (not expired at `used_at`). Role: operator.
    pub async fn record_material_use(
        &self,
        actor: &Actor,
        now: UtcTime,
        batch: &str,
        material_lot: &str,
        quantity: f64,
        unit: &str,
        used_at: UtcTime,
    ) -> Result<MaterialUse, ServiceError> {
        actor.require(Role::Operator, "record material use")?;
        let mut tx = self.store.begin().await?;
        let b = tx.must_load::<CultureBatch>(batch).await?;
        let lot = tx.must_load::<RawMaterialLot>(material_lot).await?;
        crate::recall::refuse_if_recalled(&mut *tx, NodeKind::MaterialLot, lot.id.as_str()).await?;
        let u = MaterialUse::record(&b, &lot, quantity, unit, used_at, now)?;
        let c = ctx(actor, now, "material_use.record", None);
        tx.insert_record(&u, &c).await?;
        link(
            &mut *tx,
            (NodeKind::MaterialLot, lot.id.as_str()),
            (NodeKind::Batch, b.id.as_str()),
            Relation::Used,
            Some(u.quantity),
            &c,
        )
        .await?;
        tx.commit().await?;
        Ok(u)
    }

    /// Switches a batch to serum-free conditioning medium. Role: operator.
    pub async fn start_conditioning(
        &self,
        actor: &Actor,
        now: UtcTime,
        batch: &str,
        medium_lot: &str,
        hours: f64,
        hypoxia: bool,
        at: UtcTime,
    ) -> Result<CultureBatch, ServiceError> {
        actor.require(Role::Operator, "start conditioning")?;
        let mut tx = self.store.begin().await?;
        let b = tx.must_load::<CultureBatch>(batch).await?;
        let medium = tx.must_load::<RawMaterialLot>(medium_lot).await?;
        medium.check_usable(at)?;
        crate::recall::refuse_if_recalled(&mut *tx, NodeKind::MaterialLot, medium.id.as_str())
            .await?;
        let next = b.start_conditioning(medium.id.clone(), hours, hypoxia, at, now)?;
        let c = ctx(actor, now, "batch.condition", None);
        tx.update_record(&next, &c).await?;
        crate::mbr::guided::execute_for_batch(
            &mut *tx,
            actor,
            now,
            batch,
            UseCase::Conditioning,
            &[("hours".into(), hours)],
            at,
            At::default(),
        )
        .await?;
        link(
            &mut *tx,
            (NodeKind::MaterialLot, medium.id.as_str()),
            (NodeKind::Batch, b.id.as_str()),
            Relation::Used,
            None,
            &c,
        )
        .await?;
        tx.commit().await?;
        Ok(next)
    }

    /// Harvests the conditioned medium of a batch. Outside the conditioning window (the stated
    /// duration −10 % … +25 %) it is refused unless `deviation` gives the reason: the harvest then
    /// carries it, the batch record flags it, and pooling opens a deviation QA must close before
    /// release. Role: operator.
    #[allow(clippy::too_many_arguments)]
    pub async fn harvest(
        &self,
        actor: &Actor,
        now: UtcTime,
        batch: &str,
        harvest_id: &str,
        volume_ml: f64,
        at: UtcTime,
        deviation: Option<&str>,
    ) -> Result<Harvest, ServiceError> {
        let place = crate::facility::StepPlace::default();
        self.harvest_at(
            actor, now, batch, harvest_id, volume_ml, at, deviation, &place,
        )
        .await
    }

    /// Harvests with the room/zone and equipment it was done with, checked like a processing
    /// step's (`facility::check_place`): refused, naming the reason, for an unregistered room,
    /// equipment out of calibration or qualification at `at`, or an operator without aseptic
    /// qualification in a grade A zone. The acting operator is recorded. Role: operator.
    #[allow(clippy::too_many_arguments)]
    pub async fn harvest_at(
        &self,
        actor: &Actor,
        now: UtcTime,
        batch: &str,
        harvest_id: &str,
        volume_ml: f64,
        at: UtcTime,
        deviation: Option<&str>,
        place: &crate::facility::StepPlace,
    ) -> Result<Harvest, ServiceError> {
        actor.require(Role::Operator, "harvest")?;
        let id = HarvestId::new(harvest_id)?;
        let (room, equipment) = place.parts();
        let mut tx = self.store.begin().await?;
        crate::facility::check_place(&mut *tx, actor, room, equipment, at).await?;
        let b = tx.must_load::<CultureBatch>(batch).await?;
        let (next, mut h) = b.harvest(id, volume_ml, at, deviation, now)?;
        h.room = room.map(str::to_string);
        h.equipment = equipment.map(str::to_string);
        h.operator = Some(actor.user.clone());
        let mut supplied = vec![("volume_ml".to_string(), h.volume_ml)];
        if let Some(started) = b.conditioning_started_at {
            supplied.push(("conditioning_hours".into(), started.hours_until(at)));
        }
        crate::mbr::guided::execute_for_batch(
            &mut *tx,
            actor,
            now,
            batch,
            UseCase::Harvest,
            &supplied,
            at,
            At { room, equipment },
        )
        .await?;
        let c = ctx(actor, now, "batch.harvest", h.deviation.as_deref());
        tx.update_record(&next, &c).await?;
        tx.insert_record(&h, &c).await?;
        link(
            &mut *tx,
            (NodeKind::Batch, b.id.as_str()),
            (NodeKind::Harvest, h.id.as_str()),
            Relation::Derived,
            Some(h.volume_ml),
            &c,
        )
        .await?;
        tx.commit().await?;
        Ok(h)
    }
}

/// Seeds a batch inside the caller's transaction (the batch and its edge from the bank).
pub(crate) async fn seed_in_tx(
    tx: &mut dyn secretome_store::Tx,
    actor: &Actor,
    now: UtcTime,
    new: NewBatch,
) -> Result<CultureBatch, ServiceError> {
    let id = BatchId::new(new.id)?;
    let vessel = VesselKind::parse("vessel", &new.vessel)?;
    let bank = tx.must_load::<CellBank>(&new.cell_bank).await?;
    let b = CultureBatch::seed(
        id,
        &bank,
        vessel,
        new.vessel_count,
        new.seeding_density,
        new.seeded_at,
        now,
    )?;
    let c = ctx(actor, now, "batch.seed", None);
    tx.insert_record(&b, &c).await?;
    link(
        &mut *tx,
        (NodeKind::CellBank, bank.id.as_str()),
        (NodeKind::Batch, b.id.as_str()),
        Relation::Derived,
        None,
        &c,
    )
    .await?;
    Ok(b)
}

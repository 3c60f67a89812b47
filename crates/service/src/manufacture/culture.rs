//! Culture batches: seeding (`seed_in_tx` also for `seed_batch_from_master`), observations and
//! their corrections, material use, conditioning and harvest — the last two executing the steps
//! their batch's master batch record binds to them (`mbr::guided`).

use crate::{Service, ServiceError, ctx, link, mbr::guided::At};
use secretome_domain::Capability;
use secretome_domain::{
    Actor, UtcTime,
    batch::{CultureBatch, Harvest, Observation, VesselKind},
    culture::CellBank,
    genealogy::{NodeKind, Relation},
    ids::{BatchId, HarvestId},
    material::{MaterialUse, RawMaterialLot},
    mbr::UseCase,
};

use super::{NewBatch, NewObservation};

impl Service {
    /// Seeds a culture batch from a cell bank. Role: operator. (`seed_batch_from_master` seeds
    /// and starts it from a master batch record.)
    pub async fn seed_batch(
        &self,
        actor: &Actor,
        now: UtcTime,
        new: NewBatch,
    ) -> Result<CultureBatch, ServiceError> {
        actor.require_to(Capability::Produce, "seed a culture batch")?;
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
        actor.require_to(Capability::Produce, "record an observation")?;
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
        actor.require_to(Capability::Produce, "correct an observation")?;
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
        actor.require_to(Capability::Produce, "record material use")?;
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
        actor.require_to(Capability::Produce, "start conditioning")?;
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
        actor.require_to(Capability::Produce, "harvest")?;
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

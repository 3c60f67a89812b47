//! Lot use cases: pooling harvests into a lot and its processing steps here; filling vials
//! (`fill`: ISBT 128 DINs, put-away) and QA's release and rejection (`decisions`) — each moving
//! the lot's vials with it in the same transaction. (Recall, which reaches every lot downstream of
//! a lot, raw-material lot or donor, is in `recall.rs`.)

mod decisions;
mod fill;

use crate::{Service, ServiceError, ctx, facility::StepPlace, link, mbr::guided::At};
use secretome_domain::Capability;
use secretome_domain::{
    Actor, UtcTime,
    batch::Harvest,
    genealogy::{NodeKind, Relation},
    ids::LotNumber,
    lot::{Lot, PoolPart},
    mbr::UseCase,
    processing::{ProcessingStep, StepKind},
    qc::Deviation,
};

/// Actions that are QA decisions, not manufacturing steps (they don't bar the signer).
/// `lot.review` is a signed batch-record review (`esign`).
const DECISIONS: &[&str] = &[
    "lot.release",
    "lot.reject",
    "lot.recall",
    "lot.review",
    "vial.release",
    "vial.reject",
    "vial.recall",
];

/// Where filled vials go: a registered freezer and a rack; boxes (`{lot}-B01`, …) of the freezer's
/// grid are filled in order.
#[derive(Debug, Clone)]
pub struct Placement {
    pub freezer: String,
    pub rack: String,
}

impl Service {
    /// Pools harvests (id, mL) into a new lot (プール). Role: operator.
    pub async fn pool_lot(
        &self,
        actor: &Actor,
        now: UtcTime,
        lot: &str,
        product: &str,
        parts: &[(String, f64)],
    ) -> Result<Lot, ServiceError> {
        actor.require_to(Capability::Produce, "create a lot")?;
        let id = LotNumber::new(lot)?;
        let mut tx = self.store.begin().await?;
        let mut pool = Vec::with_capacity(parts.len());
        for (h, ml) in parts {
            pool.push(PoolPart {
                harvest: tx.must_load::<Harvest>(h).await?,
                volume_ml: *ml,
            });
        }
        let (lot, harvests) = Lot::pool(id, product, &pool, now)?;
        let c = ctx(actor, now, "lot.pool", None);
        tx.insert_record(&lot, &c).await?;
        for (h, part) in harvests.iter().zip(&pool) {
            tx.update_record(h, &c).await?;
            link(
                &mut *tx,
                (NodeKind::Harvest, h.id.as_str()),
                (NodeKind::Lot, lot.id.as_str()),
                Relation::Pooled,
                Some(part.volume_ml),
                &c,
            )
            .await?;
        }
        // A harvest recorded outside its conditioning window becomes the lot's deviation: QA must
        // close it before the lot can be released.
        let mut n = 0;
        for h in harvests.iter().filter(|h| h.deviation.is_some()) {
            n += 1;
            let d = Deviation::open(
                format!("{}/DEV-{n:02}", lot.id),
                &lot,
                None,
                None,
                &format!(
                    "harvest {} outside the conditioning window: {}",
                    h.id,
                    h.deviation.as_deref().unwrap_or_default()
                ),
                &actor.user,
                now,
            )?;
            tx.insert_record(&d, &ctx(actor, now, "deviation.open", None))
                .await?;
        }
        tx.commit().await?;
        Ok(lot)
    }

    /// Records a processing step on a lot in process, with no room or equipment. Role: operator.
    pub async fn record_processing_step(
        &self,
        actor: &Actor,
        now: UtcTime,
        lot: &str,
        step: StepKind,
        performed_at: UtcTime,
    ) -> Result<ProcessingStep, ServiceError> {
        self.record_processing_step_at(actor, now, lot, step, performed_at, &StepPlace::default())
            .await
    }

    /// Records a processing step with the room/zone it was done in and the equipment used:
    /// refused, with the reason named, when the room is not registered, the equipment is out of
    /// calibration or qualification at `performed_at`, or the room is a grade A zone and the acting
    /// operator's aseptic qualification is not in force. Role: operator.
    pub async fn record_processing_step_at(
        &self,
        actor: &Actor,
        now: UtcTime,
        lot: &str,
        step: StepKind,
        performed_at: UtcTime,
        place: &StepPlace,
    ) -> Result<ProcessingStep, ServiceError> {
        actor.require_to(Capability::Produce, "record a processing step")?;
        let room = place
            .room
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty());
        let equipment = place
            .equipment
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty());
        let mut tx = self.store.begin().await?;
        crate::facility::check_place(&mut *tx, actor, room, equipment, performed_at).await?;
        let l = tx.must_load::<Lot>(lot).await?;
        let mut steps = tx
            .list::<ProcessingStep>(Some(("lot", l.id.as_str())))
            .await?;
        steps.sort_by_key(|s| s.seq);
        let seq = steps.len() as i64 + 1;
        let (use_case, supplied) = UseCase::of_processing(&step);
        let mut s = ProcessingStep::new(&l, seq, step, performed_at, steps.last(), now)?;
        crate::mbr::guided::execute_for_lot(
            &mut *tx,
            actor,
            now,
            lot,
            use_case,
            &supplied,
            performed_at,
            At { room, equipment },
        )
        .await?;
        s.room = room.map(str::to_string);
        s.equipment = equipment.map(str::to_string);
        s.operator = Some(actor.user.clone());
        tx.insert_record(&s, &ctx(actor, now, "processing.record", None))
            .await?;
        tx.commit().await?;
        Ok(s)
    }
}

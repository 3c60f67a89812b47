//! QA's decisions on a lot — release (with segregation of duties: nobody who recorded a step of
//! the lot) and rejection — moving its vials with it in the same transaction.

use super::DECISIONS;
use crate::{Service, ServiceError, ctx, qc::QcRecords};
use secretome_domain::Capability;
use secretome_domain::DomainError;
use secretome_domain::{Actor, UtcTime, genealogy::NodeKind, ids::UserName, lot::Lot, vial::Vial};
use secretome_store::{Direction, Table, Tx};
use std::collections::BTreeSet;

impl Service {
    /// Everyone who recorded a step of this lot's manufacture: batches and their observations and
    /// material use, harvests, the lot itself, its processing steps, sterilising filtrations and
    /// integrity tests, and its vials.
    pub async fn lot_participants(&self, lot: &str) -> Result<BTreeSet<String>, ServiceError> {
        let mut entities: Vec<(Table, String)> = vec![(Table::Lot, lot.to_string())];
        for e in self
            .store
            .trace(Direction::Backward, NodeKind::Lot, lot)
            .await?
        {
            match e.parent_kind {
                NodeKind::Harvest => entities.push((Table::Harvest, e.parent_id.clone())),
                NodeKind::Batch => {
                    entities.push((Table::Batch, e.parent_id.clone()));
                    for t in [Table::Observation, Table::MaterialUse] {
                        for s in self.store.select(t, Some(("batch", &e.parent_id))).await? {
                            entities.push((t, s.id().to_string()));
                        }
                    }
                }
                _ => {}
            }
        }
        for t in [
            Table::ProcessingStep,
            Table::Vial,
            Table::SterileFiltration,
            Table::IntegrityTest,
        ] {
            for s in self.store.select(t, Some(("lot", lot))).await? {
                entities.push((t, s.id().to_string()));
            }
        }
        Ok(self.store.actors_for(&entities, DECISIONS).await?)
    }

    /// QA release (出荷可). Refused, listing every reason, when a test of the lot's specification
    /// has no result, a result fails without an approved deviation covering it, a deviation is
    /// open, or the signer recorded any step of this lot. Vials become available. Role: qa.
    pub async fn release_lot(
        &self,
        actor: &Actor,
        now: UtcTime,
        lot: &str,
        reason: &str,
    ) -> Result<Lot, ServiceError> {
        actor.require_to(Capability::AssureQuality, "release a lot")?;
        // Checked under the chain lock: nothing can change between the check and the decision.
        let mut tx = self.store.begin().await?;
        let l = tx.must_load::<Lot>(lot).await?;
        l.release(&actor.user, &[], reason, now)?; // state and reason first
        let recalls = Service::recalls_covering(&mut *tx, lot).await?;
        if !recalls.is_empty() {
            return Err(
                DomainError::Rule(secretome_domain::Rule::ReleaseUnderRecall {
                    lot: lot.to_string(),
                    recalls,
                })
                .into(),
            );
        }
        let participants = self.lot_participants(lot).await?;
        let blockers =
            QcRecords::in_tx(&mut *tx, &l)
                .await?
                .blockers(&l, &participants, Some(&actor.user));
        if !blockers.is_empty() {
            return Err(DomainError::ReleaseBlocked {
                lot: l.id.to_string(),
                blockers,
            }
            .into());
        }
        let signers: Vec<UserName> = participants
            .into_iter()
            .filter_map(|u| UserName::new(u).ok())
            .collect();
        self.decide_in(
            tx,
            actor,
            now,
            lot,
            reason,
            "release",
            |l| l.release(&actor.user, &signers, reason, now),
            |v| v.make_available().map(Some),
        )
        .await
    }

    /// QA rejection (不合格): the vials are destroyed. Role: qa.
    pub async fn reject_lot(
        &self,
        actor: &Actor,
        now: UtcTime,
        lot: &str,
        reason: &str,
    ) -> Result<Lot, ServiceError> {
        actor.require_to(Capability::AssureQuality, "reject a lot")?;
        self.decide(
            actor,
            now,
            lot,
            reason,
            "reject",
            |l| l.reject(&actor.user, reason, now),
            // Vials already blocked by a recall or expired stay as they are.
            |v| {
                if v.status.is_terminal() {
                    Ok(None)
                } else {
                    v.destroy().map(Some)
                }
            },
        )
        .await
    }

    /// One QA decision in one transaction: the lot's transition, then each of its vials'
    /// (`lot.<verb>` and `vial.<verb>` events, both carrying the reason).
    #[allow(clippy::too_many_arguments)]
    async fn decide(
        &self,
        actor: &Actor,
        now: UtcTime,
        lot: &str,
        reason: &str,
        verb: &str,
        on_lot: impl FnOnce(&Lot) -> Result<Lot, DomainError>,
        on_vial: impl Fn(&Vial) -> Result<Option<Vial>, DomainError>,
    ) -> Result<Lot, ServiceError> {
        let tx = self.store.begin().await?;
        self.decide_in(tx, actor, now, lot, reason, verb, on_lot, on_vial)
            .await
    }

    /// `decide` inside a transaction the caller began (and may have read from).
    #[allow(clippy::too_many_arguments)]
    async fn decide_in(
        &self,
        mut tx: Box<dyn Tx>,
        actor: &Actor,
        now: UtcTime,
        lot: &str,
        reason: &str,
        verb: &str,
        on_lot: impl FnOnce(&Lot) -> Result<Lot, DomainError>,
        on_vial: impl Fn(&Vial) -> Result<Option<Vial>, DomainError>,
    ) -> Result<Lot, ServiceError> {
        let next = on_lot(&tx.must_load::<Lot>(lot).await?)?;
        tx.update_record(
            &next,
            &ctx(actor, now, &format!("lot.{verb}"), Some(reason)),
        )
        .await?;
        let c = ctx(actor, now, &format!("vial.{verb}"), Some(reason));
        for v in tx.list::<Vial>(Some(("lot", lot))).await? {
            if let Some(moved) = on_vial(&v)? {
                tx.update_record(&moved, &c).await?;
            }
        }
        tx.commit().await?;
        Ok(next)
    }
}

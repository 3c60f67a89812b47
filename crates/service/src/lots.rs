//! Lot use cases: pooling harvests into a lot, processing steps, filling vials, and QA's release
//! and rejection — each moving the lot's vials with it in the same transaction. (Recall, which
//! reaches every lot downstream of a lot, raw-material lot or donor, is in `recall.rs`.)

use crate::{
    Service, ServiceError, ctx, facility::StepPlace, link, mbr::guided::At, qc::QcRecords,
};
use secretome_domain::Capability;
use secretome_domain::DomainError;
use secretome_domain::{
    Actor, UtcTime,
    batch::Harvest,
    genealogy::{NodeKind, Relation},
    ids::{LotNumber, UserName},
    lot::{Lot, PoolPart},
    mbr::UseCase,
    processing::{ProcessingStep, StepKind},
    qc::{Deviation, Specification},
    vial::Vial,
};
use secretome_store::{Direction, Table, Tx};
use std::collections::BTreeSet;

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

    /// Fills vials from a lot (充填), which needs a sterilising (≤ 0.22 µm) filtration whose filter
    /// failed no integrity test; the lot goes to quarantine and records the specification
    /// version of its product in force now (refused if there is none). The expiry may not be later
    /// than filling + the product's shelf life. With a placement, the freezer must be registered
    /// and each vial's put-away is recorded as its first move (`{vial}-MV-001`). Role: operator.
    pub async fn fill_vials(
        &self,
        actor: &Actor,
        now: UtcTime,
        lot: &str,
        count: i64,
        fill_volume_ml: f64,
        expires_at: UtcTime,
        place: Option<&Placement>,
    ) -> Result<Vec<Vial>, ServiceError> {
        let at = StepPlace::default();
        self.fill_vials_at(
            actor,
            now,
            lot,
            count,
            fill_volume_ml,
            expires_at,
            place,
            &at,
        )
        .await
    }

    /// Fills vials (as `fill_vials`) recording the room/zone and equipment of the filling, checked
    /// like a processing step's (`facility::check_place`, at `now`): refused, naming the reason,
    /// for an unregistered room, equipment out of calibration or qualification, or an operator
    /// without aseptic qualification in a grade A zone. The acting operator is recorded.
    #[allow(clippy::too_many_arguments)]
    pub async fn fill_vials_at(
        &self,
        actor: &Actor,
        now: UtcTime,
        lot: &str,
        count: i64,
        fill_volume_ml: f64,
        expires_at: UtcTime,
        place: Option<&Placement>,
        at: &StepPlace,
    ) -> Result<Vec<Vial>, ServiceError> {
        actor.require_to(Capability::Produce, "fill vials")?;
        let (room, equipment) = at.parts();
        let mut tx = self.store.begin().await?;
        crate::facility::check_place(&mut *tx, actor, room, equipment, now).await?;
        let l = tx.must_load::<Lot>(lot).await?;
        let recalls = Service::recalls_covering(&mut *tx, lot).await?;
        if !recalls.is_empty() {
            return Err(DomainError::Rule(secretome_domain::Rule::FillUnderRecall {
                lot: lot.to_string(),
                recalls,
            })
            .into());
        }
        let mut steps = tx
            .list::<ProcessingStep>(Some(("lot", l.id.as_str())))
            .await?;
        steps.sort_by_key(|s| s.seq);
        if let Some(last) = steps.last() {
            secretome_domain::plausible::not_before(
                "filled_at",
                now,
                last.performed_at,
                &format!("the last processing step {}", last.id),
            )?;
        }
        let (mut next, mut vials) = l.fill(count, fill_volume_ml, expires_at, now)?;
        next.fill_room = room.map(str::to_string);
        next.fill_equipment = equipment.map(str::to_string);
        next.filled_by = Some(actor.user.clone());
        crate::facility::require_sterile_filtration(&mut *tx, lot).await?;
        crate::mbr::require_steps_before_filling(&mut *tx, lot).await?;
        crate::mbr::guided::execute_for_lot(
            &mut *tx,
            actor,
            now,
            lot,
            UseCase::Filling,
            &[
                ("fill_volume".into(), fill_volume_ml),
                ("count".into(), count as f64),
            ],
            now,
            At { room, equipment },
        )
        .await?;
        // The lot is tested against the specification version in force now, whatever comes later.
        let versions = tx
            .list::<Specification>(Some(("product", l.product.as_str())))
            .await?;
        next.specification = Some(
            Specification::in_force(&versions, &l.product, now)?
                .id
                .clone(),
        );
        crate::inventory::check_shelf_life(&mut *tx, &l.product, expires_at, now).await?;
        assign_isbt(
            &mut *tx,
            &mut next,
            &mut vials,
            &ctx(actor, now, "lot.fill", None),
            now,
        )
        .await?;
        if let Some(p) = place {
            crate::inventory::place_filled(&mut *tx, p, &l.id, &mut vials).await?;
        }
        let c = ctx(actor, now, "lot.fill", None);
        tx.update_record(&next, &c).await?;
        for v in &vials {
            tx.insert_record(v, &c).await?;
            if let Some(put_away) = crate::inventory::put_away(v, actor, now) {
                tx.insert_record(&put_away, &c).await?;
            }
            link(
                &mut *tx,
                (NodeKind::Lot, l.id.as_str()),
                (NodeKind::Vial, v.id.as_str()),
                Relation::Split,
                Some(v.fill_volume_ml),
                &c,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(vials)
    }

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

/// Gives the lot its ISBT 128 DIN(s) — the facility's FIN, the two-digit year of filling, the next
/// sequence number of that FIN and year; one DIN per 676 vials — and each new vial the product code
/// of its container: the product's description code, the collection type of the lot's donors
/// (`1` autologous, `V` allogeneic) and its division (`A0`…`Z0`, or `Aa`…`Zz` above 26 vials per
/// DIN). See docs/isbt128.md. Refused, naming what is missing, when the FIN or the product's code
/// is not configured, or the donors do not decide the collection type: nothing is guessed.
async fn assign_isbt(
    tx: &mut dyn Tx,
    lot: &mut Lot,
    vials: &mut [Vial],
    c: &crate::AuditCtx,
    now: UtcTime,
) -> Result<(), ServiceError> {
    use secretome_domain::Rule;
    use secretome_domain::isbt::{self, Fin};
    use secretome_domain::qc::Product;
    use secretome_domain::site::{DinSequence, SETTING_FIN, Setting};
    let rule = |r: Rule| ServiceError::from(DomainError::Rule(r));
    let product = lot.product.clone();
    let fin = tx.load::<Setting>(SETTING_FIN).await?.ok_or_else(|| {
        rule(Rule::FinNotConfigured {
            setting: SETTING_FIN.to_string(),
        })
    })?;
    let fin = Fin::parse(&fin.value).map_err(|e| {
        rule(Rule::FinInvalid {
            detail: e.to_string(),
        })
    })?;
    let p = tx.must_load::<Product>(&product).await?;
    let code = p.isbt_code.as_deref().ok_or_else(|| {
        rule(Rule::NoProductCode {
            product: product.to_string(),
        })
    })?;
    let collection = isbt::collection_type(lot.id.as_str(), &lot_donors(tx, lot).await?)?;
    let year = (jiff::tz::TimeZone::UTC.to_datetime(now.timestamp()).year() % 100) as u8;
    let key = format!("{fin}{year:02}");
    let existing = tx.load::<DinSequence>(&key).await?;
    let first = existing.as_ref().map_or(1, |s| s.next);
    let first = u32::try_from(first).unwrap_or(u32::MAX);
    let identity = isbt::assign(fin, year, first, code, collection, vials.len()).map_err(|e| {
        rule(Rule::DinExhausted {
            key: key.clone(),
            detail: e.to_string(),
        })
    })?;
    for (v, id) in vials.iter_mut().zip(&identity.containers) {
        v.din = Some(id.din.to_string());
        v.product_code = Some(id.product_code.to_string());
    }
    lot.dins = Some(identity.dins.iter().map(ToString::to_string).collect());
    let seq = DinSequence {
        id: key,
        next: i64::from(identity.next_sequence(first)),
    };
    if existing.is_some() {
        tx.update_record(&seq, c).await?;
    } else {
        tx.insert_record(&seq, c).await?;
    }
    Ok(())
}

/// The donors upstream of a lot (donor → tissue → bank → batch → harvest → lot), with the patient
/// each one is when the donation is autologous.
pub(crate) async fn lot_donors(
    tx: &mut dyn Tx,
    lot: &Lot,
) -> Result<Vec<secretome_domain::isbt::LotDonor>, ServiceError> {
    use secretome_domain::donor::Donor;
    let codes: BTreeSet<String> = tx
        .trace(Direction::Backward, NodeKind::Lot, lot.id.as_str())
        .await?
        .into_iter()
        .filter(|e| e.parent_kind == NodeKind::Donor)
        .map(|e| e.parent_id)
        .collect();
    let mut donors = Vec::with_capacity(codes.len());
    for code in codes {
        let d = tx.must_load::<Donor>(&code).await?;
        donors.push(secretome_domain::isbt::LotDonor {
            donor: d.id,
            autologous_for: d.autologous_for,
        });
    }
    Ok(donors)
}

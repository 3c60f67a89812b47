//! Filling a lot into vials (充填): the sterilising filtration and the master's filling step
//! checked, the specification in force recorded, ISBT 128 DINs and product codes assigned, and
//! the vials put away — in one transaction.

use crate::{Service, ServiceError, ctx, facility::StepPlace, link, mbr::guided::At};
use secretome_domain::Capability;
use secretome_domain::DomainError;
use secretome_domain::{
    Actor, UtcTime,
    genealogy::{NodeKind, Relation},
    lot::Lot,
    mbr::UseCase,
    processing::ProcessingStep,
    qc::Specification,
    vial::Vial,
};
use secretome_store::{Direction, Tx};
use std::collections::BTreeSet;

use super::Placement;

impl Service {
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
                (
                    &format!("the last processing step {}", last.id),
                    &format!("最後の加工工程 {}", last.id),
                ),
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

//! Shipment use cases (出荷・輸送・受領, issue 16): packing scanned vials at the facility into a
//! shipper with a data logger, dispatch, receipt at the clinic (vials scanned again, condition on
//! arrival), importing the logger's CSV export, and QA's decision on a quarantined shipment. An
//! excursion (a reading warmer than the products' transport limit) quarantines exactly the
//! shipment's vials, in the same transaction as the import. Each action is one transaction with
//! its audit events. `dispensable_at` is the site rule dispensing applies.

use crate::{Service, ServiceError, clinical::find_vial, ctx};
use secretome_domain::Capability;
use secretome_domain::Why;
use secretome_domain::{
    Actor, DomainError, UtcTime,
    ids::{SiteCode, VialId},
    inventory::{Freezer, Location, VialMove},
    lot::{Lot, LotStatus},
    qc::Product,
    shipment::{ArrivalCondition, Shipment, ShipmentItem, ShipmentStatus, ShipperType, logger},
    site::{Site, User},
    vial::{Vial, VialStatus},
};
use secretome_store::{PageQuery, Table, Tx};

/// A shipment as packed: the vials scanned (ids or DINs), for the clinic `to_site`.
#[derive(Debug, Clone, Default)]
pub struct NewShipment {
    pub id: String,
    pub to_site: String,
    pub vials: Vec<String>,
    pub shipper: String,
    pub logger_id: String,
}

impl Service {
    /// Packs a shipment (梱包): every scanned vial must be available, of a released lot, in a
    /// freezer at one site (the sending site); each leaves its position (a move is recorded).
    /// Role: operator.
    pub async fn pack_shipment(
        &self,
        actor: &Actor,
        now: UtcTime,
        new: NewShipment,
    ) -> Result<Shipment, ServiceError> {
        actor.require_to(Capability::Produce, "pack a shipment")?;
        let shipper = ShipperType::parse(&new.shipper)?;
        let to_site = SiteCode::new(new.to_site.trim())?;
        let mut tx = self.store.begin().await?;
        tx.must_load::<Site>(to_site.as_str()).await?;
        let mut vials = Vec::new();
        let mut storage = Vec::new();
        let mut from: Option<SiteCode> = None;
        let mut problems = Vec::new();
        for typed in new.vials.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
            let v = find_vial(&mut *tx, typed).await?;
            let lot = tx.must_load::<Lot>(v.lot.as_str()).await?;
            if lot.status != LotStatus::Released || v.status != VialStatus::Available {
                problems.push(Why::said(
                    format!(
                        "{} is {} (lot {} {})",
                        v.id,
                        v.status.as_str(),
                        lot.id,
                        lot.status.as_str()
                    ),
                    format!(
                        "{} は出荷できる状態ではありません (バイアル {}, ロット {} {})",
                        v.id,
                        v.status.as_str(),
                        lot.id,
                        lot.status.as_str()
                    ),
                ));
                continue;
            }
            if now >= v.expires_at {
                problems.push(Why::said(
                    format!("{} expired at {}", v.id, v.expires_at),
                    format!("{} は有効期限切れです ({})", v.id, v.expires_at),
                ));
                continue;
            }
            match freezer_of(&mut *tx, &v).await? {
                Some(f) if from.as_ref().is_none_or(|s| *s == f.site) => from = Some(f.site),
                Some(f) => problems.push(Why::said(
                    format!(
                        "{} is at {}, the other vials at {}",
                        v.id,
                        f.site,
                        from.as_ref().map_or("—", |s| s.as_str())
                    ),
                    format!(
                        "{} は {} にあり、他のバイアルは {} にあります",
                        v.id,
                        f.site,
                        from.as_ref().map_or("—", |s| s.as_str())
                    ),
                )),
                None => problems.push(Why::said(
                    format!("{} is not in a freezer", v.id),
                    format!("{} は保管庫にありません", v.id),
                )),
            }
            storage.push(
                tx.must_load::<Product>(&lot.product)
                    .await?
                    .storage_temperature_c,
            );
            vials.push(v);
        }
        if !problems.is_empty() {
            return Err(DomainError::invalid("vials", Why::All(problems)).into());
        }
        let from = from.ok_or_else(|| {
            DomainError::invalid(
                "vials",
                secretome_domain::Why::said(
                    "scan at least one vial",
                    "バイアルを 1 本以上スキャンしてください",
                ),
            )
        })?;
        let s = Shipment::pack(
            &new.id,
            from,
            to_site,
            vials.iter().map(|v| v.id.clone()).collect(),
            shipper,
            &new.logger_id,
            &storage,
            actor.user.clone(),
            now,
        )?;
        if tx.load::<Shipment>(&s.id).await?.is_some() {
            return Err(DomainError::invalid(
                "id",
                secretome_domain::Why::said(
                    format!("shipment {} exists already", s.id),
                    format!("この出荷番号は既に使われています ({})", s.id),
                ),
            )
            .into());
        }
        let c = ctx(actor, now, "shipment.pack", None);
        tx.insert_record(&s, &c).await?;
        for item in ShipmentItem::of(&s) {
            tx.insert_record(&item, &c).await?;
        }
        for v in &vials {
            let packed = v.pack()?;
            let n = tx
                .select(Table::VialMove, Some(("vial", v.id.as_str())))
                .await?
                .len()
                + 1;
            let mv = VialMove {
                id: format!("{}-MV-{n:03}", v.id),
                vial: v.id.clone(),
                from_location: v.location.clone(),
                to_location: None,
                moved_at: now,
                moved_by: actor.user.clone(),
                reason: Some(format!("出荷 {} に梱包", s.id)),
            };
            tx.update_record(&packed, &c).await?;
            tx.insert_record(&mv, &c).await?;
        }
        tx.commit().await?;
        Ok(s)
    }

    /// Hands a packed shipment to the carrier (出荷). Role: operator.
    pub async fn dispatch_shipment(
        &self,
        actor: &Actor,
        now: UtcTime,
        id: &str,
    ) -> Result<Shipment, ServiceError> {
        actor.require_to(Capability::Produce, "dispatch a shipment")?;
        let mut tx = self.store.begin().await?;
        let s = tx.must_load::<Shipment>(id.trim()).await?;
        let next = s.dispatch(actor.user.clone(), now)?;
        tx.update_record(&next, &ctx(actor, now, "shipment.dispatch", None))
            .await?;
        tx.commit().await?;
        Ok(next)
    }

    /// Receives a shipment at the acting user's site (受領): every packed vial scanned, no other;
    /// the condition on arrival. Not intact, or an excursion already imported, quarantines the
    /// vials. Role: physician or operator (clinic staff).
    pub async fn receive_shipment(
        &self,
        actor: &Actor,
        now: UtcTime,
        id: &str,
        scanned: &[String],
        condition: &str,
    ) -> Result<Shipment, ServiceError> {
        actor.require_to(Capability::ReceiveShipment, "receive a shipment")?;
        let condition = ArrivalCondition::parse(condition)?;
        let mut tx = self.store.begin().await?;
        let s = tx.must_load::<Shipment>(id.trim()).await?;
        let user = tx.must_load::<User>(actor.user.as_str()).await?;
        let mut ids = Vec::new();
        for typed in scanned.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
            ids.push(match find_vial(&mut *tx, typed).await {
                Ok(v) => v.id,
                Err(_) => VialId::new(typed)?,
            });
        }
        let next = s.receive(&user.site, &ids, condition, actor.user.clone(), now)?;
        let c = ctx(actor, now, "shipment.receive", None);
        tx.update_record(&next, &c).await?;
        if next.status == ShipmentStatus::Quarantined {
            quarantine(&mut *tx, &next, actor, now).await?;
        }
        tx.commit().await?;
        Ok(next)
    }

    /// Imports the logger's CSV export (`file` its name; times without an offset are read in the
    /// receiving site's zone). An excursion quarantines the shipment's vials in the same
    /// transaction. Role: operator, physician or QA.
    pub async fn import_shipment_log(
        &self,
        actor: &Actor,
        now: UtcTime,
        id: &str,
        file: &str,
        body: &str,
    ) -> Result<Shipment, ServiceError> {
        actor.require_to(Capability::LogShipment, "import a logger file")?;
        let mut tx = self.store.begin().await?;
        let s = tx.must_load::<Shipment>(id.trim()).await?;
        let site = tx.must_load::<Site>(s.to_site.as_str()).await?;
        let tz = jiff::tz::TimeZone::get(&site.time_zone).unwrap_or(jiff::tz::TimeZone::UTC);
        let (_, readings) = logger::parse(file, body, &tz)?;
        let next = s.import_log(file, readings)?;
        let reason = next.excursion.as_ref().map(|e| e.describe());
        let c = ctx(actor, now, "shipment.log", reason.as_deref());
        tx.update_record(&next, &c).await?;
        if next.status == ShipmentStatus::Quarantined && s.status != ShipmentStatus::Quarantined {
            quarantine(&mut *tx, &next, actor, now).await?;
        }
        tx.commit().await?;
        Ok(next)
    }

    /// QA's decision on a quarantined shipment: `release` (with the reason) makes its vials
    /// available again; otherwise they are destroyed. Role: QA.
    pub async fn decide_shipment(
        &self,
        actor: &Actor,
        now: UtcTime,
        id: &str,
        release: bool,
        reason: &str,
    ) -> Result<Shipment, ServiceError> {
        actor.require_to(
            Capability::AssureQuality,
            "decide on a quarantined shipment",
        )?;
        let mut tx = self.store.begin().await?;
        let s = tx.must_load::<Shipment>(id.trim()).await?;
        let next = s.decide(release, reason, actor.user.clone(), now)?;
        let action = if release {
            "shipment.release"
        } else {
            "shipment.reject"
        };
        let c = ctx(actor, now, action, next.decision_reason.as_deref());
        tx.update_record(&next, &c).await?;
        let mut changed = Vec::new();
        for id in &next.vials {
            let v = tx.must_load::<Vial>(id.as_str()).await?;
            if v.status != VialStatus::Quarantine {
                continue;
            }
            changed.push((
                if release {
                    v.make_available()?
                } else {
                    v.destroy()?
                },
                c.clone(),
            ));
        }
        tx.update_records(&changed).await?;
        tx.commit().await?;
        Ok(next)
    }

    /// One page of shipments, newest packed first (`status` filters when given).
    pub async fn shipments(
        &self,
        status: Option<&str>,
        limit: usize,
    ) -> Result<Vec<Shipment>, ServiceError> {
        let mut q = PageQuery::newest("packed_at", limit.clamp(1, 200));
        if let Some(st) = status {
            let st = ShipmentStatus::parse(st)?;
            q.conds = vec![secretome_store::Cond::Eq("status", st.as_str().to_string())];
        }
        Ok(self.store.page_of::<Shipment>(&q).await?.rows)
    }

    /// A shipment by id.
    pub async fn shipment(&self, id: &str) -> Result<Shipment, ServiceError> {
        self.store
            .fetch::<Shipment>(id.trim())
            .await?
            .ok_or_else(|| ServiceError::NotFound {
                what: "shipment",
                id: id.to_string(),
            })
    }
}

/// Puts exactly the shipment's available vials back in quarantine (one audit event each).
async fn quarantine(
    tx: &mut dyn Tx,
    s: &Shipment,
    actor: &Actor,
    now: UtcTime,
) -> Result<(), ServiceError> {
    let reason = match &s.excursion {
        Some(e) => format!("shipment {}: {}", s.id, e.describe()),
        None => format!(
            "shipment {} arrived {}",
            s.id,
            s.condition.map_or("—", |c| c.as_str())
        ),
    };
    let c = ctx(actor, now, "vial.quarantine", Some(&reason));
    let mut changed = Vec::new();
    for id in &s.vials {
        let v = tx.must_load::<Vial>(id.as_str()).await?;
        if let Some(q) = v.quarantine_for_excursion() {
            changed.push((q, c.clone()));
        }
    }
    tx.update_records(&changed).await?;
    Ok(())
}

/// The freezer a vial sits in, if any.
async fn freezer_of(tx: &mut dyn Tx, v: &Vial) -> Result<Option<Freezer>, ServiceError> {
    let Some(loc) = v.location.as_deref() else {
        return Ok(None);
    };
    let loc = Location::parse(loc)?;
    Ok(tx.load::<Freezer>(&loc.freezer).await?)
}

/// The rule dispensing applies, part one: a vial that was ever shipped is dispensed only at the
/// site its latest shipment was received at (or released there by QA) — not in transit, not
/// from a quarantined or rejected shipment. `Ok(false)`: never shipped (see `in_freezer_at`).
pub(crate) async fn received_at(
    tx: &mut dyn Tx,
    v: &Vial,
    site: &SiteCode,
) -> Result<bool, ServiceError> {
    let latest = tx
        .select(Table::ShipmentItem, Some(("vial", v.id.as_str())))
        .await?
        .iter()
        .map(|s| s.to_record::<ShipmentItem>())
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .max_by_key(|i| i.packed_at);
    let Some(item) = latest else {
        return Ok(false);
    };
    let s = tx.must_load::<Shipment>(&item.shipment).await?;
    s.usable_at(site)?;
    Ok(true)
}

/// Part two, for a vial never shipped: it is dispensed only at the site of the freezer it sits in.
pub(crate) async fn in_freezer_at(
    tx: &mut dyn Tx,
    v: &Vial,
    site: &SiteCode,
) -> Result<(), ServiceError> {
    match freezer_of(tx, v).await? {
        Some(f) if &f.site == site => Ok(()),
        Some(f) => Err(DomainError::Rule(secretome_domain::Rule::VialAtOtherSite {
            vial: v.id.to_string(),
            site: f.site.to_string(),
            freezer: f.id.to_string(),
            here: site.to_string(),
        })
        .into()),
        None => Err(DomainError::Rule(secretome_domain::Rule::VialWithoutSite {
            vial: v.id.to_string(),
        })
        .into()),
    }
}

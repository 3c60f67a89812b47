//! Inventory use cases (在庫管理): registering freezers, moving a vial to another position
//! (`freezer/rack/box/A1`, checked against the freezer's box grid and refused when the position
//! is taken, naming the vial there), and the expiry sweep that marks unused vials past their
//! expiry as expired. Every move is a `VialMove` row (`{vial}-MV-{n:03}`) with its audit event.
//! The reads for pages (freezer map, vial detail) are in `inventory_queries`.

use crate::{Placement, Service, ServiceError, ctx};
use secretome_domain::Capability;
use secretome_domain::{
    Actor, DomainError, UtcTime,
    ids::{FreezerId, LotNumber, SiteCode, VialId},
    inventory::{Freezer, Location, VialMove},
    qc::Product,
    vial::{Vial, VialStatus},
};
use secretome_store::{Cond, PageQuery, Table, Tx};

/// A freezer as entered.
#[derive(Debug, Clone)]
pub struct NewFreezer {
    pub id: String,
    pub name: String,
    pub site: String,
    pub temperature_c: f64,
    pub box_rows: i64,
    pub box_cols: i64,
}

/// Vials expired per transaction by the sweep: small enough that one chain-lock hold stays short
/// (see BENCHMARKS, "Short write transactions").
pub const SWEEP_CHUNK: usize = 500;

impl Service {
    /// Registers a freezer (or LN₂ tank) and the grid of its boxes. Role: admin.
    pub async fn create_freezer(
        &self,
        actor: &Actor,
        now: UtcTime,
        new: NewFreezer,
    ) -> Result<Freezer, ServiceError> {
        actor.require_to(Capability::Administer, "register a freezer")?;
        let f = Freezer::new(
            FreezerId::new(new.id.trim())?,
            &new.name,
            SiteCode::new(new.site.trim())?,
            new.temperature_c,
            new.box_rows,
            new.box_cols,
            now,
        )?;
        let mut tx = self.store.begin().await?;
        tx.must_load::<secretome_domain::site::Site>(f.site.as_str())
            .await?;
        tx.insert_record(&f, &ctx(actor, now, "freezer.create", None))
            .await?;
        tx.commit().await?;
        Ok(f)
    }

    /// Moves a vial to `to` (`freezer/rack/box/A1`). Refused when the freezer is not registered,
    /// the position is outside its box grid, another vial is there (named), or the vial has left
    /// storage (dispensed, administered, destroyed, …). Role: operator.
    pub async fn move_vial(
        &self,
        actor: &Actor,
        now: UtcTime,
        vial: &str,
        to: &str,
        reason: Option<&str>,
    ) -> Result<VialMove, ServiceError> {
        actor.require_to(Capability::Produce, "move a vial")?;
        let loc = Location::parse(to)?;
        let reason = reason.map(str::trim).filter(|r| !r.is_empty());
        let mut tx = self.store.begin().await?;
        let v = tx
            .must_load::<Vial>(VialId::new(vial.trim())?.as_str())
            .await?;
        let target = loc.to_string();
        let moved = v.store_at(&target)?;
        if v.location.as_deref() == Some(target.as_str()) {
            return Err(DomainError::invalid(
                "location",
                secretome_domain::Why::said(
                    format!("vial {} is already at {target}", v.id),
                    format!("バイアル {} は既にその位置 ({target}) にあります", v.id),
                ),
            )
            .into());
        }
        let f = check_place(&mut *tx, &loc, Some(&v.id)).await?;
        let lot = tx
            .must_load::<secretome_domain::lot::Lot>(v.lot.as_str())
            .await?;
        let product = tx.must_load::<Product>(&lot.product).await?;
        f.check_cold_enough(product.id.as_str(), product.storage_temperature_c)?;
        let n = tx
            .select(Table::VialMove, Some(("vial", v.id.as_str())))
            .await?
            .len()
            + 1;
        let mv = VialMove {
            id: format!("{}-MV-{n:03}", v.id),
            vial: v.id.clone(),
            from_location: v.location.clone(),
            to_location: Some(target),
            moved_at: now,
            moved_by: actor.user.clone(),
            reason: reason.map(str::to_string),
        };
        let c = ctx(actor, now, "vial.move", reason);
        tx.update_record(&moved, &c).await?;
        tx.insert_record(&mv, &c).await?;
        tx.commit().await?;
        Ok(mv)
    }

    /// The expiry sweep (期限切れ処理): every quarantined or available vial whose expiry is at or
    /// before `now` becomes `expired`, one audit event per vial, in transactions of at most
    /// `SWEEP_CHUNK` vials; the vials changed are returned.
    /// Vials already dispensed are left to the clinic. Role: operator or qa.
    pub async fn expire_vials(
        &self,
        actor: &Actor,
        now: UtcTime,
    ) -> Result<Vec<Vial>, ServiceError> {
        actor.require_to(Capability::ExpireVials, "mark expired vials")?;
        // Chunks of SWEEP_CHUNK vials, each its own short transaction (set-based, the bulk event
        // path): the chain lock is never held for long, so other writes go on during a large
        // sweep. Each vial's expiry is independent of the others, so a sweep cut short by a
        // failure leaves only whole chunks done; running it again finishes the rest.
        let mut expired = Vec::new();
        let unused: Vec<String> = [VialStatus::Quarantine, VialStatus::Available]
            .iter()
            .map(|s| s.as_str().to_string())
            .collect();
        loop {
            let mut tx = self.store.begin().await?;
            // Soonest expiry first: the index (status, expires_at) finds the due vials, however
            // many are not due (ordered by id, PostgreSQL walked the primary key through every
            // unused vial: 0.5–5 s under the lock at 1M vials when none was due).
            let mut q = PageQuery::newest("expires_at", SWEEP_CHUNK);
            q.desc = false;
            q.conds = vec![
                Cond::In("status", unused.clone()),
                Cond::AtMost("expires_at", now.to_string()),
            ];
            let due = tx.page_of::<Vial>(&q).await?.rows;
            if due.is_empty() {
                break;
            }
            let mut chunk = Vec::with_capacity(due.len());
            for v in due {
                let next = v.expire(now)?;
                let reason = format!("expiry {} passed", next.expires_at);
                chunk.push((next, ctx(actor, now, "vial.expire", Some(&reason))));
            }
            tx.update_records(&chunk).await?;
            tx.commit().await?;
            expired.extend(chunk.into_iter().map(|(v, _)| v));
        }
        Ok(expired)
    }
}

/// Checks that `loc` is in a registered freezer, inside its box grid, and not taken by a vial
/// other than `moving`. Used by moves and by filling into a freezer.
pub(crate) async fn check_place(
    tx: &mut dyn Tx,
    loc: &Location,
    moving: Option<&VialId>,
) -> Result<Freezer, ServiceError> {
    let f = registered_freezer(tx, &loc.freezer).await?;
    f.check(loc)?;
    let target = loc.to_string();
    let there = tx
        .select(Table::Vial, Some(("location", target.as_str())))
        .await?;
    if let Some(occupant) = there
        .iter()
        .find(|s| Some(s.id()) != moving.map(VialId::as_str))
    {
        return Err(DomainError::Rule(secretome_domain::Rule::PositionOccupied {
            position: target.to_string(),
            vial: occupant.id().to_string(),
        })
        .into());
    }
    Ok(f)
}

/// The freezer `id`, or a refusal on the field `freezer` saying it is not registered.
pub(crate) async fn registered_freezer(tx: &mut dyn Tx, id: &str) -> Result<Freezer, ServiceError> {
    let unknown = || {
        ServiceError::from(DomainError::invalid(
            "freezer",
            secretome_domain::Why::said(
                format!("freezer {id:?} is not registered (an administrator registers freezers)"),
                format!("フリーザー {id:?} は登録されていません (管理者が登録します)"),
            ),
        ))
    };
    if FreezerId::new(id).is_err() {
        return Err(unknown());
    }
    tx.load::<Freezer>(id).await?.ok_or_else(unknown)
}

/// Places newly filled vials of `lot` in a registered freezer: boxes `{lot}-B01`, `-B02`, … of the
/// freezer's grid on the placement's rack, filled row by row.
pub(crate) async fn place_filled(
    tx: &mut dyn Tx,
    p: &Placement,
    lot: &LotNumber,
    vials: &mut [Vial],
) -> Result<(), ServiceError> {
    let f = registered_freezer(tx, p.freezer.trim()).await?;
    let l = tx
        .must_load::<secretome_domain::lot::Lot>(lot.as_str())
        .await?;
    let product = tx.must_load::<Product>(&l.product).await?;
    f.check_cold_enough(product.id.as_str(), product.storage_temperature_c)?;
    let per_box = (f.box_rows * f.box_cols).max(1) as usize;
    for (i, v) in vials.iter_mut().enumerate() {
        let (bx, pos) = (i / per_box + 1, (i % per_box) as i64);
        let first = Location::parse(&format!("{}/{}/{lot}-B{bx:02}/A1", f.id, p.rack.trim()))?;
        let loc = Location {
            row: pos / f.box_cols + 1,
            col: pos % f.box_cols + 1,
            ..first
        };
        // In the grid and free (a vial moved there earlier is named, not a raw store conflict).
        check_place(tx, &loc, None).await?;
        *v = v.store_at(&loc.to_string())?;
    }
    Ok(())
}

/// A filled vial's first move: into the position it was filled into (none if not placed).
pub(crate) fn put_away(v: &Vial, actor: &Actor, now: UtcTime) -> Option<VialMove> {
    Some(VialMove {
        id: format!("{}-MV-001", v.id),
        vial: v.id.clone(),
        from_location: None,
        to_location: Some(v.location.clone()?),
        moved_at: now,
        moved_by: actor.user.clone(),
        reason: Some(format!("filled from lot {}", v.lot)),
    })
}

/// Refuses an expiry later than filling (`now`) + the product's shelf life: a vial never carries
/// a longer life than its product's validated one (an earlier expiry is allowed).
pub(crate) async fn check_shelf_life(
    tx: &mut dyn Tx,
    product: &str,
    expires_at: UtcTime,
    now: UtcTime,
) -> Result<(), ServiceError> {
    let p = tx.must_load::<Product>(product).await?;
    match p.expiry_from(now) {
        Some(max) if expires_at <= max => Ok(()),
        max => Err(DomainError::invalid(
            "expires_at", secretome_domain::Why::said(format!("{expires_at} is later than filling + the {}-day shelf life of {} (at most {})", p.shelf_life_days, p.id, max.map_or_else(|| "—".to_string(), |m| m.to_string())), format!("有効期限が充填日 + 有効期間を超えています ({expires_at}; {} の有効期間 {} 日、最長 {})", p.id, p.shelf_life_days, max.map_or_else(|| "—".to_string(), |m| m.to_string()))),
        )
        .into()),
    }
}

//! Environmental monitoring results (環境モニタリング): entered one by one or imported from a
//! particle counter's CSV export, judged against the room's grade limits, and — on an action
//! excursion — a deviation opened in the same transaction on every lot processed in that room or
//! its zones in the affected window (`em::affected_window`): processing steps, sterilising
//! filtrations, fills, and harvests (reaching the lots they were pooled into). Results are judged
//! against the site's limit in force at the sampling time (`limits`). Role: qc or operator.

use crate::{Service, ServiceError, ctx};
use secretome_domain::Capability;
use secretome_domain::Why;
use secretome_domain::{
    Actor, DomainError, UtcTime,
    batch::Harvest,
    facility::{
        EmOutcome, EmResult, EmSampleType, Room, SterileFiltration, effective_limits,
        em::{affected_window, parse_particle_csv},
    },
    genealogy::{Edge, NodeKind},
    lot::{Lot, LotStatus},
    processing::ProcessingStep,
    qc::Deviation,
};
use secretome_store::{Cond, PageQuery, Tx};
use serde::Serialize;
use std::collections::BTreeSet;

#[derive(Debug, Clone)]
pub struct NewEmResult {
    pub room: String,
    pub point: Option<String>,
    pub sample_type: EmSampleType,
    pub value: f64,
    pub sampled_at: UtcTime,
}

/// A stored result and, for an action excursion, the deviations it opened and the lots it reached
/// that were already decided (no deviation can be taken on them: QA assesses them for recall).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct EmRecorded {
    pub result: EmResult,
    pub deviations: Vec<String>,
    pub decided_lots: Vec<String>,
}

fn may_record(actor: &Actor) -> Result<(), DomainError> {
    actor.require_to(Capability::RecordEm, "record environmental monitoring")
}

/// Stores one result inside `tx`, with the deviations of an action excursion.
async fn record_in(
    tx: &mut dyn Tx,
    actor: &Actor,
    now: UtcTime,
    room: &Room,
    n: &NewEmResult,
) -> Result<EmRecorded, ServiceError> {
    let history = tx
        .list::<EmResult>(Some(("room", room.id.as_str())))
        .await?;
    let e = EmResult::new(
        format!("{}/EM-{:05}", room.id, history.len() + 1),
        &room.id,
        n.point.as_deref(),
        n.sample_type,
        n.value,
        effective_limits(
            room.grade,
            n.sample_type,
            n.sampled_at,
            &super::limits::changes_for(tx, room.grade).await?,
        ),
        n.sampled_at,
        &actor.user,
        now,
    )?;
    tx.insert_record(&e, &ctx(actor, now, "em.record", None))
        .await?;
    let mut out = EmRecorded {
        result: e.clone(),
        deviations: Vec::new(),
        decided_lots: Vec::new(),
    };
    if e.outcome != EmOutcome::Action {
        return Ok(out);
    }
    let (from, to) = affected_window(&e, &history);
    let mut rooms = vec![room.id.clone()];
    rooms.extend(
        tx.list::<Room>(Some(("parent", room.id.as_str())))
            .await?
            .into_iter()
            .map(|z| z.id),
    );
    let mut lots = BTreeSet::new();
    let inside = |at: UtcTime| from <= at && at <= to;
    for r in &rooms {
        for s in tx
            .list::<ProcessingStep>(Some(("room", r.as_str())))
            .await?
        {
            if inside(s.performed_at) {
                lots.insert(s.lot.to_string());
            }
        }
        for f in tx
            .list::<SterileFiltration>(Some(("room", r.as_str())))
            .await?
        {
            if inside(f.performed_at) {
                lots.insert(f.lot.to_string());
            }
        }
        for l in tx.list::<Lot>(Some(("fill_room", r.as_str()))).await? {
            if l.filled_at.is_some_and(inside) {
                lots.insert(l.id.to_string());
            }
        }
        for h in tx.list::<Harvest>(Some(("room", r.as_str()))).await? {
            if inside(h.harvested_at) {
                lots.extend(pooled_into(tx, h.id.as_str()).await?);
            }
        }
    }
    for lot in lots {
        let l = tx.must_load::<Lot>(&lot).await?;
        if !matches!(l.status, LotStatus::InProcess | LotStatus::Quarantine) {
            out.decided_lots.push(lot);
            continue;
        }
        let k = tx
            .list::<Deviation>(Some(("lot", lot.as_str())))
            .await?
            .len();
        let d = Deviation::open(
            format!("{lot}/DEV-{:02}", k + 1),
            &l,
            None,
            None,
            &format!(
                "環境モニタリング 処置基準超過 [{}]: {} {} = {} {} が処置基準 {} を超過 (採取 {})。この区域で {from} から {to} の間にロットを加工",
                e.id,
                e.room,
                e.sample_type.name_ja(),
                e.value,
                e.sample_type.unit_ja(),
                e.action_limit.unwrap_or_default(),
                e.sampled_at
            ),
            &actor.user,
            now,
        )?;
        tx.insert_record(&d, &ctx(actor, now, "deviation.open", Some(&e.id)))
            .await?;
        out.deviations.push(d.id);
    }
    Ok(out)
}

/// The lots a harvest was pooled into (its genealogy edges harvest → lot, read by the
/// `(parent_kind, parent_id)` index). A harvest not yet pooled reaches no lot now; the release
/// check finds the excursion once it is (`checks::FacilityRecords`).
pub(crate) async fn pooled_into(
    tx: &mut dyn Tx,
    harvest: &str,
) -> Result<Vec<String>, ServiceError> {
    let q = PageQuery {
        conds: vec![
            Cond::Eq("parent_kind", NodeKind::Harvest.as_str().into()),
            Cond::Eq("parent_id", harvest.into()),
        ],
        order: "id",
        desc: false,
        cursor: None,
        limit: 1_000,
    };
    Ok(tx
        .page_of::<Edge>(&q)
        .await?
        .rows
        .into_iter()
        .filter(|e| e.child_kind == NodeKind::Lot)
        .map(|e| e.child_id)
        .collect())
}

impl Service {
    /// Records one EM result; an action excursion opens a deviation on every lot processed in the
    /// room (or its zones) in the affected window, in the same transaction.
    pub async fn record_em_result(
        &self,
        actor: &Actor,
        now: UtcTime,
        n: NewEmResult,
    ) -> Result<EmRecorded, ServiceError> {
        may_record(actor)?;
        let mut tx = self.store.begin().await?;
        let room = tx.load::<Room>(&n.room).await?.ok_or_else(|| {
            DomainError::invalid(
                "room",
                secretome_domain::Why::said(
                    format!("room {} is not registered", n.room),
                    format!("部屋 {} は登録されていません (管理者が登録します)", n.room),
                ),
            )
        })?;
        let out = record_in(&mut *tx, actor, now, &room, &n).await?;
        tx.commit().await?;
        Ok(out)
    }

    /// Imports a particle counter's CSV export (`time,location,>=0.5um,>=5um`, counts per m³):
    /// two results per row, all or nothing; every bad row or unknown location is reported at once.
    pub async fn import_particle_csv(
        &self,
        actor: &Actor,
        now: UtcTime,
        csv: &str,
    ) -> Result<Vec<EmRecorded>, ServiceError> {
        may_record(actor)?;
        let rows = parse_particle_csv(csv)?;
        let mut tx = self.store.begin().await?;
        let mut rooms = Vec::new();
        let mut unknown = Vec::new();
        for r in &rows {
            match tx.load::<Room>(&r.location).await? {
                Some(room) => rooms.push(room),
                None => unknown.push(Why::line(
                    r.line as u64,
                    Why::said(
                        format!("location {} is not registered", r.location),
                        format!(
                            "場所 {} は登録されていません (管理者が登録します)",
                            r.location
                        ),
                    ),
                )),
            }
        }
        if !unknown.is_empty() {
            return Err(DomainError::invalid("file", Why::All(unknown)).into());
        }
        let mut out = Vec::new();
        for (r, room) in rows.iter().zip(&rooms) {
            for (t, v) in [
                (EmSampleType::Particles05, r.p05),
                (EmSampleType::Particles5, r.p5),
            ] {
                let n = NewEmResult {
                    room: room.id.clone(),
                    point: None,
                    sample_type: t,
                    value: v,
                    sampled_at: r.time,
                };
                out.push(record_in(&mut *tx, actor, now, room, &n).await?);
            }
        }
        tx.commit().await?;
        Ok(out)
    }

    /// A room's results, oldest first (for the trend chart and the EM page).
    pub async fn em_results(&self, room: &str) -> Result<Vec<EmResult>, ServiceError> {
        let mut v = self.store.list::<EmResult>(Some(("room", room))).await?;
        v.sort_by_key(|e| e.sampled_at);
        Ok(v)
    }

    /// Every room and zone, by id.
    pub async fn rooms(&self) -> Result<Vec<Room>, ServiceError> {
        Ok(self.store.list::<Room>(None).await?)
    }
}

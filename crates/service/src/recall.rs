//! Recall (回収, DESIGN.md §6): QA opens a recall on a lot, a raw-material lot or a donor. In one
//! transaction the forward trace from it is walked, every released lot it reaches is recalled,
//! every vial not yet administered is blocked (`recalled`), and every patient who received one of
//! its vials is listed for follow-up with their contact physician.

use crate::{Service, ServiceError, ctx};
use secretome_domain::{
    Actor, DomainError, Role, TransitionError, UtcTime,
    clinical::Patient,
    genealogy::NodeKind,
    ids::VialId,
    lot::{Lot, LotStatus},
    recall::{Exposure, RECALL_TARGETS, Recall},
    site::User,
    vial::Vial,
};
use secretome_store::{Cond, Direction, PageQuery, Table, Tx};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// A patient to follow up, as a recall's page and report list them.
#[derive(Debug, Clone, Serialize)]
pub struct ExposureRow {
    pub exposure: Exposure,
    pub physician_name: String,
    pub site: String,
}

/// A recall with the patients it exposed.
#[derive(Debug, Clone, Serialize)]
pub struct RecallReport {
    pub recall: Recall,
    pub exposures: Vec<ExposureRow>,
}

impl Service {
    /// Opens a recall on `target` (a lot, raw-material lot or donor id). Role: qa.
    pub async fn open_recall(
        &self,
        actor: &Actor,
        now: UtcTime,
        target: &str,
        reason: &str,
    ) -> Result<RecallReport, ServiceError> {
        actor.require(Role::Qa, "open a recall")?;
        let target = target.trim();
        let mut tx = self.store.begin().await?;
        let kind = target_kind(&mut *tx, target).await?;
        let n = tx.select(Table::Recall, None).await?.len();
        let mut recall = Recall::open(
            format!("RCL-{:04}", n + 1),
            kind,
            target,
            reason,
            actor.user.clone(),
            now,
        )?;
        if kind == NodeKind::Lot {
            let lot = tx.must_load::<Lot>(target).await?;
            if matches!(lot.status, LotStatus::Rejected | LotStatus::Recalled) {
                return Err(DomainError::Transition(TransitionError {
                    entity: "lot",
                    id: target.to_string(),
                    from: lot.status.as_str(),
                    action: "be recalled",
                })
                .into());
            }
        }
        let edges = tx.trace(Direction::Forward, kind, target).await?;
        let mut lots = BTreeSet::new();
        let mut vials = BTreeSet::new();
        if kind == NodeKind::Lot {
            lots.insert(target.to_string());
        }
        for e in &edges {
            match e.child_kind {
                NodeKind::Lot => lots.insert(e.child_id.clone()),
                NodeKind::Vial => vials.insert(e.child_id.clone()),
                _ => false,
            };
        }
        if lots.is_empty() {
            return Err(DomainError::Rule(format!(
                "{} {target} has not reached any lot: there is nothing to recall",
                kind.as_str()
            ))
            .into());
        }
        let lot_ctx = ctx(actor, now, "lot.recall", Some(&recall.reason));
        for id in &lots {
            let lot = tx.must_load::<Lot>(id).await?;
            // Released lots are recalled; a lot still in process or in quarantine keeps its state
            // (it cannot be released: its vials are blocked below and filling it is refused).
            if lot.status == LotStatus::Released {
                let next = lot.recall(&actor.user, &recall.reason, now)?;
                tx.update_record(&next, &lot_ctx).await?;
            }
        }
        let vial_ctx = ctx(actor, now, "vial.recall", Some(&recall.reason));
        // Who received a reached vial comes from the trace's vial → patient edges, whatever the
        // vial's state now (an earlier recall may already have blocked a dispensed vial).
        // Set-based (issue 19): rows read in chunks of ids, blocked vials written with the bulk
        // event path — one transaction still, so the recall commits whole or not at all.
        let given_to: Vec<(String, String)> = edges
            .iter()
            .filter(|e| e.child_kind == NodeKind::Patient)
            .map(|e| (e.parent_id.clone(), e.child_id.clone()))
            .collect();
        let patient_ids: Vec<String> = given_to
            .iter()
            .map(|(_, p)| p.clone())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let patients: BTreeMap<String, Patient> = by_ids::<Patient>(&mut *tx, &patient_ids)
            .await?
            .into_iter()
            .map(|p| (p.id.to_string(), p))
            .collect();
        let adm_ids: Vec<String> = given_to.iter().map(|(v, _)| format!("ADM-{v}")).collect();
        let administered: BTreeSet<String> =
            by_ids::<secretome_domain::clinical::Administration>(&mut *tx, &adm_ids)
                .await?
                .into_iter()
                .map(|a| a.vial.to_string())
                .collect();
        let mut exposures: BTreeMap<String, Exposure> = BTreeMap::new();
        for (vial, patient) in &given_to {
            let p = patients
                .get(patient)
                .ok_or_else(|| secretome_store::StoreError::NotFound {
                    table: "patient",
                    id: patient.clone(),
                })?;
            let given = administered.contains(vial);
            let vial = VialId::new(vial.as_str())?;
            exposures
                .entry(p.id.to_string())
                .or_insert_with(|| Exposure::new(&recall, p.id.clone(), p.physician.clone()))
                .add_vial(vial, given);
        }
        let vial_ids: Vec<String> = vials.iter().cloned().collect();
        let mut blocked = Vec::new();
        for v in by_ids::<Vial>(&mut *tx, &vial_ids).await? {
            if let Some(b) = v.recall() {
                blocked.push((b, vial_ctx.clone()));
            }
        }
        recall.vials_blocked += blocked.len() as i64;
        tx.update_records(&blocked).await?;
        recall.lots = lots.into_iter().collect();
        let c = ctx(actor, now, "recall.open", Some(&recall.reason));
        tx.insert_record(&recall, &c).await?;
        for e in exposures.values() {
            tx.insert_record(e, &c).await?;
        }
        tx.commit().await?;
        self.recall_report(actor, &recall.id).await
    }

    /// Records that a patient exposed by a recall was contacted. Role: physician or qa.
    pub async fn follow_up_exposure(
        &self,
        actor: &Actor,
        now: UtcTime,
        exposure: &str,
        note: &str,
    ) -> Result<Exposure, ServiceError> {
        if !(actor.has(Role::Physician) || actor.has(Role::Qa)) {
            actor.require(Role::Physician, "record a recall follow-up")?;
        }
        let mut tx = self.store.begin().await?;
        let e = tx.must_load::<Exposure>(exposure).await?;
        let next = e.follow_up(actor.user.clone(), note, now)?;
        tx.update_record(&next, &ctx(actor, now, "recall.follow_up", None))
            .await?;
        tx.commit().await?;
        Ok(next)
    }

    /// Every recall, newest first.
    pub async fn list_recalls(&self) -> Result<Vec<Recall>, ServiceError> {
        let mut all = self.store.list::<Recall>(None).await?;
        all.sort_by(|a, b| b.opened_at.cmp(&a.opened_at).then(b.id.cmp(&a.id)));
        Ok(all)
    }

    /// One recall and the patients it lists for follow-up, with their contact physicians.
    /// Role: qa, physician or admin (it names patients).
    pub async fn recall_report(
        &self,
        actor: &Actor,
        id: &str,
    ) -> Result<RecallReport, ServiceError> {
        if ![Role::Qa, Role::Physician, Role::Admin]
            .iter()
            .any(|r| actor.has(*r))
        {
            actor.require(Role::Qa, "read a recall's exposed patients")?;
        }
        let recall =
            self.store
                .fetch::<Recall>(id)
                .await?
                .ok_or_else(|| ServiceError::NotFound {
                    what: "recall",
                    id: id.to_string(),
                })?;
        let mut exposures = Vec::new();
        for e in self.store.list::<Exposure>(Some(("recall", id))).await? {
            let physician_name = match self.store.fetch::<User>(e.physician.as_str()).await? {
                Some(u) => u.display_name,
                None => e.physician.to_string(),
            };
            let site = match self.store.fetch::<Patient>(e.patient.as_str()).await? {
                Some(p) => p.site.to_string(),
                None => String::new(),
            };
            exposures.push(ExposureRow {
                exposure: e,
                physician_name,
                site,
            });
        }
        exposures.sort_by(|a, b| {
            (a.exposure.physician.as_str(), a.exposure.patient.as_str())
                .cmp(&(b.exposure.physician.as_str(), b.exposure.patient.as_str()))
        });
        Ok(RecallReport { recall, exposures })
    }

    /// Recalls that reach `lot`: it, or anything upstream of it (a raw-material lot, a donor, a
    /// lot it was made from), is a recall's target or one of its lots. Filling or releasing such a
    /// lot is refused, also when the lot was made after the recall was opened.
    pub(crate) async fn recalls_covering(
        tx: &mut dyn Tx,
        lot: &str,
    ) -> Result<Vec<String>, ServiceError> {
        let recalls = tx.list::<Recall>(None).await?;
        if recalls.is_empty() {
            return Ok(Vec::new());
        }
        let mut upstream: BTreeSet<(NodeKind, String)> = BTreeSet::new();
        upstream.insert((NodeKind::Lot, lot.to_string()));
        for e in tx.trace(Direction::Backward, NodeKind::Lot, lot).await? {
            upstream.insert((e.parent_kind, e.parent_id));
        }
        Ok(recalls
            .into_iter()
            .filter(|r| {
                upstream.contains(&(r.target_kind, r.target_id.clone()))
                    || r.lots
                        .iter()
                        .any(|l| upstream.contains(&(NodeKind::Lot, l.clone())))
            })
            .map(|r| r.id)
            .collect())
    }
}

/// The records of these ids (those that exist), read in chunks of `IN (…)` inside `tx`, by id.
async fn by_ids<R: secretome_store::Record>(
    tx: &mut dyn Tx,
    ids: &[String],
) -> Result<Vec<R>, ServiceError> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let mut q = PageQuery::newest("id", chunk.len());
        q.desc = false;
        q.conds.push(Cond::In("id", chunk.to_vec()));
        out.extend(tx.page_of::<R>(&q).await?.rows);
    }
    Ok(out)
}

/// Refuses to use a raw-material lot (or anything else) that a recall was opened on.
pub(crate) async fn refuse_if_recalled(
    tx: &mut dyn Tx,
    kind: NodeKind,
    id: &str,
) -> Result<(), ServiceError> {
    if let Some(r) = tx
        .list::<Recall>(Some(("target_id", id)))
        .await?
        .into_iter()
        .find(|r| r.target_kind == kind)
    {
        return Err(DomainError::Rule(format!(
            "{} {id} is under recall {}: it cannot be used",
            kind.as_str(),
            r.id
        ))
        .into());
    }
    Ok(())
}

/// Which kind of recall target `id` is; refused, naming the field, when it is none of them.
async fn target_kind(tx: &mut dyn Tx, id: &str) -> Result<NodeKind, ServiceError> {
    for (table, kind) in [
        (Table::Lot, NodeKind::Lot),
        (Table::MaterialLot, NodeKind::MaterialLot),
        (Table::Donor, NodeKind::Donor),
    ] {
        if tx.get(table, id).await?.is_some() {
            debug_assert!(RECALL_TARGETS.contains(&kind));
            return Ok(kind);
        }
    }
    Err(DomainError::invalid(
        "target",
        format!("{id:?} is not a lot, raw-material lot or donor"),
    )
    .into())
}

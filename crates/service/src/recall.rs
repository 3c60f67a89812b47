//! Recall (回収, DESIGN.md §6): QA opens a recall on a lot, a raw-material lot or a donor. In one
//! transaction the forward trace from it is walked, every released lot it reaches is recalled,
//! every vial not yet administered is blocked (`recalled`), and every patient who received one of
//! its vials is listed for follow-up with their contact physician.

use crate::{Service, ServiceError, ctx};
use secretome_domain::Capability;
use secretome_domain::{
    Actor, DomainError, TransitionError, UtcTime,
    clinical::Patient,
    genealogy::NodeKind,
    ids::VialId,
    lot::{Lot, LotStatus},
    recall::{Exposure, RECALL_TARGETS, Recall},
    vial::{Vial, VialStatus},
};
use secretome_store::{Cond, Direction, PageQuery, Table, Tx};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// A patient to follow up, as a recall's page and report list them.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ExposureRow {
    pub exposure: Exposure,
    pub physician_name: String,
    pub site: String,
}

/// A recall with the patients it exposed.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct RecallReport {
    pub recall: Recall,
    pub exposures: Vec<ExposureRow>,
}

/// What a recall would block, shown before QA signs it (nothing is written).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct RecallPreview {
    pub target_kind: NodeKind,
    pub target_id: String,
    /// Every lot the recall reaches, with its state now (released ones become recalled).
    pub lots: Vec<(String, LotStatus)>,
    /// The reached vials counted by their state now.
    pub vials_by_state: Vec<(VialStatus, usize)>,
    /// Vials not yet administered: they will be blocked.
    pub vials_to_block: usize,
    /// Patients who received a reached vial.
    pub patients: Vec<ExposureRow>,
}

/// A recall worked out inside a transaction: the record, the lots to recall, the vials to block,
/// the exposures to list.
struct Plan {
    recall: Recall,
    lots: Vec<Lot>,
    vials: Vec<Vial>,
    exposures: BTreeMap<String, Exposure>,
}

impl Service {
    /// Opens a recall on `target` (a lot, raw-material lot or donor id) without a signature (the
    /// demo, the generator and the API's older clients). Role: qa.
    pub async fn open_recall(
        &self,
        actor: &Actor,
        now: UtcTime,
        target: &str,
        reason: &str,
    ) -> Result<RecallReport, ServiceError> {
        actor.require_to(Capability::AssureQuality, "open a recall")?;
        self.write_recall(actor, now, target, reason, reason).await
    }

    /// What a recall on `target` would block — the lots with their states, the vials by state, the
    /// patients exposed — before QA decides; nothing is written. Role: qa.
    pub async fn preview_recall(
        &self,
        actor: &Actor,
        now: UtcTime,
        target: &str,
        reason: &str,
    ) -> Result<RecallPreview, ServiceError> {
        actor.require_to(Capability::AssureQuality, "preview a recall")?;
        let mut tx = self.store.begin().await?;
        let plan = plan(&mut *tx, actor, now, target.trim(), reason).await?;
        drop(tx);
        let mut by_state: BTreeMap<&'static str, (VialStatus, usize)> = BTreeMap::new();
        for v in &plan.vials {
            by_state.entry(v.status.as_str()).or_insert((v.status, 0)).1 += 1;
        }
        let names = self
            .names(plan.exposures.values().map(|e| e.physician.as_str()))
            .await?;
        let patients = plan
            .exposures
            .into_values()
            .map(|e| ExposureRow {
                physician_name: names.of(e.physician.as_str()).to_string(),
                exposure: e,
                site: String::new(),
            })
            .collect();
        Ok(RecallPreview {
            target_kind: plan.recall.target_kind,
            target_id: plan.recall.target_id.clone(),
            lots: plan
                .lots
                .iter()
                .map(|l| (l.id.to_string(), l.status))
                .collect(),
            vials_to_block: plan.vials.iter().filter(|v| v.recall().is_some()).count(),
            vials_by_state: by_state.into_values().collect(),
            patients,
        })
    }

    /// Opens a recall signed electronically, as a release is: the password re-entered, the
    /// manifestation (meaning `recalled`, the signer's printed name, the reason) bound into the
    /// `recall.open` event. Role: qa.
    pub async fn open_recall_signed(
        &self,
        actor: &Actor,
        now: UtcTime,
        target: &str,
        reason: &str,
        password: &str,
    ) -> Result<RecallReport, ServiceError> {
        actor.require_to(Capability::AssureQuality, "open a recall")?;
        let name = self.confirm_signature(actor, now, password, reason).await?;
        let signed = crate::esign::manifestation(crate::esign::Meaning::Recalled, &name, reason);
        self.write_recall(actor, now, target, reason, &signed).await
    }

    async fn write_recall(
        &self,
        actor: &Actor,
        now: UtcTime,
        target: &str,
        reason: &str,
        event_reason: &str,
    ) -> Result<RecallReport, ServiceError> {
        // Planned before the chain's lock is taken (the forward trace and thousands of vial rows
        // read while other writes go on), in one read snapshot whose chain head is noted. Under the
        // lock, no event since that head on a table the plan reads (`PLAN_READS`) means none of
        // the rows it read has changed (every change appends an event in its own transaction, one
        // lock holder at a time): the plan is what planning under the lock would give, however
        // many other writes (a language switch, an observation, a QC result) went in meanwhile.
        // Otherwise it is planned again under the lock.
        let target = target.trim();
        let mut read = self.store.begin_read().await?;
        let seen = read.chain_head().await?;
        let early = plan(&mut *read, actor, now, target, reason).await?;
        read.commit().await?;
        let mut tx = self.store.begin().await?;
        let planned = if !tx.changed_since(seen, PLAN_READS).await? {
            early
        } else {
            plan(&mut *tx, actor, now, target, reason).await?
        };
        let Plan {
            mut recall,
            lots,
            vials,
            exposures,
        } = planned;
        let lot_ctx = ctx(actor, now, "lot.recall", Some(&recall.reason));
        for lot in &lots {
            // Released lots are recalled; a lot still in process or in quarantine keeps its state
            // (it cannot be released: its vials are blocked below and filling it is refused).
            if lot.status == LotStatus::Released {
                let next = lot.recall(&recall.reason)?;
                tx.update_record(&next, &lot_ctx).await?;
            }
        }
        let vial_ctx = ctx(actor, now, "vial.recall", Some(&recall.reason));
        let blocked: Vec<(Vial, crate::AuditCtx)> = vials
            .iter()
            .filter_map(|v| v.recall())
            .map(|b| (b, vial_ctx.clone()))
            .collect();
        recall.vials_blocked += blocked.len() as i64;
        tx.update_records(&blocked).await?;
        let c = ctx(actor, now, "recall.open", Some(event_reason));
        tx.insert_record(&recall, &c).await?;
        let c = ctx(actor, now, "recall.open", Some(&recall.reason));
        // Thousands of patients for a donor's recall: one bulk insert, not a statement each.
        tx.insert_records(exposures.values(), &c).await?;
        tx.commit().await?;
        self.recall_report(actor, &recall.id).await
    }

    /// Open recall exposures (not yet followed up) of these patients: patient id → recall ids.
    /// Read by id lists in chunks, never the whole table.
    pub async fn open_exposures(
        &self,
        patients: &[String],
    ) -> Result<BTreeMap<String, Vec<String>>, ServiceError> {
        let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for chunk in patients.chunks(EXPOSURES_AT_ONCE) {
            let q = exposures_of(chunk);
            open_by_patient(&mut out, self.store.page_of::<Exposure>(&q).await?.rows);
        }
        Ok(out)
    }

    /// Records that a patient exposed by a recall was contacted. Role: physician or qa.
    pub async fn follow_up_exposure(
        &self,
        actor: &Actor,
        now: UtcTime,
        exposure: &str,
        note: &str,
    ) -> Result<Exposure, ServiceError> {
        actor.require_to(Capability::FollowRecall, "record a recall follow-up")?;
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
        actor.require_to(Capability::ReadPatients, "read a recall's exposed patients")?;
        let recall =
            self.store
                .fetch::<Recall>(id)
                .await?
                .ok_or_else(|| ServiceError::NotFound {
                    what: "recall",
                    id: id.to_string(),
                })?;
        let mut exposures = Vec::new();
        let listed = self.store.list::<Exposure>(Some(("recall", id))).await?;
        let names = self
            .names(listed.iter().map(|e| e.physician.as_str()))
            .await?;
        for e in listed {
            let physician_name = names.of(e.physician.as_str()).to_string();
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

/// Works out a recall on `target` inside `tx` (reads only): the forward trace from it, the lots
/// it reaches, their vials, and who received one.
/// Every table `plan` reads (the target's kind, earlier recalls and their number, the trace's
/// edges, lots, vials, patients, administrations) and the exposures it writes: a change to any of
/// them after the early plan's snapshot makes the recall plan again under the chain's lock. Keep in
/// step with `plan` and `target_kind`.
const PLAN_READS: &[Table] = &[
    Table::Lot,
    Table::MaterialLot,
    Table::Donor,
    Table::Recall,
    Table::Edge,
    Table::Vial,
    Table::Patient,
    Table::Administration,
    Table::Exposure,
];

async fn plan(
    tx: &mut dyn Tx,
    actor: &Actor,
    now: UtcTime,
    target: &str,
    reason: &str,
) -> Result<Plan, ServiceError> {
    let kind = target_kind(tx, target).await?;
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
        return Err(DomainError::Rule(secretome_domain::Rule::NothingToRecall {
            kind: kind.as_str().to_string(),
            target: target.to_string(),
        })
        .into());
    }
    let lot_ids: Vec<String> = lots.iter().cloned().collect();
    recall.lots = lot_ids.clone();
    let mut lot_rows = by_ids::<Lot>(tx, &lot_ids).await?;
    lot_rows.sort_by(|a, b| a.id.cmp(&b.id));
    // Who received a reached vial comes from the trace's vial → patient edges, whatever the
    // vial's state now (an earlier recall may already have blocked a dispensed vial).
    // Set-based (issue 19): rows read in chunks of ids.
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
    let patients: BTreeMap<String, Patient> = by_ids::<Patient>(tx, &patient_ids)
        .await?
        .into_iter()
        .map(|p| (p.id.to_string(), p))
        .collect();
    let adm_ids: Vec<String> = given_to.iter().map(|(v, _)| format!("ADM-{v}")).collect();
    let administered: BTreeSet<String> =
        by_ids::<secretome_domain::clinical::Administration>(tx, &adm_ids)
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
    let vials = by_ids::<Vial>(tx, &vial_ids).await?;
    Ok(Plan {
        recall,
        lots: lot_rows,
        vials,
        exposures,
    })
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
        return Err(DomainError::Rule(secretome_domain::Rule::UnderRecall {
            kind: kind.as_str().to_string(),
            id: id.to_string(),
            recall: r.id.to_string(),
        })
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
        secretome_domain::Why::said(
            format!("{id:?} is not a lot, raw-material lot or donor"),
            format!("回収はロット・原材料ロット・ドナーのいずれかに対して開始します ({id:?})"),
        ),
    )
    .into())
}

/// Patients whose exposures `open_exposures` reads with one query.
pub(crate) const EXPOSURES_AT_ONCE: usize = 500;

/// The exposures of `patients` (at most `EXPOSURES_AT_ONCE`), by id.
pub(crate) fn exposures_of(patients: &[String]) -> PageQuery {
    let mut q = PageQuery::newest("id", 10_000);
    q.desc = false;
    q.conds.push(Cond::In("patient", patients.to_vec()));
    q
}

/// Adds the recalls of `exposures` not yet followed up to `out`, by patient.
pub(crate) fn open_by_patient(out: &mut BTreeMap<String, Vec<String>>, exposures: Vec<Exposure>) {
    for e in exposures {
        if e.followed_up_at.is_none() {
            out.entry(e.patient.to_string())
                .or_default()
                .push(e.recall.clone());
        }
    }
}

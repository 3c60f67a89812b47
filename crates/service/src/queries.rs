//! Read models for pages and reports: the lot list with vial counts, and a lot's detail — its
//! genealogy back to the donor, processing steps, vials and audit history.

use crate::{Service, ServiceError};
use secretome_domain::{
    batch::{CultureBatch, Harvest},
    culture::{CellBank, TissueCollection},
    donor::Donor,
    genealogy::{Edge, NodeKind},
    lot::Lot,
    material::RawMaterialLot,
    processing::ProcessingStep,
    vial::{Vial, VialStatus},
};
use secretome_store::{AuditEvent, Direction, Table};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct LotSummary {
    pub lot: Lot,
    pub vials: usize,
    pub by_status: BTreeMap<&'static str, usize>,
}

/// One upstream node of a lot's genealogy, with a one-line description.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Node {
    pub kind: NodeKind,
    pub id: String,
    pub label: String,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct LotDetail {
    pub lot: Lot,
    /// Upstream nodes ordered donor → tissue → bank → batch → material → harvest.
    pub upstream: Vec<Node>,
    pub edges: Vec<Edge>,
    pub steps: Vec<ProcessingStep>,
    pub vials: Vec<Vial>,
    pub events: Vec<AuditEvent>,
}

/// A date in the facility's zone (labels are shared by every viewer; pages show full times in the
/// viewer's own zone).
fn facility_date(t: secretome_domain::UtcTime) -> String {
    let tz = jiff::tz::TimeZone::get("Asia/Tokyo")
        .unwrap_or_else(|_| jiff::tz::TimeZone::fixed(jiff::tz::offset(9)));
    t.date_in(&tz)
}

fn rank(k: NodeKind) -> usize {
    match k {
        NodeKind::Donor => 0,
        NodeKind::Tissue => 1,
        NodeKind::CellBank => 2,
        NodeKind::Batch => 3,
        NodeKind::MaterialLot => 4,
        NodeKind::Harvest => 5,
        NodeKind::Lot => 6,
        NodeKind::Vial => 7,
        NodeKind::Patient => 8,
    }
}

impl Service {
    /// Every lot, newest first, with its vials counted by state.
    pub async fn list_lots(&self) -> Result<Vec<LotSummary>, ServiceError> {
        let mut vials: BTreeMap<String, Vec<VialStatus>> = BTreeMap::new();
        for v in self.store.list::<Vial>(None).await? {
            vials.entry(v.lot.to_string()).or_default().push(v.status);
        }
        let mut out: Vec<LotSummary> = self
            .store
            .list::<Lot>(None)
            .await?
            .into_iter()
            .map(|lot| {
                let statuses = vials.remove(lot.id.as_str()).unwrap_or_default();
                let mut by_status = BTreeMap::new();
                for s in &statuses {
                    *by_status.entry(s.as_str()).or_insert(0) += 1;
                }
                LotSummary {
                    lot,
                    vials: statuses.len(),
                    by_status,
                }
            })
            .collect();
        out.sort_by(|a, b| {
            b.lot
                .created_at
                .cmp(&a.lot.created_at)
                .then(a.lot.id.cmp(&b.lot.id))
        });
        Ok(out)
    }

    /// A lot with its genealogy back to the donor, steps, vials and audit history.
    pub async fn lot_detail(&self, lot: &str) -> Result<LotDetail, ServiceError> {
        let l: Lot = self
            .store
            .fetch(lot)
            .await?
            .ok_or_else(|| ServiceError::NotFound {
                what: "lot",
                id: lot.to_string(),
            })?;
        let edges = self
            .store
            .trace(Direction::Backward, NodeKind::Lot, lot)
            .await?;
        let mut keys: Vec<(NodeKind, String)> = edges
            .iter()
            .map(|e| (e.parent_kind, e.parent_id.clone()))
            .collect();
        keys.sort_by(|a, b| rank(a.0).cmp(&rank(b.0)).then(a.1.cmp(&b.1)));
        keys.dedup();
        let mut upstream = Vec::with_capacity(keys.len());
        for (kind, id) in keys {
            let label = self.node_label(kind, &id).await?;
            upstream.push(Node { kind, id, label });
        }
        let steps = self
            .store
            .list::<ProcessingStep>(Some(("lot", lot)))
            .await?;
        let mut vials = self.store.list::<Vial>(Some(("lot", lot))).await?;
        vials.sort_by_key(|v| v.seq);
        let events = self.store.events_for(Table::Lot, lot).await?;
        Ok(LotDetail {
            lot: l,
            upstream,
            edges,
            steps,
            vials,
            events,
        })
    }

    async fn node_label(&self, kind: NodeKind, id: &str) -> Result<String, ServiceError> {
        let s = self.store();
        Ok(match kind {
            NodeKind::Donor => match s.fetch::<Donor>(id).await? {
                Some(d) => format!(
                    "{} ({}) · {}",
                    d.source.name_ja(),
                    d.source.as_str(),
                    d.status.as_str()
                ),
                None => String::new(),
            },
            NodeKind::Tissue => match s.fetch::<TissueCollection>(id).await? {
                Some(t) => format!(
                    "{} {:.1} {} · {}",
                    t.kind.as_str(),
                    t.amount,
                    t.amount_unit,
                    facility_date(t.collected_at)
                ),
                None => String::new(),
            },
            NodeKind::CellBank => match s.fetch::<CellBank>(id).await? {
                Some(b) => format!(
                    "{} bank · P{} · PD {:.1}",
                    b.kind.as_str(),
                    b.passage,
                    b.population_doublings
                ),
                None => String::new(),
            },
            NodeKind::Batch => match s.fetch::<CultureBatch>(id).await? {
                Some(b) => format!(
                    "{} × {} · {:.0} cells/cm² · {}",
                    b.vessel_count,
                    b.vessel.as_str(),
                    b.seeding_density,
                    b.status.as_str()
                ),
                None => String::new(),
            },
            NodeKind::MaterialLot => match s.fetch::<RawMaterialLot>(id).await? {
                Some(m) => format!(
                    "{} ({}) · {} lot {}",
                    m.material,
                    m.category.as_str(),
                    m.supplier,
                    m.supplier_lot
                ),
                None => String::new(),
            },
            NodeKind::Harvest => match s.fetch::<Harvest>(id).await? {
                Some(h) => format!("{:.0} mL · {}", h.volume_ml, facility_date(h.harvested_at)),
                None => String::new(),
            },
            NodeKind::Lot | NodeKind::Vial | NodeKind::Patient => String::new(),
        })
    }
}

//! Read models for pages and reports: the lot list with vial counts, and a lot's detail — its
//! genealogy back to the donor, processing steps, vials and audit history.

use crate::{Service, ServiceError, names::Names, paging::vial_counts};
use secretome_domain::{
    batch::{CultureBatch, Harvest},
    culture::{CellBank, TissueCollection},
    donor::Donor,
    genealogy::{Edge, NodeKind},
    lot::Lot,
    material::RawMaterialLot,
    processing::ProcessingStep,
    vial::Vial,
};
use secretome_store::{
    AuditEvent, Cond, Direction, PageQuery, RawRow, Read, Table, TallyKind, answers,
    records::records,
};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct LotSummary {
    pub lot: Lot,
    pub vials: usize,
    pub by_status: BTreeMap<&'static str, usize>,
}

/// One upstream node of a lot's genealogy, with a one-line description in English and Japanese
/// (states, kinds and vessels named, not their codes).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Node {
    pub kind: NodeKind,
    pub id: String,
    pub label: String,
    pub label_ja: String,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct LotDetail {
    pub lot: Lot,
    /// Upstream nodes ordered donor → tissue → bank → batch → material → harvest.
    pub upstream: Vec<Node>,
    pub edges: Vec<Edge>,
    pub steps: Vec<ProcessingStep>,
    /// The lot's first `LOT_VIALS` vials in number order (every one of them: the vial list
    /// filtered by lot, `/vials?lot=`).
    pub vials: Vec<Vial>,
    /// How many vials the lot has, in all and per state (the store's counters).
    pub vials_total: usize,
    pub vials_by_status: BTreeMap<&'static str, usize>,
    pub events: Vec<AuditEvent>,
}

/// Upstream nodes' one-line descriptions (English, 日本語) by kind and id.
type NodeLabels = BTreeMap<(NodeKind, String), (String, String)>;

/// Vials a lot's page lists (a lot holds ~400 in a generated history; the rest are a page of the
/// vial list away).
pub const LOT_VIALS: usize = 50;

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
    /// A lot with its genealogy back to the donor, steps, vials and audit history. Its reads are
    /// asked for together, twice (`Store::read_all`: on SQLite one hand-over to the reader's
    /// thread each, on PostgreSQL concurrent): the lot, its backward trace, steps, first vials,
    /// counters and events; then the upstream nodes the trace found, one read per kind.
    pub async fn lot_detail(&self, lot: &str) -> Result<LotDetail, ServiceError> {
        Ok(self.lot_detail_with(lot, false).await?.0)
    }

    /// `lot_detail` with the display names of the people its page shows (who wrote the lot's
    /// events, who decided it), read together with the upstream nodes: no read of its own.
    pub async fn lot_detail_named(&self, lot: &str) -> Result<(LotDetail, Names), ServiceError> {
        self.lot_detail_with(lot, true).await
    }

    async fn lot_detail_with(
        &self,
        lot: &str,
        named: bool,
    ) -> Result<(LotDetail, Names), ServiceError> {
        let s = self.store();
        // Vial ids are the lot number and a zero-padded sequence number: id order is number order.
        let mut first_vials = PageQuery::newest("id", LOT_VIALS);
        first_vials.desc = false;
        first_vials.conds.push(Cond::Eq("lot", lot.to_string()));
        let id = || lot.to_string();
        let all = s
            .read_all(vec![
                Read::Get(Table::Lot, id()),
                Read::Trace(Direction::Backward, NodeKind::Lot, id()),
                Read::Select(Table::ProcessingStep, Some(("lot", id()))),
                Read::Page(Table::Vial, first_vials),
                Read::TalliesOf(TallyKind::LotVials, vec![id()]),
                Read::Events(Table::Lot, id()),
            ])
            .await?;
        let [header, edges, steps, vials, counts, events] = answers(all)?;
        let l: Lot = header
            .row()?
            .map(|r| r.to_record())
            .transpose()?
            .ok_or_else(|| ServiceError::NotFound {
                what: "lot",
                id: lot.to_string(),
            })?;
        let edges = edges.edges()?;
        let mut keys: Vec<(NodeKind, String)> = edges
            .iter()
            .map(|e| (e.parent_kind, e.parent_id.clone()))
            .collect();
        keys.sort_by(|a, b| rank(a.0).cmp(&rank(b.0)).then(a.1.cmp(&b.1)));
        keys.dedup();
        let events = events.events()?;
        let people: Vec<String> = if named {
            events
                .iter()
                .map(|e| e.actor.to_string())
                .chain(l.decided_by.iter().map(|u| u.to_string()))
                .collect()
        } else {
            Vec::new()
        };
        let (mut labels, names) = self.node_labels(&keys, people).await?;
        let upstream: Vec<Node> = keys
            .into_iter()
            .map(|(kind, id)| {
                let (label, label_ja) = labels.remove(&(kind, id.clone())).unwrap_or_default();
                Node {
                    kind,
                    id,
                    label,
                    label_ja,
                }
            })
            .collect();
        let steps: Vec<ProcessingStep> = records(steps)?;
        let mut vials: Vec<Vial> = vials
            .page()?
            .rows
            .iter()
            .map(RawRow::to_record)
            .collect::<Result<_, _>>()?;
        vials.sort_by_key(|v| v.seq);
        let vials_by_status = vial_counts(counts.tallies()?)
            .remove(lot)
            .unwrap_or_default();
        let vials_total = vials_by_status.values().sum();
        let detail = LotDetail {
            lot: l,
            upstream,
            edges,
            steps,
            vials,
            vials_total,
            vials_by_status,
            events,
        };
        Ok((detail, names))
    }

    /// Each node's one-line description, (English, 日本語): one read per kind of record; and the
    /// names of the users `people` (duplicates and blanks ignored), read with them.
    async fn node_labels(
        &self,
        keys: &[(NodeKind, String)],
        people: Vec<String>,
    ) -> Result<(NodeLabels, Names), ServiceError> {
        let s = self.store();
        let ids = |k: NodeKind| -> Vec<String> {
            keys.iter()
                .filter(|(x, _)| *x == k)
                .map(|(_, i)| i.clone())
                .collect()
        };
        // One read per kind, all asked for together.
        let all = s
            .read_all(vec![
                Read::GetMany(Table::Donor, ids(NodeKind::Donor)),
                Read::GetMany(Table::Tissue, ids(NodeKind::Tissue)),
                Read::GetMany(Table::CellBank, ids(NodeKind::CellBank)),
                Read::GetMany(Table::Batch, ids(NodeKind::Batch)),
                Read::GetMany(Table::MaterialLot, ids(NodeKind::MaterialLot)),
                Read::GetMany(Table::Harvest, ids(NodeKind::Harvest)),
                Read::GetMany(Table::User, crate::names::wanted(people)),
            ])
            .await?;
        let [d, t, c, b, m, h, u] = answers(all)?;
        let names = Names::of_users(records(u)?);
        let donors: Vec<Donor> = records(d)?;
        let tissues: Vec<TissueCollection> = records(t)?;
        let banks: Vec<CellBank> = records(c)?;
        let batches: Vec<CultureBatch> = records(b)?;
        let materials: Vec<RawMaterialLot> = records(m)?;
        let harvests: Vec<Harvest> = records(h)?;
        let mut out = BTreeMap::new();
        for d in donors {
            let en = format!(
                "{} · {}",
                d.source.as_str().replace('_', " "),
                d.status.as_str()
            );
            let ja = format!("{} · {}", d.source.name_ja(), d.status.name_ja());
            out.insert((NodeKind::Donor, d.id.to_string()), (en, ja));
        }
        for t in tissues {
            let at = facility_date(t.collected_at);
            let (amount, unit) = (t.amount, &t.amount_unit);
            let en = format!(
                "{} {amount:.1} {unit} · {at}",
                t.kind.as_str().replace('_', " ")
            );
            let ja = format!("{} {amount:.1} {unit} · {at}", t.kind.name_ja());
            out.insert((NodeKind::Tissue, t.id.to_string()), (en, ja));
        }
        for b in banks {
            let (p, pd) = (b.passage, b.population_doublings);
            let en = format!("{} bank · P{p} · PD {pd:.1}", b.kind.as_str());
            let ja = format!("{} · P{p} · PD {pd:.1}", b.kind.name_ja());
            out.insert((NodeKind::CellBank, b.id.to_string()), (en, ja));
        }
        for b in batches {
            let (n, density) = (b.vessel_count, b.seeding_density);
            let en = format!(
                "{n} × {} · {density:.0} cells/cm² · {}",
                b.vessel.name_en(),
                b.status.as_str()
            );
            let ja = format!(
                "{n} × {} · {density:.0} 細胞/cm² · {}",
                b.vessel.name_ja(),
                b.status.name_ja()
            );
            out.insert((NodeKind::Batch, b.id.to_string()), (en, ja));
        }
        for m in materials {
            let (name, supplier, lot) = (&m.material, &m.supplier, &m.supplier_lot);
            let en = format!("{name} ({}) · {supplier} lot {lot}", m.category.as_str());
            let ja = format!(
                "{name} ({}) · {supplier} ロット {lot}",
                m.category.name_ja()
            );
            out.insert((NodeKind::MaterialLot, m.id.to_string()), (en, ja));
        }
        for h in harvests {
            let label = format!("{:.0} mL · {}", h.volume_ml, facility_date(h.harvested_at));
            out.insert(
                (NodeKind::Harvest, h.id.to_string()),
                (label.clone(), label),
            );
        }
        Ok((out, names))
    }
}

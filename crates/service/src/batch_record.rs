//! The batch record (製造記録) of a lot, as QA reviews it before the release decision: the lot with its
//! genealogy back to the donor, processing steps and vials (`LotDetail`); every recorded step of its
//! manufacture and testing with who did it and when, read from the audit trail of the lot and of
//! every upstream record (donor, tissue, banks, batches with their observations and material use,
//! raw-material lots, harvests), its processing steps, test results and deviations; every test
//! against its criterion (`LotQc`); the lot's own audit history; and the electronic signatures
//! (`esign`) found in it, each with meaning, printed name, time and its place in the hash chain.

use crate::{
    LotDetail, LotQc, Service, ServiceError,
    esign::{Meaning, parse_manifestation},
};
use secretome_domain::{
    batch::{CultureBatch, Harvest},
    genealogy::NodeKind,
};
use secretome_store::{AuditEvent, Table};
use serde::Serialize;

/// One recorded step: an audit event on the lot or a record it was made from.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct RecordStep {
    pub seq: i64,
    /// UTC time as stored.
    pub at: String,
    /// The record's table (`batch`, `harvest`, `processing_step`, `test_result`, …).
    pub record: &'static str,
    pub record_id: String,
    pub action: String,
    pub actor: String,
    /// The actor's printed name (their display name).
    pub actor_name: String,
    pub reason: Option<String>,
}

/// An electronic signature as shown with the signed record.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Signature {
    /// `released`, `rejected` or `reviewed`.
    pub meaning: String,
    pub meaning_ja: String,
    /// The signer's user name and printed name (as at signing).
    pub signer: String,
    pub signer_name: String,
    /// UTC time of signing, as stored in the chain.
    pub at: String,
    pub reason: String,
    /// The signed audit event's sequence number and hash.
    pub seq: i64,
    pub hash: String,
}

/// A harvest pooled into the lot, with its conditioning as stated and as it happened: a harvest
/// outside the conditioning window carries its deviation and is flagged for QA.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct HarvestConditioning {
    pub harvest: String,
    pub batch: String,
    /// The conditioning's stated duration, hours.
    pub stated_h: Option<f64>,
    /// From the start of conditioning to the harvest, hours.
    pub actual_h: Option<f64>,
    /// Why it was outside the window and the operator's reason; `Some` means flagged.
    pub deviation: Option<String>,
}

/// Everything QA reviews before signing a lot's release decision.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct BatchRecord {
    pub detail: LotDetail,
    pub qc: LotQc,
    /// Every step of manufacture and testing, oldest first.
    pub steps: Vec<RecordStep>,
    /// Signatures on the lot, oldest first.
    pub signatures: Vec<Signature>,
    /// Who recorded any step of this lot's manufacture (they may not release it).
    pub participants: Vec<String>,
    /// Each pooled harvest's conditioning, stated vs actual; deviations flagged.
    pub harvests: Vec<HarvestConditioning>,
}

/// The electronic signatures among a lot's audit events, oldest first.
pub fn signatures(events: &[AuditEvent]) -> Vec<Signature> {
    events
        .iter()
        .filter_map(|e| {
            let meaning = Meaning::from_action(&e.action)?;
            let (signed, name, reason) = parse_manifestation(e.reason.as_deref()?)?;
            (signed == meaning).then(|| Signature {
                meaning: meaning.as_str().to_string(),
                meaning_ja: meaning.name_ja().to_string(),
                signer: e.actor.clone(),
                signer_name: name,
                at: e.at.clone(),
                reason,
                seq: e.seq,
                hash: e.hash.clone(),
            })
        })
        .collect()
}

fn table_of(kind: NodeKind) -> Option<Table> {
    Some(match kind {
        NodeKind::Donor => Table::Donor,
        NodeKind::Tissue => Table::Tissue,
        NodeKind::CellBank => Table::CellBank,
        NodeKind::MaterialLot => Table::MaterialLot,
        NodeKind::Batch => Table::Batch,
        NodeKind::Harvest => Table::Harvest,
        NodeKind::Lot | NodeKind::Vial | NodeKind::Patient => return None,
    })
}

impl Service {
    /// The batch record of `lot` for review (製造記録照査).
    pub async fn batch_record(&self, lot: &str) -> Result<BatchRecord, ServiceError> {
        let detail = self.lot_detail(lot).await?;
        let qc = self.lot_qc(lot).await?;
        let mut entities: Vec<(Table, String)> = Vec::new();
        let mut harvests = Vec::new();
        for n in detail
            .upstream
            .iter()
            .filter(|n| n.kind == NodeKind::Harvest)
        {
            let Some(h) = self.store.fetch::<Harvest>(&n.id).await? else {
                continue;
            };
            let b = self.store.fetch::<CultureBatch>(h.batch.as_str()).await?;
            let started = b.as_ref().and_then(|b| b.conditioning_started_at);
            harvests.push(HarvestConditioning {
                harvest: h.id.to_string(),
                batch: h.batch.to_string(),
                stated_h: b.as_ref().and_then(|b| b.conditioning_hours),
                actual_h: started.map(|s| s.hours_until(h.harvested_at)),
                deviation: h.deviation,
            });
        }
        for n in &detail.upstream {
            let Some(t) = table_of(n.kind) else { continue };
            entities.push((t, n.id.clone()));
            if n.kind == NodeKind::Batch {
                for t in [Table::Observation, Table::MaterialUse] {
                    for s in self.store.select(t, Some(("batch", &n.id))).await? {
                        entities.push((t, s.id().to_string()));
                    }
                }
            }
        }
        for t in [Table::ProcessingStep, Table::TestResult, Table::Deviation] {
            for s in self.store.select(t, Some(("lot", lot))).await? {
                entities.push((t, s.id().to_string()));
            }
        }
        let mut events: Vec<(Table, AuditEvent)> = detail
            .events
            .iter()
            .map(|e| (Table::Lot, e.clone()))
            .collect();
        for (table, id) in &entities {
            for e in self.store.events_for(*table, id).await? {
                events.push((*table, e));
            }
        }
        // The people by name, read by the ids these events name (never the whole user table).
        let names = self
            .names(events.iter().map(|(_, e)| e.actor.as_str()))
            .await?;
        let mut steps: Vec<RecordStep> = events
            .iter()
            .map(|(table, e)| RecordStep {
                seq: e.seq,
                at: e.at.clone(),
                record: table.name(),
                record_id: e.entity_id.clone(),
                action: e.action.clone(),
                actor: e.actor.clone(),
                actor_name: names.of(&e.actor).to_string(),
                reason: e.reason.clone(),
            })
            .collect();
        steps.sort_by_key(|s| s.seq);
        steps.dedup_by_key(|s| s.seq);
        let signatures = signatures(&detail.events);
        let participants = self.lot_participants(lot).await?.into_iter().collect();
        Ok(BatchRecord {
            detail,
            qc,
            steps,
            signatures,
            participants,
            harvests,
        })
    }

    /// The electronic signatures on a lot, oldest first (for the lot page and the certificate).
    pub async fn lot_signatures(&self, lot: &str) -> Result<Vec<Signature>, ServiceError> {
        Ok(signatures(&self.store.events_for(Table::Lot, lot).await?))
    }
}

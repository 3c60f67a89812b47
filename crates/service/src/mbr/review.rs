//! Review by exception: the batches a lot was made from (the backward trace), and for each batch
//! started from a master what departed from it (`secretome_domain::mbr::review`). Filling checks
//! that every step before filling is complete (or skipped with an approved deviation); the release
//! check turns every exception not dispositioned into a blocker. Steps done by someone without the
//! grade A qualifications or with equipment overdue are found from issue 14's facility records. Batches not started from a master
//! are not judged against one.

use crate::{Service, ServiceError};
use secretome_domain::{
    DomainError,
    facility::{Equipment, Qualification, training::aseptic_unqualified},
    genealogy::NodeKind,
    lot::Lot,
    mbr::{
        BatchExecution, DocumentVersion, Exception, MasterRecord, MasterStep, StepDeviation,
        StepRecord, StepStatus,
        deviation::unfinished_before_filling,
        review::{PlaceFacts, exceptions, place_exceptions},
    },
    qc::Deviation,
};
use secretome_store::{Direction, Record, Store, StoreError, Tx};
use serde::Serialize;

/// Where the records are read: inside the deciding transaction, or from the store for a page.
pub(crate) enum Src<'a> {
    Tx(&'a mut dyn Tx),
    Store(&'a dyn Store),
}

impl Src<'_> {
    async fn load<R: Record>(&mut self, id: &str) -> Result<Option<R>, StoreError> {
        match self {
            Src::Tx(tx) => tx.load(id).await,
            Src::Store(s) => s.fetch(id).await,
        }
    }
    async fn list<R: Record>(&mut self, col: &str, id: &str) -> Result<Vec<R>, StoreError> {
        match self {
            Src::Tx(tx) => tx.list(Some((col, id))).await,
            Src::Store(s) => s.list(Some((col, id))).await,
        }
    }
    /// The ids of the batches upstream of `lot`.
    async fn batches(&mut self, lot: &str) -> Result<Vec<String>, StoreError> {
        let edges = match self {
            Src::Tx(tx) => tx.trace(Direction::Backward, NodeKind::Lot, lot).await?,
            Src::Store(s) => s.trace(Direction::Backward, NodeKind::Lot, lot).await?,
        };
        let mut out: Vec<String> = edges
            .into_iter()
            .filter(|e| e.parent_kind == NodeKind::Batch)
            .map(|e| e.parent_id)
            .collect();
        out.sort();
        out.dedup();
        Ok(out)
    }
}

/// The ids of the batches upstream of `lot`, inside a transaction.
pub(crate) async fn upstream_batches(
    tx: &mut dyn Tx,
    lot: &str,
) -> Result<Vec<String>, ServiceError> {
    Ok(Src::Tx(tx).batches(lot).await?)
}

/// One batch's execution as recorded.
struct Executed {
    batch: String,
    master: MasterRecord,
    records: Vec<StepRecord>,
    deviations: Vec<StepDeviation>,
}

async fn executed(src: &mut Src<'_>, lot: &str) -> Result<Vec<Executed>, ServiceError> {
    let mut out = Vec::new();
    for batch in src.batches(lot).await? {
        let Some(ex) = src.load::<BatchExecution>(&batch).await? else {
            continue;
        };
        let version: DocumentVersion =
            src.load(&ex.master)
                .await?
                .ok_or_else(|| ServiceError::NotFound {
                    what: "document version",
                    id: ex.master.clone(),
                })?;
        let Some(master) = version.master else {
            continue;
        };
        let mut records: Vec<StepRecord> = src.list("execution", &ex.id).await?;
        records.sort_by_key(|r| r.seq);
        let deviations = src.list("execution", &ex.id).await?;
        out.push(Executed {
            batch,
            master,
            records,
            deviations,
        });
    }
    Ok(out)
}

/// Filling is refused while a batch of the lot started from a master has a step before filling
/// not recorded, awaiting verification, or skipped without QA's approval of its deviation.
pub(crate) async fn require_steps_before_filling(
    tx: &mut dyn Tx,
    lot: &str,
) -> Result<(), ServiceError> {
    let mut reasons = Vec::new();
    for e in executed(&mut Src::Tx(tx), lot).await? {
        for r in unfinished_before_filling(&e.master, &e.records, &e.deviations) {
            reasons.push(format!("batch {}: {r}", e.batch));
        }
    }
    if reasons.is_empty() {
        Ok(())
    } else {
        Err(
            DomainError::Rule(secretome_domain::Rule::StepsBeforeFilling {
                lot: lot.to_string(),
                reasons,
            })
            .into(),
        )
    }
}

/// What issue 14's records say about a recorded step: whoever recorded a grade A step without the
/// gowning and aseptic-process qualifications in force then, equipment out of calibration or
/// qualification when the step was done.
async fn place_facts(
    src: &mut Src<'_>,
    step: &MasterStep,
    r: &StepRecord,
) -> Result<PlaceFacts, ServiceError> {
    let mut facts = PlaceFacts::default();
    if step.room_grade.as_deref() == Some("A") && r.status != StepStatus::Skipped {
        let quals: Vec<Qualification> = src.list("operator", r.recorded_by.as_str()).await?;
        facts.unqualified = aseptic_unqualified(&r.recorded_by, &quals, r.performed_at);
    }
    if let Some(e) = &r.equipment
        && let Some(eq) = src.load::<Equipment>(e).await?
    {
        facts.equipment_overdue = eq.unfit_at(r.performed_at);
    }
    Ok(facts)
}

/// Every exception of the batches of `lot` started from a master.
pub(crate) async fn lot_exceptions(
    mut src: Src<'_>,
    lot: &Lot,
) -> Result<Vec<Exception>, ServiceError> {
    let filled = lot.filled_at.is_some();
    let mut out = Vec::new();
    for e in executed(&mut src, lot.id.as_str()).await? {
        out.extend(exceptions(
            &e.batch,
            &e.master,
            &e.records,
            &e.deviations,
            filled,
        ));
        for r in &e.records {
            let Some((_, step)) = e.master.step(&r.step) else {
                continue;
            };
            let facts = place_facts(&mut src, step, r).await?;
            out.extend(place_exceptions(&e.batch, r, &facts, &e.deviations));
        }
    }
    Ok(out)
}

/// The batch record's exceptions, shown before the full record: those of the batches' executions
/// (not dispositioned first) and the lot's deviations not closed.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct LotExceptions {
    pub exceptions: Vec<Exception>,
    pub open_deviations: Vec<Deviation>,
    /// Whether any batch of the lot was made against a master batch record.
    pub guided: bool,
}

impl LotExceptions {
    pub fn is_empty(&self) -> bool {
        self.exceptions.is_empty() && self.open_deviations.is_empty()
    }
}

impl Service {
    /// What departed in `lot`'s batch record, for review by exception.
    pub async fn batch_record_exceptions(&self, lot: &str) -> Result<LotExceptions, ServiceError> {
        let l = self
            .store
            .fetch::<Lot>(lot)
            .await?
            .ok_or_else(|| ServiceError::NotFound {
                what: "lot",
                id: lot.to_string(),
            })?;
        let store: &dyn Store = &*self.store;
        let mut src = Src::Store(store);
        let guided = !executed(&mut src, lot).await?.is_empty();
        let mut exceptions = lot_exceptions(Src::Store(store), &l).await?;
        exceptions.sort_by_key(|e| e.dispositioned);
        let open_deviations = store
            .list::<Deviation>(Some(("lot", lot)))
            .await?
            .into_iter()
            .filter(|d| !d.status.is_closed())
            .collect();
        Ok(LotExceptions {
            exceptions,
            open_deviations,
            guided,
        })
    }
}

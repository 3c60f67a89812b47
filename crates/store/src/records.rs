//! Typed access on top of the generic rows: each domain entity names its table, and
//! `tx.load::<Donor>(id)`, `tx.insert_record(&donor, &ctx)`, `store.list::<Lot>(None)` do the mapping.

use crate::{
    StoreError,
    audit::AuditCtx,
    decode::RawRow,
    query::{Page, PageQuery},
    row::Snapshot,
    schema::Table,
    store::{Answer, Filter, Read, Store, Tx},
};
use secretome_domain::{
    batch::{CultureBatch, Harvest, Observation},
    clinical::{
        Administration, AdverseEvent, AeReport, Consent, Dispensing, OutcomeMeasure, Patient,
    },
    culture::{CellBank, TissueCollection},
    donor::Donor,
    facility::{
        EmLimit, EmResult, Equipment, IntegrityTest, MediaFill, Qualification, Room,
        SterileFiltration,
    },
    genealogy::Edge,
    inventory::{Freezer, VialMove},
    lot::Lot,
    material::{MaterialUse, RawMaterialLot},
    mbr::{BatchExecution, ControlledDocument, DocumentVersion, StepDeviation, StepRecord},
    processing::ProcessingStep,
    qc::{
        Deviation, Product, Specification, TestResult,
        plate::{PlateFile, PlateRun},
    },
    recall::{Exposure, Recall},
    shipment::{Shipment, ShipmentItem},
    site::{ApiToken, Credential, DinSequence, Setting, Site, User},
    vial::Vial,
};
use serde::{Serialize, de::DeserializeOwned};

/// A domain entity stored as one row of `TABLE`.
pub trait Record: Serialize + DeserializeOwned + Send + Sync {
    const TABLE: Table;
}

macro_rules! records {
    ($($ty:ty => $table:ident),* $(,)?) => {
        $(impl Record for $ty { const TABLE: Table = Table::$table; })*
    };
}
records! {
    Site => Site, User => User, Donor => Donor, TissueCollection => Tissue, CellBank => CellBank,
    RawMaterialLot => MaterialLot, CultureBatch => Batch, Observation => Observation,
    MaterialUse => MaterialUse, Harvest => Harvest, Lot => Lot, ProcessingStep => ProcessingStep,
    Vial => Vial, Edge => Edge, Credential => Credential, ApiToken => ApiToken,
    Product => Product, Specification => Specification, TestResult => TestResult,
    Deviation => Deviation, Setting => Setting, DinSequence => DinSequence, Freezer => Freezer,
    VialMove => VialMove, Patient => Patient, Dispensing => Dispensing,
    Administration => Administration, AdverseEvent => AdverseEvent,
    OutcomeMeasure => OutcomeMeasure, Recall => Recall, Exposure => Exposure,
    PlateFile => PlateFile, PlateRun => PlateRun,
    Room => Room, EmResult => EmResult, SterileFiltration => SterileFiltration,
    IntegrityTest => IntegrityTest, Equipment => Equipment, Qualification => Qualification,
    MediaFill => MediaFill,
}
records! { Shipment => Shipment, ShipmentItem => ShipmentItem }
records! {
    ControlledDocument => ControlledDocument, DocumentVersion => DocumentVersion,
    BatchExecution => BatchExecution, StepRecord => ExecutionStep, StepDeviation => StepDeviation,
}
records! { Consent => Consent, AeReport => AeReport, EmLimit => EmLimit }

impl dyn Tx + '_ {
    /// One page of records inside this transaction.
    pub async fn page_of<R: Record>(&mut self, q: &PageQuery) -> Result<Page<R>, StoreError> {
        self.page_raw(R::TABLE, q).await?.try_map(|r| r.to_record())
    }

    pub async fn load<R: Record>(&mut self, id: &str) -> Result<Option<R>, StoreError> {
        match self.get_raw(R::TABLE, id).await? {
            Some(r) => Ok(Some(r.to_record()?)),
            None => Ok(None),
        }
    }
    /// Loads or fails with `NotFound` naming the table and id.
    pub async fn must_load<R: Record>(&mut self, id: &str) -> Result<R, StoreError> {
        self.load(id).await?.ok_or_else(|| StoreError::NotFound {
            table: R::TABLE.name(),
            id: id.to_string(),
        })
    }
    pub async fn list<R: Record>(&mut self, filter: Filter<'_>) -> Result<Vec<R>, StoreError> {
        self.select_raw(R::TABLE, filter)
            .await?
            .iter()
            .map(RawRow::to_record)
            .collect()
    }
    pub async fn insert_record<R: Record>(
        &mut self,
        rec: &R,
        ctx: &AuditCtx,
    ) -> Result<(), StoreError> {
        self.insert(Snapshot::from_record(R::TABLE, rec)?, ctx)
            .await
    }
    /// `Tx::insert_many` for records (one multi-row statement per chunk, the bulk event path), all
    /// with the same audit context.
    pub async fn insert_records<'r, R: Record + 'r>(
        &mut self,
        recs: impl IntoIterator<Item = &'r R>,
        ctx: &AuditCtx,
    ) -> Result<(), StoreError> {
        let rows = recs
            .into_iter()
            .map(|r| Ok((Snapshot::from_record(R::TABLE, r)?, ctx.clone())))
            .collect::<Result<Vec<_>, StoreError>>()?;
        self.insert_many(rows).await
    }
    /// `Tx::update_many` for records, each with its own audit context.
    pub async fn update_records<R: Record>(
        &mut self,
        recs: &[(R, AuditCtx)],
    ) -> Result<(), StoreError> {
        let rows = recs
            .iter()
            .map(|(r, c)| Ok((Snapshot::from_record(R::TABLE, r)?, c.clone())))
            .collect::<Result<Vec<_>, StoreError>>()?;
        self.update_many(rows).await
    }
    pub async fn update_record<R: Record>(
        &mut self,
        rec: &R,
        ctx: &AuditCtx,
    ) -> Result<(), StoreError> {
        self.update(Snapshot::from_record(R::TABLE, rec)?, ctx)
            .await
    }
}

/// The records of a `Read::GetMany` or `Read::Select` answer.
pub fn records<R: Record>(answer: Answer) -> Result<Vec<R>, StoreError> {
    answer.rows()?.iter().map(RawRow::to_record).collect()
}

impl dyn Store + '_ {
    /// One page of records (see `PageQuery`).
    pub async fn page_of<R: Record>(&self, q: &PageQuery) -> Result<Page<R>, StoreError> {
        self.page_raw(R::TABLE, q).await?.try_map(|r| r.to_record())
    }

    /// `page_of` through snapshots (`Snapshot::from_row` then `to_record`, a `Value` per cell):
    /// the decoding `page_of` replaced, kept to measure against it and to check they agree.
    pub async fn page_of_via_snapshots<R: Record>(
        &self,
        q: &PageQuery,
    ) -> Result<Page<R>, StoreError> {
        self.page(R::TABLE, q).await?.try_map(|s| s.to_record())
    }

    pub async fn fetch<R: Record>(&self, id: &str) -> Result<Option<R>, StoreError> {
        match self.get_raw(R::TABLE, id).await? {
            Some(r) => Ok(Some(r.to_record()?)),
            None => Ok(None),
        }
    }
    /// The records with these ids (those that exist, in no particular order): `get_many`, one
    /// `WHERE id IN (…)` per 500 ids, decoded straight from the rows.
    pub async fn fetch_many<R: Record>(&self, ids: &[String]) -> Result<Vec<R>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let all = self
            .read_all(vec![Read::GetMany(R::TABLE, ids.to_vec())])
            .await?;
        let [rows] = crate::store::answers(all)?;
        records(rows)
    }
    pub async fn list<R: Record>(&self, filter: Filter<'_>) -> Result<Vec<R>, StoreError> {
        self.select_raw(R::TABLE, filter)
            .await?
            .iter()
            .map(RawRow::to_record)
            .collect()
    }
}

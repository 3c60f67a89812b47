//! Read models for the manufacturing pages and API: donors with their screening, tissues and banks;
//! cell banks with what was made from them; culture batches with observations, material use,
//! harvests and the lots they went into; raw-material lots with their use. The lists themselves
//! are paged in `manufacture_pages.rs`.

use crate::{Service, ServiceError};
use secretome_domain::{
    batch::{CultureBatch, Harvest, Observation},
    culture::{CellBank, TissueCollection},
    donor::Donor,
    genealogy::NodeKind,
    material::{MaterialUse, RawMaterialLot},
};
use secretome_store::{Cond, Direction, Record};
use serde::Serialize;

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct DonorSummary {
    pub donor: Donor,
    pub tissues: usize,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct DonorDetail {
    pub donor: Donor,
    pub tissues: Vec<TissueCollection>,
    /// Master banks from the donor's tissues and the working banks made from them.
    pub banks: Vec<CellBank>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct BankDetail {
    pub bank: CellBank,
    pub donor: Option<String>,
    /// Working banks made from this (master) bank.
    pub children: Vec<CellBank>,
    pub batches: Vec<CultureBatch>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct BatchSummary {
    pub batch: CultureBatch,
    pub observations: usize,
    pub last: Option<Observation>,
    pub harvest: Option<Harvest>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct BatchDetail {
    pub batch: CultureBatch,
    /// Oldest first.
    pub observations: Vec<Observation>,
    pub uses: Vec<MaterialUse>,
    pub harvests: Vec<Harvest>,
    /// Lots the batch's harvests were pooled into.
    pub lots: Vec<String>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct MaterialSummary {
    pub lot: RawMaterialLot,
    pub uses: usize,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct MaterialDetail {
    pub lot: RawMaterialLot,
    pub uses: Vec<MaterialUse>,
    /// Batches conditioned in this lot (serum-free medium).
    pub conditioned: Vec<String>,
}

impl Service {
    async fn must<R: Record>(&self, what: &'static str, id: &str) -> Result<R, ServiceError> {
        self.store()
            .fetch::<R>(id)
            .await?
            .ok_or_else(|| ServiceError::NotFound {
                what,
                id: id.to_string(),
            })
    }

    /// A donor with their tissue collections and the banks made from them.
    pub async fn donor_detail(&self, code: &str) -> Result<DonorDetail, ServiceError> {
        let donor: Donor = self.must("donor", code).await?;
        let tissues = self
            .store()
            .list::<TissueCollection>(Some(("donor", code)))
            .await?;
        // Master banks from the donor's tissues and the working banks made from them (which
        // carry their master's tissue), by the bank's tissue index.
        let ids = tissues.iter().map(|t| t.id.to_string()).collect();
        let banks = self
            .every::<CellBank>(vec![Cond::In("tissue", ids)], "id")
            .await?;
        Ok(DonorDetail {
            donor,
            tissues,
            banks,
        })
    }

    /// A cell bank with its donor, the working banks made from it and the batches seeded from it.
    pub async fn bank_detail(&self, id: &str) -> Result<BankDetail, ServiceError> {
        let bank: CellBank = self.must("cell bank", id).await?;
        let donor = self
            .store()
            .fetch::<TissueCollection>(bank.tissue.as_str())
            .await?
            .map(|t| t.donor.to_string());
        let children = self.store().list::<CellBank>(Some(("parent", id))).await?;
        let batches = self
            .store()
            .list::<CultureBatch>(Some(("cell_bank", id)))
            .await?;
        Ok(BankDetail {
            bank,
            donor,
            children,
            batches,
        })
    }

    /// A batch with its observations (oldest first), material use, harvests and lots.
    pub async fn batch_detail(&self, id: &str) -> Result<BatchDetail, ServiceError> {
        let batch: CultureBatch = self.must("culture batch", id).await?;
        let mut observations = self
            .store()
            .list::<Observation>(Some(("batch", id)))
            .await?;
        observations.sort_by_key(|o| o.observed_at);
        let mut uses = self
            .store()
            .list::<MaterialUse>(Some(("batch", id)))
            .await?;
        uses.sort_by_key(|u| u.used_at);
        let harvests = self.store().list::<Harvest>(Some(("batch", id))).await?;
        let mut lots: Vec<String> = self
            .store()
            .trace(Direction::Forward, NodeKind::Batch, id)
            .await?
            .into_iter()
            .filter(|e| e.child_kind == NodeKind::Lot)
            .map(|e| e.child_id)
            .collect();
        lots.sort();
        lots.dedup();
        Ok(BatchDetail {
            batch,
            observations,
            uses,
            harvests,
            lots,
        })
    }

    /// A raw-material lot with every use by a batch and the batches conditioned in it.
    pub async fn material_detail(&self, id: &str) -> Result<MaterialDetail, ServiceError> {
        let lot: RawMaterialLot = self.must("raw-material lot", id).await?;
        let mut uses = self
            .store()
            .list::<MaterialUse>(Some(("material_lot", id)))
            .await?;
        uses.sort_by_key(|u| u.used_at);
        let conditioned = self
            .store()
            .list::<CultureBatch>(Some(("conditioning_medium", id)))
            .await?
            .into_iter()
            .map(|b| b.id.to_string())
            .collect();
        Ok(MaterialDetail {
            lot,
            uses,
            conditioned,
        })
    }
}

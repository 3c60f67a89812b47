//! The release rule applied to stored records, and the read models of QC for pages: a lot's results
//! against its specification (test, criterion, value, verdict) with its deviations, for the batch
//! record review; products and specification versions.

use crate::{Service, ServiceError, facility::FacilityRecords};
use secretome_domain::{
    Actor,
    ids::UserName,
    lot::Lot,
    qc::{
        Deviation, DeviationStatus, Product, ReleaseBlocker, Specification, TestResult, TestSpec,
        Verdict,
        release::{no_specification, open_deviations, segregation_of_duties},
        release_blockers,
    },
};
use secretome_store::{Cond, Store, Tx};
use serde::Serialize;
use std::collections::BTreeSet;

/// A lot's specification, results and deviations as stored.
pub(crate) struct QcRecords {
    pub spec: Option<Specification>,
    pub results: Vec<TestResult>,
    pub deviations: Vec<Deviation>,
    /// Sterility assurance: filtration and integrity, EM, equipment, operators, media fills.
    pub facility: FacilityRecords,
    /// What the lot's batches departed from their master batch record in (issue 15).
    pub exceptions: Vec<secretome_domain::mbr::Exception>,
}

impl QcRecords {
    /// Read inside a transaction (the release decision reads what it decides on under the lock).
    pub(crate) async fn in_tx(tx: &mut dyn Tx, lot: &Lot) -> Result<QcRecords, ServiceError> {
        let spec = match &lot.specification {
            Some(id) => Some(tx.must_load::<Specification>(id).await?),
            None => None,
        };
        let deviations = tx.list::<Deviation>(Some(("lot", lot.id.as_str()))).await?;
        let facility = FacilityRecords::in_tx(tx, lot, &deviations).await?;
        let exceptions = crate::mbr::lot_exceptions(crate::mbr::Src::Tx(tx), lot).await?;
        Ok(QcRecords {
            exceptions,
            spec,
            results: tx
                .list::<TestResult>(Some(("lot", lot.id.as_str())))
                .await?,
            deviations,
            facility,
        })
    }

    async fn read(store: &dyn Store, lot: &Lot) -> Result<QcRecords, ServiceError> {
        let spec = match &lot.specification {
            Some(id) => store.fetch::<Specification>(id).await?,
            None => None,
        };
        let deviations = store
            .list::<Deviation>(Some(("lot", lot.id.as_str())))
            .await?;
        let facility = FacilityRecords::read(store, lot, &deviations).await?;
        let exceptions = crate::mbr::lot_exceptions(crate::mbr::Src::Store(store), lot).await?;
        Ok(QcRecords {
            exceptions,
            spec,
            results: store
                .list::<TestResult>(Some(("lot", lot.id.as_str())))
                .await?,
            deviations,
            facility,
        })
    }

    /// Every reason `lot` may not be released by `signer`, given who took part in its manufacture.
    pub(crate) fn blockers(
        &self,
        lot: &Lot,
        participants: &BTreeSet<String>,
        signer: Option<&UserName>,
    ) -> Vec<ReleaseBlocker> {
        let mut out = match &self.spec {
            Some(spec) => release_blockers(spec, &self.results, &self.deviations),
            None => std::iter::once(no_specification(&lot.id))
                .chain(open_deviations(&self.deviations))
                .collect(),
        };
        out.extend(self.facility.blockers(&lot.id));
        out.extend(secretome_domain::mbr::review::blockers(&self.exceptions));
        if let Some(s) = signer.filter(|s| participants.contains(s.as_str())) {
            out.push(segregation_of_duties(s, &lot.id));
        }
        out
    }
}

/// One test of the lot's specification with its result, for the batch record review.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ResultRow {
    pub test: TestSpec,
    pub criterion: String,
    pub criterion_ja: String,
    pub result: Option<TestResult>,
    /// The verdict against the criterion; None while no result is entered.
    pub verdict: Option<Verdict>,
    /// The approved deviation that accepts a failing result, if any.
    pub covered_by: Option<String>,
}

/// A lot's QC record: its specification, one row per test, its deviations and the release
/// blockers (without the signer's own segregation-of-duties check: see `release_check`).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct LotQc {
    pub lot: Lot,
    pub specification: Option<Specification>,
    pub rows: Vec<ResultRow>,
    pub deviations: Vec<Deviation>,
    pub blockers: Vec<ReleaseBlocker>,
}

impl Service {
    async fn must_lot(&self, lot: &str) -> Result<Lot, ServiceError> {
        self.store
            .fetch::<Lot>(lot)
            .await?
            .ok_or_else(|| ServiceError::NotFound {
                what: "lot",
                id: lot.to_string(),
            })
    }

    /// Every reason `actor` may not release `lot` now — missing results, failing results without an
    /// approved deviation, open deviations, and the actor's part in the lot's manufacture. Empty:
    /// the release may go ahead (the lot must still be in quarantine).
    pub async fn release_check(
        &self,
        actor: &Actor,
        lot: &str,
    ) -> Result<Vec<ReleaseBlocker>, ServiceError> {
        let l = self.must_lot(lot).await?;
        let records = QcRecords::read(self.store(), &l).await?;
        let participants = self.lot_participants(lot).await?;
        Ok(records.blockers(&l, &participants, Some(&actor.user)))
    }

    /// A lot's results against its specification, with deviations and blockers.
    pub async fn lot_qc(&self, lot: &str) -> Result<LotQc, ServiceError> {
        let l = self.must_lot(lot).await?;
        let r = QcRecords::read(self.store(), &l).await?;
        let blockers = r.blockers(&l, &BTreeSet::new(), None);
        let rows = match &r.spec {
            Some(spec) => spec
                .tests
                .iter()
                .map(|t| {
                    let result = r
                        .results
                        .iter()
                        .find(|x| x.specification == spec.id && x.test == t.code)
                        .cloned();
                    let verdict = result.as_ref().and_then(|x| {
                        t.acceptance
                            .judge_censored(x.value, x.censor, x.outcome.as_deref())
                            .ok()
                    });
                    let covered_by = match verdict {
                        Some(Verdict::Fail) => r
                            .deviations
                            .iter()
                            .find(|d| d.covers(t.code.as_str()))
                            .map(|d| d.id.clone()),
                        _ => None,
                    };
                    ResultRow {
                        criterion: t.criterion(),
                        criterion_ja: t.criterion_ja(),
                        test: t.clone(),
                        result,
                        verdict,
                        covered_by,
                    }
                })
                .collect(),
            None => Vec::new(),
        };
        Ok(LotQc {
            lot: l,
            specification: r.spec,
            rows,
            deviations: r.deviations,
            blockers,
        })
    }

    /// Every product, by code.
    pub async fn products(&self) -> Result<Vec<Product>, ServiceError> {
        Ok(self.store.list::<Product>(None).await?)
    }

    /// A product's specification versions, oldest first.
    pub async fn specifications(&self, product: &str) -> Result<Vec<Specification>, ServiceError> {
        let mut v = self
            .store
            .list::<Specification>(Some(("product", product)))
            .await?;
        v.sort_by_key(|s| s.version);
        Ok(v)
    }

    /// Deviations not yet closed (open or assessed), across all lots, oldest first.
    pub async fn open_deviations(&self) -> Result<Vec<Deviation>, ServiceError> {
        use DeviationStatus::*;
        let open = [Open, Assessed, Approved, Rejected]
            .into_iter()
            .filter(|s| !s.is_closed())
            .map(|s| s.as_str().to_string())
            .collect();
        self.every(vec![Cond::In("status", open)], "opened_at")
            .await
    }
}

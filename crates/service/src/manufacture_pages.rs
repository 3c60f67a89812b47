//! Paged manufacturing lists (issue 19): donors by code, culture batches newest seeded first,
//! raw-material lots by id and harvests newest harvested first, a page at a time (keyset cursors,
//! `secretome_store::PageQuery`), filtered in SQL, with each row's counts — a donor's tissues, a
//! batch's observations and latest one, a material lot's uses — computed by the database for the
//! rows on the page only. Also the bounded choices of the manufacturing forms: the newest cell
//! banks, the material lots still in date (soonest expiry first) and the harvests with volume left
//! to pool. None of them reads a table whole.

use crate::manufacture_queries::{BatchSummary, DonorSummary, MaterialSummary};
use crate::paging::{MAX_PAGE_SIZE, given, limit, refuse_all};
use crate::{Service, ServiceError};
use secretome_domain::{
    DomainError, UtcTime,
    batch::{BatchStatus, CultureBatch, Harvest, Observation},
    culture::CellBank,
    donor::{Donor, DonorStatus, TissueSource},
    material::{MaterialCategory, RawMaterialLot},
};
use secretome_store::{Aggregate, Answer, Cond, Page, PageQuery, Read, Table, answers};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The donor list's filters (all optional; empty text counts as absent).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct DonorFilter {
    /// `screening`, `eligible` or `ineligible`.
    pub status: Option<String>,
    /// The tissue source (`bone_marrow`, `adipose`, …).
    pub source: Option<String>,
    /// Donor codes starting with this text.
    pub code: Option<String>,
}

/// The batch list's filters.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct BatchFilter {
    /// `culturing`, `conditioning` or `harvested`.
    pub status: Option<String>,
    /// Batches seeded from this cell bank.
    pub cell_bank: Option<String>,
}

/// The raw-material list's filters.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct MaterialFilter {
    /// `medium`, `supplement`, `reagent`, `filter` or `consumable`.
    pub category: Option<String>,
    /// Material-lot ids starting with this text.
    pub lot: Option<String>,
}

/// The harvest list's filters.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct HarvestFilter {
    /// Only the harvests with volume left to pool.
    pub open: Option<bool>,
    /// The harvest of this batch.
    pub batch: Option<String>,
}

/// `column = value` when `value` is one of `names`, else a refusal naming `field`.
fn one_of(
    field: &'static str,
    value: Option<&str>,
    names: &[&'static str],
    errors: &mut Vec<DomainError>,
) -> Option<Cond> {
    let v = value?;
    match names.iter().find(|n| **n == v) {
        Some(n) => Some(Cond::Eq(field, n.to_string())),
        None => {
            errors.push(DomainError::invalid(
                field,
                secretome_domain::Why::said(
                    format!("{v:?} is not one of {}", names.join(", ")),
                    format!("指定が正しくありません ({v:?})"),
                ),
            ));
            None
        }
    }
}

impl DonorFilter {
    fn conds(&self) -> Result<Vec<Cond>, ServiceError> {
        let mut errors = Vec::new();
        let states = [
            DonorStatus::Screening,
            DonorStatus::Eligible,
            DonorStatus::Ineligible,
        ]
        .map(DonorStatus::as_str);
        let sources = TissueSource::ALL.map(TissueSource::as_str);
        let mut conds: Vec<Cond> = [
            one_of("status", given(&self.status), &states, &mut errors),
            one_of("source", given(&self.source), &sources, &mut errors),
        ]
        .into_iter()
        .flatten()
        .collect();
        if let Some(c) = given(&self.code) {
            conds.push(Cond::prefix("id", c));
        }
        refuse_all(errors)?;
        Ok(conds)
    }
}

impl BatchFilter {
    fn conds(&self) -> Result<Vec<Cond>, ServiceError> {
        let mut errors = Vec::new();
        let states = [
            BatchStatus::Culturing,
            BatchStatus::Conditioning,
            BatchStatus::Harvested,
        ]
        .map(BatchStatus::as_str);
        let mut conds: Vec<Cond> = one_of("status", given(&self.status), &states, &mut errors)
            .into_iter()
            .collect();
        if let Some(b) = given(&self.cell_bank) {
            conds.push(Cond::Eq("cell_bank", b.to_string()));
        }
        refuse_all(errors)?;
        Ok(conds)
    }
}

impl MaterialFilter {
    fn conds(&self) -> Result<Vec<Cond>, ServiceError> {
        let mut errors = Vec::new();
        let categories = MaterialCategory::ALL.map(MaterialCategory::as_str);
        let mut conds: Vec<Cond> =
            one_of("category", given(&self.category), &categories, &mut errors)
                .into_iter()
                .collect();
        if let Some(l) = given(&self.lot) {
            conds.push(Cond::prefix("id", l));
        }
        refuse_all(errors)?;
        Ok(conds)
    }
}

/// Group counts of a one-column aggregate as key → (count, max).
fn by_key(answer: Answer) -> Result<BTreeMap<String, (usize, Option<String>)>, ServiceError> {
    let mut out = BTreeMap::new();
    for g in answer.groups()? {
        if let Some(k) = g.keys.into_iter().next().flatten() {
            out.insert(k, (usize::try_from(g.count).unwrap_or(0), g.max));
        }
    }
    Ok(out)
}

/// A page in id order (codes and lot numbers), `limit` rows from `cursor`.
fn by_id(cursor: Option<&str>, n: Option<usize>, conds: Vec<Cond>) -> PageQuery {
    let mut q = PageQuery::newest("id", limit(n)).at(cursor);
    q.desc = false;
    q.conds = conds;
    q
}

impl Service {
    /// A page of donors by code, filtered by state, source and code prefix, with their tissue
    /// collections counted in SQL.
    pub async fn donors_page(
        &self,
        filter: &DonorFilter,
        cursor: Option<&str>,
        n: Option<usize>,
    ) -> Result<Page<DonorSummary>, ServiceError> {
        let q = by_id(cursor, n, filter.conds()?);
        let page = self.store().page_of::<Donor>(&q).await?;
        let ids: Vec<String> = page.rows.iter().map(|d| d.id.to_string()).collect();
        let tissues = Aggregate::count(Table::Tissue, &["donor"], vec![Cond::In("donor", ids)]);
        let [tissues] = answers(
            self.store()
                .read_all(vec![Read::Aggregate(tissues)])
                .await?,
        )?;
        let tissues = by_key(tissues)?;
        Ok(page.map(|donor| DonorSummary {
            tissues: tissues.get(donor.id.as_str()).map_or(0, |t| t.0),
            donor,
        }))
    }

    /// A page of culture batches, newest seeding first, filtered by state and cell bank, each
    /// with its observations counted, its latest observation and its harvest — read for the
    /// batches on the page only.
    pub async fn batches_page(
        &self,
        filter: &BatchFilter,
        cursor: Option<&str>,
        n: Option<usize>,
    ) -> Result<Page<BatchSummary>, ServiceError> {
        let mut q = PageQuery::newest("seeded_at", limit(n)).at(cursor);
        q.conds = filter.conds()?;
        let page = self.store().page_of::<CultureBatch>(&q).await?;
        let ids: Vec<String> = page.rows.iter().map(|b| b.id.to_string()).collect();
        let on_page = || vec![Cond::In("batch", ids.clone())];
        let counts = Aggregate {
            max: Some("observed_at"),
            ..Aggregate::count(Table::Observation, &["batch"], on_page())
        };
        let mut harvests = PageQuery::newest("id", ids.len().max(1));
        harvests.conds = on_page();
        let reads = vec![
            Read::Aggregate(counts),
            Read::Page(Table::Harvest, harvests),
        ];
        let [counts, harvests] = answers(self.store().read_all(reads).await?)?;
        let counts = by_key(counts)?;
        let mut harvest_of: BTreeMap<String, Harvest> = BTreeMap::new();
        for h in harvests.page()?.rows {
            let h: Harvest = h.to_record()?;
            harvest_of.insert(h.batch.to_string(), h);
        }
        // The latest observations: those of the page's batches at one of their latest times (an
        // index range per batch), the batch's own latest kept (the greatest id on a tie).
        let latest: Vec<String> = counts.values().filter_map(|c| c.1.clone()).collect();
        let mut latest_at: BTreeMap<&str, UtcTime> = BTreeMap::new();
        for (batch, (_, at)) in &counts {
            if let Some(at) = at {
                latest_at.insert(batch, UtcTime::parse("observed_at", at)?);
            }
        }
        let mut last_of: BTreeMap<String, Observation> = BTreeMap::new();
        if !latest.is_empty() {
            let mut q = PageQuery::newest("id", secretome_store::query::MAX_ROWS);
            q.desc = false;
            q.conds = vec![
                Cond::In("batch", counts.keys().cloned().collect()),
                Cond::In("observed_at", latest),
            ];
            for o in self.store().page_of::<Observation>(&q).await?.rows {
                if latest_at.get(o.batch.as_str()) == Some(&o.observed_at) {
                    last_of.insert(o.batch.to_string(), o);
                }
            }
        }
        Ok(page.map(|batch| {
            let id = batch.id.as_str();
            BatchSummary {
                observations: counts.get(id).map_or(0, |c| c.0),
                last: last_of.remove(id),
                harvest: harvest_of.remove(id),
                batch,
            }
        }))
    }

    /// A page of raw-material lots by id, filtered by category and lot prefix, with how many
    /// uses by batches each has (counted in SQL).
    pub async fn materials_page(
        &self,
        filter: &MaterialFilter,
        cursor: Option<&str>,
        n: Option<usize>,
    ) -> Result<Page<MaterialSummary>, ServiceError> {
        let q = by_id(cursor, n, filter.conds()?);
        let page = self.store().page_of::<RawMaterialLot>(&q).await?;
        let ids: Vec<String> = page.rows.iter().map(|l| l.id.to_string()).collect();
        let uses = Aggregate::count(
            Table::MaterialUse,
            &["material_lot"],
            vec![Cond::In("material_lot", ids)],
        );
        let [uses] = answers(self.store().read_all(vec![Read::Aggregate(uses)]).await?)?;
        let uses = by_key(uses)?;
        Ok(page.map(|lot| MaterialSummary {
            uses: uses.get(lot.id.as_str()).map_or(0, |u| u.0),
            lot,
        }))
    }

    /// A page of harvests, newest first, filtered to those with volume left to pool and by batch
    /// (`remaining_ml` is what is left).
    pub async fn harvests_page(
        &self,
        filter: &HarvestFilter,
        cursor: Option<&str>,
        n: Option<usize>,
    ) -> Result<Page<Harvest>, ServiceError> {
        let mut q = PageQuery::newest("harvested_at", limit(n)).at(cursor);
        if filter.open == Some(true) {
            q.conds.push(Cond::Positive("remaining_ml"));
        }
        if let Some(b) = given(&filter.batch) {
            q.conds.push(Cond::Eq("batch", b.to_string()));
        }
        Ok(self.store().page_of::<Harvest>(&q).await?)
    }

    /// The pooling form's choices: the newest `MAX_PAGE_SIZE` harvests with volume left to pool.
    pub async fn harvests_to_pool(&self) -> Result<Vec<Harvest>, ServiceError> {
        let open = HarvestFilter {
            open: Some(true),
            batch: None,
        };
        Ok(self
            .harvests_page(&open, None, Some(MAX_PAGE_SIZE))
            .await?
            .rows)
    }

    /// The seeding form's suggestions: the newest `MAX_PAGE_SIZE` cell banks (any bank may be
    /// typed by its id).
    pub async fn newest_banks(&self) -> Result<Vec<CellBank>, ServiceError> {
        let q = PageQuery::newest("banked_at", MAX_PAGE_SIZE);
        Ok(self.store().page_of::<CellBank>(&q).await?.rows)
    }

    /// The material-use and conditioning forms' choices: the raw-material lots still in date at
    /// `now` (of one category when given), soonest expiry first (first expired, first out), at
    /// most `MAX_PAGE_SIZE`.
    pub async fn materials_in_date(
        &self,
        now: UtcTime,
        category: Option<MaterialCategory>,
    ) -> Result<Vec<RawMaterialLot>, ServiceError> {
        let mut q = PageQuery::newest("expires_at", MAX_PAGE_SIZE);
        q.desc = false;
        if let Some(c) = category {
            q.conds.push(Cond::Eq("category", c.as_str().to_string()));
        }
        q.conds.push(Cond::Range {
            column: "expires_at",
            from: Some(now.to_string()),
            to: None,
        });
        Ok(self.store().page_of::<RawMaterialLot>(&q).await?.rows)
    }
}

impl Service {
    /// One harvest by id, if there is one (the pooling form's first row, opened from a batch).
    pub async fn find_harvest(&self, id: &str) -> Result<Option<Harvest>, ServiceError> {
        Ok(self.store().fetch::<Harvest>(id).await?)
    }
}

//! The planner's reads, bounded and batched (issue 19): calibration reads the newest
//! `CALIBRATION_BATCHES` harvests, the running batches are read by their status, and each kind of
//! record behind them (banks, tissues, donors, counts, genealogy, processing, QC results) comes in
//! one keyed query for all of them — never a table whole, never a query per batch.

use super::{factor_of, source_of};
use crate::{Service, ServiceError};
use secretome_domain::{
    batch::{BatchStatus, CultureBatch, Harvest, Observation},
    culture::{CellBank, TissueCollection},
    donor::Donor,
    genealogy::{Edge, NodeKind},
    processing::{ProcessingStep, StepKind},
    qc::TestResult,
};
use secretome_planner::{
    CellSource, Factor, VesselKind, VesselSpec,
    calibrate::{ConditioningRecord, CountObservation, FinishedBatch},
};
use secretome_store::{Cond, PageQuery};
use std::collections::{BTreeMap, BTreeSet};

/// How many of the newest harvested batches the planner is calibrated on: the process as it runs
/// now (a window of recent batches follows drift in media, donors and operators), and a planning
/// page that costs the same whatever the length of the facility's history.
pub const CALIBRATION_BATCHES: usize = 120;

/// At most this many batches in culture are compared with their plans (a facility runs far fewer
/// at once; the newest seeded first).
pub const RUNNING_BATCHES: usize = 60;

impl Service {
    /// The newest `CALIBRATION_BATCHES` harvested batches of a source the planner models, as the
    /// planner's `FinishedBatch`.
    pub async fn finished_batches(&self) -> Result<Vec<FinishedBatch>, ServiceError> {
        let harvests = self
            .store()
            .page_of::<Harvest>(&PageQuery::newest("harvested_at", CALIBRATION_BATCHES))
            .await?
            .rows;
        let ids: Vec<String> = harvests.iter().map(|h| h.batch.to_string()).collect();
        let mut batches: Vec<CultureBatch> = self.store().fetch_many(&ids).await?;
        batches.retain(|b| b.status == BatchStatus::Harvested);
        batches.sort_by(|a, b| a.id.as_str().cmp(b.id.as_str()));
        let lineage = self.lineages(&batches).await?;
        let mut counts = self.observations_of(&ids).await?;
        let harvest_ids: Vec<String> = harvests.iter().map(|h| h.id.to_string()).collect();
        let mut measured = self.measured_in_media(&harvest_ids).await?;
        let harvest_of: BTreeMap<&str, &Harvest> =
            harvests.iter().map(|h| (h.batch.as_str(), h)).collect();
        let mut out = Vec::new();
        for b in &batches {
            let Some((source, donor)) = lineage.get(b.id.as_str()) else {
                continue;
            };
            let Ok(kind) = b.vessel.as_str().parse::<VesselKind>() else {
                continue;
            };
            let h = harvest_of.get(b.id.as_str());
            let observations = counts
                .remove(b.id.as_str())
                .unwrap_or_default()
                .iter()
                .map(|o| CountObservation {
                    hours: b.seeded_at.hours_until(o.observed_at),
                    cells: o.cell_count,
                })
                .collect();
            let conditioning = match (b.conditioning_started_at, b.conditioning_hours, h) {
                (Some(start), Some(hours), Some(h)) => Some(ConditioningRecord {
                    start_h: b.seeded_at.hours_until(start),
                    hours,
                    volume_ml: h.volume_ml,
                    cells: None,
                }),
                _ => None,
            };
            out.push(FinishedBatch {
                id: b.id.to_string(),
                source: *source,
                donor: donor.clone(),
                vessel: VesselSpec::Standard(kind),
                vessels: u32::try_from(b.vessel_count).unwrap_or(1),
                seeded_cells: b.seeding_density * b.area_cm2(),
                observations,
                conditioning,
                measured: h
                    .and_then(|h| measured.remove(h.id.as_str()))
                    .unwrap_or_default(),
            });
        }
        Ok(out)
    }

    /// The batches still in culture or conditioning (the newest seeded `RUNNING_BATCHES`, read by
    /// their status), by id.
    pub(super) async fn running_batches(&self) -> Result<Vec<CultureBatch>, ServiceError> {
        let q = PageQuery::newest("seeded_at", RUNNING_BATCHES).with(Cond::In(
            "status",
            vec![
                BatchStatus::Culturing.as_str().to_string(),
                BatchStatus::Conditioning.as_str().to_string(),
            ],
        ));
        let mut rows = self.store().page_of::<CultureBatch>(&q).await?.rows;
        rows.sort_by(|a, b| a.id.as_str().cmp(b.id.as_str()));
        Ok(rows)
    }

    /// Each batch's cell source and donor (batches of a source the planner does not model, or
    /// whose bank, tissue or donor is missing, are left out): three keyed reads for all of them.
    pub(super) async fn lineages(
        &self,
        batches: &[CultureBatch],
    ) -> Result<BTreeMap<String, (CellSource, String)>, ServiceError> {
        let keys = |it: &mut dyn Iterator<Item = String>| -> Vec<String> {
            it.collect::<BTreeSet<_>>().into_iter().collect()
        };
        let s = self.store();
        let banks: Vec<CellBank> = s
            .fetch_many(&keys(&mut batches.iter().map(|b| b.cell_bank.to_string())))
            .await?;
        let tissues: Vec<TissueCollection> = s
            .fetch_many(&keys(&mut banks.iter().map(|b| b.tissue.to_string())))
            .await?;
        let donors: Vec<Donor> = s
            .fetch_many(&keys(&mut tissues.iter().map(|t| t.donor.to_string())))
            .await?;
        let bank: BTreeMap<&str, &CellBank> = banks.iter().map(|b| (b.id.as_str(), b)).collect();
        let tissue: BTreeMap<&str, &TissueCollection> =
            tissues.iter().map(|t| (t.id.as_str(), t)).collect();
        let donor: BTreeMap<&str, &Donor> = donors.iter().map(|d| (d.id.as_str(), d)).collect();
        Ok(batches
            .iter()
            .filter_map(|b| {
                let bank = bank.get(b.cell_bank.as_str())?;
                let tissue = tissue.get(bank.tissue.as_str())?;
                let d = donor.get(tissue.donor.as_str())?;
                Some((b.id.to_string(), (source_of(d.source)?, d.id.to_string())))
            })
            .collect())
    }

    /// The cell counts of these batches, each batch's in time order.
    pub(super) async fn observations_of(
        &self,
        batches: &[String],
    ) -> Result<BTreeMap<String, Vec<Observation>>, ServiceError> {
        let mut out: BTreeMap<String, Vec<Observation>> = BTreeMap::new();
        if batches.is_empty() {
            return Ok(out);
        }
        let rows: Vec<Observation> = self
            .every(vec![Cond::In("batch", batches.to_vec())], "observed_at")
            .await?;
        for o in rows {
            out.entry(o.batch.to_string()).or_default().push(o);
        }
        Ok(out)
    }

    /// Factor concentrations in each harvest's conditioned medium, from QC's results on the lot it
    /// went into — only when that lot holds this harvest alone (a pool mixes batches), divided by
    /// the lot's ultrafiltration concentration factor (recovery losses are not corrected: the
    /// fitted rate is an effective one). Four keyed reads for all the harvests.
    async fn measured_in_media(
        &self,
        harvests: &[String],
    ) -> Result<BTreeMap<String, BTreeMap<Factor, f64>>, ServiceError> {
        let mut out = BTreeMap::new();
        if harvests.is_empty() {
            return Ok(out);
        }
        let from_harvests: Vec<Edge> = self
            .every(
                vec![
                    Cond::Eq("parent_kind", NodeKind::Harvest.as_str().to_string()),
                    Cond::In("parent_id", harvests.to_vec()),
                ],
                "id",
            )
            .await?;
        // Each harvest's lot: its first edge into a lot, in id order.
        let mut lot_of: BTreeMap<String, String> = BTreeMap::new();
        for e in from_harvests
            .iter()
            .filter(|e| e.child_kind == NodeKind::Lot)
        {
            lot_of
                .entry(e.parent_id.clone())
                .or_insert_with(|| e.child_id.clone());
        }
        let lots: Vec<String> = lot_of
            .values()
            .cloned()
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        if lots.is_empty() {
            return Ok(out);
        }
        let into_lots: Vec<Edge> = self
            .every(
                vec![
                    Cond::Eq("child_kind", NodeKind::Lot.as_str().to_string()),
                    Cond::In("child_id", lots.clone()),
                ],
                "id",
            )
            .await?;
        let mut harvests_in: BTreeMap<&str, usize> = BTreeMap::new();
        for e in into_lots
            .iter()
            .filter(|e| e.parent_kind == NodeKind::Harvest)
        {
            *harvests_in.entry(e.child_id.as_str()).or_default() += 1;
        }
        let single: Vec<String> = lots
            .iter()
            .filter(|l| harvests_in.get(l.as_str()) == Some(&1))
            .cloned()
            .collect();
        if single.is_empty() {
            return Ok(out);
        }
        let steps: Vec<ProcessingStep> = self
            .every(vec![Cond::In("lot", single.clone())], "id")
            .await?;
        let mut cf: BTreeMap<&str, f64> = BTreeMap::new();
        for st in &steps {
            if let StepKind::Ultrafiltration {
                concentration_factor,
                ..
            } = st.step
            {
                *cf.entry(st.lot.as_str()).or_insert(1.0) *= concentration_factor;
            }
        }
        let results: Vec<TestResult> = self.every(vec![Cond::In("lot", single)], "id").await?;
        let mut by_lot: BTreeMap<&str, BTreeMap<Factor, f64>> = BTreeMap::new();
        for r in &results {
            if let (Some(f), Some(v)) = (factor_of(r.test.as_str()), r.value)
                && v > 0.0
            {
                let c = cf.get(r.lot.as_str()).copied().unwrap_or(1.0);
                by_lot.entry(r.lot.as_str()).or_default().insert(f, v / c);
            }
        }
        for (harvest, lot) in &lot_of {
            if let Some(m) = by_lot.get(lot.as_str()) {
                out.insert(harvest.clone(), m.clone());
            }
        }
        Ok(out)
    }
}

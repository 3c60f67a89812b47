//! The production planner on the facility's own records: finished culture batches are read from the
//! store and handed to `secretome-planner` for calibration (growth from the daily counts; secretion
//! from QC's factor results when a lot came from one harvest); plans use the calibrated parameters.

use crate::{Service, ServiceError};
use jiff::tz::TimeZone;
use secretome_domain::{
    UtcTime,
    batch::{BatchStatus, CultureBatch, Harvest, Observation},
    culture::{CellBank, TissueCollection},
    donor::{Donor, TissueSource},
};
use secretome_domain::{
    genealogy::{Edge, NodeKind},
    processing::{ProcessingStep, StepKind},
    qc::TestResult,
};
use secretome_planner::{
    CalibrationOptions, CalibrationReport, CellSource, Factor, Plan, PlanRequest, VesselKind,
    VesselSpec,
    calibrate::{ConditioningRecord, CountObservation, FinishedBatch},
};
use std::collections::BTreeMap;

/// The facility's zone: plans are made in local time.
fn zone() -> TimeZone {
    TimeZone::get("Asia/Tokyo").unwrap_or_else(|_| TimeZone::fixed(jiff::tz::offset(9)))
}

/// A UTC time as the facility's local civil time.
pub fn local(t: UtcTime) -> jiff::civil::DateTime {
    t.timestamp().to_zoned_datetime(zone()).datetime()
}

fn source_of(t: TissueSource) -> Option<CellSource> {
    match t {
        TissueSource::BoneMarrow => Some(CellSource::BoneMarrow),
        TissueSource::Adipose => Some(CellSource::Adipose),
        TissueSource::UmbilicalCord => Some(CellSource::UmbilicalCord),
        TissueSource::DentalPulp | TissueSource::Other => None,
    }
}

/// The planner's factor for a QC test code of the factor catalogue.
fn factor_of(test: &str) -> Option<Factor> {
    Some(match test {
        "egf" => Factor::Egf,
        "fgf2" => Factor::Fgf2,
        "vegf" => Factor::Vegf,
        "tgf_b1" => Factor::TgfB1,
        "bdnf" => Factor::Bdnf,
        "hgf" => Factor::Hgf,
        "pdgf_bb" => Factor::PdgfBb,
        "il10" => Factor::Il10,
        "ev_particles" => Factor::EvParticles,
        _ => return None,
    })
}

impl Service {
    /// Factor concentrations in a harvest's conditioned medium, from QC's results on the lot it
    /// went into — only when that lot holds this harvest alone (a pool mixes batches), divided by
    /// the lot's ultrafiltration concentration factor (recovery losses are not corrected: the
    /// fitted rate is an effective one).
    async fn measured_in_medium(
        &self,
        harvest: &str,
    ) -> Result<BTreeMap<Factor, f64>, ServiceError> {
        let s = self.store();
        let mut out = BTreeMap::new();
        let to_lots: Vec<Edge> = s.list::<Edge>(Some(("parent_id", harvest))).await?;
        let Some(lot) = to_lots
            .iter()
            .find(|e| e.parent_kind == NodeKind::Harvest && e.child_kind == NodeKind::Lot)
        else {
            return Ok(out);
        };
        let into_lot: Vec<Edge> = s
            .list::<Edge>(Some(("child_id", lot.child_id.as_str())))
            .await?;
        if into_lot
            .iter()
            .filter(|e| e.parent_kind == NodeKind::Harvest)
            .count()
            != 1
        {
            return Ok(out);
        }
        let cf: f64 = s
            .list::<ProcessingStep>(Some(("lot", lot.child_id.as_str())))
            .await?
            .iter()
            .filter_map(|st| match st.step {
                StepKind::Ultrafiltration {
                    concentration_factor,
                    ..
                } => Some(concentration_factor),
                _ => None,
            })
            .product();
        for r in s
            .list::<TestResult>(Some(("lot", lot.child_id.as_str())))
            .await?
        {
            if let (Some(f), Some(v)) = (factor_of(r.test.as_str()), r.value)
                && v > 0.0
            {
                out.insert(f, v / cf);
            }
        }
        Ok(out)
    }

    /// Every harvested batch of a source the planner models, as the planner's `FinishedBatch`.
    pub async fn finished_batches(&self) -> Result<Vec<FinishedBatch>, ServiceError> {
        let s = self.store();
        let harvests: BTreeMap<String, Harvest> = s
            .list::<Harvest>(None)
            .await?
            .into_iter()
            .map(|h| (h.batch.to_string(), h))
            .collect();
        let mut out = Vec::new();
        for b in s.list::<CultureBatch>(None).await? {
            if b.status != BatchStatus::Harvested {
                continue;
            }
            let Some(bank) = s.fetch::<CellBank>(b.cell_bank.as_str()).await? else {
                continue;
            };
            let Some(tissue) = s.fetch::<TissueCollection>(bank.tissue.as_str()).await? else {
                continue;
            };
            let Some(donor) = s.fetch::<Donor>(tissue.donor.as_str()).await? else {
                continue;
            };
            let Some(source) = source_of(donor.source) else {
                continue;
            };
            let Ok(kind) = b.vessel.as_str().parse::<VesselKind>() else {
                continue;
            };
            let mut obs = s
                .list::<Observation>(Some(("batch", b.id.as_str())))
                .await?;
            obs.sort_by_key(|o| o.observed_at);
            let observations = obs
                .iter()
                .map(|o| CountObservation {
                    hours: b.seeded_at.hours_until(o.observed_at),
                    cells: o.cell_count,
                })
                .collect();
            let conditioning = match (
                b.conditioning_started_at,
                b.conditioning_hours,
                harvests.get(b.id.as_str()),
            ) {
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
                source,
                donor: donor.id.to_string(),
                vessel: VesselSpec::Standard(kind),
                vessels: u32::try_from(b.vessel_count).unwrap_or(1),
                seeded_cells: b.seeding_density * b.area_cm2(),
                observations,
                conditioning,
                measured: match harvests.get(b.id.as_str()) {
                    Some(h) => self.measured_in_medium(h.id.as_str()).await?,
                    None => BTreeMap::new(),
                },
            });
        }
        Ok(out)
    }

    /// Calibrates the planner on the facility's finished batches (literature defaults where the
    /// data are not enough).
    pub async fn calibration(&self) -> Result<CalibrationReport, ServiceError> {
        let batches = self.finished_batches().await?;
        secretome_planner::calibrate(&batches, &CalibrationOptions::default())
            .map_err(ServiceError::from)
    }

    /// Plans a campaign with the parameters calibrated for its source (and donor, when it has its own).
    pub async fn plan_production(
        &self,
        req: &PlanRequest,
        now: UtcTime,
    ) -> Result<Plan, ServiceError> {
        let report = self.calibration().await?;
        let params = report.params_for(req.source, req.donor.as_deref());
        secretome_planner::plan(req, &params, local(now)).map_err(ServiceError::from)
    }
}

/// A running batch compared with what its own seeding predicts.
#[derive(Debug, Clone)]
pub struct BatchTracking {
    pub batch: String,
    pub plan: Plan,
    pub tracking: secretome_planner::Tracking,
}

impl Service {
    /// Plan vs actual for every batch still in culture or conditioning: the plan is the growth its
    /// own seeding predicts (its vessels, density and time, the calibrated parameters for its
    /// source and donor), and its counts are compared with that plan's 95 % band.
    pub async fn running_batches_vs_plan(&self) -> Result<Vec<BatchTracking>, ServiceError> {
        let report = self.calibration().await?;
        let s = self.store();
        let mut out = Vec::new();
        for b in s.list::<CultureBatch>(None).await? {
            if b.status == BatchStatus::Harvested {
                continue;
            }
            let Some(bank) = s.fetch::<CellBank>(b.cell_bank.as_str()).await? else {
                continue;
            };
            let Some(tissue) = s.fetch::<TissueCollection>(bank.tissue.as_str()).await? else {
                continue;
            };
            let Some(donor) = s.fetch::<Donor>(tissue.donor.as_str()).await? else {
                continue;
            };
            let Some(source) = source_of(donor.source) else {
                continue;
            };
            let toml = format!(
                "source = \"{source}\"\nstart = \"{start}\"\ndeadline = \"{deadline}\"\n\
                 [target]\nvials = 1\nvial_ml = 1.0\n\
                 [start_cells]\ncells = {cells}\npassage = {passage}\n\
                 [expansion]\nvessel = \"{vessel}\"\nseeding_density = {density}\n\
                 [conditioning]\nvessel = \"{vessel}\"\n",
                source = match source {
                    CellSource::BoneMarrow => "bone-marrow",
                    CellSource::Adipose => "adipose",
                    CellSource::UmbilicalCord => "umbilical-cord",
                },
                start = local(b.seeded_at).strftime("%Y-%m-%dT%H:%M:%S"),
                deadline = local(b.seeded_at.plus_hours(24.0 * 365.0).unwrap_or(b.seeded_at))
                    .strftime("%Y-%m-%d"),
                cells = b.seeding_density * b.area_cm2(),
                passage = b.passage.max(0),
                vessel = b.vessel.as_str(),
                density = b.seeding_density,
            );
            let req = PlanRequest::from_toml(&toml).map_err(|error| ServiceError::Planning {
                batch: Some(b.id.to_string()),
                error,
            })?;
            let params = report.params_for(source, Some(donor.id.as_str()));
            let plan =
                secretome_planner::plan(&req, &params, local(b.seeded_at)).map_err(|error| {
                    ServiceError::Planning {
                        batch: Some(b.id.to_string()),
                        error,
                    }
                })?;
            // The plan seeds only the vessels its (one-vial) target needs; the batch's counts cover all
            // of its vessels: compare per seeded cell.
            let seeded = b.seeding_density * b.area_cm2();
            let scale = plan
                .outcome
                .stages
                .first()
                .map(|st| st.seeded_cells / seeded)
                .filter(|x| x.is_finite() && *x > 0.0)
                .unwrap_or(1.0);
            let mut obs = s
                .list::<Observation>(Some(("batch", b.id.as_str())))
                .await?;
            obs.sort_by_key(|o| o.observed_at);
            let counts: Vec<secretome_planner::Observation> = obs
                .iter()
                .map(|o| secretome_planner::Observation {
                    at: local(o.observed_at),
                    cells: o.cell_count * scale,
                })
                .collect();
            let tracking = secretome_planner::track(&plan, &counts)?;
            out.push(BatchTracking {
                batch: b.id.to_string(),
                plan,
                tracking,
            });
        }
        Ok(out)
    }
}

//! The production planner on the facility's own records: the newest finished culture batches are
//! read from the store (`reads`) and handed to `secretome-planner` for calibration (growth from the
//! daily counts; secretion from QC's factor results when a lot came from one harvest); plans use
//! the calibrated parameters, and running batches are compared with their own plans.

use crate::{Service, ServiceError};
use jiff::tz::TimeZone;
use secretome_domain::{UtcTime, donor::TissueSource};
use secretome_planner::{
    CalibrationOptions, CalibrationReport, CellSource, Factor, Plan, PlanRequest,
};
use std::sync::{Arc, Mutex};

mod reads;
pub use reads::{CALIBRATION_BATCHES, RUNNING_BATCHES};

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
    /// Calibrates the planner on the facility's finished batches (literature defaults where the
    /// data are not enough).
    pub async fn calibration(&self) -> Result<CalibrationReport, ServiceError> {
        let batches = self.finished_batches().await?;
        secretome_planner::calibrate(&batches, &CalibrationOptions::default())
            .map_err(ServiceError::from)
    }

    /// Plans a campaign with the parameters `report` calibrated for its source (and donor, when
    /// it has its own).
    pub fn plan_with(
        report: &CalibrationReport,
        req: &PlanRequest,
        now: UtcTime,
    ) -> Result<Plan, ServiceError> {
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
    pub async fn running_batches_vs(
        &self,
        report: &CalibrationReport,
    ) -> Result<Vec<BatchTracking>, ServiceError> {
        let batches = self.running_batches().await?;
        let lineage = self.lineages(&batches).await?;
        let ids: Vec<String> = batches.iter().map(|b| b.id.to_string()).collect();
        let mut counts = self.observations_of(&ids).await?;
        let mut out = Vec::new();
        for b in batches {
            let Some((source, donor)) = lineage.get(b.id.as_str()) else {
                continue;
            };
            let (source, donor) = (*source, donor.as_str());
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
            let params = report.params_for(source, Some(donor));
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
            let obs = counts.remove(b.id.as_str()).unwrap_or_default();
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

/// The planning page's calibration and running-batch comparisons, kept with the audit chain's tip
/// they were read at: every input of both is an audited record, so while the tip has not moved
/// they are what a fresh read would compute. (A write between reading the tip and reading the
/// records only makes the kept state look older than it is: the next page computes it again.)
#[derive(Clone)]
pub struct PlanningState {
    pub report: Arc<CalibrationReport>,
    pub running: Arc<Vec<BatchTracking>>,
}

#[derive(Default)]
pub(crate) struct PlanningCache(Mutex<Option<(i64, PlanningState)>>);

impl Service {
    /// The calibration and the running batches' comparisons as of now: computed again only when
    /// an audited write has happened since they were last computed.
    pub async fn planning_state(&self) -> Result<PlanningState, ServiceError> {
        let tip = self.store().chain_tip().await?;
        let kept = self.planning.0.lock().ok().and_then(|c| c.clone());
        if let Some((at, state)) = kept
            && at == tip
        {
            return Ok(state);
        }
        let report = self.calibration().await?;
        let running = self.running_batches_vs(&report).await?;
        let state = PlanningState {
            report: Arc::new(report),
            running: Arc::new(running),
        };
        if let Ok(mut c) = self.planning.0.lock() {
            *c = Some((tip, state.clone()));
        }
        Ok(state)
    }
}

//! Plan vs actual: compare a running batch's cell counts with its plan and warn when it falls off.
//!
//! Rule: a count is "off plan" when it lies outside the plan's 95 % prediction band at that hour
//! (growth-parameter uncertainty by the delta method plus count scatter). One count outside can be a
//! bad count; the batch is flagged [`TrackStatus::OffPlan`] when the latest count is outside or two
//! counts in a row are outside on the same side.

use jiff::civil::DateTime;
use serde::{Deserialize, Serialize};

use crate::error::{PlanError, positive};
use crate::note::Note;
use crate::plan::{Plan, band_at};

/// A count taken on a running batch.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Observation {
    /// When.
    pub at: DateTime,
    /// Total cells counted in the current stage's vessels.
    pub cells: f64,
}

/// Where a count lies against the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Side {
    /// Below the 95 % band.
    Below,
    /// Inside the band.
    Within,
    /// Above the band.
    Above,
}

/// One count compared with the plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// When.
    pub at: DateTime,
    /// Hours from the first seeding.
    pub hours: f64,
    /// Counted.
    pub observed: f64,
    /// Planned.
    pub predicted: f64,
    /// 95 % prediction band.
    pub lower95: f64,
    /// 95 % prediction band.
    pub upper95: f64,
    /// Against the band.
    pub side: Side,
}

/// Overall status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TrackStatus {
    /// Every count so far within the band (or only an isolated earlier one outside).
    OnPlan,
    /// Latest count outside the band, or two in a row outside on one side.
    OffPlan,
}

/// A running batch against its plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tracking {
    /// Each count, in time order.
    pub comparisons: Vec<Comparison>,
    /// Overall.
    pub status: TrackStatus,
    /// Messages to show.
    pub warnings: Vec<Note>,
}

/// Compare `observations` with `plan`.
pub fn track(plan: &Plan, observations: &[Observation]) -> Result<Tracking, PlanError> {
    let mut comparisons = Vec::with_capacity(observations.len());
    let mut warnings = Vec::new();
    for (i, o) in observations.iter().enumerate() {
        positive(&format!("observations[{i}].cells"), o.cells)?;
        let hours = plan.hours_at(o.at);
        let Some(b) = band_at(&plan.outcome, &plan.params, hours) else {
            warnings.push(Note::Outside {
                at: o.at,
                harvest_h: plan.outcome.harvest_h,
            });
            continue;
        };
        let side = if o.cells < b.lower95 {
            Side::Below
        } else if o.cells > b.upper95 {
            Side::Above
        } else {
            Side::Within
        };
        comparisons.push(Comparison {
            at: o.at,
            hours,
            observed: o.cells,
            predicted: b.cells,
            lower95: b.lower95,
            upper95: b.upper95,
            side,
        });
    }
    comparisons.sort_by(|a, b| a.hours.total_cmp(&b.hours));
    for c in comparisons.iter().filter(|c| c.side != Side::Within) {
        warnings.push(Note::OffPlan {
            at: c.at,
            hours: c.hours,
            counted: c.observed,
            plan: c.predicted,
            lower95: c.lower95,
            upper95: c.upper95,
            below: c.side == Side::Below,
        });
    }
    let latest_off = comparisons.last().is_some_and(|c| c.side != Side::Within);
    let run_off = comparisons
        .windows(2)
        .any(|w| w[0].side != Side::Within && w[0].side == w[1].side);
    let status = if latest_off || run_off {
        TrackStatus::OffPlan
    } else {
        TrackStatus::OnPlan
    };
    if status == TrackStatus::OffPlan {
        warnings.push(Note::BatchOffPlan);
    }
    Ok(Tracking {
        comparisons,
        status,
        warnings,
    })
}

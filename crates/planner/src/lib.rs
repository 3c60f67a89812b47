//! Production planner: culture growth and secretion model, calibration from finished batches,
//! schedules for campaigns, plan-vs-actual tracking and SVG plots. Pure: no IO, no clock.

pub mod calibrate;
pub mod culture;
pub mod defaults;
pub mod error;
pub mod factor;
pub mod kinetics;
pub mod note;
pub mod params;
pub mod plan;
pub mod svg;
pub mod track;
pub mod vessel;

pub use calibrate::{
    CalibrationError, CalibrationOptions, CalibrationReport, ConditioningRecord, CountObservation,
    Estimate, FinishedBatch, GroupCalibration, calibrate, calibration_svg, render_calibration_text,
};
pub use culture::SplitSpec;
pub use culture::{
    ConditioningSpec, DownstreamSpec, FactorOutcome, Outcome, ProcessSpec, StageOutcome, StagePlan,
    growth_of, simulate,
};
pub use defaults::all_defaults;
pub use error::{PlanError, Range, Said};
pub use factor::{FACTORS, Factor};
pub use kinetics::Growth;
pub use note::Note;
pub use params::{CellSource, GrowthParams, Param, Provenance, SecretionParams, SourceParams};
pub use plan::{Plan, PlanRequest, Prediction, Step, StepKind, TrajectoryPoint, plan, render_text};
pub use svg::{PlotText, plan_svg, plan_svg_in};
pub use track::{Comparison, Observation, Side, TrackStatus, Tracking, track};
pub use vessel::{VESSEL_KINDS, Vessel, VesselKind, VesselSpec};

//! Master batch records (製造指図書) under document control, and the batch record made against them
//! (製造記録, issue 15). `document`: controlled documents (SOPs, master batch records) and their
//! versions, `draft → in_review → approved → effective → superseded`, each version with its change
//! control reason (変更管理); QA approves with an e-signature and the author may not approve.
//! `master`: a master record's ordered stages and steps, each with parameters (target, limits, what
//! a breach does), materials, equipment, room grade and second-person verification; the pure check
//! of an entered value against its limits. `execution`: a batch executed against one fixed version,
//! its step records, their corrections, and the order rules; `deviation`: the deviations a breach
//! or a skipped step opens and the filling gate; `use_case`: which manufacturing use case records
//! a step (seeding, conditioning, harvest, processing, filling); `review`: review by exception.

pub mod deviation;
pub mod document;
pub mod execution;
pub mod master;
pub mod review;
pub mod use_case;

pub use deviation::StepDeviation;
pub use document::{ControlledDocument, DocumentKind, DocumentVersion, VersionStatus};
pub use execution::{BatchExecution, Correction, ParamValue, StepRecord, StepStatus};
pub use master::{Limit, MasterRecord, MasterStep, OnBreach, Parameter, Stage};
pub use review::{Exception, ExceptionKind};
pub use use_case::UseCase;

#[cfg(test)]
mod tests;

//! Master batch records and the batch records made against them (issue 15) as use cases:
//! document control — drafting a version with its change-control reason, review, QA's signed
//! approval (never by the author), making it effective, which supersedes the version in force
//! (`documents`); guided execution — a batch started from the effective master, each step
//! recorded in the master's order with its values judged against the limits, a deviation opened
//! automatically for a value outside them, skipping only through a deviation, second-person
//! verification with the verifier's password, QA's disposition of the deviations (`execution`);
//! how the manufacturing use cases execute the steps their master binds to them, through the same
//! rules (`guided`); corrections of recorded steps and deviations raised by hand (`amend`); review
//! by exception and the checks filling and release make (`review`).

mod amend;
mod documents;
mod execution;
pub(crate) mod guided;
mod review;

pub(crate) use documents::trained_version;
pub use documents::{DocumentSummary, NewDocument};
pub use execution::{ExecutionView, StepOutcome};
pub use review::LotExceptions;
pub(crate) use review::{Src, lot_exceptions, require_steps_before_filling};

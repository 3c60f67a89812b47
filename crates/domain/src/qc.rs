//! Quality control and quality assurance (品質管理 / 品質保証): products, versioned specifications
//! (規格), test results against them, deviations (逸脱) and the release rule of DESIGN.md §3 — a lot
//! is releasable only when every test of the specification version in force at filling has a result,
//! every result meets its criterion or an approved deviation covers it, and no deviation is still open.
//!
//! - `product`: the product master (code, names, shelf life, storage temperature).
//! - `spec`: acceptance criteria, tests and the specification state machine
//!   `draft → effective → superseded`, and which version is in force at a given time.
//! - `result`: a test result with its verdict (pass / fail / reported), corrections and retests
//!   keeping the earlier results.
//! - `reading`: results as the lab writes them (full-width, censored `< 0.25`, 陰性 / negative).
//! - `deviation`: `open → assessed → approved | rejected`.
//! - `release`: `release_blockers`, every reason a lot may not be released, in English and Japanese.
//! - `catalogue`: the tests of DESIGN.md §4 as a facility would start its specification.

pub mod catalogue;
pub mod deviation;
pub mod plate;
pub mod product;
pub mod reading;
pub mod release;
pub mod result;
pub mod spec;

pub use deviation::{Deviation, DeviationStatus};
pub use product::Product;
pub use release::{BlockerKind, ReleaseBlocker, release_blockers};
pub use result::{ResultSource, TestResult, Verdict};
pub use spec::{Acceptance, SpecStatus, Specification, TestSpec};

#[cfg(test)]
pub(crate) mod testkit;

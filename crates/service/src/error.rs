//! The service layer's error: domain refusals and storage failures, classified once into kinds that
//! the web maps to HTTP statuses and the CLI to messages.

use crate::scan::ScanError;
use secretome_domain::DomainError;
use secretome_planner::{CalibrationError, PlanError};
use secretome_store::StoreError;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum ServiceError {
    #[error(transparent)]
    Domain(#[from] DomainError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{what} {id} not found")]
    NotFound { what: &'static str, id: String },
    #[error("user {0} is inactive")]
    Inactive(String),
    /// The planner refused a plan (the error names the field, in both languages); `batch` names
    /// the running batch whose own plan it was, if it was one.
    #[error("{}{error}", batch.as_deref().map(|b| format!("{b}: ")).unwrap_or_default())]
    Planning {
        batch: Option<String>,
        error: PlanError,
    },
    /// The planner could not be calibrated on the facility's finished batches.
    #[error(transparent)]
    Calibration(#[from] CalibrationError),
    /// A failure of the machine, not of the request (hashing, randomness, a worker thread).
    #[error("internal failure: {0}")]
    Internal(String),
    /// A scanned or typed DIN was refused or not found; the code tells which (`scan.rs`).
    #[error(transparent)]
    Scan(#[from] crate::scan::ScanError),
}

impl From<PlanError> for ServiceError {
    fn from(error: PlanError) -> Self {
        ServiceError::Planning { batch: None, error }
    }
}

/// What kind of failure, for a caller that must choose a status or exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// Bad input; the message names the field.
    Invalid,
    /// The user lacks the role.
    Forbidden,
    NotFound,
    /// Illegal transition, broken rule, duplicate identifier.
    Conflict,
    /// The database failed; nothing was written.
    Internal,
}

impl ServiceError {
    /// The stable code of the failure (`snake_case`): the domain's rule codes, the scan codes, and
    /// one code per service or storage failure. The edges map it to a status and to ja/en text.
    pub fn code(&self) -> &'static str {
        match self {
            ServiceError::Domain(e) => e.code(),
            ServiceError::Scan(e) => e.code(),
            ServiceError::NotFound { .. } | ServiceError::Store(StoreError::NotFound { .. }) => {
                "not_found"
            }
            ServiceError::Store(StoreError::Duplicate { .. }) => "duplicate",
            ServiceError::Store(StoreError::Dangling { .. }) => "dangling",
            ServiceError::Store(StoreError::Constraint { .. }) => "constraint",
            ServiceError::Store(StoreError::Invalid { .. }) => "invalid",
            ServiceError::Store(StoreError::ReasonRequired { .. }) => "reason_required",
            ServiceError::Inactive(_) => "inactive",
            ServiceError::Planning { error, .. } if error.is_internal() => "internal",
            ServiceError::Planning { .. } => "planning",
            ServiceError::Calibration(CalibrationError::Solver { .. }) => "internal",
            ServiceError::Calibration(_) => "calibration",
            ServiceError::Internal(_) | ServiceError::Store(_) => "internal",
        }
    }

    pub fn kind(&self) -> ErrorKind {
        match self {
            ServiceError::Domain(DomainError::Invalid { .. }) => ErrorKind::Invalid,
            ServiceError::Domain(DomainError::Forbidden { .. }) | ServiceError::Inactive(_) => {
                ErrorKind::Forbidden
            }
            ServiceError::Domain(
                DomainError::Transition(_)
                | DomainError::Rule(_)
                | DomainError::NoConsent { .. }
                | DomainError::ReleaseBlocked { .. },
            ) => ErrorKind::Conflict,
            ServiceError::NotFound { .. } | ServiceError::Store(StoreError::NotFound { .. }) => {
                ErrorKind::NotFound
            }
            ServiceError::Store(StoreError::Duplicate { .. }) => ErrorKind::Conflict,
            ServiceError::Planning { error, .. } if error.is_internal() => ErrorKind::Internal,
            ServiceError::Planning { .. } => ErrorKind::Invalid,
            ServiceError::Calibration(CalibrationError::Solver { .. }) => ErrorKind::Internal,
            ServiceError::Calibration(_) => ErrorKind::Invalid,
            ServiceError::Internal(_) => ErrorKind::Internal,
            ServiceError::Scan(
                ScanError::UnknownDin { .. } | ScanError::UnknownContainer { .. },
            ) => ErrorKind::NotFound,
            ServiceError::Scan(_) => ErrorKind::Invalid,
            ServiceError::Store(
                StoreError::Dangling { .. }
                | StoreError::Constraint { .. }
                | StoreError::Invalid { .. }
                | StoreError::ReasonRequired { .. },
            ) => ErrorKind::Invalid,
            ServiceError::Store(_) => ErrorKind::Internal,
        }
    }
}

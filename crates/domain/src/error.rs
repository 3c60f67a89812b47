//! Typed errors of the domain: invalid values (naming the field) and illegal state transitions.

use thiserror::Error;

/// A state machine refused an action: which entity, in which state, tried to do what.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{entity} {id} is {from}: cannot {action}")]
pub struct TransitionError {
    pub entity: &'static str,
    pub id: String,
    pub from: &'static str,
    pub action: &'static str,
}

/// Everything the domain can refuse.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum DomainError {
    /// A value does not satisfy its type's rules; `field` names the input field.
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    #[error(transparent)]
    Transition(#[from] TransitionError),
    /// A rule between entities was broken (e.g. tissue from a donor who is not eligible).
    #[error("{0}")]
    Rule(String),
    /// Release refused: every reason, each with an English and a Japanese message.
    #[error("lot {lot} cannot be released: {}", crate::qc::release::list(.blockers))]
    ReleaseBlocked {
        lot: String,
        blockers: Vec<crate::qc::ReleaseBlocker>,
    },
    /// Dispensing refused: the patient has no consent in force for the indication (説明・同意).
    #[error(
        "patient {patient} has no valid consent for {indication}: record the explanation and consent first"
    )]
    NoConsent {
        patient: String,
        indication: &'static str,
    },
    /// The acting user lacks the role the action needs.
    #[error("{user} needs role {needed} to {action}")]
    Forbidden {
        user: String,
        needed: &'static str,
        action: &'static str,
    },
}

impl DomainError {
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        DomainError::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }
}

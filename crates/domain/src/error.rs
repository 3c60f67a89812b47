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
    /// A value does not satisfy its type's rules; `field` names the input field, `message` says
    /// why in a form both languages are rendered from (`why.rs`).
    #[error("{field}: {message}")]
    Invalid { field: String, message: crate::Why },
    #[error(transparent)]
    Transition(#[from] TransitionError),
    /// A rule between entities was broken (e.g. tissue from a donor who is not eligible): a coded
    /// refusal with the data to render it (`rule.rs`).
    #[error(transparent)]
    Rule(#[from] crate::rule::Rule),
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
    /// The stable code of the refusal, for API clients and the edges' message tables.
    pub fn code(&self) -> &'static str {
        match self {
            DomainError::Invalid { .. } => "invalid",
            DomainError::Transition(_) => "transition",
            DomainError::Rule(r) => r.code(),
            DomainError::ReleaseBlocked { .. } => "release_blocked",
            DomainError::NoConsent { .. } => "no_consent",
            DomainError::Forbidden { .. } => "forbidden",
        }
    }
    /// `field` refused for `message`.
    pub fn invalid(field: impl Into<String>, message: crate::Why) -> Self {
        DomainError::Invalid {
            field: field.into(),
            message,
        }
    }
    /// The refusal as one problem among others (a file's line, one of several checks): a field's
    /// as `field: why`; any other refusal by its code (the readers of lines and fields only meet
    /// field refusals, this keeps the rest said in both languages).
    pub fn into_why(self) -> crate::Why {
        match self {
            DomainError::Invalid { field, message } => crate::Why::Fields(vec![(field, message)]),
            other => crate::Why::said(
                other.to_string(),
                format!("受け付けられません ({})", other.code()),
            ),
        }
    }
}

/// Collects the refusals of one input's fields so every bad field is reported at once (issue 12
/// item 7), not only the first: `Invalid` refusals are joined as field `a, b` with message
/// `Why::Fields` (English `a: …; b: …`), which the edges read back one field at a time. Any other
/// refusal is kept as it is (the first one wins).
#[derive(Debug, Default)]
pub struct Invalids {
    fields: Vec<(String, crate::Why)>,
    other: Option<DomainError>,
}

impl Invalids {
    /// The value if `r` passed; else the refusal is kept and `None` given.
    pub fn take<T>(&mut self, r: Result<T, DomainError>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(DomainError::Invalid { field, message }) => {
                self.fields.push((field, message));
                None
            }
            Err(e) => {
                self.other.get_or_insert(e);
                None
            }
        }
    }
    /// Like `take`, with `otherwise` (typically the value as given) in place of a refused value, so
    /// the checks after it can go on; `done` then refuses before anything uses it.
    pub fn keep<T>(&mut self, r: Result<T, DomainError>, otherwise: T) -> T {
        self.take(r).unwrap_or(otherwise)
    }
    /// Whether nothing was refused so far.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty() && self.other.is_none()
    }
    /// The refusal of everything taken: the other refusal if any, else every field joined.
    pub fn into_error(self) -> DomainError {
        if let Some(e) = self.other {
            return e;
        }
        match self.fields.len() {
            0 => DomainError::Rule(crate::rule::Rule::Refused),
            1 => {
                let (field, message) = self
                    .fields
                    .into_iter()
                    .next()
                    .unwrap_or_else(|| (String::new(), crate::Why::Empty));
                DomainError::Invalid { field, message }
            }
            _ => DomainError::Invalid {
                field: self
                    .fields
                    .iter()
                    .map(|(f, _)| f.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                message: crate::Why::Fields(self.fields),
            },
        }
    }
    /// `Ok` when nothing was refused, else every refusal at once.
    pub fn done(self) -> Result<(), DomainError> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(self.into_error())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Why;

    #[test]
    fn every_invalid_field_is_reported_at_once() {
        let mut all = Invalids::default();
        assert_eq!(all.take(Ok::<_, DomainError>(1)), Some(1));
        assert_eq!(
            all.take(Err::<i32, _>(DomainError::invalid(
                "a",
                Why::AtMost("9".into())
            ))),
            None
        );
        all.take(Err::<i32, _>(DomainError::invalid("b", Why::Negative)));
        let e = all.done().unwrap_err();
        assert_eq!(
            e.to_string(),
            "a, b: a: must be at most 9; b: must not be negative"
        );
        let DomainError::Invalid { message, .. } = e else {
            panic!("{e:?}")
        };
        assert_eq!(
            message.per_field("a, b"),
            vec![
                ("a".into(), Why::AtMost("9".into())),
                ("b".into(), Why::Negative)
            ]
        );
        let mut one = Invalids::default();
        one.take(Err::<(), _>(DomainError::invalid(
            "a",
            Why::AtMost("9".into()),
        )));
        assert_eq!(
            one.into_error(),
            DomainError::invalid("a", Why::AtMost("9".into()))
        );
        assert!(Invalids::default().done().is_ok());
    }
}

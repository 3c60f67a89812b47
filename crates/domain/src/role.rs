//! Roles (DESIGN.md §1) and the acting user passed to every use case.

use crate::{DomainError, capability::Capability, ids::UserName};
use serde::{Deserialize, Serialize};

/// What a user may do. A user may hold several roles.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Operator,
    Qc,
    Qa,
    Physician,
    Admin,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Operator,
        Role::Qc,
        Role::Qa,
        Role::Physician,
        Role::Admin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Operator => "operator",
            Role::Qc => "qc",
            Role::Qa => "qa",
            Role::Physician => "physician",
            Role::Admin => "admin",
        }
    }
    /// The Japanese name a facility uses (GLOSSARY.md).
    pub fn name_ja(self) -> &'static str {
        match self {
            Role::Operator => "製造担当者",
            Role::Qc => "品質管理担当者",
            Role::Qa => "品質保証責任者",
            Role::Physician => "医師",
            Role::Admin => "管理者",
        }
    }
    pub fn parse(field: &str, s: &str) -> Result<Role, DomainError> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| {
                DomainError::invalid(
                    field,
                    crate::Why::said(
                        format!(
                            "unknown role {s:?} (expected operator, qc, qa, physician or admin)"
                        ),
                        format!("{s:?} はロールにありません (operator, qc, qa, physician, admin)"),
                    ),
                )
            })
    }
}

/// Roles that read patients — their pseudonyms and who received which vial (traces, vial pages,
/// the recall report). Other roles see how many patients, never which.
pub const PATIENT_READERS: &[Role] = Capability::ReadPatients.roles();

/// Roles that read the patients of every site (QA's pharmacovigilance, the administrator). A
/// physician without one of them reads only the patients registered at their own site.
pub const ALL_SITES_READERS: &[Role] = Capability::ReadAllSites.roles();

/// The user performing an action, with the roles they hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user: UserName,
    pub roles: Vec<Role>,
}

impl Actor {
    pub fn new(user: UserName, roles: Vec<Role>) -> Self {
        Self { user, roles }
    }
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }
    /// Whether the actor's roles grant `c` (the capability table).
    pub fn may(&self, c: Capability) -> bool {
        c.granted_to(&self.roles)
    }
    /// Refuses unless the actor's roles grant `c`; `action` describes what was attempted.
    pub fn require_to(&self, c: Capability, action: &'static str) -> Result<(), DomainError> {
        if self.may(c) {
            Ok(())
        } else {
            Err(DomainError::Forbidden {
                user: self.user.to_string(),
                needed: c.needed(),
                action,
            })
        }
    }
    /// Whether the actor may read patients at all (`Capability::ReadPatients`).
    pub fn reads_patients(&self) -> bool {
        self.may(Capability::ReadPatients)
    }
    /// Whether the actor reads the patients of every site (`Capability::ReadAllSites`).
    pub fn reads_all_sites(&self) -> bool {
        self.may(Capability::ReadAllSites)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_check_names_user_role_and_action() {
        let a = Actor::new(UserName::new("op1").unwrap(), vec![Role::Operator]);
        assert!(
            a.require_to(Capability::Produce, "register a donor")
                .is_ok()
        );
        assert_eq!(
            a.require_to(Capability::AssureQuality, "release a lot")
                .unwrap_err()
                .to_string(),
            "op1 needs role qa to release a lot"
        );
    }

    #[test]
    fn unknown_role_is_a_typed_error() {
        assert_eq!(Role::parse("role", "qa").unwrap(), Role::Qa);
        let e = Role::parse("role", "boss").unwrap_err().to_string();
        assert!(e.starts_with("role: unknown role \"boss\""));
    }
}

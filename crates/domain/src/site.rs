//! Sites (a facility or a clinic) and users with their roles.

use crate::{
    DomainError, Role, UtcTime,
    ids::{SiteCode, UserName},
    quantity::text,
};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Site {
    pub id: SiteCode,
    pub name: String,
    /// IANA zone in which times are shown at this site (default Asia/Tokyo).
    pub time_zone: String,
    pub created_at: UtcTime,
}

impl Site {
    pub fn new(
        id: SiteCode,
        name: &str,
        time_zone: &str,
        now: UtcTime,
    ) -> Result<Self, DomainError> {
        Ok(Self {
            id,
            name: text("name", name)?,
            time_zone: text("time_zone", time_zone)?,
            created_at: now,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct User {
    pub id: UserName,
    pub display_name: String,
    pub site: SiteCode,
    pub roles: Vec<Role>,
    pub active: bool,
    pub created_at: UtcTime,
}

impl User {
    pub fn new(
        id: UserName,
        display_name: &str,
        site: SiteCode,
        roles: Vec<Role>,
        now: UtcTime,
    ) -> Result<Self, DomainError> {
        if roles.is_empty() {
            return Err(DomainError::invalid(
                "roles",
                "a user needs at least one role",
            ));
        }
        let mut roles = roles;
        roles.sort();
        roles.dedup();
        Ok(Self {
            id,
            display_name: text("display_name", display_name)?,
            site,
            roles,
            active: true,
            created_at: now,
        })
    }
}

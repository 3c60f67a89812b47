//! Read models for the admin pages: the users with their roles, site and whether they are active,
//! and the API tokens with their role, creator and revocation — never a token's secret or hash.
//! Role: admin.

use crate::{Service, ServiceError};
use secretome_domain::Capability;
use secretome_domain::{
    Actor, Role, UtcTime,
    site::{ApiToken, User},
};
use serde::Serialize;

/// A user as the admin list shows it.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct UserRow {
    pub id: String,
    pub display_name: String,
    pub site: String,
    pub roles: Vec<Role>,
    pub active: bool,
}

/// An API token as the admin list shows it (no secret, no hash).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct TokenRow {
    pub id: String,
    pub name: String,
    pub role: Role,
    pub created_by: String,
    pub created_at: UtcTime,
    pub revoked_at: Option<UtcTime>,
}

impl Service {
    /// Every user, by id. Role: admin.
    pub async fn user_rows(&self, actor: &Actor) -> Result<Vec<UserRow>, ServiceError> {
        actor.require_to(Capability::Administer, "list users")?;
        let mut rows: Vec<UserRow> = self
            .store()
            .list::<User>(None)
            .await?
            .into_iter()
            .map(|u| UserRow {
                id: u.id.to_string(),
                display_name: u.display_name,
                site: u.site.to_string(),
                roles: u.roles,
                active: u.active,
            })
            .collect();
        rows.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(rows)
    }

    /// API tokens, newest first: an admin sees every token, anyone else their own.
    pub async fn token_rows(&self, actor: &Actor) -> Result<Vec<TokenRow>, ServiceError> {
        let mine =
            (!actor.may(Capability::Administer)).then(|| ("created_by", actor.user.as_str()));
        let mut rows: Vec<TokenRow> = self
            .store()
            .list::<ApiToken>(mine)
            .await?
            .into_iter()
            .map(|t| TokenRow {
                id: t.id,
                name: t.name,
                role: t.role,
                created_by: t.created_by.to_string(),
                created_at: t.created_at,
                revoked_at: t.revoked_at,
            })
            .collect();
        rows.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(a.id.cmp(&b.id)));
        Ok(rows)
    }
}

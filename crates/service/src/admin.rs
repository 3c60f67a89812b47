//! Administration: sites and users.

use crate::{Service, ServiceError, ctx};
use secretome_domain::Capability;
use secretome_domain::{
    Actor, Role, UtcTime,
    ids::{SiteCode, UserName},
    site::{Setting, Site, User},
};

impl Service {
    /// Sets a facility-wide setting (e.g. `isbt.fin`), checked by key. Role: admin.
    pub async fn set_setting(
        &self,
        actor: &Actor,
        now: UtcTime,
        key: &str,
        value: &str,
    ) -> Result<Setting, ServiceError> {
        actor.require_to(Capability::Administer, "change a setting")?;
        let setting = Setting::new(key, value, now)?;
        let mut tx = self.store.begin().await?;
        let c = ctx(actor, now, "setting.set", None);
        if tx.load::<Setting>(key).await?.is_some() {
            tx.update_record(&setting, &c).await?;
        } else {
            tx.insert_record(&setting, &c).await?;
        }
        tx.commit().await?;
        Ok(setting)
    }

    /// A setting's current value, if set.
    pub async fn setting(&self, key: &str) -> Result<Option<String>, ServiceError> {
        Ok(self.store.fetch::<Setting>(key).await?.map(|s| s.value))
    }

    /// Creates a site. Role: admin.
    pub async fn create_site(
        &self,
        actor: &Actor,
        now: UtcTime,
        id: &str,
        name: &str,
        time_zone: &str,
    ) -> Result<Site, ServiceError> {
        actor.require_to(Capability::Administer, "create a site")?;
        let site = Site::new(SiteCode::new(id)?, name, time_zone, now)?;
        let mut tx = self.store.begin().await?;
        tx.insert_record(&site, &ctx(actor, now, "site.create", None))
            .await?;
        tx.commit().await?;
        Ok(site)
    }

    /// Creates a user holding `roles` at `site`. Role: admin.
    pub async fn create_user(
        &self,
        actor: &Actor,
        now: UtcTime,
        id: &str,
        display_name: &str,
        site: &str,
        roles: Vec<Role>,
    ) -> Result<User, ServiceError> {
        actor.require_to(Capability::Administer, "create a user")?;
        let user = User::new(
            UserName::new(id)?,
            display_name,
            SiteCode::new(site)?,
            roles,
            now,
        )?;
        let mut tx = self.store.begin().await?;
        tx.must_load::<Site>(site).await?;
        tx.insert_record(&user, &ctx(actor, now, "user.create", None))
            .await?;
        tx.commit().await?;
        Ok(user)
    }

    /// Deactivates (`active = false`) or reactivates a user, with a required reason, audited as
    /// `user.deactivate` / `user.reactivate`. The last active administrator cannot be deactivated.
    /// Role: admin.
    pub async fn set_user_active(
        &self,
        actor: &Actor,
        now: UtcTime,
        user: &str,
        active: bool,
        reason: &str,
    ) -> Result<User, ServiceError> {
        actor.require_to(Capability::Administer, "deactivate or reactivate a user")?;
        let reason = secretome_domain::quantity::text("reason", reason)?;
        let mut tx = self.store.begin().await?;
        let u = tx.must_load::<User>(user).await?;
        let next = u.with_active(active, &actor.user)?;
        if !active && u.roles.contains(&Role::Admin) {
            last_admin_guard(&mut *tx, &u.id).await?;
        }
        let action = if active {
            "user.reactivate"
        } else {
            "user.deactivate"
        };
        tx.update_record(&next, &ctx(actor, now, action, Some(&reason)))
            .await?;
        tx.commit().await?;
        Ok(next)
    }

    /// Changes the roles a user holds, with a required reason, audited as `user.roles`. The last
    /// active administrator keeps the admin role. Role: admin.
    pub async fn set_user_roles(
        &self,
        actor: &Actor,
        now: UtcTime,
        user: &str,
        roles: Vec<Role>,
        reason: &str,
    ) -> Result<User, ServiceError> {
        actor.require_to(Capability::Administer, "change a user's roles")?;
        let reason = secretome_domain::quantity::text("reason", reason)?;
        let mut tx = self.store.begin().await?;
        let u = tx.must_load::<User>(user).await?;
        let next = u.with_roles(roles, &actor.user)?;
        if u.roles.contains(&Role::Admin) && !next.roles.contains(&Role::Admin) && u.active {
            last_admin_guard(&mut *tx, &u.id).await?;
        }
        tx.update_record(&next, &ctx(actor, now, "user.roles", Some(&reason)))
            .await?;
        tx.commit().await?;
        Ok(next)
    }

    /// The very first site and administrator of an empty installation (`secretome user add` and the
    /// demo). Refused once any user exists: after that, users are created by an admin.
    pub async fn bootstrap(
        &self,
        now: UtcTime,
        site: &str,
        site_name: &str,
        admin: &str,
        admin_name: &str,
    ) -> Result<Actor, ServiceError> {
        let system = Actor::new(UserName::new("system")?, vec![Role::Admin]);
        let mut tx = self.store.begin().await?;
        if !tx.list::<User>(None).await?.is_empty() {
            return Err(
                secretome_domain::DomainError::Rule(secretome_domain::Rule::UsersExist).into(),
            );
        }
        let s = Site::new(SiteCode::new(site)?, site_name, "Asia/Tokyo", now)?;
        tx.insert_record(&s, &ctx(&system, now, "site.create", None))
            .await?;
        let u = User::new(
            UserName::new(admin)?,
            admin_name,
            s.id.clone(),
            vec![Role::Admin],
            now,
        )?;
        tx.insert_record(&u, &ctx(&system, now, "user.bootstrap", None))
            .await?;
        tx.commit().await?;
        Ok(Actor::new(u.id, u.roles))
    }
}

/// Refused when `leaving` is the only active administrator (someone must be able to administer).
async fn last_admin_guard(
    tx: &mut dyn secretome_store::Tx,
    leaving: &UserName,
) -> Result<(), ServiceError> {
    let others = tx
        .list::<User>(None)
        .await?
        .into_iter()
        .filter(|o| o.active && o.roles.contains(&Role::Admin) && &o.id != leaving)
        .count();
    if others == 0 {
        return Err(secretome_domain::DomainError::Rule(
            secretome_domain::Rule::LastAdministrator {
                user: leaving.to_string(),
            },
        )
        .into());
    }
    Ok(())
}

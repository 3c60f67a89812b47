//! Sign-in (21 CFR 11.10(d), 11.300): argon2id password hashes, lock-out after repeated failures
//! (recorded in the audit trail), sessions with idle expiry, CSRF tokens, per-user language, and
//! password re-entry for e-signatures.

use crate::{Service, ServiceError, ctx};
use argon2::{
    Argon2,
    password_hash::{PasswordHasher, PasswordVerifier},
};
use secretome_domain::{
    Actor, DomainError, Role, UtcTime,
    ids::UserName,
    site::{Credential, User, check_password},
};
use secretome_store::SessionRow;
use sha2::{Digest, Sha256};

/// Minutes of inactivity after which a session ends.
pub const IDLE_MINUTES: f64 = 30.0;
/// Hours after which a session ends however active.
pub const MAX_SESSION_HOURS: f64 = 12.0;

/// Why a sign-in was refused. The message never says whether the user exists.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignInError {
    #[error("wrong user name or password")]
    Wrong,
    #[error("this account is locked until {0} after repeated failed sign-ins")]
    Locked(String),
    #[error("this account is inactive")]
    Inactive,
}

/// A new session: the cookie token (shown once, stored only as its hash) and the CSRF token.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub token: String,
    pub csrf: String,
    pub actor: Actor,
}

/// Who is behind a live session.
#[derive(Debug, Clone)]
pub struct SessionInfo {
    pub actor: Actor,
    pub display_name: String,
    pub csrf: String,
    pub language: Option<String>,
    pub time_zone: Option<String>,
    pub session_id: String,
}

/// A fresh random token (256 bits, hex) for cookies and forms.
pub fn new_token() -> Result<String, ServiceError> {
    random_hex(32)
}

fn random_hex(bytes: usize) -> Result<String, ServiceError> {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).map_err(|e| DomainError::Rule(format!("no randomness: {e}")))?;
    Ok(hex::encode(buf))
}

fn session_id(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn hash_password(password: &str) -> Result<String, ServiceError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| DomainError::Rule(format!("password hashing failed: {e}")).into())
}

fn password_matches(hash: &str, password: &str) -> bool {
    Argon2::default()
        .verify_password(password.as_bytes(), hash)
        .is_ok()
}

impl Service {
    /// Sets a user's password: an admin for anyone, a user for themself. Policy: `check_password`.
    pub async fn set_password(
        &self,
        actor: &Actor,
        now: UtcTime,
        user: &str,
        password: &str,
    ) -> Result<(), ServiceError> {
        if actor.user.as_str() != user {
            actor.require(Role::Admin, "set another user's password")?;
        }
        let id = UserName::new(user)?;
        check_password(&id, password)?;
        self.store_password(actor, now, id, password).await
    }

    /// The demo's sign-ins (`demo` for every demo user) — below the password policy, so only for the demo.
    pub async fn set_demo_passwords(&self, now: UtcTime) -> Result<(), ServiceError> {
        let system = Actor::new(UserName::new("system")?, vec![Role::Admin]);
        for (id, _, _) in crate::demo::DEMO_USERS {
            self.store_password(&system, now, UserName::new(id)?, "demo")
                .await?;
        }
        Ok(())
    }

    async fn store_password(
        &self,
        actor: &Actor,
        now: UtcTime,
        id: UserName,
        password: &str,
    ) -> Result<(), ServiceError> {
        let hash = hash_password(password)?;
        let mut tx = self.store.begin().await?;
        tx.must_load::<User>(id.as_str()).await?;
        let existing = tx.load::<Credential>(id.as_str()).await?;
        let cred = Credential {
            id,
            password_hash: hash,
            failed_attempts: 0,
            locked_until: None,
            changed_at: now,
        };
        let c = ctx(actor, now, "user.set_password", None);
        match existing {
            Some(_) => tx.update_record(&cred, &c).await?,
            None => tx.insert_record(&cred, &c).await?,
        }
        tx.commit().await?;
        Ok(())
    }

    /// Signs a user in. Each failure is an audit event on the user's credential; the fifth in a row
    /// locks the account for a quarter of an hour (also an event).
    pub async fn sign_in(
        &self,
        now: UtcTime,
        user: &str,
        password: &str,
    ) -> Result<Result<SignedIn, SignInError>, ServiceError> {
        let Ok(id) = UserName::new(user) else {
            return Ok(Err(SignInError::Wrong));
        };
        let mut tx = self.store.begin().await?;
        let (Some(u), Some(cred)) = (
            tx.load::<User>(id.as_str()).await?,
            tx.load::<Credential>(id.as_str()).await?,
        ) else {
            return Ok(Err(SignInError::Wrong));
        };
        let who = Actor::new(u.id.clone(), u.roles.clone());
        if cred.is_locked(now) {
            let until = cred.locked_until.map(|t| t.to_string()).unwrap_or_default();
            return Ok(Err(SignInError::Locked(until)));
        }
        if !password_matches(&cred.password_hash, password) {
            let (next, locked) = cred.failed(now);
            let action = if locked {
                "user.lockout"
            } else {
                "user.sign_in_failed"
            };
            tx.update_record(&next, &ctx(&who, now, action, None))
                .await?;
            tx.commit().await?;
            return Ok(Err(if locked {
                SignInError::Locked(next.locked_until.map(|t| t.to_string()).unwrap_or_default())
            } else {
                SignInError::Wrong
            }));
        }
        if !u.active {
            return Ok(Err(SignInError::Inactive));
        }
        tx.update_record(&cred.succeeded(), &ctx(&who, now, "user.sign_in", None))
            .await?;
        tx.commit().await?;
        let token = random_hex(32)?;
        let csrf = random_hex(32)?;
        let row = SessionRow {
            id: session_id(&token),
            user_id: u.id.to_string(),
            csrf: csrf.clone(),
            created_at: now.to_string(),
            last_seen: now.to_string(),
        };
        self.store.session_create(&row).await?;
        Ok(Ok(SignedIn {
            token,
            csrf,
            actor: who,
        }))
    }

    /// The live session behind a cookie token, or None (unknown, idle too long, too old, user inactive).
    pub async fn session(
        &self,
        now: UtcTime,
        token: &str,
    ) -> Result<Option<SessionInfo>, ServiceError> {
        let id = session_id(token);
        let Some(row) = self.store.session_get(&id).await? else {
            return Ok(None);
        };
        let (Ok(seen), Ok(created)) = (
            UtcTime::parse("last_seen", &row.last_seen),
            UtcTime::parse("created_at", &row.created_at),
        ) else {
            return Ok(None);
        };
        if seen.hours_until(now) > IDLE_MINUTES / 60.0
            || created.hours_until(now) > MAX_SESSION_HOURS
        {
            self.store.session_delete(&id).await?;
            return Ok(None);
        }
        let Some(u) = self.store.fetch::<User>(&row.user_id).await? else {
            return Ok(None);
        };
        if !u.active {
            return Ok(None);
        }
        if seen.hours_until(now) > 1.0 / 60.0 {
            self.store.session_touch(&id, &now.to_string()).await?;
        }
        Ok(Some(SessionInfo {
            actor: Actor::new(u.id.clone(), u.roles.clone()),
            display_name: u.display_name.clone(),
            csrf: row.csrf,
            language: u.language.clone(),
            time_zone: u.time_zone.clone(),
            session_id: id,
        }))
    }

    /// Ends a session.
    pub async fn sign_out(&self, token: &str) -> Result<(), ServiceError> {
        Ok(self.store.session_delete(&session_id(token)).await?)
    }

    /// Stores the user's UI language (`ja` or `en`).
    pub async fn set_language(
        &self,
        actor: &Actor,
        now: UtcTime,
        lang: &str,
    ) -> Result<(), ServiceError> {
        let mut tx = self.store.begin().await?;
        let u = tx
            .must_load::<User>(actor.user.as_str())
            .await?
            .with_language(lang)?;
        tx.update_record(&u, &ctx(actor, now, "user.preferences", None))
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// E-signature check: the signer re-enters their password (21 CFR 11.200(a)(1)). A wrong
    /// password counts towards lock-out like a failed sign-in.
    pub async fn confirm_password(
        &self,
        actor: &Actor,
        now: UtcTime,
        password: &str,
    ) -> Result<bool, ServiceError> {
        let mut tx = self.store.begin().await?;
        let Some(cred) = tx.load::<Credential>(actor.user.as_str()).await? else {
            return Ok(false);
        };
        if cred.is_locked(now) {
            return Ok(false);
        }
        if password_matches(&cred.password_hash, password) {
            return Ok(true);
        }
        let (next, locked) = cred.failed(now);
        let action = if locked {
            "user.lockout"
        } else {
            "user.signature_failed"
        };
        tx.update_record(&next, &ctx(actor, now, action, None))
            .await?;
        tx.commit().await?;
        Ok(false)
    }
}

/// A token as created: the record, and the secret to hand over once (`stk_<id>_<secret>`).
#[derive(Debug, Clone)]
pub struct NewApiToken {
    pub token: secretome_domain::site::ApiToken,
    pub secret: String,
}

impl Service {
    /// Creates an API token scoped to `role`. Role: admin. The returned secret is not stored.
    pub async fn create_api_token(
        &self,
        actor: &Actor,
        now: UtcTime,
        name: &str,
        role: &str,
    ) -> Result<NewApiToken, ServiceError> {
        actor.require(Role::Admin, "create an API token")?;
        let role = Role::parse("role", role)?;
        let id = format!("tok-{}", &random_hex(6)?);
        let secret = random_hex(32)?;
        let token = secretome_domain::site::ApiToken {
            id: id.clone(),
            name: secretome_domain::quantity::text("name", name)?,
            role,
            secret_hash: session_id(&secret),
            created_by: actor.user.clone(),
            created_at: now,
            revoked_at: None,
        };
        let mut tx = self.store.begin().await?;
        tx.insert_record(&token, &ctx(actor, now, "api_token.create", None))
            .await?;
        tx.commit().await?;
        Ok(NewApiToken {
            token,
            secret: format!("stk_{id}_{secret}"),
        })
    }

    /// Revokes an API token at once. Role: admin.
    pub async fn revoke_api_token(
        &self,
        actor: &Actor,
        now: UtcTime,
        id: &str,
        reason: &str,
    ) -> Result<(), ServiceError> {
        actor.require(Role::Admin, "revoke an API token")?;
        let mut tx = self.store.begin().await?;
        let t = tx
            .must_load::<secretome_domain::site::ApiToken>(id)
            .await?
            .revoke(now)?;
        tx.update_record(&t, &ctx(actor, now, "api_token.revoke", Some(reason)))
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The actor behind a bearer token (`token:<id>` with the token's one role), if it is live.
    pub async fn token_actor(&self, bearer: &str) -> Result<Option<Actor>, ServiceError> {
        let Some((id, secret)) = bearer.strip_prefix("stk_").and_then(|r| r.rsplit_once('_'))
        else {
            return Ok(None);
        };
        if id.is_empty() || id.len() > 64 {
            return Ok(None);
        }
        let Some(t) = self
            .store
            .fetch::<secretome_domain::site::ApiToken>(id)
            .await?
        else {
            return Ok(None);
        };
        if !t.is_live() || !crate::auth::same(&t.secret_hash, &session_id(secret)) {
            return Ok(None);
        }
        Ok(Some(Actor::new(
            UserName::new(format!("token:{}", t.id))?,
            vec![t.role],
        )))
    }
}

/// Compares two strings without stopping at the first difference.
pub fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

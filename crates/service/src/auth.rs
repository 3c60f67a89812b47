//! Sign-in (21 CFR 11.10(d), 11.300): argon2id password hashes with an injected cost policy
//! (`PasswordHashing`), verified on a low-priority hashing thread (`hashing`) before any write
//! transaction — never under the chain lock — with a dummy verification for unknown names so the
//! answer and its timing do not tell which accounts exist; failures throttled per account name and
//! per client address with exponential back-off (`throttle`), each failure of a known account
//! recorded in the audit trail; sessions with idle expiry, CSRF tokens, per-user language, and
//! password re-entry for e-signatures.

use crate::throttle::{Throttled, account_key, address_key};
use crate::{Service, ServiceError, ctx};
use argon2::{
    Algorithm, Argon2, Params, Version,
    password_hash::{PasswordHasher, PasswordVerifier},
};
use secretome_domain::Capability;
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

/// Why a sign-in was refused. Unknown and known names get the same answers: the message never says
/// whether the user exists (only a correct password learns that an account is inactive).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignInError {
    #[error("wrong user name or password")]
    Wrong,
    /// Too many failures in a row for this name or from this address: try again after the wait.
    #[error("too many failed sign-ins: try again in {retry_after_secs} s")]
    Throttled { retry_after_secs: u64 },
    #[error("this account is inactive")]
    Inactive,
}

/// How passwords are hashed: argon2id with the given costs. Injected into the `Service`
/// (`Service::with_password_hashing`): production uses argon2's recommended costs (19 MiB, 2 passes,
/// OWASP's minimum); tests use the cheapest so that signing in does not dominate their time. Stored
/// hashes carry their own costs, so a hash made under one policy verifies under any other.
#[derive(Debug, Clone)]
pub struct PasswordHashing {
    params: Params,
}

impl PasswordHashing {
    /// argon2id, m = 19 MiB, t = 2, p = 1.
    pub fn production() -> Self {
        Self {
            params: Params::DEFAULT,
        }
    }

    /// argon2id at its minimum costs (8 KiB, 1 pass): for tests only.
    pub fn cheap_for_tests() -> Self {
        Self {
            params: Params::new(Params::MIN_M_COST, Params::MIN_T_COST, 1, None)
                .unwrap_or(Params::DEFAULT),
        }
    }

    fn argon2(&self) -> Argon2<'static> {
        Argon2::new(Algorithm::Argon2id, Version::V0x13, self.params.clone())
    }
}

impl Default for PasswordHashing {
    fn default() -> Self {
        Self::production()
    }
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
    getrandom::fill(&mut buf).map_err(|e| ServiceError::Internal(format!("no randomness: {e}")))?;
    Ok(hex::encode(buf))
}

fn session_id(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

impl Service {
    /// Runs CPU-heavy work (argon2) off the async executor on the low-priority hashing threads
    /// (`hashing::HashingPool`, at most half the cores).
    async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, ServiceError> {
        self.doors.hashing().run(f).await
    }

    async fn hash_password(&self, password: &str) -> Result<String, ServiceError> {
        let argon = self.hashing.argon2();
        let password = password.to_string();
        self.blocking(move || {
            argon
                .hash_password(password.as_bytes())
                .map(|h| h.to_string())
                .map_err(|e| ServiceError::Internal(format!("password hashing failed: {e}")))
        })
        .await?
    }

    /// Whether `password` matches `hash` (false for a malformed hash). Counted in
    /// `password_verifications` (tests check that unknown names are verified too).
    async fn password_matches(&self, hash: String, password: &str) -> Result<bool, ServiceError> {
        self.doors
            .verifications
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let password = password.to_string();
        self.blocking(move || {
            argon2::password_hash::phc::PasswordHash::new(&hash).is_ok_and(|h| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &h)
                    .is_ok()
            })
        })
        .await
    }

    /// A hash of a random password under this service's policy, made once: unknown names are
    /// verified against it so that they take as long as known ones.
    async fn dummy_hash(&self) -> Result<String, ServiceError> {
        if let Some(h) = self.doors.dummy.get() {
            return Ok(h.clone());
        }
        let h = self.hash_password(&random_hex(16)?).await?;
        Ok(self.doors.dummy.get_or_init(|| h).clone())
    }

    /// How many password verifications ran (real and dummy) since start.
    pub fn password_verifications(&self) -> u64 {
        self.doors
            .verifications
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Sets a user's password: an admin for anyone, a user for themself. Policy: `check_password`.
    pub async fn set_password(
        &self,
        actor: &Actor,
        now: UtcTime,
        user: &str,
        password: &str,
    ) -> Result<(), ServiceError> {
        if actor.user.as_str() != user {
            actor.require_to(Capability::Administer, "set another user's password")?;
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
        self.set_demo_clinic_passwords(now).await
    }

    /// The demo clinic's staff get the password `demo`, once the demo has made them.
    pub(crate) async fn set_demo_clinic_passwords(&self, now: UtcTime) -> Result<(), ServiceError> {
        let system = Actor::new(UserName::new("system")?, vec![Role::Admin]);
        for (id, _, _) in crate::demo::DEMO_CLINIC_USERS {
            if self.store.fetch::<User>(id).await?.is_some() {
                self.store_password(&system, now, UserName::new(id)?, "demo")
                    .await?;
            }
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
        let hash = self.hash_password(password).await?;
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

    /// Signs a user in (no client address known: the CLI, tests). See `sign_in_from`.
    pub async fn sign_in(
        &self,
        now: UtcTime,
        user: &str,
        password: &str,
    ) -> Result<Result<SignedIn, SignInError>, ServiceError> {
        self.sign_in_from(now, user, password, None).await
    }

    /// Signs a user in from `client` (its address, when known). The password is verified first, on
    /// a blocking thread and outside any transaction — against a dummy hash when the name is
    /// unknown. While the name or the address is backing off, the answer is `Throttled` without
    /// verifying. Each failure of a known account is an audit event on its credential
    /// (`user.sign_in_failed`, or `user.sign_in_throttled` once it backs off); a success resets it.
    pub async fn sign_in_from(
        &self,
        now: UtcTime,
        user: &str,
        password: &str,
        client: Option<&str>,
    ) -> Result<Result<SignedIn, SignInError>, ServiceError> {
        let mut keys = vec![account_key(user)];
        keys.extend(client.map(address_key));
        let wait = self.doors.throttle.wait_secs(&keys, now);
        if wait > 0 {
            return Ok(Err(SignInError::Throttled {
                retry_after_secs: wait,
            }));
        }
        let (u, cred) = match UserName::new(user.trim()) {
            Ok(id) => (
                self.store.fetch::<User>(id.as_str()).await?,
                self.store.fetch::<Credential>(id.as_str()).await?,
            ),
            Err(_) => (None, None),
        };
        let hash = match &cred {
            Some(c) => c.password_hash.clone(),
            None => self.dummy_hash().await?,
        };
        let matches = self.password_matches(hash, password).await?;
        let (Some(u), Some(_), true) = (u.as_ref(), cred.as_ref(), matches) else {
            self.doors.throttle.fail(&keys, now);
            if let (Some(u), Some(_)) = (&u, &cred) {
                let who = Actor::new(u.id.clone(), u.roles.clone());
                self.count_failure(&who, now, "user.sign_in_failed").await?;
            }
            return Ok(Err(SignInError::Wrong));
        };
        if !u.active {
            return Ok(Err(SignInError::Inactive));
        }
        self.doors.throttle.clear(&account_key(user));
        let who = Actor::new(u.id.clone(), u.roles.clone());
        let mut tx = self.store.begin().await?;
        let fresh = tx.must_load::<Credential>(u.id.as_str()).await?;
        tx.update_record(&fresh.succeeded(), &ctx(&who, now, "user.sign_in", None))
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

    /// Records a failed password on the actor's credential (the count read inside the transaction);
    /// past the free attempts the action is `user.sign_in_throttled`.
    async fn count_failure(
        &self,
        who: &Actor,
        now: UtcTime,
        action: &str,
    ) -> Result<(), ServiceError> {
        let mut tx = self.store.begin().await?;
        let Some(cred) = tx.load::<Credential>(who.user.as_str()).await? else {
            return Ok(());
        };
        let (next, slowed) = cred.failed();
        let action = if slowed {
            "user.sign_in_throttled"
        } else {
            action
        };
        tx.update_record(&next, &ctx(who, now, action, None))
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Sign-in names and client addresses with recent failures, for the administrators' page.
    /// Role: admin.
    pub async fn sign_in_throttles(
        &self,
        actor: &Actor,
        now: UtcTime,
    ) -> Result<Vec<Throttled>, ServiceError> {
        actor.require_to(Capability::Administer, "see throttled sign-ins")?;
        Ok(self.doors.throttle.list(now))
    }

    /// Lets an account sign in again at once: its back-off is forgotten and its credential's
    /// failure count (and any lock recorded before back-off replaced lock-out) cleared, as the
    /// audit event `user.unlock` with the reason. Role: admin.
    pub async fn unlock_sign_in(
        &self,
        actor: &Actor,
        now: UtcTime,
        user: &str,
        reason: &str,
    ) -> Result<(), ServiceError> {
        actor.require_to(Capability::Administer, "unlock a sign-in")?;
        let reason = secretome_domain::quantity::text("reason", reason)?;
        let id = UserName::new(user.trim())?;
        let mut tx = self.store.begin().await?;
        let cred = tx.must_load::<Credential>(id.as_str()).await?;
        tx.update_record(
            &cred.succeeded(),
            &ctx(actor, now, "user.unlock", Some(&reason)),
        )
        .await?;
        tx.commit().await?;
        self.doors.throttle.clear(&account_key(id.as_str()));
        Ok(())
    }

    /// The live session behind a cookie token, or None (unknown, idle too long, too old, user inactive).
    pub async fn session(
        &self,
        now: UtcTime,
        token: &str,
    ) -> Result<Option<SessionInfo>, ServiceError> {
        let id = session_id(token);
        let Some((row, user)) = self.store.session_get(&id).await? else {
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
        let Some(u) = user.map(|r| r.to_record::<User>()).transpose()? else {
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

    /// E-signature check: the signer re-enters their password (21 CFR 11.200(a)(1)), verified
    /// outside any transaction. A wrong password counts towards the account's back-off like a failed
    /// sign-in (`user.signature_failed`); while it backs off every attempt is refused.
    pub async fn confirm_password(
        &self,
        actor: &Actor,
        now: UtcTime,
        password: &str,
    ) -> Result<bool, ServiceError> {
        let keys = [account_key(actor.user.as_str())];
        if self.doors.throttle.wait_secs(&keys, now) > 0 {
            return Ok(false);
        }
        let Some(cred) = self.store.fetch::<Credential>(actor.user.as_str()).await? else {
            return Ok(false);
        };
        if self.password_matches(cred.password_hash, password).await? {
            return Ok(true);
        }
        self.doors.throttle.fail(&keys, now);
        self.count_failure(actor, now, "user.signature_failed")
            .await?;
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
    /// Creates an API token bound to the acting user and scoped to one of their own roles (least
    /// privilege: no one mints a token above their roles, and what it writes names them). Any
    /// signed-in user; the returned secret is not stored.
    pub async fn create_api_token(
        &self,
        actor: &Actor,
        now: UtcTime,
        name: &str,
        role: &str,
    ) -> Result<NewApiToken, ServiceError> {
        let role = Role::parse("role", role)?;
        if !actor.has(role) {
            return Err(DomainError::invalid(
                "role",
                secretome_domain::Why::said(
                    format!(
                        "{} does not hold role {} and cannot give it to a token",
                        actor.user,
                        role.as_str()
                    ),
                    format!(
                        "持っていないロールはトークンに与えられません ({}: {})",
                        actor.user,
                        role.as_str()
                    ),
                ),
            )
            .into());
        }
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

    /// Revokes an API token at once: its owner, or an admin.
    pub async fn revoke_api_token(
        &self,
        actor: &Actor,
        now: UtcTime,
        id: &str,
        reason: &str,
    ) -> Result<(), ServiceError> {
        let mut tx = self.store.begin().await?;
        let t = tx.must_load::<secretome_domain::site::ApiToken>(id).await?;
        if t.created_by != actor.user {
            actor.require_to(Capability::Administer, "revoke another user's API token")?;
        }
        let t = t.revoke(now)?;
        tx.update_record(&t, &ctx(actor, now, "api_token.revoke", Some(reason)))
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The actor behind a bearer token, if it is live: the user it is bound to, with the token's one
    /// role — only while that user is active and still holds the role.
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
        let Some(u) = self.store.fetch::<User>(t.created_by.as_str()).await? else {
            return Ok(None);
        };
        if !u.active || !u.roles.contains(&t.role) {
            return Ok(None);
        }
        Ok(Some(Actor::new(u.id, vec![t.role])))
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

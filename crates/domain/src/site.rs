//! Sites (a facility or a clinic) and users with their roles.

use crate::{
    DomainError, Role, UtcTime,
    ids::{SiteCode, UserName},
    quantity::text,
};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct User {
    pub id: UserName,
    pub display_name: String,
    pub site: SiteCode,
    pub roles: Vec<Role>,
    pub active: bool,
    pub created_at: UtcTime,
    /// Preferred UI language (`ja` or `en`); None: from the browser's Accept-Language.
    #[serde(default)]
    pub language: Option<String>,
    /// IANA time zone for showing times; None: the site's (Asia/Tokyo by default).
    #[serde(default)]
    pub time_zone: Option<String>,
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
                crate::Why::said(
                    "a user needs at least one role",
                    "ロールを 1 つ以上選んでください",
                ),
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
            language: None,
            time_zone: None,
        })
    }

    /// The same user deactivated (`active = false`) or reactivated, by administrator `by`. An
    /// administrator cannot deactivate their own account. Past records and signatures of a
    /// deactivated user stay as they are (they name the user); the user can no longer sign in or
    /// sign.
    pub fn with_active(&self, active: bool, by: &UserName) -> Result<Self, DomainError> {
        if self.active == active {
            return Err(DomainError::Rule(crate::rule::Rule::UserAlready {
                user: self.id.to_string(),
                active,
            }));
        }
        if !active && &self.id == by {
            return Err(DomainError::Rule(crate::rule::Rule::SelfDeactivation {
                by: by.to_string(),
            }));
        }
        let mut u = self.clone();
        u.active = active;
        Ok(u)
    }

    /// The same user holding `roles` (at least one), changed by administrator `by`, who cannot
    /// take the admin role away from themselves.
    pub fn with_roles(&self, roles: Vec<Role>, by: &UserName) -> Result<Self, DomainError> {
        if roles.is_empty() {
            return Err(DomainError::invalid(
                "roles",
                crate::Why::said(
                    "a user needs at least one role",
                    "ロールを 1 つ以上選んでください",
                ),
            ));
        }
        let mut roles = roles;
        roles.sort();
        roles.dedup();
        if &self.id == by && self.roles.contains(&Role::Admin) && !roles.contains(&Role::Admin) {
            return Err(DomainError::invalid(
                "roles",
                crate::Why::said(
                    "you cannot remove your own admin role: ask another administrator",
                    "自分の管理者ロールは外せません: 他の管理者に依頼してください",
                ),
            ));
        }
        if roles == self.roles {
            return Err(DomainError::invalid(
                "roles",
                crate::Why::said("the roles are unchanged", "ロールは変更されていません"),
            ));
        }
        let mut u = self.clone();
        u.roles = roles;
        Ok(u)
    }

    /// The same user with a new UI language (`ja` or `en`).
    pub fn with_language(&self, lang: &str) -> Result<Self, DomainError> {
        if !matches!(lang, "ja" | "en") {
            return Err(DomainError::invalid(
                "language",
                crate::Why::said(
                    format!("unknown language {lang:?} (expected ja or en)"),
                    format!("{lang:?} は言語にありません (ja または en)"),
                ),
            ));
        }
        let mut u = self.clone();
        u.language = Some(lang.to_string());
        Ok(u)
    }
}

/// A user's password credential and its failure count. The hash is argon2id (PHC string); the
/// hashing lives in the service layer. Repeated failures no longer lock the account (anyone could
/// lock anyone out): they slow further attempts down (`sign_in_backoff_secs`); `locked_until` is
/// kept for records written before, and an administrator's unlock clears it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Credential {
    pub id: UserName,
    pub password_hash: String,
    pub failed_attempts: i64,
    pub locked_until: Option<UtcTime>,
    pub changed_at: UtcTime,
}

impl Credential {
    /// Failed sign-ins in a row after which each further failure makes the next attempt wait.
    pub const FREE_ATTEMPTS: u32 = 5;

    pub fn is_locked(&self, now: UtcTime) -> bool {
        self.locked_until.is_some_and(|t| now < t)
    }

    /// After a wrong password: counts the failure. Returns whether further attempts now wait.
    pub fn failed(&self) -> (Self, bool) {
        let mut c = self.clone();
        c.failed_attempts += 1;
        let slowed = c.failed_attempts > i64::from(Self::FREE_ATTEMPTS);
        (c, slowed)
    }

    /// After a correct password, or an administrator's unlock: the failure count starts again.
    pub fn succeeded(&self) -> Self {
        let mut c = self.clone();
        c.failed_attempts = 0;
        c.locked_until = None;
        c
    }
}

/// Longest wait between sign-in attempts, in seconds (a quarter of an hour).
pub const MAX_BACKOFF_SECS: u64 = 900;

/// Exponential back-off: after `failures` failed attempts in a row (of one account name, or from one
/// client address), the next attempt waits this many seconds — none for the first `free`, then 1,
/// 2, 4, … up to `MAX_BACKOFF_SECS`.
pub fn sign_in_backoff_secs(failures: u32, free: u32) -> u64 {
    match failures.checked_sub(free) {
        None | Some(0) => 0,
        Some(n) => 1u64
            .checked_shl(n - 1)
            .unwrap_or(u64::MAX)
            .min(MAX_BACKOFF_SECS),
    }
}

/// The password policy: at least 8 characters, not only digits, not the user name.
pub fn check_password(user: &UserName, password: &str) -> Result<(), DomainError> {
    if password.chars().count() < 8 {
        return Err(DomainError::invalid(
            "password",
            crate::Why::said("must be at least 8 characters", "8 文字以上にしてください"),
        ));
    }
    if password.chars().all(|c| c.is_ascii_digit()) {
        return Err(DomainError::invalid(
            "password",
            crate::Why::said(
                "must not be only digits",
                "数字だけのパスワードは使えません",
            ),
        ));
    }
    if password.eq_ignore_ascii_case(user.as_str()) {
        return Err(DomainError::invalid(
            "password",
            crate::Why::said(
                "must not be the user name",
                "ユーザー名と同じパスワードは使えません",
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_slow_down_exponentially_and_never_lock() {
        let now = UtcTime::parse("t", "2026-11-25T00:00:00Z").unwrap();
        let mut c = Credential {
            id: UserName::new("qa").unwrap(),
            password_hash: "h".into(),
            failed_attempts: 0,
            locked_until: None,
            changed_at: now,
        };
        for i in 1..=5 {
            let (next, slowed) = c.failed();
            assert!(!slowed, "attempt {i}");
            c = next;
        }
        let (c, slowed) = c.failed();
        assert!(slowed && !c.is_locked(now));
        assert_eq!(c.succeeded().failed_attempts, 0);
        let waits: Vec<u64> = (0..9).map(|f| sign_in_backoff_secs(f, 5)).collect();
        assert_eq!(waits, [0, 0, 0, 0, 0, 0, 1, 2, 4]);
        assert_eq!(sign_in_backoff_secs(20, 5), MAX_BACKOFF_SECS);
        assert_eq!(sign_in_backoff_secs(u32::MAX, 0), MAX_BACKOFF_SECS);
    }

    #[test]
    fn weak_passwords_are_refused_naming_the_field() {
        let u = UserName::new("alice").unwrap();
        assert_eq!(
            check_password(&u, "short").unwrap_err().to_string(),
            "password: must be at least 8 characters"
        );
        assert!(check_password(&u, "12345678").is_err());
        assert!(check_password(&u, "ALICE").is_err());
        assert!(check_password(&u, "correct horse").is_ok());
    }
}

/// An API token for an instrument or integration: scoped to one role, revocable, stored only as
/// the SHA-256 of its secret (the secret is shown once, at creation).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ApiToken {
    pub id: String,
    pub name: String,
    pub role: Role,
    pub secret_hash: String,
    pub created_by: UserName,
    pub created_at: UtcTime,
    pub revoked_at: Option<UtcTime>,
}

impl ApiToken {
    pub fn is_live(&self) -> bool {
        self.revoked_at.is_none()
    }
    /// Revokes a live token.
    pub fn revoke(&self, now: UtcTime) -> Result<Self, DomainError> {
        if !self.is_live() {
            return Err(DomainError::Rule(crate::rule::Rule::TokenRevoked {
                token: self.id.to_string(),
            }));
        }
        let mut t = self.clone();
        t.revoked_at = Some(now);
        Ok(t)
    }
}

/// A facility-wide setting (設定), audited like every record. Known keys are listed in
/// `SETTING_KEYS`; each value is checked by `Setting::new`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Setting {
    pub id: String,
    pub value: String,
    pub updated_at: UtcTime,
}

/// The facility's ISBT 128 Facility Identification Number, issued by ICCBBA on registration.
pub const SETTING_FIN: &str = "isbt.fin";

/// The facility's default language for its pages (`ja` or `en`): what a viewer sees who has not
/// chosen a language (the toggle stores a signed-in user's choice, a cookie a signed-out one's).
/// Unset: the browser's Accept-Language decides.
pub const SETTING_LANGUAGE: &str = "ui.language";

/// Settings an administrator may set, with what each means.
pub const SETTING_KEYS: &[(&str, &str)] = &[
    (
        SETTING_FIN,
        "ISBT 128 Facility Identification Number (5 characters, issued by ICCBBA)",
    ),
    (SETTING_LANGUAGE, "Default language of the pages (ja or en)"),
    ("dose.max_ml.iv_drip", "Maximum dose by IV drip, mL"),
    ("dose.max_ml.intranasal", "Maximum intranasal dose, mL"),
    (
        "dose.max_ml.local_injection",
        "Maximum dose by local injection, mL",
    ),
    (
        "dose.max_ml.scalp_injection",
        "Maximum dose by scalp injection, mL",
    ),
    ("dose.max_ml.topical", "Maximum topical dose, mL"),
];

impl Setting {
    pub fn new(key: &str, value: &str, now: UtcTime) -> Result<Setting, DomainError> {
        let value = value.trim();
        match key {
            SETTING_FIN => {
                crate::isbt::Fin::parse(value)
                    .map_err(|e| DomainError::invalid("value", e.why()))?;
            }
            SETTING_LANGUAGE => {
                if !matches!(value, "ja" | "en") {
                    return Err(DomainError::invalid(
                        "value",
                        crate::Why::said(
                            format!("unknown language {value:?} (expected ja or en)"),
                            format!("{value:?} は言語にありません (ja または en)"),
                        ),
                    ));
                }
            }
            k if k.starts_with("dose.max_ml.")
                && crate::clinical::Route::parse(&k["dose.max_ml.".len()..]).is_ok() =>
            {
                let ml: f64 = value.parse().map_err(|_| {
                    DomainError::invalid(
                        "value",
                        crate::Why::said("must be a volume in mL", "液量 (mL) を入力してください"),
                    )
                })?;
                crate::quantity::positive("value", ml)?;
            }
            _ => {
                let known: Vec<&str> = SETTING_KEYS.iter().map(|k| k.0).collect();
                let known = known.join(", ");
                return Err(DomainError::invalid(
                    "key",
                    crate::Why::said(
                        format!("unknown setting {key:?} (known: {})", known),
                        format!("{key:?} は設定項目にありません ({})", known),
                    ),
                ));
            }
        }
        Ok(Setting {
            id: key.to_string(),
            value: value.to_string(),
            updated_at: now,
        })
    }
}

/// The next ISBT 128 DIN sequence number for one FIN and year (id `FIN` + `YY`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DinSequence {
    pub id: String,
    pub next: i64,
}

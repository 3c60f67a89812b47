//! Electronic signatures (電子署名, 21 CFR 11.50 / 11.70 / 11.200) on a lot's release decision and
//! batch-record review: the signer re-enters the password, states the meaning ("released",
//! "rejected", "reviewed") and a reason; the manifestation — meaning, the signer's printed name and
//! the reason — is the reason text of the very audit event that records the decision (`lot.release`,
//! `lot.reject` or `lot.review`), so actor, time, meaning and name are bound into the hash chain in
//! the same transaction as the decision itself. `batch_record` reads them back as `Signature`s.

use crate::{Service, ServiceError, ctx};
use secretome_domain::Capability;
use secretome_domain::{Actor, DomainError, UtcTime, lot::Lot, site::User};

/// The first word of every signature manifestation in a reason text.
pub const SIGNATURE_PREFIX: &str = "電子署名";
/// Separates the manifestation's parts: `電子署名 (released) | 保証 次郎 (QA) | reason`.
pub const SIGNATURE_SEPARATOR: &str = " | ";
/// Longest reason a signer may give (the manifestation must fit the 500-character reason).
pub const MAX_SIGNATURE_REASON: usize = 400;

/// What a signature means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Meaning {
    Released,
    Rejected,
    Reviewed,
    /// QA's signature opening a recall (`recall.open`; signed on the recall form, not on a lot).
    Recalled,
}

impl Meaning {
    pub const ALL: [Meaning; 3] = [Meaning::Released, Meaning::Rejected, Meaning::Reviewed];

    pub fn parse(s: &str) -> Result<Meaning, DomainError> {
        Meaning::ALL
            .into_iter()
            .chain([Meaning::Recalled])
            .find(|m| m.as_str() == s.trim())
            .ok_or_else(|| {
                DomainError::invalid(
                    "meaning",
                    secretome_domain::Why::said(
                        "choose released, rejected or reviewed",
                        "選択してください",
                    ),
                )
            })
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Meaning::Released => "released",
            Meaning::Rejected => "rejected",
            Meaning::Reviewed => "reviewed",
            Meaning::Recalled => "recalled",
        }
    }
    pub fn name_ja(self) -> &'static str {
        match self {
            Meaning::Released => "出荷可",
            Meaning::Rejected => "不合格",
            Meaning::Reviewed => "照査済",
            Meaning::Recalled => "回収",
        }
    }
    /// The audit action that records a signature of this meaning on a lot.
    pub fn action(self) -> &'static str {
        match self {
            Meaning::Released => "lot.release",
            Meaning::Rejected => "lot.reject",
            Meaning::Reviewed => "lot.review",
            Meaning::Recalled => "recall.open",
        }
    }
    pub fn from_action(action: &str) -> Option<Meaning> {
        Meaning::ALL
            .into_iter()
            .chain([Meaning::Recalled])
            .find(|m| m.action() == action)
    }
}

/// The manifestation written as the reason of the signed event.
pub fn manifestation(meaning: Meaning, printed_name: &str, reason: &str) -> String {
    [
        format!("{SIGNATURE_PREFIX} ({})", meaning.as_str()),
        printed_name.replace(SIGNATURE_SEPARATOR, " / "),
        reason.trim().to_string(),
    ]
    .join(SIGNATURE_SEPARATOR)
}

/// Reads a manifestation back: (meaning, printed name, reason); None for an unsigned reason.
pub fn parse_manifestation(text: &str) -> Option<(Meaning, String, String)> {
    let rest = text.strip_prefix(SIGNATURE_PREFIX)?.trim_start();
    let mut parts = rest.splitn(3, SIGNATURE_SEPARATOR);
    let meaning = parts.next()?.strip_prefix('(')?.strip_suffix(')')?;
    let meaning = Meaning::parse(meaning).ok()?;
    let name = parts.next()?.to_string();
    let reason = parts.next().unwrap_or("").to_string();
    Some((meaning, name, reason))
}

impl Service {
    /// The checks every signature makes, in order: a reason (at most `MAX_SIGNATURE_REASON`
    /// characters), an active account, the password re-entered (a wrong one counts towards
    /// lock-out). Answers the signer's printed name.
    pub(crate) async fn confirm_signature(
        &self,
        actor: &Actor,
        now: UtcTime,
        password: &str,
        reason: &str,
    ) -> Result<String, ServiceError> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(DomainError::invalid(
                "reason",
                secretome_domain::Why::said(
                    "give the reason for signing",
                    "理由を記入してください",
                ),
            )
            .into());
        }
        if reason.chars().count() > MAX_SIGNATURE_REASON {
            return Err(DomainError::invalid(
                "reason",
                secretome_domain::Why::TooLong(MAX_SIGNATURE_REASON),
            )
            .into());
        }
        // A deactivated account signs nothing (its earlier signatures stay valid).
        if self
            .store
            .fetch::<User>(actor.user.as_str())
            .await?
            .is_some_and(|u| !u.active)
        {
            return Err(ServiceError::Inactive(actor.user.to_string()));
        }
        if password.is_empty() {
            return Err(DomainError::invalid(
                "password",
                secretome_domain::Why::said(
                    "enter your password to sign",
                    "パスワードを入力してください",
                ),
            )
            .into());
        }
        if !self.confirm_password(actor, now, password).await? {
            return Err(DomainError::invalid(
                "password", secretome_domain::Why::said("the password is not correct (or the account is locked): nothing was signed", "パスワードが正しくありません (またはアカウントがロック中です)。何も署名・記録されていません"),
            )
            .into());
        }
        self.name_of(actor.user.as_str()).await
    }

    /// Signs a lot electronically: `released` releases it (refused, listing every reason, as
    /// `release_lot`), `rejected` rejects it, `reviewed` records QA's or QC's review of the batch
    /// record without deciding. The password is checked first (a wrong one is refused on the
    /// `password` field and counted towards lock-out; nothing is signed). Roles: qa; qc may review.
    pub async fn sign_lot(
        &self,
        actor: &Actor,
        now: UtcTime,
        lot: &str,
        password: &str,
        meaning: &str,
        reason: &str,
    ) -> Result<Lot, ServiceError> {
        let meaning = Meaning::parse(meaning)?;
        match meaning {
            Meaning::Released => actor.require_to(Capability::AssureQuality, "release a lot")?,
            Meaning::Rejected => actor.require_to(Capability::AssureQuality, "reject a lot")?,
            Meaning::Recalled => {
                return Err(DomainError::invalid(
                    "meaning",
                    secretome_domain::Why::said(
                        "a recall is signed on the recall form, after its preview",
                        "回収は回収フォームでプレビューの後に署名します",
                    ),
                )
                .into());
            }
            Meaning::Reviewed => {
                actor.require_to(Capability::SignLot, "sign a batch record review")?;
            }
        }
        let name = self.confirm_signature(actor, now, password, reason).await?;
        let reason = reason.trim();
        let text = manifestation(meaning, &name, reason);
        match meaning {
            Meaning::Released => {
                let lot = self.release_lot(actor, now, lot, &text).await?;
                self.checkpoint(now).await;
                Ok(lot)
            }
            Meaning::Rejected => self.reject_lot(actor, now, lot, &text).await,
            Meaning::Recalled => Err(DomainError::invalid(
                "meaning",
                secretome_domain::Why::said("not a lot decision", "ロットの判定ではありません"),
            )
            .into()),
            Meaning::Reviewed => {
                let mut tx = self.store.begin().await?;
                let l = tx.must_load::<Lot>(lot).await?;
                tx.update_record(&l, &ctx(actor, now, meaning.action(), Some(&text)))
                    .await?;
                tx.commit().await?;
                Ok(l)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifestation_reads_back() {
        let t = manifestation(Meaning::Released, "保証 次郎 (QA)", " all tests pass ");
        assert_eq!(t, "電子署名 (released) | 保証 次郎 (QA) | all tests pass");
        let (m, name, reason) = parse_manifestation(&t).unwrap();
        assert_eq!(
            (m, name.as_str(), reason.as_str()),
            (Meaning::Released, "保証 次郎 (QA)", "all tests pass")
        );
        assert!(parse_manifestation("quality review complete").is_none());
        assert!(parse_manifestation("電子署名 (approved) | x | y").is_none());
        assert_eq!(Meaning::from_action("lot.review"), Some(Meaning::Reviewed));
        assert!(Meaning::parse("signed").is_err());
    }
}

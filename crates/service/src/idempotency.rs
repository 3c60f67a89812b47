//! Idempotency keys on API writes (issue 18): a client that retries a POST whose answer it lost
//! sends the same `Idempotency-Key` and gets the first answer back instead of a second record. Keys
//! belong to a user (two users' equal keys never meet); a key reused for a different request is
//! refused; a request still running under the key makes the retry wait. Answers are kept as
//! technical state (not audited: the write they answered is), like web sessions.

use crate::{Service, ServiceError};
use secretome_domain::{Actor, DomainError, UtcTime};
use secretome_store::IdempotentRow;
use sha2::{Digest, Sha256};

/// What to do with a request carrying a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Idempotency {
    /// First time: run it, then `idempotency_finish` (or `idempotency_release` on failure).
    Run { claim: String },
    /// Seen and answered: send this answer again.
    Replay {
        status: u16,
        content_type: Option<String>,
        body: String,
    },
    /// The first request with this key is still running: try again shortly.
    InProgress,
}

/// Longest key accepted.
pub const MAX_KEY_LEN: usize = 255;

fn digest(parts: &[&[u8]]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_be_bytes());
        h.update(p);
    }
    hex::encode(h.finalize())
}

impl Service {
    /// Looks up (or claims) `key` of `actor` for the request `method path body`.
    pub async fn idempotency_begin(
        &self,
        actor: &Actor,
        now: UtcTime,
        key: &str,
        method: &str,
        path: &str,
        body: &[u8],
    ) -> Result<Idempotency, ServiceError> {
        if key.is_empty()
            || key.len() > MAX_KEY_LEN
            || !key.bytes().all(|b| b.is_ascii_graphic() || b == b' ')
        {
            return Err(DomainError::invalid(
                "Idempotency-Key",
                secretome_domain::Why::said(
                    format!("must be 1 to {MAX_KEY_LEN} printable ASCII characters"),
                    format!("1〜{MAX_KEY_LEN} 文字の英数字 (ASCII) で入力してください"),
                ),
            )
            .into());
        }
        let row = IdempotentRow {
            id: digest(&[actor.user.as_str().as_bytes(), key.as_bytes()]),
            user_id: actor.user.to_string(),
            request_hash: digest(&[method.as_bytes(), path.as_bytes(), body]),
            status: 0,
            content_type: None,
            body: None,
            created_at: now.to_string(),
        };
        let Some(seen) = self.store.idempotency_claim(&row).await? else {
            return Ok(Idempotency::Run { claim: row.id });
        };
        if seen.request_hash != row.request_hash {
            return Err(DomainError::invalid(
                "Idempotency-Key",
                secretome_domain::Why::said(
                    "this key was already used for a different request",
                    "このキーは別の要求に使われています",
                ),
            )
            .into());
        }
        if seen.status == 0 {
            return Ok(Idempotency::InProgress);
        }
        Ok(Idempotency::Replay {
            status: u16::try_from(seen.status).unwrap_or(500),
            content_type: seen.content_type,
            body: seen.body.unwrap_or_default(),
        })
    }

    /// Keeps the answer to the request that claimed `claim`.
    pub async fn idempotency_finish(
        &self,
        claim: &str,
        status: u16,
        content_type: Option<&str>,
        body: &str,
    ) -> Result<(), ServiceError> {
        Ok(self
            .store
            .idempotency_finish(claim, i64::from(status), content_type, body)
            .await?)
    }

    /// Gives the key back (the request failed inside the server: a retry should run again).
    pub async fn idempotency_release(&self, claim: &str) -> Result<(), ServiceError> {
        Ok(self.store.idempotency_release(claim).await?)
    }
}

//! The audit trail (DESIGN.md §7): events, their canonical encoding, and the SHA-256 hash chain.
//! `hash = SHA-256(prev_hash ‖ "\n" ‖ canonical(event))`, hex-encoded; the first event's
//! `prev_hash` is 64 zeros. The verification walk itself lives with the SQL (`sql/verify.rs`).

use serde::Serialize;
use sha2::{Digest, Sha256};

pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Who did what, when and why: passed with every write.
#[derive(Debug, Clone)]
pub struct AuditCtx {
    pub actor: String,
    /// UTC, in `secretome_domain::UtcTime`'s fixed text form.
    pub at: String,
    /// `entity.verb`, e.g. `lot.release`; a `*.correct*` action requires a reason.
    pub action: String,
    pub reason: Option<String>,
}

impl AuditCtx {
    pub fn is_correction(&self) -> bool {
        self.action.contains(".correct")
    }
}

/// One event as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditEvent {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub entity_table: String,
    pub entity_id: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub reason: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

impl AuditEvent {
    /// The canonical encoding of everything but `hash`: a JSON object with sorted keys.
    pub fn canonical(&self) -> String {
        let v = serde_json::json!({
            "seq": self.seq,
            "at": self.at,
            "actor": self.actor,
            "action": self.action,
            "entity_table": self.entity_table,
            "entity_id": self.entity_id,
            "before": self.before,
            "after": self.after,
            "reason": self.reason,
            "prev_hash": self.prev_hash,
        });
        v.to_string()
    }

    /// The hash this event must carry, given its content and `prev_hash`.
    pub fn compute_hash(&self) -> String {
        let mut h = Sha256::new();
        h.update(self.prev_hash.as_bytes());
        h.update(b"\n");
        h.update(self.canonical().as_bytes());
        hex::encode(h.finalize())
    }
}

/// What `audit verify` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VerifyOutcome {
    /// The chain is intact and every audited row matches its latest event.
    Intact { events: u64, rows: u64 },
    /// The first event or row that does not match, described for a person.
    Broken { finding: String },
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev() -> AuditEvent {
        let mut e = AuditEvent {
            seq: 1,
            at: "2026-01-01T00:00:00.000000Z".into(),
            actor: "op".into(),
            action: "donor.register".into(),
            entity_table: "donor".into(),
            entity_id: "D-1".into(),
            before: None,
            after: Some("{}".into()),
            reason: None,
            prev_hash: GENESIS.into(),
            hash: String::new(),
        };
        e.hash = e.compute_hash();
        e
    }

    #[test]
    fn hash_covers_every_field_and_the_previous_hash() {
        let base = ev();
        assert_eq!(base.hash.len(), 64);
        type Change = Box<dyn Fn(&mut AuditEvent)>;
        let variants: Vec<Change> = vec![
            Box::new(|e| e.seq = 2),
            Box::new(|e| e.at.push('x')),
            Box::new(|e| e.actor = "qa".into()),
            Box::new(|e| e.action = "donor.update".into()),
            Box::new(|e| e.entity_table = "lot".into()),
            Box::new(|e| e.entity_id = "D-2".into()),
            Box::new(|e| e.before = Some("{}".into())),
            Box::new(|e| e.after = None),
            Box::new(|e| e.reason = Some("typo".into())),
            Box::new(|e| e.prev_hash = "1".repeat(64)),
        ];
        for (i, change) in variants.iter().enumerate() {
            let mut e = base.clone();
            change(&mut e);
            assert_ne!(
                e.compute_hash(),
                base.hash,
                "change {i} not covered by the hash"
            );
        }
    }
}

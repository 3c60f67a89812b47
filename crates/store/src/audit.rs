//! The audit trail (DESIGN.md §7): events, their canonical encoding, and the SHA-256 hash chain.
//! `hash = SHA-256(prev_hash ‖ "\n" ‖ canonical(event))`, hex-encoded; the first event's
//! `prev_hash` is 64 zeros. The verification walk itself lives with the SQL (`sql/verify.rs`).

use crate::canonical;
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
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
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
    /// The canonical encoding of everything but `hash`: a JSON object with sorted keys, written by
    /// the project's own serializer (`canonical.rs`), the same under every build.
    pub fn canonical(&self) -> String {
        let mut out = Vec::with_capacity(512);
        self.write_canonical(&mut out);
        String::from_utf8(out).unwrap_or_default()
    }

    /// Appends the canonical encoding to `out` (keys in sorted order, written by hand).
    pub fn write_canonical(&self, out: &mut Vec<u8>) {
        self.borrowed().write_canonical(out)
    }

    /// The event's fields borrowed.
    pub fn borrowed(&self) -> EventRef<'_> {
        EventRef {
            seq: self.seq,
            at: &self.at,
            actor: &self.actor,
            action: &self.action,
            entity_table: &self.entity_table,
            entity_id: &self.entity_id,
            before: self.before.as_deref(),
            after: self.after.as_deref(),
            reason: self.reason.as_deref(),
            prev_hash: &self.prev_hash,
            hash: &self.hash,
        }
    }

    /// The hash this event must carry, given its content and `prev_hash`.
    pub fn compute_hash(&self) -> String {
        hex::encode(self.digest(&mut Vec::with_capacity(512)))
    }

    /// The raw SHA-256 of `prev_hash ‖ "\n" ‖ canonical`, with `buf` as reusable scratch space.
    pub fn digest(&self, buf: &mut Vec<u8>) -> [u8; 32] {
        self.borrowed().digest(buf)
    }
}

/// An event's fields borrowed — from a database row or a batch's buffer (`audit verify` hashes
/// events without an owned string per field).
#[derive(Debug, Clone, Copy)]
pub struct EventRef<'a> {
    pub seq: i64,
    pub at: &'a str,
    pub actor: &'a str,
    pub action: &'a str,
    pub entity_table: &'a str,
    pub entity_id: &'a str,
    pub before: Option<&'a str>,
    pub after: Option<&'a str>,
    pub reason: Option<&'a str>,
    pub prev_hash: &'a str,
    pub hash: &'a str,
}

impl EventRef<'_> {
    /// `AuditEvent::write_canonical` of these fields.
    pub fn write_canonical(&self, out: &mut Vec<u8>) {
        let opt = |out: &mut Vec<u8>, v: Option<&str>| match v {
            Some(s) => canonical::write_str(out, s),
            None => out.extend_from_slice(b"null"),
        };
        out.extend_from_slice(b"{\"action\":");
        canonical::write_str(out, self.action);
        out.extend_from_slice(b",\"actor\":");
        canonical::write_str(out, self.actor);
        out.extend_from_slice(b",\"after\":");
        opt(out, self.after);
        out.extend_from_slice(b",\"at\":");
        canonical::write_str(out, self.at);
        out.extend_from_slice(b",\"before\":");
        opt(out, self.before);
        out.extend_from_slice(b",\"entity_id\":");
        canonical::write_str(out, self.entity_id);
        out.extend_from_slice(b",\"entity_table\":");
        canonical::write_str(out, self.entity_table);
        out.extend_from_slice(b",\"prev_hash\":");
        canonical::write_str(out, self.prev_hash);
        out.extend_from_slice(b",\"reason\":");
        opt(out, self.reason);
        out.extend_from_slice(b",\"seq\":");
        canonical::write_i64(out, self.seq);
        out.push(b'}');
    }

    /// `AuditEvent::digest` of these fields.
    pub fn digest(&self, buf: &mut Vec<u8>) -> [u8; 32] {
        buf.clear();
        buf.extend_from_slice(self.prev_hash.as_bytes());
        buf.push(b'\n');
        self.write_canonical(buf);
        Sha256::digest(&buf[..]).into()
    }
}

/// What `audit verify` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VerifyOutcome {
    /// The chain is intact and every audited row matches its latest event.
    Intact { events: u64, rows: u64 },
    /// Every finding listed (up to the report's limit per kind), one per line, for a person.
    Broken { finding: String },
}

/// A signed checkpoint's claim, after its signature was checked: event `seq` had hash `head`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    pub seq: i64,
    pub head: String,
    /// When the checkpoint was signed (UTC text).
    pub at: String,
}

/// What to check besides the chain itself.
#[derive(Debug, Clone)]
pub struct VerifyOptions {
    /// Findings listed per kind at most (all are counted).
    pub limit: usize,
    /// Signed checkpoints to hold the chain against (empty: the chain is checked on its own).
    pub anchors: Vec<Anchor>,
}

impl Default for VerifyOptions {
    fn default() -> Self {
        VerifyOptions {
            limit: 100,
            anchors: Vec::new(),
        }
    }
}

/// The kinds of finding, in the order a report lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FindingKind {
    /// A stored value cannot be read as its type (changed behind the application).
    Unreadable,
    /// Sequence numbers missing, repeated or out of order.
    Sequence,
    /// An event's `prev_hash` is not the previous event's hash.
    Link,
    /// An event's content does not match its hash.
    Hash,
    /// An event names a table that is not audited.
    UnknownTable,
    /// An event's `before` is not the previous `after` of its row.
    Before,
    /// A row has no id or no audit event.
    UnrecordedRow,
    /// A row differs from its latest event.
    ChangedRow,
    /// A row recorded by the trail is gone.
    DeletedRow,
    /// The chain contradicts a signed checkpoint: rewritten history.
    Rewritten,
    /// The chain ends before a signed checkpoint: its tail was removed.
    Truncated,
}

impl FindingKind {
    pub fn title(self) -> &'static str {
        match self {
            FindingKind::Unreadable => "unreadable values",
            FindingKind::Sequence => "sequence gaps or disorder",
            FindingKind::Link => "broken links",
            FindingKind::Hash => "events changed (hash mismatch)",
            FindingKind::UnknownTable => "events on unknown tables",
            FindingKind::Before => "rows changed between writes (before mismatch)",
            FindingKind::UnrecordedRow => "rows without an audit event",
            FindingKind::ChangedRow => "rows changed (differ from their latest event)",
            FindingKind::DeletedRow => "rows deleted",
            FindingKind::Rewritten => "history rewritten (contradicts a signed checkpoint)",
            FindingKind::Truncated => "chain truncated (shorter than a signed checkpoint)",
        }
    }
}

/// Findings of one kind: how many, and the first `limit` described for a person.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FindingGroup {
    pub count: u64,
    pub listed: Vec<String>,
}

/// Everything `audit verify` found, grouped by kind.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VerifyReport {
    pub events: u64,
    pub rows: u64,
    /// The last event: (seq, hash).
    pub head: Option<(i64, String)>,
    pub findings: std::collections::BTreeMap<FindingKind, FindingGroup>,
    pub limit: usize,
    /// With checkpoints: the highest checkpointed seq that the chain reaches, and when it was signed.
    pub anchored: Option<Anchor>,
    /// Whether checkpoints were given at all.
    pub checked_anchors: usize,
}

impl VerifyReport {
    pub fn add(&mut self, kind: FindingKind, message: String) {
        let g = self.findings.entry(kind).or_default();
        g.count += 1;
        if g.listed.len() < self.limit {
            g.listed.push(message);
        }
    }

    pub fn is_intact(&self) -> bool {
        self.findings.is_empty()
    }

    pub fn finding_count(&self) -> u64 {
        self.findings.values().map(|g| g.count).sum()
    }

    /// Whether some findings were counted but not listed.
    pub fn limited(&self) -> bool {
        self.findings
            .values()
            .any(|g| g.count > g.listed.len() as u64)
    }

    /// Events after the last checkpoint the chain reaches (all of them without any checkpoint).
    pub fn unanchored(&self) -> u64 {
        let last = self.head.as_ref().map_or(0, |(s, _)| *s);
        let anchored = self.anchored.as_ref().map_or(0, |a| a.seq);
        (last - anchored).max(0) as u64
    }

    pub fn outcome(&self) -> VerifyOutcome {
        if self.is_intact() {
            VerifyOutcome::Intact {
                events: self.events,
                rows: self.rows,
            }
        } else {
            let lines: Vec<&str> = self
                .findings
                .values()
                .flat_map(|g| g.listed.iter().map(String::as_str))
                .collect();
            VerifyOutcome::Broken {
                finding: lines.join("\n"),
            }
        }
    }
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
    fn the_canonical_form_is_the_sorted_json_object() {
        let e = ev();
        let mut fields = serde_json::Map::new();
        for (k, v) in [
            ("seq", serde_json::json!(1)),
            ("at", e.at.clone().into()),
            ("actor", e.actor.clone().into()),
            ("action", e.action.clone().into()),
            ("entity_table", e.entity_table.clone().into()),
            ("entity_id", e.entity_id.clone().into()),
            ("before", serde_json::Value::Null),
            ("after", "{}".into()),
            ("reason", serde_json::Value::Null),
            ("prev_hash", GENESIS.into()),
        ] {
            fields.insert(k.to_string(), v);
        }
        assert_eq!(
            e.canonical(),
            canonical::to_string(&serde_json::Value::Object(fields))
        );
        assert!(
            e.canonical()
                .starts_with(r#"{"action":"donor.register","actor":"op""#)
        );
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

//! The checking half of `audit verify`, run on a thread of its own while the SQL side fetches: it
//! takes events in sequence order and then rows, re-hashes, compares, and records every finding.
//! Per entity it keeps 32 bytes (`latest.rs`) — 8 bytes of a digest of (table, id), the latest
//! event's seq and a 16-byte digest of that event's `after` — so memory follows the number of
//! rows, not of events.
//! These per-run digests are SipHash-1-3 with a 128-bit output under a random key drawn from the
//! operating system once per process and never stored or shown (`run_key`); they are only ever
//! compared with each other within the run, never written anywhere. Someone who edits the database
//! chooses texts before the key exists and without ever seeing a digest, so making a changed
//! `after` or row collide with the original means guessing a 128-bit keyed PRF's output — SipHash
//! is built as exactly such a PRF (Rust's `HashMap` relies on it against chosen keys). In a verify's
//! profile (SQLite, 100k vials) the truncated SHA-256 digests it replaced took about 12 % of the
//! samples, SipHash about 4 %. The chain's own hash (`AuditEvent::digest`) stays SHA-256: it is
//! stored and signed.

use super::latest::Latest;
use crate::{
    audit::{Anchor, AuditEvent, EventRef, FindingKind, GENESIS, VerifyOptions, VerifyReport},
    row::Snapshot,
    schema::Table,
};
use siphasher::sip128::{Hasher128, SipHasher13};
use std::{collections::BTreeMap, hash::Hasher, sync::OnceLock};

/// Items in sequence order, and the text of the packed events among them.
#[derive(Default)]
pub(super) struct Batch {
    pub items: Vec<Item>,
    /// The fields of every `Item::Packed` of the batch, one after another.
    pub text: String,
}

impl Batch {
    pub fn with_capacity(n: usize) -> Batch {
        Batch {
            items: Vec::with_capacity(n),
            text: String::with_capacity(n * 512),
        }
    }
}

/// Where a packed event's fields are in its batch's `text`.
#[derive(Clone, Copy)]
pub(super) struct Packed {
    pub seq: i64,
    /// (start, end) of at, actor, action, entity_table, entity_id, before, after, reason,
    /// prev_hash, hash; `None` for NULL.
    pub spans: [Option<(u32, u32)>; 10],
}

impl Packed {
    fn view<'a>(&self, text: &'a str) -> EventRef<'a> {
        let f = |i: usize| self.spans[i].and_then(|(a, b)| text.get(a as usize..b as usize));
        let r = |i: usize| f(i).unwrap_or("");
        EventRef {
            seq: self.seq,
            at: r(0),
            actor: r(1),
            action: r(2),
            entity_table: r(3),
            entity_id: r(4),
            before: f(5),
            after: f(6),
            reason: f(7),
            prev_hash: r(8),
            hash: r(9),
        }
    }
}

pub(super) enum Item {
    Event(AuditEvent),
    /// An event read into its batch's `text` (SQLite): no owned string per field.
    Packed(Packed),
    UnreadableEvent(String),
    EndOfEvents,
    Row {
        table: Table,
        id: Option<String>,
        snap: Result<Snapshot, String>,
    },
    /// A row whose canonical text the reader already digested (`verify_sqlite.rs`).
    RowDigest {
        table: Table,
        id: Option<String>,
        digest: Result<Dig, String>,
    },
}

pub(super) type Key = [u8; 16];
pub(super) type Dig = [u8; 16];

/// The process's key for `key` and `dig`: 16 bytes from the operating system's generator (if that
/// ever failed, from the standard library's randomly seeded `RandomState`, which is drawn from the
/// same source once per thread).
fn run_key() -> &'static [u8; 16] {
    static KEY: OnceLock<[u8; 16]> = OnceLock::new();
    KEY.get_or_init(|| {
        let mut k = [0u8; 16];
        if getrandom::fill(&mut k).is_err() {
            use std::hash::BuildHasher;
            let s = std::collections::hash_map::RandomState::new();
            k[..8].copy_from_slice(&s.hash_one(1u8).to_le_bytes());
            k[8..].copy_from_slice(&s.hash_one(2u8).to_le_bytes());
        }
        k
    })
}

fn hasher() -> SipHasher13 {
    SipHasher13::new_with_key(run_key())
}

/// The entity's key: a digest of its table's name, a NUL (never in a table name) and its id.
fn key(table: &str, id: &str) -> Key {
    let mut h = hasher();
    h.write(table.as_bytes());
    h.write(&[0u8]);
    h.write(id.as_bytes());
    h.finish128().as_bytes()
}

/// The per-run digest of a text (an event's `before`/`after`, a row's canonical text).
pub(super) fn dig(text: &[u8]) -> Dig {
    hasher().hash(text).as_bytes()
}

/// What can be computed of one item on its own — its hashes — before the in-order checks: the
/// batches are split between two threads for this (the chain's links and the per-entity map are
/// then checked in order on one).
#[derive(Default, Clone, Copy)]
pub(super) struct Pre {
    /// An event's recomputed hash equals its stored `hash`.
    hash_ok: bool,
    /// The entity's key (events; rows with an id).
    key: Key,
    /// Digest of an event's `before`.
    before: Option<Dig>,
    /// Digest of an event's `after`, or of a row's canonical text.
    after: Option<Dig>,
}

fn prepare_event(ev: EventRef<'_>, buf: &mut Vec<u8>) -> Pre {
    let d = ev.digest(buf);
    let mut hexed = [0u8; 64];
    let hash_ok =
        hex::encode_to_slice(d, &mut hexed).is_ok() && hexed.as_slice() == ev.hash.as_bytes();
    Pre {
        hash_ok,
        key: key(ev.entity_table, ev.entity_id),
        before: ev.before.map(|b| dig(b.as_bytes())),
        after: ev.after.map(|a| dig(a.as_bytes())),
    }
}

fn prepare(item: &Item, text: &str, buf: &mut Vec<u8>) -> Pre {
    match item {
        Item::Event(ev) => prepare_event(ev.borrowed(), buf),
        Item::Packed(p) => prepare_event(p.view(text), buf),
        Item::Row {
            table,
            id: Some(id),
            snap,
        } => {
            let after = snap.as_ref().ok().map(|s| {
                buf.clear();
                s.write_canonical(buf);
                dig(buf)
            });
            Pre {
                hash_ok: true,
                key: key(table.name(), id),
                before: None,
                after,
            }
        }
        Item::RowDigest {
            table,
            id: Some(id),
            digest,
        } => Pre {
            hash_ok: true,
            key: key(table.name(), id),
            before: None,
            after: digest.as_ref().ok().copied(),
        },
        _ => Pre::default(),
    }
}

/// The hashes of a batch's items, the batch's first half on a second thread.
pub(super) fn prepare_all(batch: &[Item], text: &str, buf: &mut Vec<u8>) -> Vec<Pre> {
    if batch.len() < 64 {
        return batch.iter().map(|i| prepare(i, text, buf)).collect();
    }
    let (a, b) = batch.split_at(batch.len() / 2);
    std::thread::scope(|s| {
        let first = s.spawn(|| {
            let mut own = Vec::with_capacity(4096);
            a.iter()
                .map(|i| prepare(i, text, &mut own))
                .collect::<Vec<_>>()
        });
        let second: Vec<Pre> = b.iter().map(|i| prepare(i, text, buf)).collect();
        // A panic in the helper is a bug; the checks then start from recomputing on this thread.
        let mut out = first
            .join()
            .unwrap_or_else(|_| a.iter().map(|i| prepare(i, text, buf)).collect());
        out.extend(second);
        out
    })
}

pub(super) struct Checker {
    /// Entity → (seq of its latest event, digest of that event's `after` if any).
    latest: Latest,
    /// The hash of the last event (the next one's expected `prev_hash`).
    prev_hash: String,
    expected_seq: i64,
    last_seq: Option<i64>,
    buf: Vec<u8>,
    anchors: BTreeMap<i64, Anchor>,
    report: VerifyReport,
    rows: u64,
}

impl Checker {
    pub(super) fn new(opts: &VerifyOptions, entities: usize) -> Checker {
        let mut anchors = BTreeMap::new();
        for a in &opts.anchors {
            // The latest signature for a seq wins; all of them must agree anyway.
            anchors.insert(a.seq, a.clone());
        }
        Checker {
            latest: Latest::with_capacity(entities),
            prev_hash: GENESIS.to_string(),
            expected_seq: 1,
            last_seq: None,
            buf: Vec::with_capacity(4096),
            anchors,
            report: VerifyReport {
                limit: opts.limit,
                checked_anchors: opts.anchors.len(),
                ..VerifyReport::default()
            },
            rows: 0,
        }
    }

    /// Checks a batch in order, its hashes computed on two threads first.
    pub(super) fn check_batch(&mut self, batch: Batch) {
        let pres = prepare_all(&batch.items, &batch.text, &mut self.buf);
        // The entity table is larger than the caches: its slots are asked for a few items ahead.
        const AHEAD: usize = 8;
        for p in pres.iter().take(AHEAD) {
            self.latest.prefetch(&p.key);
        }
        for (i, (item, pre)) in batch
            .items
            .into_iter()
            .zip(pres.iter().copied())
            .enumerate()
        {
            if let Some(p) = pres.get(i + AHEAD) {
                self.latest.prefetch(&p.key);
            }
            self.check(item, &batch.text, pre);
        }
    }

    fn check(&mut self, item: Item, text: &str, pre: Pre) {
        match item {
            Item::Event(ev) => self.event(ev.borrowed(), pre),
            Item::Packed(p) => self.event(p.view(text), pre),
            Item::UnreadableEvent(e) => {
                self.report.add(
                    FindingKind::Unreadable,
                    format!(
                        "audit event after #{} cannot be read (a value of the wrong type was stored behind the application): {e}",
                        self.expected_seq - 1
                    ),
                );
                self.expected_seq += 1;
            }
            Item::EndOfEvents => self.end_of_events(),
            Item::Row { table, id, snap } => self.row(table, id, snap.map(|_| ()), pre),
            Item::RowDigest { table, id, digest } => self.row(table, id, digest.map(|_| ()), pre),
        }
    }

    fn event(&mut self, ev: EventRef<'_>, pre: Pre) {
        let seq = ev.seq;
        if seq != self.expected_seq {
            let msg = if seq > self.expected_seq {
                format!(
                    "audit events #{}–#{} are missing (next stored event is #{seq})",
                    self.expected_seq,
                    seq - 1
                )
            } else {
                format!(
                    "audit event #{seq} is out of order or repeated (expected #{})",
                    self.expected_seq
                )
            };
            self.report.add(FindingKind::Sequence, msg);
        }
        if ev.prev_hash != self.prev_hash {
            self.report.add(
                FindingKind::Link,
                format!(
                    "audit event #{seq} does not link to event #{}: its prev_hash differs from that event's hash",
                    seq - 1
                ),
            );
        }
        if !pre.hash_ok {
            self.report.add(
                FindingKind::Hash,
                format!(
                    "audit event #{seq} ({} {} {}) does not match its hash: its content was changed",
                    ev.action, ev.entity_table, ev.entity_id
                ),
            );
        }
        if let Some(a) = self.anchors.get(&seq)
            && a.head != ev.hash
        {
            self.report.add(
                FindingKind::Rewritten,
                format!(
                    "audit event #{seq} has hash {} but the checkpoint signed at {} says {}: the history up to #{seq} was rewritten",
                    ev.hash, a.at, a.head
                ),
            );
        }
        if Table::from_name(ev.entity_table).is_none() {
            self.report.add(
                FindingKind::UnknownTable,
                format!(
                    "audit event #{seq} names unknown table {:?}",
                    ev.entity_table
                ),
            );
        }
        // One look-up per event: the slot is read, then overwritten with this event.
        let previous = self.latest.replace(&pre.key, seq, pre.after);
        let before = pre.before;
        let previous_after = previous.and_then(|(_, d)| d);
        if before != previous_after {
            let since = match previous {
                Some((s, _)) => format!("event #{s}'s after"),
                None => "nothing (it is the first event of this row)".to_string(),
            };
            self.report.add(
                FindingKind::Before,
                format!(
                    "audit event #{seq} ({} {}): its before differs from {since}: the row was changed behind the application before this write",
                    ev.entity_table, ev.entity_id
                ),
            );
        }
        self.prev_hash.clear();
        self.prev_hash.push_str(ev.hash);
        self.expected_seq = seq + 1;
        self.last_seq = Some(seq);
    }

    fn end_of_events(&mut self) {
        let last_seq = self.last_seq.unwrap_or(0);
        self.report.events = self.last_seq.map_or(0, |s| s as u64);
        self.report.head = self.last_seq.map(|s| (s, self.prev_hash.clone()));
        for a in self.anchors.values() {
            if a.seq > last_seq {
                self.report.add(
                    FindingKind::Truncated,
                    format!(
                        "the checkpoint signed at {} vouches for audit event #{} but the chain ends at #{last_seq}: events after #{last_seq} were removed",
                        a.at, a.seq
                    ),
                );
            }
        }
        self.report.anchored = self
            .anchors
            .range(..=last_seq)
            .next_back()
            .map(|(_, a)| a.clone());
    }

    /// A row against its entity's latest event (its canonical text's digest is in `pre`).
    fn row(&mut self, table: Table, id: Option<String>, snap: Result<(), String>, pre: Pre) {
        let Some(id) = id.filter(|i| !i.is_empty()) else {
            self.report.add(
                FindingKind::UnrecordedRow,
                format!(
                    "a {} row has no id: it was written behind the application",
                    table.name()
                ),
            );
            return;
        };
        let found = self.latest.take(&pre.key);
        if let Err(e) = snap {
            self.report.add(
                    FindingKind::Unreadable,
                    format!(
                        "{} row {id} cannot be read (a value of the wrong type was stored behind the application): {e}",
                        table.name()
                    ),
                );
            return;
        }
        match found {
            None => self.report.add(
                FindingKind::UnrecordedRow,
                format!(
                    "{} row {id} has no audit event: it was written behind the application",
                    table.name()
                ),
            ),
            Some((seq, after)) => {
                if after.is_none() || pre.after != after {
                    self.report.add(
                        FindingKind::ChangedRow,
                        format!(
                            "{} row {id} does not match its latest audit event #{}: it was changed behind the application",
                            table.name(),
                            seq
                        ),
                    );
                }
            }
        }
        self.rows += 1;
    }

    /// The report, and the seqs (at most `limit`, lowest first) of events whose row is missing,
    /// with their count — the SQL side names them.
    pub(super) fn finish(mut self) -> (VerifyReport, Vec<i64>, u64) {
        self.report.rows = self.rows;
        let mut missing: Vec<i64> = self.latest.unconsumed().collect();
        let count = missing.len() as u64;
        missing.sort_unstable();
        missing.truncate(self.report.limit);
        (self.report, missing, count)
    }
}

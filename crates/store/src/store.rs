//! The storage trait the service layer writes through. Every write goes through `Tx::insert` or
//! `Tx::update`, which write the row **and** its audit event in the same transaction: there is no
//! other way to change an audited table.

use crate::{
    StoreError,
    audit::{AuditCtx, AuditEvent, VerifyOutcome},
    decode::RawRow,
    query::{Aggregate, Cond, Group, Page, PageQuery},
    row::Snapshot,
    schema::Table,
    tally::{Tally, TallyKind},
};
use async_trait::async_trait;
use secretome_domain::genealogy::{Edge, NodeKind};
use std::collections::BTreeSet;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Which way a genealogy walk goes: towards the donor (backward) or towards vials (forward).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Backward,
    Forward,
}

/// A web session. Sessions are technical state, not records: they are not audited (sign-in and
/// lock-out are, on the user's credential). `id` is the SHA-256 of the cookie token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRow {
    pub id: String,
    pub user_id: String,
    pub csrf: String,
    pub created_at: String,
    pub last_seen: String,
}

/// The remembered answer to an API write that carried an `Idempotency-Key` (technical state, not a
/// record: not audited). `id` is the SHA-256 of the user and the key; `status` is 0 while the first
/// request is still running.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotentRow {
    pub id: String,
    pub user_id: String,
    pub request_hash: String,
    pub status: i64,
    pub content_type: Option<String>,
    pub body: Option<String>,
    pub created_at: String,
}

/// An equality filter on a text column (`column = value`).
pub type Filter<'a> = Option<(&'a str, &'a str)>;

/// One of the reads a page asks for together (`Store::read_all`), as the `Store` method of the
/// same name would run it, its rows left undecoded.
#[derive(Debug, Clone)]
pub enum Read {
    /// `get_raw`.
    Get(Table, String),
    /// `get_many`, the rows undecoded.
    GetMany(Table, Vec<String>),
    /// `select_raw` with an optional `column = value` filter.
    Select(Table, Option<(&'static str, String)>),
    /// `page_raw`.
    Page(Table, PageQuery),
    /// `tallies_of`.
    TalliesOf(TallyKind, Vec<String>),
    /// `aggregate` (and the least values it does not ask for).
    Aggregate(Aggregate),
    /// `trace`.
    Trace(Direction, NodeKind, String),
    /// `events_for`.
    Events(Table, String),
}

/// What one `Read` found, in the variant of its kind (`Get`: `Row`; `GetMany`, `Select`: `Rows`;
/// …); the accessors take the one expected.
#[derive(Debug)]
pub enum Answer {
    Row(Option<RawRow>),
    Rows(Vec<RawRow>),
    Page(Page<RawRow>),
    Tallies(Vec<Tally>),
    Groups(Vec<Group>),
    Edges(Vec<Edge>),
    Events(Vec<AuditEvent>),
}

fn another(what: &str) -> StoreError {
    StoreError::Db(sqlx::Error::Protocol(format!(
        "read_all: expected {what}, found the answer of another read"
    )))
}

/// The answers of a `read_all` of `N` reads, as an array to destructure.
pub fn answers<const N: usize>(all: Vec<Answer>) -> Result<[Answer; N], StoreError> {
    all.try_into().map_err(|v: Vec<Answer>| {
        StoreError::Db(sqlx::Error::Protocol(format!(
            "read_all: {} answers for {N} reads",
            v.len()
        )))
    })
}

impl Answer {
    pub fn row(self) -> Result<Option<RawRow>, StoreError> {
        match self {
            Answer::Row(r) => Ok(r),
            _ => Err(another("a row")),
        }
    }
    pub fn rows(self) -> Result<Vec<RawRow>, StoreError> {
        match self {
            Answer::Rows(r) => Ok(r),
            _ => Err(another("rows")),
        }
    }
    pub fn page(self) -> Result<Page<RawRow>, StoreError> {
        match self {
            Answer::Page(p) => Ok(p),
            _ => Err(another("a page")),
        }
    }
    pub fn tallies(self) -> Result<Vec<Tally>, StoreError> {
        match self {
            Answer::Tallies(t) => Ok(t),
            _ => Err(another("counters")),
        }
    }
    pub fn groups(self) -> Result<Vec<Group>, StoreError> {
        match self {
            Answer::Groups(g) => Ok(g),
            _ => Err(another("groups")),
        }
    }
    pub fn edges(self) -> Result<Vec<Edge>, StoreError> {
        match self {
            Answer::Edges(e) => Ok(e),
            _ => Err(another("edges")),
        }
    }
    pub fn events(self) -> Result<Vec<AuditEvent>, StoreError> {
        match self {
            Answer::Events(e) => Ok(e),
            _ => Err(another("events")),
        }
    }
}

#[async_trait]
pub trait Store: Send + Sync {
    fn backend(&self) -> Backend;
    /// Opens a write transaction holding the audit chain's lock until commit or drop (rollback).
    async fn begin(&self) -> Result<Box<dyn Tx>, StoreError>;
    /// Opens a read-only transaction on one snapshot, without the chain's lock (writes through it
    /// are refused): for planning a bulk change before taking the lock (see `Tx::chain_head`).
    async fn begin_read(&self) -> Result<Box<dyn Tx>, StoreError>;
    async fn get(&self, table: Table, id: &str) -> Result<Option<Snapshot>, StoreError>;
    /// The rows of `table` with these ids (those that exist; in no particular order), fetched by
    /// primary key with `WHERE id IN (…)` in chunks.
    async fn get_many(&self, table: Table, ids: &[String]) -> Result<Vec<Snapshot>, StoreError>;
    /// Rows of `table`, ordered by id, optionally filtered on one text column.
    async fn select(&self, table: Table, filter: Filter<'_>) -> Result<Vec<Snapshot>, StoreError>;
    /// Rows of `table` whose text `column` starts with `prefix` (SQLite compares ASCII letters
    /// case-insensitively here: callers check the exact prefix), ordered by id.
    async fn select_prefix(
        &self,
        table: Table,
        column: &str,
        prefix: &str,
    ) -> Result<Vec<Snapshot>, StoreError>;
    /// One page of `table` in keyset order (see `PageQuery`): never the whole table.
    async fn page(&self, table: Table, q: &PageQuery) -> Result<Page<Snapshot>, StoreError>;
    /// `page` with the rows left undecoded: typed readers (`page_of`) decode them straight into
    /// records (`RawRow::to_record`), without a `Snapshot` in between.
    async fn page_raw(&self, table: Table, q: &PageQuery) -> Result<Page<RawRow>, StoreError>;
    /// `page` reading only `columns` (which must include the order column and `id`), each as
    /// text (NULL: None), in the order given: for a page showing a few columns of many rows.
    async fn page_columns(
        &self,
        table: Table,
        q: &PageQuery,
        columns: &[&str],
    ) -> Result<Page<Vec<Option<String>>>, StoreError>;
    /// `get`, the row left undecoded (see `page_raw`).
    async fn get_raw(&self, table: Table, id: &str) -> Result<Option<RawRow>, StoreError>;
    /// `select`, the rows left undecoded (see `page_raw`).
    async fn select_raw(&self, table: Table, filter: Filter<'_>)
    -> Result<Vec<RawRow>, StoreError>;
    /// Rows of `table` matching `conds`, counted — `sum` summed, the greatest `max` found — per
    /// distinct values of the `group_by` columns, by the database (`GROUP BY`); one group without
    /// `group_by`.
    async fn aggregate(
        &self,
        table: Table,
        group_by: &[&'static str],
        conds: &[Cond],
        sum: Option<&'static str>,
        max: Option<&'static str>,
    ) -> Result<Vec<Group>, StoreError>;
    /// The counters of `kind` kept with every write (see `crate::tally`): of one `subject` when
    /// given, with keys up to `key_at_most` when given; ordered by subject and key.
    async fn tallies(
        &self,
        kind: TallyKind,
        subject: Option<&str>,
        key_at_most: Option<&str>,
    ) -> Result<Vec<Tally>, StoreError>;
    /// The counters of `kind` of each of `subjects` (those not zero), by subject and key.
    async fn tallies_of(
        &self,
        kind: TallyKind,
        subjects: &[String],
    ) -> Result<Vec<Tally>, StoreError>;
    /// Every edge reachable from `(kind, id)` in `direction` (one recursive query).
    async fn trace(
        &self,
        direction: Direction,
        kind: NodeKind,
        id: &str,
    ) -> Result<Vec<Edge>, StoreError>;
    /// Several reads a page asks for together, answered in order. On SQLite they run one after
    /// another in one call on the reader's thread (one hand-over there and back, not one per
    /// read); on PostgreSQL concurrently, each on a pooled connection of its own. Not one
    /// snapshot: each read sees the commits made before it starts.
    async fn read_all(&self, reads: Vec<Read>) -> Result<Vec<Answer>, StoreError>;
    /// The audit events of one entity, oldest first.
    async fn events_for(&self, table: Table, id: &str) -> Result<Vec<AuditEvent>, StoreError>;
    /// Everyone who wrote an event on any of `entities`, except through the `excluded` actions.
    async fn actors_for(
        &self,
        entities: &[(Table, String)],
        excluded: &[&str],
    ) -> Result<BTreeSet<String>, StoreError>;
    /// Re-walks the hash chain and compares every audited row with its latest event.
    async fn verify(&self) -> Result<VerifyOutcome, StoreError>;
    /// Count of audit events (for reports).
    async fn event_count(&self) -> Result<i64, StoreError>;
    /// The sequence number of the chain's last committed event (0 for an empty chain), read from
    /// the primary key's end: it changes with every audited write, so a read model computed from
    /// the records can be kept until it moves.
    async fn chain_tip(&self) -> Result<i64, StoreError>;
    async fn session_create(&self, s: &SessionRow) -> Result<(), StoreError>;
    /// A session and the row of the user it belongs to (absent if the user row is gone), in one
    /// read.
    async fn session_get(
        &self,
        id: &str,
    ) -> Result<Option<(SessionRow, Option<RawRow>)>, StoreError>;
    async fn session_touch(&self, id: &str, last_seen: &str) -> Result<(), StoreError>;
    async fn session_delete(&self, id: &str) -> Result<(), StoreError>;
    /// Claims an idempotency key: inserts `row` (in progress) and answers None, or answers the row
    /// already there (a retry, or a concurrent request with the same key).
    async fn idempotency_claim(
        &self,
        row: &IdempotentRow,
    ) -> Result<Option<IdempotentRow>, StoreError>;
    /// Records the answer to the request that claimed `id`.
    async fn idempotency_finish(
        &self,
        id: &str,
        status: i64,
        content_type: Option<&str>,
        body: &str,
    ) -> Result<(), StoreError>;
    /// Gives up a claim still in progress (the request failed: a retry runs again).
    async fn idempotency_release(&self, id: &str) -> Result<(), StoreError>;
}

#[async_trait]
pub trait Tx: Send {
    async fn get(&mut self, table: Table, id: &str) -> Result<Option<Snapshot>, StoreError>;
    async fn select(
        &mut self,
        table: Table,
        filter: Filter<'_>,
    ) -> Result<Vec<Snapshot>, StoreError>;
    /// `Store::page` inside this transaction (sees its own writes).
    async fn page(&mut self, table: Table, q: &PageQuery) -> Result<Page<Snapshot>, StoreError>;
    /// `page` with the rows left undecoded (see `Store::page_raw`).
    async fn page_raw(&mut self, table: Table, q: &PageQuery) -> Result<Page<RawRow>, StoreError>;
    /// `get`, the row left undecoded.
    async fn get_raw(&mut self, table: Table, id: &str) -> Result<Option<RawRow>, StoreError>;
    /// `select`, the rows left undecoded.
    async fn select_raw(
        &mut self,
        table: Table,
        filter: Filter<'_>,
    ) -> Result<Vec<RawRow>, StoreError>;
    /// `Store::trace` inside this transaction (sees its own writes; used where a decision and
    /// the walk that feeds it must be one consistent unit, e.g. a recall).
    /// The sequence number of the chain's last event as this transaction sees it (0: none).
    /// Every change of an audited row appends an event in its own transaction, so two
    /// snapshots with the same head hold the same audited rows.
    async fn chain_head(&mut self) -> Result<i64, StoreError>;
    /// Whether any event after `seq` changed a row of one of `tables` (as this transaction sees
    /// the chain): a plan read from those tables in a snapshot whose head was `seq` still holds
    /// if not, whatever else was written since.
    async fn changed_since(&mut self, seq: i64, tables: &[Table]) -> Result<bool, StoreError>;
    async fn trace(
        &mut self,
        direction: Direction,
        kind: NodeKind,
        id: &str,
    ) -> Result<Vec<Edge>, StoreError>;
    /// Inserts a row and appends its audit event (before: none, after: the row).
    async fn insert(&mut self, row: Snapshot, ctx: &AuditCtx) -> Result<(), StoreError>;
    /// Replaces a row by id and appends its audit event (before and after).
    async fn update(&mut self, row: Snapshot, ctx: &AuditCtx) -> Result<(), StoreError>;
    /// Inserts many new rows, each with its own audit event, exactly as `insert` one by one would
    /// (same events, same chain, in the given order) but with multi-row statements: the bulk path
    /// for generated histories. Consecutive rows of one table go in one statement (chunked under
    /// the engines' parameter limits), so a row may refer to an earlier row of the same call.
    async fn insert_many(&mut self, rows: Vec<(Snapshot, AuditCtx)>) -> Result<(), StoreError> {
        for (row, ctx) in rows {
            self.insert(row, &ctx).await?;
        }
        Ok(())
    }
    /// Replaces many existing rows, each with its own audit event (before and after), exactly as
    /// `update` one by one would (same rows, same events, same chain, in the given order) but
    /// set-based: the current rows read with chunked `IN`, the new ones written with multi-row
    /// statements. The bulk path for recalls and the expiry sweep. A missing row is `NotFound`
    /// and nothing is kept (the transaction is poisoned).
    async fn update_many(&mut self, rows: Vec<(Snapshot, AuditCtx)>) -> Result<(), StoreError> {
        for (row, ctx) in rows {
            self.update(row, &ctx).await?;
        }
        Ok(())
    }
    async fn commit(self: Box<Self>) -> Result<(), StoreError>;
}

//! `SqlTx`: a write transaction. It takes the audit chain's lock when it begins (SQLite: `BEGIN
//! IMMEDIATE`; PostgreSQL: a transaction-scoped advisory lock), so events are appended one writer at a
//! time and the chain stays linear. Dropping it without `commit` rolls everything back.

use super::{
    bulk,
    reads::{get_row, select_rows, trace_edges},
    tally,
};
use crate::{
    StoreError,
    audit::{AuditCtx, AuditEvent, GENESIS},
    decode::RawRow,
    query::{Page, PageQuery},
    row::Snapshot,
    schema::Table,
    store::{Backend, Direction, Filter, Tx},
    tally::{Deltas, tallied},
};
use async_trait::async_trait;
use secretome_domain::genealogy::{Edge, NodeKind};
use sqlx::{Any, AssertSqlSafe, Row, Transaction};

/// Any fixed number: the key of the advisory lock that serialises audited writes on PostgreSQL.
const CHAIN_LOCK_KEY: i64 = 0x5EC7_E70E;

pub struct SqlTx {
    tx: Transaction<'static, Any>,
    /// (seq, hash) of the chain's last event, read once per transaction.
    last: Option<(i64, String)>,
    /// Bound parameters per multi-row statement (`insert_many`): SQLite resolves `$n` names by a
    /// linear search, so its statements cost the square of their parameter count — small chunks
    /// there; PostgreSQL takes large ones (fewer round trips).
    bulk_params: usize,
    /// Set when any write failed: such a transaction is never committed (see `commit`).
    poisoned: bool,
    /// Opened by `begin_read`: no chain lock, every write refused.
    read_only: bool,
}

impl SqlTx {
    pub(super) async fn begin(pool: &sqlx::AnyPool, backend: Backend) -> Result<SqlTx, StoreError> {
        let tx = match backend {
            Backend::Sqlite => pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => {
                // READ COMMITTED whatever the server's default: the snapshot must start after the lock.
                let mut tx = pool
                    .begin_with("BEGIN ISOLATION LEVEL READ COMMITTED")
                    .await?;
                sqlx::query("SELECT pg_advisory_xact_lock($1)")
                    .bind(CHAIN_LOCK_KEY)
                    .execute(&mut *tx)
                    .await?;
                tx
            }
        };
        let bulk_params = match backend {
            Backend::Sqlite => 1_000,
            Backend::Postgres => 30_000,
        };
        Ok(SqlTx {
            tx,
            last: None,
            bulk_params,
            poisoned: false,
            read_only: false,
        })
    }

    /// A read-only transaction on one snapshot (SQLite: a deferred transaction, whose first read
    /// fixes its WAL snapshot; PostgreSQL: REPEATABLE READ), without the chain's lock.
    pub(super) async fn begin_read(
        pool: &sqlx::AnyPool,
        backend: Backend,
    ) -> Result<SqlTx, StoreError> {
        let tx = match backend {
            Backend::Sqlite => pool.begin_with("BEGIN DEFERRED").await?,
            Backend::Postgres => {
                pool.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                    .await?
            }
        };
        Ok(SqlTx {
            tx,
            last: None,
            bulk_params: 0,
            poisoned: false,
            read_only: true,
        })
    }

    fn writable(&self) -> Result<(), StoreError> {
        if self.read_only {
            return Err(StoreError::ReadOnly);
        }
        Ok(())
    }

    /// The next event of the chain for a write of `table`/`id` (hash computed; not yet stored).
    async fn next_event(
        &mut self,
        table: Table,
        id: &str,
        before: Option<String>,
        after: Option<String>,
        ctx: &AuditCtx,
    ) -> Result<AuditEvent, StoreError> {
        let (seq, prev) = match self.last.take() {
            Some(l) => l,
            None => {
                let row =
                    sqlx::query("SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1")
                        .fetch_optional(&mut *self.tx)
                        .await?;
                match row {
                    Some(r) => (r.try_get::<i64, _>(0)?, r.try_get::<String, _>(1)?),
                    None => (0, GENESIS.to_string()),
                }
            }
        };
        let mut ev = AuditEvent {
            seq: seq + 1,
            at: ctx.at.clone(),
            actor: ctx.actor.clone(),
            action: ctx.action.clone(),
            entity_table: table.name().to_string(),
            entity_id: id.to_string(),
            before,
            after,
            reason: ctx.reason.clone(),
            prev_hash: prev,
            hash: String::new(),
        };
        ev.hash = ev.compute_hash();
        self.last = Some((ev.seq, ev.hash.clone()));
        Ok(ev)
    }

    async fn append_event(
        &mut self,
        table: Table,
        id: &str,
        before: Option<String>,
        after: Option<String>,
        ctx: &AuditCtx,
    ) -> Result<(), StoreError> {
        let ev = self.next_event(table, id, before, after, ctx).await?;
        sqlx::query(
            "INSERT INTO audit_event (seq, at, actor, action, entity_table, entity_id, before, after, reason, prev_hash, hash) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(ev.seq)
        .bind(ev.at)
        .bind(ev.actor)
        .bind(ev.action)
        .bind(ev.entity_table)
        .bind(ev.entity_id)
        .bind(ev.before)
        .bind(ev.after)
        .bind(ev.reason)
        .bind(ev.prev_hash)
        .bind(ev.hash)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }
}

fn check_reason(ctx: &AuditCtx) -> Result<(), StoreError> {
    let missing = ctx.reason.as_deref().is_none_or(|r| r.trim().is_empty());
    if ctx.is_correction() && missing {
        return Err(StoreError::ReasonRequired {
            action: ctx.action.clone(),
        });
    }
    Ok(())
}

#[async_trait]
impl Tx for SqlTx {
    async fn get(&mut self, table: Table, id: &str) -> Result<Option<Snapshot>, StoreError> {
        get_row(&mut self.conn(), table, id).await
    }

    async fn select(
        &mut self,
        table: Table,
        filter: Filter<'_>,
    ) -> Result<Vec<Snapshot>, StoreError> {
        select_rows(&mut self.conn(), table, filter).await
    }

    async fn page(&mut self, table: Table, q: &PageQuery) -> Result<Page<Snapshot>, StoreError> {
        super::page::page(&mut self.conn(), table, q).await
    }

    async fn page_raw(&mut self, table: Table, q: &PageQuery) -> Result<Page<RawRow>, StoreError> {
        super::page::page_raw(&mut self.conn(), table, q).await
    }

    async fn get_raw(&mut self, table: Table, id: &str) -> Result<Option<RawRow>, StoreError> {
        super::reads::get_raw(&mut self.conn(), table, id).await
    }

    async fn select_raw(
        &mut self,
        table: Table,
        filter: Filter<'_>,
    ) -> Result<Vec<RawRow>, StoreError> {
        super::reads::select_raw(&mut self.conn(), table, filter).await
    }

    async fn trace(
        &mut self,
        direction: Direction,
        kind: NodeKind,
        id: &str,
    ) -> Result<Vec<Edge>, StoreError> {
        trace_edges(&mut self.conn(), direction, kind, id).await
    }

    async fn chain_head(&mut self) -> Result<i64, StoreError> {
        let row = sqlx::query("SELECT seq FROM audit_event ORDER BY seq DESC LIMIT 1")
            .fetch_optional(&mut *self.tx)
            .await?;
        Ok(match row {
            Some(r) => r.try_get::<i64, _>(0)?,
            None => 0,
        })
    }

    async fn changed_since(&mut self, seq: i64, tables: &[Table]) -> Result<bool, StoreError> {
        if tables.is_empty() {
            return Ok(false);
        }
        // The tail after `seq` by the primary key, filtered by table: a handful of events.
        let list = (0..tables.len())
            .map(|i| format!("${}", i + 2))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT 1 FROM audit_event WHERE seq > $1 AND entity_table IN ({list}) LIMIT 1"
        );
        let mut q = sqlx::query(AssertSqlSafe(sql)).bind(seq);
        for t in tables {
            q = q.bind(t.name().to_string());
        }
        Ok(q.fetch_optional(&mut *self.tx).await?.is_some())
    }

    // A missing reason is refused before anything is sent to the database (the transaction stays
    // usable); any failure after that poisons it.
    async fn insert(&mut self, row: Snapshot, ctx: &AuditCtx) -> Result<(), StoreError> {
        self.writable()?;
        check_reason(ctx)?;
        let r = self.insert_one(row, ctx).await;
        self.poison_on(r)
    }

    async fn update(&mut self, row: Snapshot, ctx: &AuditCtx) -> Result<(), StoreError> {
        self.writable()?;
        check_reason(ctx)?;
        let r = self.update_one(row, ctx).await;
        self.poison_on(r)
    }

    async fn insert_many(&mut self, rows: Vec<(Snapshot, AuditCtx)>) -> Result<(), StoreError> {
        self.writable()?;
        for (_, ctx) in &rows {
            check_reason(ctx)?;
        }
        let r = self.insert_bulk(rows).await;
        self.poison_on(r)
    }

    async fn update_many(&mut self, rows: Vec<(Snapshot, AuditCtx)>) -> Result<(), StoreError> {
        self.writable()?;
        for (_, ctx) in &rows {
            check_reason(ctx)?;
        }
        let r = self.update_bulk(rows).await;
        self.poison_on(r)
    }

    async fn commit(self: Box<Self>) -> Result<(), StoreError> {
        if self.read_only {
            // Nothing to commit: ends the snapshot.
            self.tx.rollback().await?;
            return Ok(());
        }
        if self.poisoned {
            // Dropping the transaction rolls it back.
            return Err(StoreError::Poisoned);
        }
        self.tx.commit().await?;
        Ok(())
    }
}

impl SqlTx {
    /// This transaction's connection, for the reads written once for both drivers (reader.rs).
    fn conn(&mut self) -> super::reader::Conn<'_> {
        super::reader::Conn::Any(&mut self.tx)
    }

    fn poison_on(&mut self, r: Result<(), StoreError>) -> Result<(), StoreError> {
        if r.is_err() {
            self.poisoned = true;
        }
        r
    }

    async fn insert_one(&mut self, row: Snapshot, ctx: &AuditCtx) -> Result<(), StoreError> {
        let table = row.table;
        let params = row.placeholders(1);
        let sql = format!(
            "INSERT INTO {} ({}) VALUES ({})",
            table.name(),
            table.column_list(),
            params.join(", ")
        );
        row.bind_all(sqlx::query(AssertSqlSafe(sql)))
            .execute(&mut *self.tx)
            .await
            .map_err(|e| StoreError::from_write(table.name(), row.id(), e))?;
        if tallied(table) {
            let mut d = Deltas::default();
            d.add(None, &row);
            tally::apply(&mut self.tx, d).await?;
        }
        let id = row.id().to_string();
        self.append_event(table, &id, None, Some(row.canonical()), ctx)
            .await
    }

    async fn update_one(&mut self, row: Snapshot, ctx: &AuditCtx) -> Result<(), StoreError> {
        let table = row.table;
        let id = row.id().to_string();
        let before = get_row(&mut self.conn(), table, &id)
            .await?
            .ok_or_else(|| StoreError::NotFound {
                table: table.name(),
                id: id.clone(),
            })?;
        // bind_all binds in table order and the key `id` comes first, so the WHERE uses $1 and the
        // SET list the following numbers (or a literal NULL).
        let params = row.placeholders(1);
        let sets: Vec<String> = table
            .columns()
            .iter()
            .zip(&params)
            .skip(1)
            .map(|((c, _), p)| format!("{c} = {p}"))
            .collect();
        let sql = format!(
            "UPDATE {} SET {} WHERE id = $1",
            table.name(),
            sets.join(", ")
        );
        row.bind_all(sqlx::query(AssertSqlSafe(sql)))
            .execute(&mut *self.tx)
            .await
            .map_err(|e| StoreError::from_write(table.name(), &id, e))?;
        if tallied(table) {
            let mut d = Deltas::default();
            d.add(Some(&before), &row);
            tally::apply(&mut self.tx, d).await?;
        }
        self.append_event(
            table,
            &id,
            Some(before.canonical()),
            Some(row.canonical()),
            ctx,
        )
        .await
    }

    /// Reads every row's current state (chunked `IN`), replaces the rows set-based, then appends
    /// their events (before → after) in order: the same rows and events as `update` one by one.
    async fn update_bulk(&mut self, rows: Vec<(Snapshot, AuditCtx)>) -> Result<(), StoreError> {
        let mut befores: std::collections::HashMap<(Table, String), Snapshot> =
            std::collections::HashMap::with_capacity(rows.len());
        let mut start = 0;
        while start < rows.len() {
            let table = rows[start].0.table;
            let end = rows[start..]
                .iter()
                .position(|(r, _)| r.table != table)
                .map_or(rows.len(), |n| start + n);
            let ids: Vec<String> = rows[start..end]
                .iter()
                .map(|(r, _)| r.id().to_string())
                .collect();
            for b in bulk::get_rows(&mut self.conn(), table, &ids).await? {
                befores.insert((table, b.id().to_string()), b);
            }
            start = end;
        }
        for (row, _) in &rows {
            if !befores.contains_key(&(row.table, row.id().to_string())) {
                return Err(StoreError::NotFound {
                    table: row.table.name(),
                    id: row.id().to_string(),
                });
            }
        }
        bulk::replace_rows(&mut self.tx, &rows, self.bulk_params).await?;
        let mut events = Vec::with_capacity(rows.len());
        let mut deltas = Deltas::default();
        for (row, ctx) in rows {
            let id = row.id().to_string();
            // A row listed twice: its second event's `before` is the first one's `after`.
            let before = befores.insert((row.table, id.clone()), row.clone());
            deltas.add(before.as_ref(), &row);
            let before = before.map(|b| b.canonical());
            events.push(
                self.next_event(row.table, &id, before, Some(row.canonical()), &ctx)
                    .await?,
            );
        }
        if !deltas.is_empty() {
            tally::apply(&mut self.tx, deltas).await?;
        }
        bulk::insert_events(&mut self.tx, events, self.bulk_params).await
    }

    async fn insert_bulk(&mut self, rows: Vec<(Snapshot, AuditCtx)>) -> Result<(), StoreError> {
        bulk::insert_rows(&mut self.tx, &rows, self.bulk_params).await?;
        let mut deltas = Deltas::default();
        for (row, _) in &rows {
            deltas.add(None, row);
        }
        if !deltas.is_empty() {
            tally::apply(&mut self.tx, deltas).await?;
        }
        let mut events = Vec::with_capacity(rows.len());
        for (row, ctx) in rows {
            let id = row.id().to_string();
            events.push(
                self.next_event(row.table, &id, None, Some(row.canonical()), &ctx)
                    .await?,
            );
        }
        bulk::insert_events(&mut self.tx, events, self.bulk_params).await
    }
}

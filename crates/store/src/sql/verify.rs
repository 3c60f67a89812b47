//! `audit verify`: on one read snapshot, re-walks the hash chain in sequence order (no gaps, each
//! `prev_hash` the previous event's hash, each hash recomputed, each event's `before` equal to the
//! previous `after` of the same entity), holds it against signed checkpoints if given, then checks
//! that every row of every audited table equals the `after` of its latest event. A value changed
//! behind the application — in an event or in a row, even one a later legitimate write has since
//! built on, even one of the wrong type — is named, and the walk goes on: every finding is reported.
//!
//! Speed and memory: the database is read on the async side while a separate thread (`checker.rs`)
//! encodes and hashes, from batches passed over a bounded channel; canonical text is written into one
//! reused buffer, and per entity only a 16-byte keyed digest of its key and of its latest `after` is kept —
//! memory grows with the number of rows, never with the length of the history.

use super::checker::{Batch, Checker, Item};
use crate::decode::Cells;
use crate::{
    StoreError,
    audit::{AuditEvent, VerifyOptions, VerifyOutcome, VerifyReport},
    row::Snapshot,
    schema::Table,
    store::Backend,
};
use futures_util::TryStreamExt;
use sqlx::{AnyPool, AssertSqlSafe, Row};
use std::sync::mpsc::{SyncSender, sync_channel};

pub(super) const EVENT_COLUMNS: &str =
    "seq, at, actor, action, entity_table, entity_id, before, after, reason, prev_hash, hash";

pub(super) fn event_from_row(r: &impl Cells) -> Result<AuditEvent, StoreError> {
    let text = |i: usize| -> Result<String, StoreError> {
        r.text(i)?.map(str::to_string).ok_or_else(|| {
            StoreError::Db(sqlx::Error::Decode(
                format!("audit_event column {i} is NULL").into(),
            ))
        })
    };
    let maybe =
        |i: usize| -> Result<Option<String>, StoreError> { Ok(r.text(i)?.map(str::to_string)) };
    Ok(AuditEvent {
        seq: r
            .int(0)?
            .ok_or_else(|| StoreError::Db(sqlx::Error::Decode("audit_event seq is NULL".into())))?,
        at: text(1)?,
        actor: text(2)?,
        action: text(3)?,
        entity_table: text(4)?,
        entity_id: text(5)?,
        before: maybe(6)?,
        after: maybe(7)?,
        reason: maybe(8)?,
        prev_hash: text(9)?,
        hash: text(10)?,
    })
}

/// Items per batch handed to the checking thread, and batches in flight at most.
const BATCH: usize = 2048;
const IN_FLIGHT: usize = 4;

pub(super) async fn verify(store: &super::SqlStore) -> Result<VerifyOutcome, StoreError> {
    Ok(store
        .verify_report(&VerifyOptions::default())
        .await?
        .outcome())
}

fn send(tx: &SyncSender<Batch>, batch: &mut Vec<Item>) -> Result<(), StoreError> {
    if batch.is_empty() {
        return Ok(());
    }
    let items = std::mem::replace(batch, Vec::with_capacity(BATCH));
    tx.send(Batch {
        items,
        text: String::new(),
    })
    .map_err(|_| StoreError::Db(sqlx::Error::WorkerCrashed))
}

async fn verify_report(
    pool: &AnyPool,
    backend: Backend,
    pg: Option<(&str, Option<&str>)>,
    opts: &VerifyOptions,
) -> Result<VerifyReport, StoreError> {
    // One connection, one snapshot: writes committed meanwhile are not half-seen.
    let mut tx = match backend {
        Backend::Sqlite => pool.begin().await?,
        Backend::Postgres => {
            pool.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                .await?
        }
    };
    // Entities, to size the digest map once (the count is only a hint).
    let mut entities = 0usize;
    for table in Table::ALL {
        let sql = format!("SELECT COUNT(*) FROM {}", table.name());
        let n: i64 = sqlx::query(AssertSqlSafe(sql))
            .fetch_one(&mut *tx)
            .await?
            .try_get(0)?;
        entities += n.max(0) as usize;
    }
    let (sender, receiver) = sync_channel::<Batch>(IN_FLIGHT);
    let checker = Checker::new(opts, entities);
    let worker = std::thread::spawn(move || {
        let mut checker = checker;
        for batch in receiver {
            checker.check_batch(batch);
        }
        checker.finish()
    });
    // SQLite files are read through the C API on a thread of their own (see verify_sqlite.rs).
    let sqlite_file = match backend {
        Backend::Sqlite => {
            let r = sqlx::query("SELECT file FROM pragma_database_list WHERE name = 'main'")
                .fetch_optional(&mut *tx)
                .await?;
            r.and_then(|r| r.try_get::<String, _>(0).ok())
                .filter(|f| !f.is_empty())
        }
        Backend::Postgres => None,
    };
    // PostgreSQL rows are streamed with COPY on a connection of its own, in this snapshot.
    let pg_snapshot = match (backend, pg) {
        (Backend::Postgres, Some(pg)) => {
            let id: String = sqlx::query("SELECT pg_export_snapshot()")
                .fetch_one(&mut *tx)
                .await?
                .try_get(0)?;
            Some((pg, id))
        }
        _ => None,
    };
    let walk = async {
        if let Some(((url, schema), snapshot)) = &pg_snapshot {
            return super::verify_pg::walk(url, *schema, snapshot, &sender, BATCH).await;
        }
        if let Some(path) = sqlite_file {
            let out = sender.clone();
            return tokio::task::spawn_blocking(move || {
                super::verify_sqlite::walk(&path, &out, BATCH)
            })
            .await
            .map_err(|_| StoreError::Db(sqlx::Error::WorkerCrashed))?;
        }
        let mut batch = Vec::with_capacity(BATCH);
        {
            let sql = format!("SELECT {EVENT_COLUMNS} FROM audit_event ORDER BY seq");
            let mut rows = sqlx::query(AssertSqlSafe(sql)).fetch(&mut *tx);
            while let Some(r) = rows.try_next().await? {
                batch.push(match event_from_row(&r) {
                    Ok(ev) => Item::Event(ev),
                    Err(e) => Item::UnreadableEvent(e.to_string()),
                });
                if batch.len() == BATCH {
                    send(&sender, &mut batch)?;
                }
            }
        }
        batch.push(Item::EndOfEvents);
        for table in Table::ALL {
            let sql = format!(
                "SELECT {}, CAST(id AS TEXT) FROM {}",
                table.column_list(),
                table.name()
            );
            let mut rows = sqlx::query(AssertSqlSafe(sql)).fetch(&mut *tx);
            let id_index = table.columns().len();
            while let Some(r) = rows.try_next().await? {
                let id: Option<String> = r.try_get(id_index).unwrap_or(None);
                let snap = Snapshot::from_row(table, &r).map_err(|e| e.to_string());
                batch.push(Item::Row { table, id, snap });
                if batch.len() == BATCH {
                    send(&sender, &mut batch)?;
                }
            }
        }
        send(&sender, &mut batch)?;
        Ok::<(), StoreError>(())
    };
    let walked = walk.await;
    drop(sender);
    let (mut report, missing, missing_count) = worker
        .join()
        .map_err(|_| StoreError::Db(sqlx::Error::WorkerCrashed))?;
    walked?;
    // Rows the trail records but the tables lack: name them (at most `limit`) from their event.
    for seq in missing {
        let r = sqlx::query("SELECT entity_table, entity_id FROM audit_event WHERE seq = $1")
            .bind(seq)
            .fetch_optional(&mut *tx)
            .await?;
        let (table, id) = match r {
            Some(r) => (r.try_get::<String, _>(0)?, r.try_get::<String, _>(1)?),
            None => ("?".into(), "?".into()),
        };
        report.add(
            crate::audit::FindingKind::DeletedRow,
            format!(
                "{table} row {id} recorded by audit event #{seq} is missing: it was deleted behind the application"
            ),
        );
    }
    if missing_count > 0 {
        report
            .findings
            .entry(crate::audit::FindingKind::DeletedRow)
            .or_default()
            .count = missing_count;
    }
    tx.rollback().await?;
    report.limit = opts.limit;
    Ok(report)
}

impl super::SqlStore {
    /// `audit verify` with every finding grouped by kind, optionally against signed checkpoints.
    pub async fn verify_report(&self, opts: &VerifyOptions) -> Result<VerifyReport, StoreError> {
        let pg = self.pg.as_ref().map(|(u, s)| (u.as_str(), s.as_deref()));
        verify_report(&self.pool, self.backend, pg, opts).await
    }

    /// The chain's last committed event: (seq, hash).
    pub async fn head(&self) -> Result<Option<(i64, String)>, StoreError> {
        let r = sqlx::query("SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1")
            .fetch_optional(&self.pool)
            .await?;
        Ok(match r {
            Some(r) => Some((r.try_get(0)?, r.try_get(1)?)),
            None => None,
        })
    }
}

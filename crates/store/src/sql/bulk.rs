//! Multi-row INSERTs behind `Tx::insert_many`: consecutive rows of one table, and then their audit
//! events, go in as few statements as a parameter budget allows (at most 30,000: under SQLite's
//! 32766 and PostgreSQL's 65535; SQLite gets a smaller budget, see `SqlTx`). NULLs are written
//! literally, never bound (see `Snapshot::placeholders`), and the statements are not cached: their
//! text differs with each chunk's NULL pattern and size. Also the primary-key fetch of many rows
//! (`Store::get_many`), and the set-based replacement of many existing rows with their events
//! (`Tx::update_many`: recalls, the expiry sweep).

use crate::{
    StoreError,
    audit::{AuditCtx, AuditEvent},
    row::Snapshot,
};
use sqlx::{Any, AssertSqlSafe, Transaction};

/// Bound parameters per statement at most: under SQLite's 32766 (and PostgreSQL's 65535).
const MAX_PARAMS: usize = 30_000;

const EVENT_COLUMNS: &str =
    "seq, at, actor, action, entity_table, entity_id, before, after, reason, prev_hash, hash";

fn bound(row: &Snapshot) -> usize {
    row.values.values().filter(|v| !v.is_null()).count()
}

/// Inserts the rows (not their events), in order, one statement per run of one table and chunk.
pub(super) async fn insert_rows(
    tx: &mut Transaction<'static, Any>,
    rows: &[(Snapshot, AuditCtx)],
    max_params: usize,
) -> Result<(), StoreError> {
    write_rows(tx, rows, max_params, false).await
}

/// Replaces existing rows (not their events) by id, set-based: multi-row
/// `INSERT … ON CONFLICT (id) DO UPDATE SET every column = excluded.column` (both engines), one
/// statement per run of one table and chunk. The caller has checked that every row exists.
pub(super) async fn replace_rows(
    tx: &mut Transaction<'static, Any>,
    rows: &[(Snapshot, AuditCtx)],
    max_params: usize,
) -> Result<(), StoreError> {
    write_rows(tx, rows, max_params, true).await
}

async fn write_rows(
    tx: &mut Transaction<'static, Any>,
    rows: &[(Snapshot, AuditCtx)],
    max_params: usize,
    replace: bool,
) -> Result<(), StoreError> {
    let max_params = max_params.clamp(11, MAX_PARAMS);
    let mut start = 0;
    while start < rows.len() {
        let table = rows[start].0.table;
        let (mut end, mut params) = (start, 0);
        while end < rows.len() && rows[end].0.table == table {
            let n = bound(&rows[end].0);
            if end > start && params + n > max_params {
                break;
            }
            params += n;
            end += 1;
        }
        let chunk = &rows[start..end];
        let mut sql = format!(
            "INSERT INTO {} ({}) VALUES ",
            table.name(),
            table.column_list()
        );
        let mut next = 1;
        for (i, (row, _)) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push('(');
            sql.push_str(&row.placeholders(next).join(", "));
            sql.push(')');
            next += bound(row);
        }
        if replace {
            let sets: Vec<String> = table
                .columns()
                .iter()
                .skip(1)
                .map(|(c, _)| format!("{c} = excluded.{c}"))
                .collect();
            sql.push_str(&format!(
                " ON CONFLICT (id) DO UPDATE SET {}",
                sets.join(", ")
            ));
        }
        let mut q = sqlx::query(AssertSqlSafe(sql)).persistent(false);
        for (row, _) in chunk {
            q = row.bind_all(q);
        }
        q.execute(&mut **tx).await.map_err(|e| {
            let first = chunk.first().map_or("", |(r, _)| r.id());
            let last = chunk.last().map_or("", |(r, _)| r.id());
            let ids = format!("(one of {} rows {first} … {last})", chunk.len());
            StoreError::from_write(table.name(), &ids, e)
        })?;
        start = end;
    }
    Ok(())
}

/// Inserts audit events already chained (seq, prev_hash and hash computed), in chunks.
pub(super) async fn insert_events(
    tx: &mut Transaction<'static, Any>,
    events: Vec<AuditEvent>,
    max_params: usize,
) -> Result<(), StoreError> {
    let per_event = 11;
    for chunk in events.chunks(max_params.clamp(11, MAX_PARAMS) / per_event) {
        let mut sql = format!("INSERT INTO audit_event ({EVENT_COLUMNS}) VALUES ");
        let mut n = 0;
        let mut p = || {
            n += 1;
            format!("${n}")
        };
        for (i, ev) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push_str(", ");
            }
            let opt = |v: &Option<String>, p: &mut dyn FnMut() -> String| match v {
                Some(_) => p(),
                None => "NULL".to_string(),
            };
            let cols = [
                p(),
                p(),
                p(),
                p(),
                p(),
                p(),
                opt(&ev.before, &mut p),
                opt(&ev.after, &mut p),
                opt(&ev.reason, &mut p),
                p(),
                p(),
            ];
            sql.push('(');
            sql.push_str(&cols.join(", "));
            sql.push(')');
        }
        let mut q = sqlx::query(AssertSqlSafe(sql)).persistent(false);
        for ev in chunk {
            q = q
                .bind(ev.seq)
                .bind(ev.at.clone())
                .bind(ev.actor.clone())
                .bind(ev.action.clone())
                .bind(ev.entity_table.clone())
                .bind(ev.entity_id.clone());
            for v in [&ev.before, &ev.after, &ev.reason].into_iter().flatten() {
                q = q.bind(v.clone());
            }
            q = q.bind(ev.prev_hash.clone()).bind(ev.hash.clone());
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

/// Rows of `table` by primary key, `WHERE id IN (…)` with 500 keys per statement.
pub(super) async fn get_rows(
    c: &mut super::reader::Conn<'_>,
    table: crate::schema::Table,
    ids: &[String],
) -> Result<Vec<Snapshot>, StoreError> {
    get_raw_rows(c, table, ids)
        .await?
        .iter()
        .map(crate::decode::RawRow::snapshot)
        .collect()
}

/// `get_rows`, the rows left for the caller to decode.
pub(super) async fn get_raw_rows(
    c: &mut super::reader::Conn<'_>,
    table: crate::schema::Table,
    ids: &[String],
) -> Result<Vec<crate::decode::RawRow>, StoreError> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let params: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT {} FROM {} WHERE id IN ({})",
            table.column_list(),
            table.name(),
            params.join(", ")
        );
        for r in c.fetch_once(&sql, chunk).await? {
            out.push(crate::decode::RawRow::new(table, r));
        }
    }
    Ok(out)
}

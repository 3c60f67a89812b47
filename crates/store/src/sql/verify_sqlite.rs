//! The reading half of `audit verify` on SQLite, through SQLite's C API (`rusqlite`, linking the same
//! `libsqlite3-sys` as sqlx) on a thread of its own: sqlx hands each row over a channel from its
//! worker thread, which costs tens of microseconds a row and made verify a tenth of hashing speed.
//! One read transaction (a WAL snapshot) covers events and rows; each row's canonical text is
//! written straight from its cells (as `Snapshot::write_canonical` writes the values
//! `Snapshot::from_row` reads) and digested here, and a value of the wrong type is a finding, not
//! an error.

use super::checker::Item;
use crate::{StoreError, audit::AuditEvent, schema::Kind, schema::Table};
use rusqlite::{OpenFlags, types::ValueRef};
use std::sync::mpsc::SyncSender;

fn text(v: ValueRef<'_>) -> Result<Option<String>, String> {
    match v {
        ValueRef::Null => Ok(None),
        ValueRef::Text(t) => String::from_utf8(t.to_vec())
            .map(Some)
            .map_err(|e| e.to_string()),
        other => Err(format!("expected text, found {:?}", other.data_type())),
    }
}

fn required(v: ValueRef<'_>) -> Result<String, String> {
    text(v)?.ok_or_else(|| "unexpected NULL".to_string())
}

fn event(r: &rusqlite::Row<'_>) -> Result<AuditEvent, String> {
    let g = |i: usize| r.get_ref(i).map_err(|e| e.to_string());
    let seq = match g(0)? {
        ValueRef::Integer(i) => i,
        other => {
            return Err(format!(
                "seq: expected an integer, found {:?}",
                other.data_type()
            ));
        }
    };
    Ok(AuditEvent {
        seq,
        at: required(g(1)?)?,
        actor: required(g(2)?)?,
        action: required(g(3)?)?,
        entity_table: required(g(4)?)?,
        entity_id: required(g(5)?)?,
        before: text(g(6)?)?,
        after: text(g(7)?)?,
        reason: text(g(8)?)?,
        prev_hash: required(g(9)?)?,
        hash: required(g(10)?)?,
    })
}

/// The row's canonical text (as `Snapshot::write_canonical` writes it) written straight from the
/// row's cells into `out` — no `Snapshot`, no `Value`, no owned string — in `order` (the table's
/// column indexes sorted by name).
fn canonical(
    table: Table,
    order: &[usize],
    r: &rusqlite::Row<'_>,
    out: &mut Vec<u8>,
) -> Result<(), String> {
    use crate::canonical::{write_f64, write_i64, write_str};
    use sha2::Digest;
    let columns = table.columns();
    out.clear();
    out.push(b'{');
    let mut first = true;
    for &i in order {
        let (col, kind) = columns[i];
        let v = r.get_ref(i).map_err(|e| e.to_string())?;
        if matches!(v, ValueRef::Null) && table.added_later(col) {
            continue;
        }
        if !first {
            out.push(b',');
        }
        first = false;
        write_str(out, col);
        out.push(b':');
        let wrong = || format!("{col}: {kind:?} column holds {:?}", v.data_type());
        match (kind, v) {
            (_, ValueRef::Null) => out.extend_from_slice(b"null"),
            (Kind::Text | Kind::Json, ValueRef::Text(t)) => {
                write_str(out, std::str::from_utf8(t).map_err(|e| e.to_string())?)
            }
            (Kind::Secret, ValueRef::Text(t)) => {
                let digest = hex::encode(sha2::Sha256::digest(t));
                write_str(out, &format!("sha256:{digest}"));
            }
            (Kind::Int, ValueRef::Integer(i)) => write_i64(out, i),
            (Kind::Bool, ValueRef::Integer(i)) => {
                out.extend_from_slice(if i != 0 { b"true" } else { b"false" })
            }
            (Kind::Real, ValueRef::Real(f)) if f.is_finite() => write_f64(out, f),
            (Kind::Real, ValueRef::Integer(i)) => write_f64(out, i as f64),
            (Kind::Real, ValueRef::Real(_)) => return Err(format!("{col}: not finite")),
            _ => return Err(wrong()),
        }
    }
    out.push(b'}');
    Ok(())
}

fn db(e: rusqlite::Error) -> StoreError {
    StoreError::Db(sqlx::Error::Protocol(format!("sqlite: {e}")))
}

/// Reads events in sequence order, then every audited row, into `out` in batches.
pub(super) fn walk(
    path: &str,
    out: &SyncSender<Vec<Item>>,
    batch: usize,
) -> Result<(), StoreError> {
    let conn = rusqlite::Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(db)?;
    conn.busy_timeout(std::time::Duration::from_secs(30))
        .map_err(db)?;
    conn.execute_batch("BEGIN").map_err(db)?;
    let closed = || StoreError::Db(sqlx::Error::WorkerCrashed);
    let mut items = Vec::with_capacity(batch);
    let mut buf = Vec::with_capacity(4096);
    {
        let mut st = conn
            .prepare(&format!(
                "SELECT {} FROM audit_event ORDER BY seq",
                super::verify::EVENT_COLUMNS
            ))
            .map_err(db)?;
        let mut rows = st.query([]).map_err(db)?;
        while let Some(r) = rows.next().map_err(db)? {
            items.push(match event(r) {
                Ok(ev) => Item::Event(ev),
                Err(e) => Item::UnreadableEvent(e),
            });
            if items.len() == batch {
                out.send(std::mem::replace(&mut items, Vec::with_capacity(batch)))
                    .map_err(|_| closed())?;
            }
        }
    }
    items.push(Item::EndOfEvents);
    for table in Table::ALL {
        let mut st = conn
            .prepare(&format!(
                "SELECT {}, CAST(id AS TEXT) FROM {}",
                table.column_list(),
                table.name()
            ))
            .map_err(db)?;
        let id_index = table.columns().len();
        let mut order: Vec<usize> = (0..id_index).collect();
        order.sort_by_key(|&i| table.columns()[i].0.as_bytes());
        let mut rows = st.query([]).map_err(db)?;
        while let Some(r) = rows.next().map_err(db)? {
            let id = r
                .get_ref(id_index)
                .ok()
                .and_then(|v| text(v).ok().flatten());
            // The row's digest is taken here, on the reading thread, from its canonical text
            // written into one reused buffer: the checking thread only compares it.
            let digest = canonical(table, &order, r, &mut buf).map(|()| super::checker::dig(&buf));
            items.push(Item::RowDigest { table, id, digest });
            if items.len() == batch {
                out.send(std::mem::replace(&mut items, Vec::with_capacity(batch)))
                    .map_err(|_| closed())?;
            }
        }
    }
    if !items.is_empty() {
        out.send(items).map_err(|_| closed())?;
    }
    conn.execute_batch("ROLLBACK").map_err(db)?;
    Ok(())
}

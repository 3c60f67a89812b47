//! The reading half of `audit verify` on SQLite, through SQLite's C API (`rusqlite`, linking the same
//! `libsqlite3-sys` as sqlx) on a thread of its own: sqlx hands each row over a channel from its
//! worker thread, which costs tens of microseconds a row and made verify a tenth of hashing speed.
//! One read transaction (a WAL snapshot) covers events and rows; values are decoded as
//! `Snapshot::from_row` decodes them, and a value of the wrong type is a finding, not an error.

use super::checker::Item;
use crate::{StoreError, audit::AuditEvent, row::Snapshot, schema::Kind, schema::Table};
use rusqlite::{OpenFlags, types::ValueRef};
use serde_json::{Number, Value};
use std::{collections::BTreeMap, sync::mpsc::SyncSender};

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

fn snapshot(table: Table, r: &rusqlite::Row<'_>) -> Result<Snapshot, String> {
    let mut values = BTreeMap::new();
    for (i, (col, kind)) in table.columns().iter().enumerate() {
        let v = r.get_ref(i).map_err(|e| e.to_string())?;
        let wrong = || format!("{col}: {kind:?} column holds {:?}", v.data_type());
        let value = match (kind, v) {
            (_, ValueRef::Null) => Value::Null,
            (Kind::Text | Kind::Json | Kind::Secret, t @ ValueRef::Text(_)) => {
                Value::String(required(t)?)
            }
            (Kind::Int, ValueRef::Integer(i)) => Value::from(i),
            (Kind::Bool, ValueRef::Integer(i)) => Value::Bool(i != 0),
            (Kind::Real, ValueRef::Real(f)) => {
                Value::Number(Number::from_f64(f).ok_or("not finite")?)
            }
            (Kind::Real, ValueRef::Integer(i)) => {
                Value::Number(Number::from_f64(i as f64).ok_or("not finite")?)
            }
            _ => return Err(wrong()),
        };
        values.insert(*col, value);
    }
    Ok(Snapshot { table, values })
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
        let mut rows = st.query([]).map_err(db)?;
        while let Some(r) = rows.next().map_err(db)? {
            let id = r
                .get_ref(id_index)
                .ok()
                .and_then(|v| text(v).ok().flatten());
            items.push(Item::Row {
                table,
                id,
                snap: snapshot(table, r),
            });
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

//! The reading half of `audit verify` on SQLite, through SQLite's C API (`rusqlite`, linking the same
//! `libsqlite3-sys` as sqlx) on a thread of its own: sqlx hands each row over a channel from its
//! worker thread, which costs tens of microseconds a row and made verify a tenth of hashing speed.
//! One read transaction (a WAL snapshot) covers events and rows; each row's canonical text is
//! written straight from its cells (as `Snapshot::write_canonical` writes the values
//! `Snapshot::from_row` reads) and digested here, and a value of the wrong type is a finding, not
//! an error.

use super::checker::{Batch, Item, Packed};
use super::reader::{db, open_read_only};
use crate::{StoreError, schema::Kind, schema::Table};
use rusqlite::types::ValueRef;
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

/// Column 1 + i of an event may be NULL (before, after, reason).
const NULLABLE: [bool; 10] = [
    false, false, false, false, false, true, true, true, false, false,
];

/// The event's text fields appended to `text` (the batch's buffer), their places returned: one
/// growing buffer per batch instead of an owned string per field. On an error `text` may hold
/// part of the event (harmless: nothing points there).
fn pack(r: &rusqlite::Row<'_>, text: &mut String) -> Result<Packed, String> {
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
    let mut spans = [None; 10];
    for (i, span) in spans.iter_mut().enumerate() {
        match g(i + 1)? {
            ValueRef::Null if NULLABLE[i] => {}
            ValueRef::Null => return Err("unexpected NULL".to_string()),
            ValueRef::Text(t) => {
                let t = std::str::from_utf8(t).map_err(|e| e.to_string())?;
                let start = text.len();
                text.push_str(t);
                let at = |n: usize| u32::try_from(n).map_err(|_| "batch too large".to_string());
                *span = Some((at(start)?, at(text.len())?));
            }
            other => return Err(format!("expected text, found {:?}", other.data_type())),
        }
    }
    Ok(Packed { seq, spans })
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

/// Reads events in sequence order, then every audited row, into `out` in batches.
pub(super) fn walk(path: &str, out: &SyncSender<Batch>, batch: usize) -> Result<(), StoreError> {
    let conn = open_read_only(path)?;
    conn.execute_batch("BEGIN").map_err(db)?;
    let closed = || StoreError::Db(sqlx::Error::WorkerCrashed);
    let mut items = Batch::with_capacity(batch);
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
            let item = match pack(r, &mut items.text) {
                Ok(p) => Item::Packed(p),
                Err(e) => Item::UnreadableEvent(e),
            };
            items.items.push(item);
            if items.items.len() == batch {
                out.send(std::mem::replace(&mut items, Batch::with_capacity(batch)))
                    .map_err(|_| closed())?;
            }
        }
    }
    items.items.push(Item::EndOfEvents);
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
            items.items.push(Item::RowDigest { table, id, digest });
            if items.items.len() == batch {
                out.send(std::mem::replace(&mut items, Batch::with_capacity(batch)))
                    .map_err(|_| closed())?;
            }
        }
    }
    if !items.items.is_empty() {
        out.send(items).map_err(|_| closed())?;
    }
    conn.execute_batch("ROLLBACK").map_err(db)?;
    Ok(())
}

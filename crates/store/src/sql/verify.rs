//! `audit verify`: on one read snapshot, re-walks the hash chain in sequence order (no gaps, each
//! `prev_hash` the previous event's hash, each hash recomputed, each event's `before` equal to the
//! previous `after` of the same entity), then checks that every row of every audited table equals the
//! `after` of its latest event. A value changed behind the application — in an event or in a row,
//! even one a later legitimate write has since built on, even one of the wrong type — is named.

use crate::{
    StoreError,
    audit::{AuditEvent, GENESIS, VerifyOutcome},
    row::Snapshot,
    schema::Table,
    store::Backend,
};
use futures_util::TryStreamExt;
use sqlx::{AnyPool, AssertSqlSafe, Row, any::AnyRow};
use std::collections::HashMap;

pub(super) const EVENT_COLUMNS: &str =
    "seq, at, actor, action, entity_table, entity_id, before, after, reason, prev_hash, hash";

pub(super) fn event_from_row(r: &AnyRow) -> Result<AuditEvent, StoreError> {
    Ok(AuditEvent {
        seq: r.try_get(0)?,
        at: r.try_get(1)?,
        actor: r.try_get(2)?,
        action: r.try_get(3)?,
        entity_table: r.try_get(4)?,
        entity_id: r.try_get(5)?,
        before: r.try_get(6)?,
        after: r.try_get(7)?,
        reason: r.try_get(8)?,
        prev_hash: r.try_get(9)?,
        hash: r.try_get(10)?,
    })
}

fn broken(finding: String) -> Result<VerifyOutcome, StoreError> {
    Ok(VerifyOutcome::Broken { finding })
}

pub(super) async fn verify(pool: &AnyPool, backend: Backend) -> Result<VerifyOutcome, StoreError> {
    // One connection, one snapshot: writes committed meanwhile are not half-seen.
    let mut tx = match backend {
        Backend::Sqlite => pool.begin().await?,
        Backend::Postgres => {
            pool.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                .await?
        }
    };
    // (table, id) -> (seq of latest event, its `after`)
    let mut latest: HashMap<(String, String), (i64, Option<String>)> = HashMap::new();
    let mut prev_hash = GENESIS.to_string();
    let mut expected_seq = 1i64;
    {
        let sql = format!("SELECT {EVENT_COLUMNS} FROM audit_event ORDER BY seq");
        let mut rows = sqlx::query(AssertSqlSafe(sql)).fetch(&mut *tx);
        while let Some(r) = rows.try_next().await? {
            let ev = match event_from_row(&r) {
                Ok(ev) => ev,
                Err(e) => {
                    return broken(format!(
                        "audit event #{expected_seq} cannot be read (a value of the wrong type was stored behind the application): {e}"
                    ));
                }
            };
            if ev.seq != expected_seq {
                return broken(format!(
                    "audit event #{expected_seq} is missing (next stored event is #{})",
                    ev.seq
                ));
            }
            if ev.prev_hash != prev_hash {
                return broken(format!(
                    "audit event #{} does not link to event #{}: its prev_hash differs from that event's hash",
                    ev.seq,
                    ev.seq - 1
                ));
            }
            if ev.compute_hash() != ev.hash {
                return broken(format!(
                    "audit event #{} ({} {} {}) does not match its hash: its content was changed",
                    ev.seq, ev.action, ev.entity_table, ev.entity_id
                ));
            }
            if Table::from_name(&ev.entity_table).is_none() {
                return broken(format!(
                    "audit event #{} names unknown table {:?}",
                    ev.seq, ev.entity_table
                ));
            }
            let key = (ev.entity_table.clone(), ev.entity_id.clone());
            let previous = latest.get(&key);
            let previous_after = previous.and_then(|(_, a)| a.as_deref());
            if ev.before.as_deref() != previous_after {
                let since = match previous {
                    Some((seq, _)) => format!("event #{seq}'s after"),
                    None => "nothing (it is the first event of this row)".to_string(),
                };
                return broken(format!(
                    "audit event #{} ({} {}): its before differs from {since}: the row was changed behind the application before this write",
                    ev.seq, ev.entity_table, ev.entity_id
                ));
            }
            latest.insert(key, (ev.seq, ev.after));
            prev_hash = ev.hash;
            expected_seq += 1;
        }
    }
    let events = (expected_seq - 1) as u64;
    let mut rows_checked = 0u64;
    for table in Table::ALL {
        let sql = format!(
            "SELECT {}, CAST(id AS TEXT) FROM {} ORDER BY id",
            table.column_list(),
            table.name()
        );
        let mut rows = sqlx::query(AssertSqlSafe(sql)).fetch(&mut *tx);
        let id_index = table.columns().len();
        while let Some(r) = rows.try_next().await? {
            let id: Option<String> = r.try_get(id_index).unwrap_or(None);
            let Some(id) = id.filter(|i| !i.is_empty()) else {
                return broken(format!(
                    "a {} row has no id: it was written behind the application",
                    table.name()
                ));
            };
            let snap = match Snapshot::from_row(table, &r) {
                Ok(s) => s,
                Err(e) => {
                    return broken(format!(
                        "{} row {id} cannot be read (a value of the wrong type was stored behind the application): {e}",
                        table.name()
                    ));
                }
            };
            match latest.remove(&(table.name().to_string(), id.clone())) {
                None => {
                    return broken(format!(
                        "{} row {id} has no audit event: it was written behind the application",
                        table.name()
                    ));
                }
                Some((seq, after)) => {
                    if after.as_deref() != Some(snap.canonical().as_str()) {
                        return broken(format!(
                            "{} row {id} does not match its latest audit event #{seq}: it was changed behind the application",
                            table.name()
                        ));
                    }
                }
            }
            rows_checked += 1;
        }
    }
    tx.rollback().await?;
    if let Some(((table, id), (seq, _))) = latest
        .into_iter()
        .filter(|(_, (_, a))| a.is_some())
        .min_by_key(|(_, (s, _))| *s)
    {
        return broken(format!(
            "{table} row {id} recorded by audit event #{seq} is missing: it was deleted behind the application"
        ));
    }
    Ok(VerifyOutcome::Intact {
        events,
        rows: rows_checked,
    })
}

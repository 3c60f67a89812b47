//! `audit verify`: re-walks the hash chain in sequence order (no gaps, each `prev_hash` the previous
//! event's hash, each hash recomputed), then checks that every row of every audited table equals the
//! `after` of its latest event — so a value changed behind the application, in an event or in a row,
//! is found and named.

use crate::{
    StoreError,
    audit::{AuditEvent, GENESIS, VerifyOutcome},
    row::Snapshot,
    schema::Table,
};
use futures_util::TryStreamExt;
use sqlx::{AnyPool, AssertSqlSafe, Row, any::AnyRow};
use std::collections::HashMap;

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

pub(super) async fn verify(pool: &AnyPool) -> Result<VerifyOutcome, StoreError> {
    let broken = |finding: String| Ok(VerifyOutcome::Broken { finding });
    // (table, id) -> (seq of latest event, its `after`)
    let mut latest: HashMap<(String, String), (i64, Option<String>)> = HashMap::new();
    let mut prev_hash = GENESIS.to_string();
    let mut expected_seq = 1i64;
    {
        let mut conn = pool.acquire().await?;
        let mut rows = sqlx::query(
            "SELECT seq, at, actor, action, entity_table, entity_id, before, after, reason, prev_hash, hash \
             FROM audit_event ORDER BY seq",
        )
        .fetch(&mut *conn);
        while let Some(r) = rows.try_next().await? {
            let ev = event_from_row(&r)?;
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
            latest.insert((ev.entity_table, ev.entity_id), (ev.seq, ev.after));
            prev_hash = ev.hash;
            expected_seq += 1;
        }
    }
    let events = (expected_seq - 1) as u64;
    let mut rows_checked = 0u64;
    for table in Table::ALL {
        let sql = format!(
            "SELECT {} FROM {} ORDER BY id",
            table.column_list(),
            table.name()
        );
        let mut conn = pool.acquire().await?;
        let mut rows = sqlx::query(AssertSqlSafe(sql)).fetch(&mut *conn);
        while let Some(r) = rows.try_next().await? {
            let snap = Snapshot::from_row(table, &r)?;
            let key = (table.name().to_string(), snap.id().to_string());
            match latest.remove(&key) {
                None => {
                    return broken(format!(
                        "{} row {} has no audit event: it was written behind the application",
                        table.name(),
                        snap.id()
                    ));
                }
                Some((seq, after)) => {
                    if after.as_deref() != Some(snap.canonical().as_str()) {
                        return broken(format!(
                            "{} row {} does not match its latest audit event #{seq}: it was changed behind the application",
                            table.name(),
                            snap.id()
                        ));
                    }
                }
            }
            rows_checked += 1;
        }
    }
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

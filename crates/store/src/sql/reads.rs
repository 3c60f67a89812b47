//! Reads: rows by key or filter, genealogy walks (recursive CTEs), audit look-ups; and the
//! `Store` trait implementation that ties them to the pool.

use super::{SqlStore, tx::SqlTx, verify};
use crate::{
    StoreError,
    audit::{AuditEvent, VerifyOutcome},
    decode::RawRow,
    query::{Cond, Group, Page, PageQuery},
    row::Snapshot,
    schema::{Kind, Table},
    store::{Backend, Direction, Filter, IdempotentRow, SessionRow, Store, Tx},
};
use async_trait::async_trait;
use secretome_domain::genealogy::{Edge, NodeKind};
use sqlx::{AnyConnection, AssertSqlSafe, Row};
use std::collections::BTreeSet;

pub(super) async fn get_row(
    conn: &mut AnyConnection,
    table: Table,
    id: &str,
) -> Result<Option<Snapshot>, StoreError> {
    get_raw(conn, table, id)
        .await?
        .map(|r| r.snapshot())
        .transpose()
}

/// `get_row`, the row left for the caller to decode.
pub(super) async fn get_raw(
    conn: &mut AnyConnection,
    table: Table,
    id: &str,
) -> Result<Option<RawRow>, StoreError> {
    let sql = format!(
        "SELECT {} FROM {} WHERE id = $1",
        table.column_list(),
        table.name()
    );
    let row = sqlx::query(AssertSqlSafe(sql))
        .bind(id.to_string())
        .fetch_optional(conn)
        .await?;
    Ok(row.map(|r| RawRow::new(table, r)))
}

pub(super) async fn select_rows(
    conn: &mut AnyConnection,
    table: Table,
    filter: Filter<'_>,
) -> Result<Vec<Snapshot>, StoreError> {
    select_raw(conn, table, filter)
        .await?
        .iter()
        .map(RawRow::snapshot)
        .collect()
}

/// `select_rows`, the rows left for the caller to decode.
pub(super) async fn select_raw(
    conn: &mut AnyConnection,
    table: Table,
    filter: Filter<'_>,
) -> Result<Vec<RawRow>, StoreError> {
    let mut sql = format!("SELECT {} FROM {}", table.column_list(), table.name());
    if let Some((col, _)) = filter {
        // The column name is checked against the schema description: never user text in SQL.
        if table.column(col) != Some(Kind::Text) {
            return Err(StoreError::Invalid {
                table: table.name(),
                column: col.to_string(),
                message: "not a text column to filter on".into(),
            });
        }
        sql.push_str(&format!(" WHERE {col} = $1"));
    }
    sql.push_str(" ORDER BY id");
    let mut q = sqlx::query(AssertSqlSafe(sql));
    if let Some((_, v)) = filter {
        q = q.bind(v.to_string());
    }
    Ok(q.fetch_all(conn)
        .await?
        .into_iter()
        .map(|r| RawRow::new(table, r))
        .collect())
}

/// The walk collects the nodes reached (`UNION`: each node once, however many paths lead to it),
/// then reads the edges leaving them. `reach CROSS JOIN genealogy_edge` makes SQLite drive that last
/// join from the (small) set reached, through the parent/child index: with a plain JOIN it chose to
/// scan every edge in key order to save the sort (on 100,000 vials: 0.6 s instead of 0.03 s from a
/// raw-material lot). PostgreSQL
/// reads CROSS JOIN … WHERE as an inner join and plans it freely.
fn trace_sql(direction: Direction) -> String {
    let (near, far) = match direction {
        Direction::Backward => ("child", "parent"),
        Direction::Forward => ("parent", "child"),
    };
    format!(
        "WITH RECURSIVE reach(kind, id) AS ( \
           SELECT CAST($1 AS TEXT), CAST($2 AS TEXT) \
           UNION \
           SELECT e.{far}_kind, e.{far}_id FROM genealogy_edge e \
             JOIN reach r ON e.{near}_kind = r.kind AND e.{near}_id = r.id ) \
         SELECT e.{cols} FROM reach r CROSS JOIN genealogy_edge e \
           WHERE e.{near}_kind = r.kind AND e.{near}_id = r.id \
         ORDER BY e.id",
        cols = Table::Edge.column_list().replace(", ", ", e.")
    )
}

/// Every edge reachable from `(kind, id)` in `direction`, on one connection (the pool's or a
/// transaction's).
pub(super) async fn trace_edges(
    conn: &mut AnyConnection,
    direction: Direction,
    kind: NodeKind,
    id: &str,
) -> Result<Vec<Edge>, StoreError> {
    let rows = sqlx::query(AssertSqlSafe(trace_sql(direction)))
        .bind(kind.as_str().to_string())
        .bind(id.to_string())
        .fetch_all(conn)
        .await?;
    rows.iter()
        .map(|r| Snapshot::from_row(Table::Edge, r)?.to_record())
        .collect()
}

#[async_trait]
impl Store for SqlStore {
    fn backend(&self) -> Backend {
        self.backend
    }

    async fn begin(&self) -> Result<Box<dyn Tx>, StoreError> {
        Ok(Box::new(SqlTx::begin(&self.pool, self.backend).await?))
    }

    async fn begin_read(&self) -> Result<Box<dyn Tx>, StoreError> {
        Ok(Box::new(SqlTx::begin_read(&self.pool, self.backend).await?))
    }

    async fn get(&self, table: Table, id: &str) -> Result<Option<Snapshot>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        get_row(&mut conn, table, id).await
    }

    async fn select(&self, table: Table, filter: Filter<'_>) -> Result<Vec<Snapshot>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        select_rows(&mut conn, table, filter).await
    }

    async fn page(&self, table: Table, q: &PageQuery) -> Result<Page<Snapshot>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        super::page::page(&mut conn, table, q).await
    }

    async fn page_raw(&self, table: Table, q: &PageQuery) -> Result<Page<RawRow>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        super::page::page_raw(&mut conn, table, q).await
    }

    async fn page_columns(
        &self,
        table: Table,
        q: &PageQuery,
        columns: &[&str],
    ) -> Result<Page<Vec<Option<String>>>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        super::page::page_columns(&mut conn, table, q, columns).await
    }

    async fn get_raw(&self, table: Table, id: &str) -> Result<Option<RawRow>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        get_raw(&mut conn, table, id).await
    }

    async fn select_raw(
        &self,
        table: Table,
        filter: Filter<'_>,
    ) -> Result<Vec<RawRow>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        select_raw(&mut conn, table, filter).await
    }

    async fn aggregate(
        &self,
        table: Table,
        group_by: &[&str],
        conds: &[Cond],
        sum: Option<&str>,
        max: Option<&str>,
    ) -> Result<Vec<Group>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        super::page::aggregate(&mut conn, table, group_by, conds, sum, max).await
    }

    async fn tallies(
        &self,
        kind: crate::tally::TallyKind,
        subject: Option<&str>,
        key_at_most: Option<&str>,
    ) -> Result<Vec<crate::tally::Tally>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        super::tally::read(&mut conn, kind, subject, key_at_most).await
    }

    async fn tallies_of(
        &self,
        kind: crate::tally::TallyKind,
        subjects: &[String],
    ) -> Result<Vec<crate::tally::Tally>, StoreError> {
        if subjects.is_empty() {
            return Ok(Vec::new());
        }
        let mut conn = self.pool.acquire().await?;
        super::tally::read_subjects(&mut conn, kind, subjects).await
    }

    async fn trace(
        &self,
        direction: Direction,
        kind: NodeKind,
        id: &str,
    ) -> Result<Vec<Edge>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        trace_edges(&mut conn, direction, kind, id).await
    }

    async fn events_for(&self, table: Table, id: &str) -> Result<Vec<AuditEvent>, StoreError> {
        let sql = format!(
            "SELECT {} FROM audit_event WHERE entity_table = $1 AND entity_id = $2 ORDER BY seq",
            verify::EVENT_COLUMNS
        );
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(table.name().to_string())
            .bind(id.to_string())
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(verify::event_from_row).collect()
    }

    async fn actors_for(
        &self,
        entities: &[(Table, String)],
        excluded: &[&str],
    ) -> Result<BTreeSet<String>, StoreError> {
        let mut out = BTreeSet::new();
        for table in Table::ALL {
            let ids: Vec<&String> = entities
                .iter()
                .filter(|(t, _)| *t == table)
                .map(|(_, id)| id)
                .collect();
            for chunk in ids.chunks(500) {
                let params: Vec<String> = (0..chunk.len()).map(|i| format!("${}", i + 2)).collect();
                let sql = format!(
                    "SELECT DISTINCT actor, action FROM audit_event WHERE entity_table = $1 AND entity_id IN ({})",
                    params.join(", ")
                );
                let mut q = sqlx::query(AssertSqlSafe(sql)).bind(table.name().to_string());
                for id in chunk {
                    q = q.bind((*id).clone());
                }
                for r in q.fetch_all(&self.pool).await? {
                    let actor: String = r.try_get(0)?;
                    let action: String = r.try_get(1)?;
                    if !excluded.contains(&action.as_str()) {
                        out.insert(actor);
                    }
                }
            }
        }
        Ok(out)
    }

    async fn verify(&self) -> Result<VerifyOutcome, StoreError> {
        verify::verify(self).await
    }

    async fn session_create(&self, s: &SessionRow) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO web_session (id, user_id, csrf, created_at, last_seen) VALUES ($1, $2, $3, $4, $5)")
            .bind(s.id.clone())
            .bind(s.user_id.clone())
            .bind(s.csrf.clone())
            .bind(s.created_at.clone())
            .bind(s.last_seen.clone())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn session_get(&self, id: &str) -> Result<Option<SessionRow>, StoreError> {
        let row = sqlx::query(
            "SELECT id, user_id, csrf, created_at, last_seen FROM web_session WHERE id = $1",
        )
        .bind(id.to_string())
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            Ok(SessionRow {
                id: r.try_get(0)?,
                user_id: r.try_get(1)?,
                csrf: r.try_get(2)?,
                created_at: r.try_get(3)?,
                last_seen: r.try_get(4)?,
            })
        })
        .transpose()
    }

    async fn session_touch(&self, id: &str, last_seen: &str) -> Result<(), StoreError> {
        sqlx::query("UPDATE web_session SET last_seen = $1 WHERE id = $2")
            .bind(last_seen.to_string())
            .bind(id.to_string())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn session_delete(&self, id: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM web_session WHERE id = $1")
            .bind(id.to_string())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn idempotency_claim(
        &self,
        row: &IdempotentRow,
    ) -> Result<Option<IdempotentRow>, StoreError> {
        super::idempotency::claim(&self.pool, row).await
    }

    async fn idempotency_finish(
        &self,
        id: &str,
        status: i64,
        content_type: Option<&str>,
        body: &str,
    ) -> Result<(), StoreError> {
        super::idempotency::finish(&self.pool, id, status, content_type, body).await
    }

    async fn idempotency_release(&self, id: &str) -> Result<(), StoreError> {
        super::idempotency::release(&self.pool, id).await
    }

    async fn select_prefix(
        &self,
        table: Table,
        column: &str,
        prefix: &str,
    ) -> Result<Vec<Snapshot>, StoreError> {
        // The column name is checked against the schema description: never user text in SQL.
        if table.column(column) != Some(Kind::Text) {
            return Err(StoreError::Invalid {
                table: table.name(),
                column: column.to_string(),
                message: "not a text column to filter on".into(),
            });
        }
        let sql = format!(
            "SELECT {} FROM {} WHERE {column} LIKE $1 ESCAPE '!' ORDER BY id",
            table.column_list(),
            table.name()
        );
        let mut pattern = String::with_capacity(prefix.len() + 1);
        for c in prefix.chars() {
            if matches!(c, '!' | '%' | '_') {
                pattern.push('!');
            }
            pattern.push(c);
        }
        pattern.push('%');
        sqlx::query(AssertSqlSafe(sql))
            .bind(pattern)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| Snapshot::from_row(table, r))
            .collect()
    }

    async fn get_many(&self, table: Table, ids: &[String]) -> Result<Vec<Snapshot>, StoreError> {
        super::bulk::get_rows(&self.pool, table, ids).await
    }

    async fn event_count(&self) -> Result<i64, StoreError> {
        let r = sqlx::query("SELECT COUNT(*) FROM audit_event")
            .fetch_one(&self.pool)
            .await?;
        Ok(r.try_get::<i64, _>(0)?)
    }
}

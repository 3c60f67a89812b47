//! Reads: rows by key or filter, genealogy walks (recursive CTEs), audit look-ups; and the
//! `Store` trait implementation that ties them to the pool.

use super::{
    SqlStore, bulk, page,
    reader::{Conn, read},
    tally,
    tx::SqlTx,
    verify,
};
use crate::{
    StoreError,
    audit::{AuditEvent, VerifyOutcome},
    decode::{Cells, RawRow},
    query::{Aggregate, Cond, Group, Page, PageQuery},
    row::Snapshot,
    schema::{Kind, Table},
    store::{Answer, Backend, Direction, Filter, IdempotentRow, Read, SessionRow, Store, Tx},
};
use async_trait::async_trait;
use secretome_domain::genealogy::{Edge, NodeKind};
use sqlx::Row;
use std::collections::BTreeSet;

pub(super) async fn get_row(
    c: &mut Conn<'_>,
    table: Table,
    id: &str,
) -> Result<Option<Snapshot>, StoreError> {
    get_raw(c, table, id)
        .await?
        .map(|r| r.snapshot())
        .transpose()
}

/// `get_row`, the row left for the caller to decode.
pub(super) async fn get_raw(
    c: &mut Conn<'_>,
    table: Table,
    id: &str,
) -> Result<Option<RawRow>, StoreError> {
    let sql = format!(
        "SELECT {} FROM {} WHERE id = $1",
        table.column_list(),
        table.name()
    );
    let row = c.fetch(&sql, &[id.to_string()]).await?.into_iter().next();
    Ok(row.map(|r| RawRow::new(table, r)))
}

pub(super) async fn select_rows(
    c: &mut Conn<'_>,
    table: Table,
    filter: Filter<'_>,
) -> Result<Vec<Snapshot>, StoreError> {
    select_raw(c, table, filter)
        .await?
        .iter()
        .map(RawRow::snapshot)
        .collect()
}

/// The column and value of a filter, owned (to move a read onto the reader's thread).
fn owned(filter: Filter<'_>) -> Option<(String, String)> {
    filter.map(|(c, v)| (c.to_string(), v.to_string()))
}

fn borrowed(filter: &Option<(String, String)>) -> Filter<'_> {
    filter.as_ref().map(|(c, v)| (c.as_str(), v.as_str()))
}

/// A text column of `table` to filter on (checked against the schema description: never user
/// text in SQL).
fn text_column(table: Table, col: &str) -> Result<(), StoreError> {
    if table.column(col) == Some(Kind::Text) {
        Ok(())
    } else {
        Err(StoreError::Invalid {
            table: table.name(),
            column: col.to_string(),
            message: "not a text column to filter on".into(),
        })
    }
}

/// `select_rows`, the rows left for the caller to decode.
pub(super) async fn select_raw(
    c: &mut Conn<'_>,
    table: Table,
    filter: Filter<'_>,
) -> Result<Vec<RawRow>, StoreError> {
    let mut sql = format!("SELECT {} FROM {}", table.column_list(), table.name());
    let mut args = Vec::new();
    if let Some((col, v)) = filter {
        text_column(table, col)?;
        sql.push_str(&format!(" WHERE {col} = $1"));
        args.push(v.to_string());
    }
    sql.push_str(" ORDER BY id");
    Ok(c.fetch(&sql, &args)
        .await?
        .into_iter()
        .map(|r| RawRow::new(table, r))
        .collect())
}

/// Rows of `table` whose text `column` starts with `prefix` (`LIKE`, see `Store::select_prefix`).
async fn select_prefix(
    c: &mut Conn<'_>,
    table: Table,
    column: &str,
    prefix: &str,
) -> Result<Vec<Snapshot>, StoreError> {
    text_column(table, column)?;
    let sql = format!(
        "SELECT {} FROM {} WHERE {column} LIKE $1 ESCAPE '!' ORDER BY id",
        table.column_list(),
        table.name()
    );
    let mut pattern = String::with_capacity(prefix.len() + 1);
    for ch in prefix.chars() {
        if matches!(ch, '!' | '%' | '_') {
            pattern.push('!');
        }
        pattern.push(ch);
    }
    pattern.push('%');
    c.fetch(&sql, &[pattern])
        .await?
        .iter()
        .map(|r| Snapshot::from_row(table, r))
        .collect()
}

/// The audit events of one entity, oldest first.
async fn events_for(
    c: &mut Conn<'_>,
    table: Table,
    id: &str,
) -> Result<Vec<AuditEvent>, StoreError> {
    let sql = format!(
        "SELECT {} FROM audit_event WHERE entity_table = $1 AND entity_id = $2 ORDER BY seq",
        verify::EVENT_COLUMNS
    );
    c.fetch(&sql, &[table.name().to_string(), id.to_string()])
        .await?
        .iter()
        .map(verify::event_from_row)
        .collect()
}

/// Everyone who wrote an event on any of `entities`, except through the `excluded` actions.
async fn actors_for(
    c: &mut Conn<'_>,
    entities: &[(Table, String)],
    excluded: &[String],
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
            let mut args = vec![table.name().to_string()];
            args.extend(chunk.iter().map(|id| (*id).clone()));
            for r in c.fetch_once(&sql, &args).await? {
                let (Some(actor), Some(action)) = (r.text(0)?, r.text(1)?) else {
                    continue;
                };
                if !excluded.iter().any(|x| x == action) {
                    out.insert(actor.to_string());
                }
            }
        }
    }
    Ok(out)
}

/// The answer of a read of nothing (no ids, no subjects), known without asking.
fn nothing(r: &Read) -> Option<Answer> {
    match r {
        Read::GetMany(_, ids) if ids.is_empty() => Some(Answer::Rows(Vec::new())),
        Read::TalliesOf(_, s) if s.is_empty() => Some(Answer::Tallies(Vec::new())),
        _ => None,
    }
}

/// One read of `read_all` on `c`.
async fn read_one(c: &mut Conn<'_>, r: &Read) -> Result<Answer, StoreError> {
    if let Some(a) = nothing(r) {
        return Ok(a);
    }
    Ok(match r {
        Read::Get(t, id) => Answer::Row(get_raw(c, *t, id).await?),
        Read::GetMany(t, ids) => Answer::Rows(bulk::get_raw_rows(c, *t, ids).await?),
        Read::Select(t, f) => {
            let f = f.as_ref().map(|(col, v)| (*col, v.as_str()));
            Answer::Rows(select_raw(c, *t, f).await?)
        }
        Read::Page(t, q) => Answer::Page(page::page_raw(c, *t, q).await?),
        Read::TalliesOf(k, s) => Answer::Tallies(tally::read_subjects(c, *k, s).await?),
        Read::Aggregate(a) => Answer::Groups(page::aggregate(c, a).await?),
        Read::Trace(d, k, id) => Answer::Edges(trace_edges(c, *d, *k, id).await?),
        Read::Events(t, id) => Answer::Events(events_for(c, *t, id).await?),
    })
}

/// A web session by id with its user's row, on one connection: every signed-in request asks for
/// both, and on SQLite each read is a hand-over to the reader thread.
async fn session_get(
    c: &mut Conn<'_>,
    id: &str,
) -> Result<Option<(SessionRow, Option<RawRow>)>, StoreError> {
    let sql = "SELECT id, user_id, csrf, created_at, last_seen FROM web_session WHERE id = $1";
    let Some(r) = c.fetch(sql, &[id.to_string()]).await?.into_iter().next() else {
        return Ok(None);
    };
    let text =
        |i: usize| -> Result<String, StoreError> { Ok(r.text(i)?.unwrap_or_default().to_string()) };
    let session = SessionRow {
        id: text(0)?,
        user_id: text(1)?,
        csrf: text(2)?,
        created_at: text(3)?,
        last_seen: text(4)?,
    };
    let user = get_raw(c, Table::User, &session.user_id).await?;
    Ok(Some((session, user)))
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
    c: &mut Conn<'_>,
    direction: Direction,
    kind: NodeKind,
    id: &str,
) -> Result<Vec<Edge>, StoreError> {
    c.fetch(
        &trace_sql(direction),
        &[kind.as_str().to_string(), id.to_string()],
    )
    .await?
    .into_iter()
    .map(|r| RawRow::new(Table::Edge, r).to_record())
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
        let id = id.to_string();
        read!(self, |c| get_row(c, table, &id))
    }

    async fn select(&self, table: Table, filter: Filter<'_>) -> Result<Vec<Snapshot>, StoreError> {
        let filter = owned(filter);
        read!(self, |c| select_rows(c, table, borrowed(&filter)))
    }

    async fn page(&self, table: Table, q: &PageQuery) -> Result<Page<Snapshot>, StoreError> {
        let q = q.clone();
        read!(self, |c| page::page(c, table, &q))
    }

    async fn page_raw(&self, table: Table, q: &PageQuery) -> Result<Page<RawRow>, StoreError> {
        let q = q.clone();
        read!(self, |c| page::page_raw(c, table, &q))
    }

    async fn page_columns(
        &self,
        table: Table,
        q: &PageQuery,
        columns: &[&str],
    ) -> Result<Page<Vec<Option<String>>>, StoreError> {
        let q = q.clone();
        let columns: Vec<String> = columns.iter().map(|c| c.to_string()).collect();
        read!(self, |c| page::page_columns(c, table, &q, &columns))
    }

    async fn get_raw(&self, table: Table, id: &str) -> Result<Option<RawRow>, StoreError> {
        let id = id.to_string();
        read!(self, |c| get_raw(c, table, &id))
    }

    async fn select_raw(
        &self,
        table: Table,
        filter: Filter<'_>,
    ) -> Result<Vec<RawRow>, StoreError> {
        let filter = owned(filter);
        read!(self, |c| select_raw(c, table, borrowed(&filter)))
    }

    async fn aggregate(
        &self,
        table: Table,
        group_by: &[&'static str],
        conds: &[Cond],
        sum: Option<&'static str>,
        max: Option<&'static str>,
    ) -> Result<Vec<Group>, StoreError> {
        let a = Aggregate {
            table,
            group_by: group_by.to_vec(),
            conds: conds.to_vec(),
            sum,
            min: None,
            max,
        };
        read!(self, |c| page::aggregate(c, &a))
    }

    async fn tallies(
        &self,
        kind: crate::tally::TallyKind,
        subject: Option<&str>,
        key_at_most: Option<&str>,
    ) -> Result<Vec<crate::tally::Tally>, StoreError> {
        let (subject, key) = (subject.map(str::to_string), key_at_most.map(str::to_string));
        read!(self, |c| tally::read(
            c,
            kind,
            subject.as_deref(),
            key.as_deref()
        ))
    }

    async fn tallies_of(
        &self,
        kind: crate::tally::TallyKind,
        subjects: &[String],
    ) -> Result<Vec<crate::tally::Tally>, StoreError> {
        if subjects.is_empty() {
            return Ok(Vec::new());
        }
        let subjects = subjects.to_vec();
        read!(self, |c| tally::read_subjects(c, kind, &subjects))
    }

    async fn trace(
        &self,
        direction: Direction,
        kind: NodeKind,
        id: &str,
    ) -> Result<Vec<Edge>, StoreError> {
        let id = id.to_string();
        read!(self, |c| trace_edges(c, direction, kind, &id))
    }

    async fn read_all(&self, reads: Vec<Read>) -> Result<Vec<Answer>, StoreError> {
        if self.reader.is_none() {
            let each = reads.iter().map(|r| async move {
                if let Some(a) = nothing(r) {
                    return Ok(a);
                }
                let mut pooled = self.pool.acquire().await?;
                read_one(&mut Conn::Any(&mut pooled), r).await
            });
            return futures_util::future::try_join_all(each).await;
        }
        read!(self, |c| async move {
            let mut out = Vec::with_capacity(reads.len());
            for r in &reads {
                out.push(read_one(c, r).await?);
            }
            Ok(out)
        })
    }

    async fn events_for(&self, table: Table, id: &str) -> Result<Vec<AuditEvent>, StoreError> {
        let id = id.to_string();
        read!(self, |c| events_for(c, table, &id))
    }

    async fn actors_for(
        &self,
        entities: &[(Table, String)],
        excluded: &[&str],
    ) -> Result<BTreeSet<String>, StoreError> {
        let entities = entities.to_vec();
        let excluded: Vec<String> = excluded.iter().map(|x| x.to_string()).collect();
        read!(self, |c| actors_for(c, &entities, &excluded))
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

    async fn session_get(
        &self,
        id: &str,
    ) -> Result<Option<(SessionRow, Option<RawRow>)>, StoreError> {
        let id = id.to_string();
        read!(self, |c| session_get(c, &id))
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
        let (column, prefix) = (column.to_string(), prefix.to_string());
        read!(self, |c| select_prefix(c, table, &column, &prefix))
    }

    async fn get_many(&self, table: Table, ids: &[String]) -> Result<Vec<Snapshot>, StoreError> {
        let ids = ids.to_vec();
        read!(self, |c| bulk::get_rows(c, table, &ids))
    }

    async fn event_count(&self) -> Result<i64, StoreError> {
        let r = sqlx::query("SELECT COUNT(*) FROM audit_event")
            .fetch_one(&self.pool)
            .await?;
        Ok(r.try_get::<i64, _>(0)?)
    }

    async fn chain_tip(&self) -> Result<i64, StoreError> {
        let r = sqlx::query("SELECT COALESCE(MAX(seq), 0) FROM audit_event")
            .fetch_one(&self.pool)
            .await?;
        Ok(r.try_get::<i64, _>(0)?)
    }
}

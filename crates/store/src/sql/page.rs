//! SQL for the purpose-built reads of `query.rs`: keyset pages (`(order, id) < ($k, $i)` with
//! `ORDER BY order DESC, id DESC LIMIT n + 1` — a row-value comparison both engines serve from an
//! index on `(…, order, id)`), and grouped counts and sums.

use super::reader::Conn;
use crate::decode::{Cells, DbRow};
use crate::{
    StoreError,
    decode::RawRow,
    query::{Aggregate, Cond, Cursor, Group, Page, PageQuery},
    row::Snapshot,
    schema::{Kind, Table},
};

/// SQL text being built with its bound (text) arguments.
#[derive(Default)]
struct Sql {
    text: String,
    args: Vec<String>,
}

impl Sql {
    fn bind(&mut self, v: &str) -> String {
        self.args.push(v.to_string());
        format!("${}", self.args.len())
    }
}

fn check(table: Table, column: &str) -> Result<Kind, StoreError> {
    table.column(column).ok_or_else(|| StoreError::Invalid {
        table: table.name(),
        column: column.to_string(),
        message: "no such column".into(),
    })
}

/// ` AND `-joined conditions on `table` (or `1 = 1` when there are none).
fn conds_sql(table: Table, conds: &[Cond], sql: &mut Sql) -> Result<String, StoreError> {
    let mut parts = Vec::new();
    for c in conds {
        parts.push(match c {
            Cond::Eq(col, v) => {
                check(table, col)?;
                format!("{col} = {}", sql.bind(v))
            }
            Cond::AtMost(col, v) => {
                check(table, col)?;
                format!("{col} <= {}", sql.bind(v))
            }
            Cond::In(col, vs) => {
                check(table, col)?;
                if vs.is_empty() {
                    "1 = 0".to_string()
                } else {
                    let ps: Vec<String> = vs.iter().map(|v| sql.bind(v)).collect();
                    format!("{col} IN ({})", ps.join(", "))
                }
            }
            Cond::Range { column, from, to } => {
                check(table, column)?;
                let mut r = Vec::new();
                if let Some(f) = from {
                    r.push(format!("{column} >= {}", sql.bind(f)));
                }
                if let Some(t) = to {
                    r.push(format!("{column} < {}", sql.bind(t)));
                }
                if r.is_empty() {
                    "1 = 1".to_string()
                } else {
                    r.join(" AND ")
                }
            }
            Cond::Positive(col) => {
                // Booleans are 0/1 integers on both engines (`serious > 0`: true).
                if !matches!(check(table, col)?, Kind::Real | Kind::Int | Kind::Bool) {
                    return Err(StoreError::Invalid {
                        table: table.name(),
                        column: col.to_string(),
                        message: "not a numeric column".into(),
                    });
                }
                format!("{col} > 0")
            }
            Cond::InSelect {
                column,
                table: sub,
                conds,
            } => {
                check(table, column)?;
                let inner = conds_sql(*sub, conds, sql)?;
                format!("{column} IN (SELECT id FROM {} WHERE {inner})", sub.name())
            }
        });
    }
    Ok(if parts.is_empty() {
        "1 = 1".to_string()
    } else {
        parts.join(" AND ")
    })
}

/// One page of `table` (see `PageQuery`), decoded into snapshots.
pub(super) async fn page(
    c: &mut Conn<'_>,
    table: Table,
    q: &PageQuery,
) -> Result<Page<Snapshot>, StoreError> {
    page_raw(c, table, q)
        .await?
        .try_map(|r| Snapshot::from_row(table, &r.row))
}

/// One page of `table` (see `PageQuery`), its rows left for the caller to decode.
pub(super) async fn page_raw(
    c: &mut Conn<'_>,
    table: Table,
    q: &PageQuery,
) -> Result<Page<RawRow>, StoreError> {
    let columns: Vec<&str> = table.columns().iter().map(|(c, _)| *c).collect();
    let page = fetch_page(c, table, q, &table.column_list(), &columns).await?;
    Ok(page.map(|r| RawRow::new(table, r)))
}

/// One page of `table` (see `PageQuery`) with only `columns`, each as text (NULL: None), in
/// that order: a page that shows a few columns of many rows reads and converts only those.
pub(super) async fn page_columns(
    c: &mut Conn<'_>,
    table: Table,
    q: &PageQuery,
    columns: &[String],
) -> Result<Page<Vec<Option<String>>>, StoreError> {
    let mut select = Vec::with_capacity(columns.len());
    for col in columns {
        check(table, col)?;
        select.push(format!("CAST({col} AS TEXT)"));
    }
    let names: Vec<&str> = columns.iter().map(String::as_str).collect();
    fetch_page(c, table, q, &select.join(", "), &names)
        .await?
        .try_map(|r| r.into_texts(columns.len()))
}

/// The keyset page of `q` selecting `select`, whose output columns are named `names` (the order
/// column and `id` must be among them: the cursors are made of their values).
async fn fetch_page(
    c: &mut Conn<'_>,
    table: Table,
    q: &PageQuery,
    select: &str,
    names: &[&str],
) -> Result<Page<DbRow>, StoreError> {
    if check(table, q.order)? != Kind::Text {
        return Err(StoreError::Invalid {
            table: table.name(),
            column: q.order.to_string(),
            message: "pages are ordered by a text column".into(),
        });
    }
    let position = |col: &str| {
        names
            .iter()
            .position(|c| *c == col)
            .ok_or_else(|| StoreError::Invalid {
                table: table.name(),
                column: col.to_string(),
                message: "a page's columns must include its order column and id".into(),
            })
    };
    let (order_at, id_at) = (position(q.order)?, position("id")?);
    let limit = q.limit.clamp(1, crate::query::MAX_ROWS);
    let mut sql = Sql::default();
    let mut wh = conds_sql(table, &q.conds, &mut sql)?;
    // Going backwards reads the rows before the cursor in the opposite order, then reverses them.
    let backwards = matches!(q.cursor, Some(Cursor::Before { .. }));
    let desc = q.desc != backwards;
    if let Some(Cursor::After { key, id } | Cursor::Before { key, id }) = &q.cursor {
        let op = if desc { "<" } else { ">" };
        let (k, i) = (sql.bind(key), sql.bind(id));
        wh.push_str(&format!(" AND ({}, id) {op} ({k}, {i})", q.order));
    }
    let dir = if desc { "DESC" } else { "ASC" };
    sql.text = format!(
        "SELECT {select} FROM {} WHERE {wh} ORDER BY {order} {dir}, id {dir} LIMIT {}",
        table.name(),
        limit + 1,
        order = q.order,
    );
    let mut fetched = c.fetch(&sql.text, &sql.args).await?;
    let more = fetched.len() > limit;
    fetched.truncate(limit);
    if backwards {
        fetched.reverse();
    }
    let key = |r: &DbRow| {
        let text = |i: usize| r.text(i).ok().flatten().unwrap_or_default().to_string();
        (text(order_at), text(id_at))
    };
    let after = |r: &DbRow| {
        let (key, id) = key(r);
        Cursor::After { key, id }.encode()
    };
    let before = |r: &DbRow| {
        let (key, id) = key(r);
        Cursor::Before { key, id }.encode()
    };
    let (next, prev) = match &q.cursor {
        None => (fetched.last().filter(|_| more).map(after), None),
        Some(Cursor::After { .. }) => (
            fetched.last().filter(|_| more).map(after),
            fetched.first().map(before),
        ),
        Some(Cursor::Before { .. }) => (
            fetched.last().map(after),
            fetched.first().filter(|_| more).map(before),
        ),
    };
    Ok(Page {
        rows: fetched,
        next,
        prev,
    })
}

/// The groups of `a` (see `Aggregate`): one `SELECT … GROUP BY`.
pub(super) async fn aggregate(c: &mut Conn<'_>, a: &Aggregate) -> Result<Vec<Group>, StoreError> {
    let table = a.table;
    for col in a.group_by.iter().chain(&a.min).chain(&a.max) {
        check(table, col)?;
    }
    if let Some(s) = a.sum
        && !matches!(check(table, s)?, Kind::Real | Kind::Int)
    {
        return Err(StoreError::Invalid {
            table: table.name(),
            column: s.to_string(),
            message: "not a numeric column to sum".into(),
        });
    }
    let mut sql = Sql::default();
    let wh = conds_sql(table, &a.conds, &mut sql)?;
    let mut select: Vec<String> = a
        .group_by
        .iter()
        .map(|g| format!("CAST({g} AS TEXT)"))
        .collect();
    select.push("COUNT(*)".into());
    select.push(match a.sum {
        Some(s) => format!("CAST(SUM({s}) AS DOUBLE PRECISION)"),
        None => "NULL".into(),
    });
    for (f, col) in [("MIN", a.min), ("MAX", a.max)] {
        select.push(match col {
            Some(m) => format!("CAST({f}({m}) AS TEXT)"),
            None => "NULL".into(),
        });
    }
    sql.text = format!(
        "SELECT {} FROM {} WHERE {wh}",
        select.join(", "),
        table.name()
    );
    if !a.group_by.is_empty() {
        sql.text
            .push_str(&format!(" GROUP BY {}", a.group_by.join(", ")));
    }
    let n = a.group_by.len();
    let text = |r: &DbRow, i: usize| -> Result<Option<String>, StoreError> {
        Ok(r.text(i)?.map(str::to_string))
    };
    c.fetch(&sql.text, &sql.args)
        .await?
        .iter()
        .map(|r| {
            Ok(Group {
                keys: (0..n)
                    .map(|i| text(r, i))
                    .collect::<Result<_, StoreError>>()?,
                count: r.int(n)?.unwrap_or(0),
                sum: match a.sum {
                    Some(_) => r.real(n + 1)?,
                    None => None,
                },
                min: match a.min {
                    Some(_) => text(r, n + 2)?,
                    None => None,
                },
                max: match a.max {
                    Some(_) => text(r, n + 3)?,
                    None => None,
                },
            })
        })
        .collect()
}

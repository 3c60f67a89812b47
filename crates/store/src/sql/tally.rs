//! Writes and reads the counters of `crate::tally` (table `tally`, migration 0023). `apply` runs
//! inside the write transaction right after the rows it counts, so the counters commit or roll
//! back with them; it adds each net change with a multi-row upsert (`INSERT … ON CONFLICT DO
//! UPDATE SET n = tally.n + excluded.n`, the same text on both engines).

use super::reader::Conn;
use crate::decode::{Cells, DbRow};
use crate::{
    StoreError,
    tally::{Deltas, Tally, TallyKind},
};
use sqlx::{AnyConnection, AssertSqlSafe, Row};
use std::collections::{BTreeMap, BTreeSet};

/// Counter rows per upsert (5 parameters each: SQLite's `$n` lookup grows with their number).
const ROWS_PER_STATEMENT: usize = 100;

/// Adds `d` to the counters (resolving adverse events to their patient's indication first).
pub(super) async fn apply(conn: &mut AnyConnection, mut d: Deltas) -> Result<(), StoreError> {
    if !d.by_patient.is_empty() {
        let patients: BTreeSet<&str> = d.by_patient.iter().map(|(p, _, _)| p.as_str()).collect();
        let patients: Vec<&str> = patients.into_iter().collect();
        let mut indication = BTreeMap::new();
        for chunk in patients.chunks(500) {
            let params: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let sql = format!(
                "SELECT id, indication FROM patient WHERE id IN ({})",
                params.join(", ")
            );
            let mut q = sqlx::query(AssertSqlSafe(sql)).persistent(false);
            for p in chunk {
                q = q.bind(p.to_string());
            }
            for r in q.fetch_all(&mut *conn).await? {
                let id: String = r.try_get(0)?;
                let ind: Option<String> = r.try_get(1)?;
                if let Some(ind) = ind {
                    indication.insert(id, ind);
                }
            }
        }
        for (p, key, sign) in std::mem::take(&mut d.by_patient) {
            if let Some(ind) = indication.get(&p) {
                d.bump(TallyKind::IndicationAdverseEvents, ind, &key, sign, 0.0);
            }
        }
    }
    let rows: Vec<_> = d
        .changes
        .into_iter()
        .filter(|(_, (n, a))| *n != 0 || *a != 0.0)
        .collect();
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let mut sql = String::from("INSERT INTO tally (kind, subject, key, n, amount) VALUES ");
        for i in 0..chunk.len() {
            if i > 0 {
                sql.push_str(", ");
            }
            let b = i * 5;
            sql.push_str(&format!(
                "(${}, ${}, ${}, ${}, ${})",
                b + 1,
                b + 2,
                b + 3,
                b + 4,
                b + 5
            ));
        }
        sql.push_str(
            " ON CONFLICT (kind, subject, key) DO UPDATE SET n = tally.n + excluded.n, \
             amount = tally.amount + excluded.amount",
        );
        let mut q = sqlx::query(AssertSqlSafe(sql)).persistent(false);
        for ((kind, subject, key), (n, amount)) in chunk {
            q = q
                .bind(kind.as_str())
                .bind(subject.clone())
                .bind(key.clone())
                .bind(*n)
                .bind(*amount);
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

/// The counters of `kind` (of one `subject` if given; keys up to `key_at_most` if given), by
/// subject and key. Rows counted down to zero are left out.
pub(super) async fn read(
    c: &mut Conn<'_>,
    kind: TallyKind,
    subject: Option<&str>,
    key_at_most: Option<&str>,
) -> Result<Vec<Tally>, StoreError> {
    let mut sql = String::from("SELECT subject, key, n, amount FROM tally WHERE kind = $1");
    let mut args = vec![kind.as_str().to_string()];
    if let Some(s) = subject {
        args.push(s.to_string());
        sql.push_str(&format!(" AND subject = ${}", args.len()));
    }
    if let Some(k) = key_at_most {
        args.push(k.to_string());
        sql.push_str(&format!(" AND key <= ${}", args.len()));
    }
    sql.push_str(" AND n <> 0 ORDER BY subject, key");
    c.fetch(&sql, &args).await?.iter().map(tally).collect()
}

fn tally(r: &DbRow) -> Result<Tally, StoreError> {
    let text =
        |i: usize| -> Result<String, StoreError> { Ok(r.text(i)?.unwrap_or_default().to_string()) };
    Ok(Tally {
        subject: text(0)?,
        key: text(1)?,
        n: r.int(2)?.unwrap_or(0),
        amount: r.real(3)?.unwrap_or(0.0),
    })
}

/// The counters of `kind` of these `subjects`, by subject and key (rows counted down to zero left
/// out): one `subject IN (…)` on the primary key per 500 subjects.
pub(super) async fn read_subjects(
    c: &mut Conn<'_>,
    kind: TallyKind,
    subjects: &[String],
) -> Result<Vec<Tally>, StoreError> {
    let mut out = Vec::new();
    for chunk in subjects.chunks(500) {
        let params: Vec<String> = (2..chunk.len() + 2).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT subject, key, n, amount FROM tally WHERE kind = $1 AND subject IN ({}) \
             AND n <> 0 ORDER BY subject, key",
            params.join(", ")
        );
        let mut args = vec![kind.as_str().to_string()];
        args.extend(chunk.iter().cloned());
        for r in c.fetch_once(&sql, &args).await? {
            out.push(tally(&r)?);
        }
    }
    out.sort_by(|a, b| (&a.subject, &a.key).cmp(&(&b.subject, &b.key)));
    Ok(out)
}

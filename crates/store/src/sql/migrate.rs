//! Applies the embedded migrations in order, each in its own transaction, recording them in
//! `schema_migration`. Hand-written (a dozen lines) rather than `sqlx::migrate!` because the one
//! migration source serves two backends through the `Any` driver.

use crate::StoreError;
use sqlx::{AnyPool, AssertSqlSafe, Row};

/// (version, name, SQL) of every migration, oldest first.
pub const MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "init", include_str!("../../migrations/0001_init.sql")),
    (2, "qc", include_str!("../../migrations/0002_qc.sql")),
    (3, "auth", include_str!("../../migrations/0003_auth.sql")),
    (
        4,
        "clinical",
        include_str!("../../migrations/0004_clinical.sql"),
    ),
    (6, "doors", include_str!("../../migrations/0006_doors.sql")),
    (
        7,
        "paged_reads",
        include_str!("../../migrations/0007_paged_reads.sql"),
    ),
    (
        8,
        "records",
        include_str!("../../migrations/0008_records.sql"),
    ),
    (
        9,
        "isbt_divisions",
        include_str!("../../migrations/0009_isbt_divisions.sql"),
    ),
    (
        10,
        "plate_runs",
        include_str!("../../migrations/0010_plate_runs.sql"),
    ),
    (
        11,
        "flat_pages",
        include_str!("../../migrations/0011_flat_pages.sql"),
    ),
    (
        12,
        "facility",
        include_str!("../../migrations/0012_facility.sql"),
    ),
    (
        13,
        "shipments",
        include_str!("../../migrations/0013_shipments.sql"),
    ),
    (
        14,
        "exposure_by_patient",
        include_str!("../../migrations/0014_exposure_by_patient.sql"),
    ),
    (
        16,
        "harvest_fill_place",
        include_str!("../../migrations/0016_harvest_fill_place.sql"),
    ),
    (
        17,
        "clinic",
        include_str!("../../migrations/0017_clinic.sql"),
    ),
    (
        19,
        "master_batch_records",
        include_str!("../../migrations/0019_master_batch_records.sql"),
    ),
    (
        21,
        "limits_and_returns",
        include_str!("../../migrations/0021_limits_and_returns.sql"),
    ),
    (
        22,
        "step_place_corrections",
        include_str!("../../migrations/0022_step_place_corrections.sql"),
    ),
    (
        23,
        "tallies",
        include_str!("../../migrations/0023_tallies.sql"),
    ),
    (
        24,
        "lot_tallies",
        include_str!("../../migrations/0024_lot_tallies.sql"),
    ),
    (
        25,
        "bounded_reads",
        include_str!("../../migrations/0025_bounded_reads.sql"),
    ),
    (
        26,
        "manufacturing_lists",
        include_str!("../../migrations/0026_manufacturing_lists.sql"),
    ),
];

/// Splits a migration into statements: each ends with `;` at the end of a line; `--` lines are comments.
pub fn statements(sql: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for line in sql.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with("--") || trimmed.is_empty() {
            continue;
        }
        cur.push_str(line);
        cur.push('\n');
        if trimmed.ends_with(';') {
            out.push(cur.trim().trim_end_matches(';').to_string());
            cur.clear();
        }
    }
    if !cur.trim().is_empty() {
        out.push(cur.trim().to_string());
    }
    out
}

/// Versions not yet applied (all of them on an empty database).
pub async fn pending(pool: &AnyPool) -> Result<Vec<i64>, StoreError> {
    let done: Vec<i64> = match sqlx::query("SELECT version FROM schema_migration")
        .fetch_all(pool)
        .await
    {
        Ok(rows) => rows
            .iter()
            .map(|r| r.try_get::<i64, _>(0))
            .collect::<Result<_, _>>()?,
        // Only a missing table means "nothing applied yet"; any other failure is reported as it is.
        Err(sqlx::Error::Database(e)) if is_missing_table(e.code().as_deref(), e.message()) => {
            Vec::new()
        }
        Err(e) => return Err(e.into()),
    };
    Ok(MIGRATIONS
        .iter()
        .map(|m| m.0)
        .filter(|v| !done.contains(v))
        .collect())
}

fn is_missing_table(code: Option<&str>, message: &str) -> bool {
    code == Some("42P01") || message.contains("no such table")
}

/// Brings the schema up to date; returns the versions applied now.
pub async fn migrate(pool: &AnyPool) -> Result<Vec<i64>, StoreError> {
    sqlx::query(
        "CREATE TABLE IF NOT EXISTS schema_migration (version BIGINT PRIMARY KEY, name TEXT NOT NULL)",
    )
    .execute(pool)
    .await?;
    let done: Vec<i64> = sqlx::query("SELECT version FROM schema_migration")
        .fetch_all(pool)
        .await?
        .iter()
        .map(|r| r.try_get::<i64, _>(0))
        .collect::<Result<_, _>>()?;
    let mut applied = Vec::new();
    for (version, name, sql) in MIGRATIONS {
        if done.contains(version) {
            continue;
        }
        let wrap = |source| StoreError::Migration {
            version: *version,
            name,
            source,
        };
        let mut tx = pool.begin().await.map_err(wrap)?;
        for stmt in statements(sql) {
            sqlx::query(AssertSqlSafe(stmt))
                .execute(&mut *tx)
                .await
                .map_err(wrap)?;
        }
        sqlx::query("INSERT INTO schema_migration (version, name) VALUES ($1, $2)")
            .bind(*version)
            .bind(name.to_string())
            .execute(&mut *tx)
            .await
            .map_err(wrap)?;
        tx.commit().await.map_err(wrap)?;
        applied.push(*version);
    }
    Ok(applied)
}

#[cfg(test)]
mod tests {
    #[test]
    fn statements_split_on_line_ending_semicolons() {
        let s = super::statements("-- c\nCREATE TABLE a (x TEXT);\n\nCREATE INDEX i\n ON a (x);\n");
        assert_eq!(
            s,
            vec!["CREATE TABLE a (x TEXT)", "CREATE INDEX i\n ON a (x)"]
        );
    }
}

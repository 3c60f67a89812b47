//! Durability of acknowledged writes. GMP records must survive not only a crash of the process but
//! power loss and an OS crash: SQLite runs WAL with `synchronous = FULL` (every commit fsyncs the
//! WAL; NORMAL would only fsync at checkpoints and can lose the last acknowledged transactions);
//! `SECRETOME_SQLITE_SYNCHRONOUS=NORMAL` trades that for speed where a site accepts it (measured in
//! BENCHMARKS.md). PostgreSQL is durable unless the server runs with `synchronous_commit = off`,
//! which `durability_warning` reports at start-up.

use crate::{StoreError, store::Backend};
use sqlx::Row;

/// The SQLite `synchronous` level: FULL unless the environment asks for NORMAL.
pub(super) fn sqlite_synchronous() -> &'static str {
    match std::env::var("SECRETOME_SQLITE_SYNCHRONOUS")
        .unwrap_or_default()
        .to_ascii_uppercase()
        .as_str()
    {
        "NORMAL" => "NORMAL",
        _ => "FULL",
    }
}

impl super::SqlStore {
    /// A warning for the operator when acknowledged writes may be lost on a crash of the machine:
    /// PostgreSQL's `synchronous_commit` off, or SQLite below FULL.
    pub async fn durability_warning(&self) -> Result<Option<String>, StoreError> {
        let (sql, ok): (&str, fn(&str) -> bool) = match self.backend {
            Backend::Postgres => ("SHOW synchronous_commit", |v| v != "off"),
            Backend::Sqlite => (
                "SELECT CAST(synchronous AS TEXT) FROM pragma_synchronous",
                |v| v == "2" || v == "3",
            ),
        };
        let v: String = sqlx::query(sql).fetch_one(&self.pool).await?.try_get(0)?;
        Ok((!ok(&v)).then(|| match self.backend {
            Backend::Postgres => "PostgreSQL runs with synchronous_commit = off: acknowledged writes can be lost if the server crashes (set it to on for GMP records)".to_string(),
            Backend::Sqlite => format!("SQLite runs with synchronous = {v} (not FULL): acknowledged writes can be lost on power loss or an OS crash"),
        }))
    }
}

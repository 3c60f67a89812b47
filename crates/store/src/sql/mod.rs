//! `SqlStore`: the `Store` implementation for SQLite and PostgreSQL. Both speak the same SQL (numbered
//! `$n` parameters, TEXT/BIGINT/DOUBLE PRECISION, recursive CTEs); what differs — connection
//! settings, how a write transaction takes the audit chain's lock — is chosen by `Backend` here.

mod bulk;
mod checker;
mod durability;
mod idempotency;
mod latest;
mod migrate;
mod page;
mod reader;
mod reads;
mod tally;
mod tx;
mod verify;
mod verify_pg;
mod verify_sqlite;

pub use migrate::{MIGRATIONS, statements};

use crate::{StoreError, store::Backend};
use sqlx::{AnyPool, AssertSqlSafe, Executor, Row as _, any::AnyPoolOptions};
use std::{sync::Arc, time::Duration};

#[derive(Clone)]
pub struct SqlStore {
    pool: AnyPool,
    backend: Backend,
    /// PostgreSQL: the URL and schema connected to, for the connection `audit verify` streams
    /// with `COPY` (sqlx's `Any` driver has no `COPY`).
    pg: Option<(String, Option<String>)>,
    /// SQLite (a file): the read-only connections that reads outside a transaction use (see
    /// reader.rs).
    reader: Option<Arc<reader::Reader>>,
}

/// Turns `sqlite://PATH` or `postgres://…` into a backend and a driver URL; a SQLite file is
/// created only when `create` is set (demo, migrate), so a mistyped path is an error elsewhere.
pub fn parse_url(url: &str, create: bool) -> Result<(Backend, String), StoreError> {
    if let Some(path) = url.strip_prefix("sqlite://") {
        let path = path.split('?').next().unwrap_or(path);
        if path.is_empty() {
            return Err(StoreError::BadUrl(url.to_string()));
        }
        if !create && !std::path::Path::new(path).exists() {
            return Err(StoreError::BadUrl(format!(
                "{url}: no such database file (run `secretome migrate --db {url}` to create one)"
            )));
        }
        let mode = if create { "rwc" } else { "rw" };
        Ok((Backend::Sqlite, format!("sqlite://{path}?mode={mode}")))
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok((Backend::Postgres, url.to_string()))
    } else {
        Err(StoreError::BadUrl(url.to_string()))
    }
}

impl SqlStore {
    /// Connects (creating a SQLite file if missing). Does not migrate.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        Self::open(url, None, true).await
    }

    /// Connects to an existing database (a missing SQLite file is an error, not a new file).
    pub async fn connect_existing(url: &str) -> Result<Self, StoreError> {
        Self::open(url, None, false).await
    }

    /// As `connect`; on PostgreSQL, every connection works in `schema` (created if missing) —
    /// how tests get a database of their own.
    pub async fn connect_in_schema(url: &str, schema: Option<&str>) -> Result<Self, StoreError> {
        Self::open(url, schema, true).await
    }

    async fn open(url: &str, schema: Option<&str>, create: bool) -> Result<Self, StoreError> {
        sqlx::any::install_default_drivers();
        let (backend, driver_url) = parse_url(url, create)?;
        if let (Backend::Postgres, Some(s)) = (backend, schema) {
            check_schema_name(s)?;
            let admin = AnyPoolOptions::new()
                .max_connections(1)
                .connect(&driver_url)
                .await?;
            admin
                .execute(AssertSqlSafe(format!("CREATE SCHEMA IF NOT EXISTS {s}")))
                .await?;
            admin.close().await;
        }
        let schema = schema.map(str::to_string);
        let pg = (backend == Backend::Postgres).then(|| (driver_url.clone(), schema.clone()));
        let sync = durability::sqlite_synchronous();
        let pool = AnyPoolOptions::new()
            .max_connections(match backend {
                Backend::Sqlite => 4,
                Backend::Postgres => 8,
            })
            .acquire_timeout(Duration::from_secs(30))
            .after_connect(move |conn, _meta| {
                let schema = schema.clone();
                Box::pin(async move {
                    match backend {
                        Backend::Sqlite => {
                            conn.execute("PRAGMA journal_mode = WAL").await?;
                            conn.execute("PRAGMA foreign_keys = ON").await?;
                            conn.execute("PRAGMA busy_timeout = 30000").await?;
                            // FULL: an acknowledged write survives power loss and OS crashes too
                            // (NORMAL in WAL mode may lose the last commits); see durability.rs.
                            conn.execute(AssertSqlSafe(format!("PRAGMA synchronous = {sync}")))
                                .await?;
                        }
                        Backend::Postgres => {
                            if let Some(s) = schema {
                                conn.execute(AssertSqlSafe(format!("SET search_path TO {s}")))
                                    .await?;
                            }
                        }
                    }
                    Ok(())
                })
            })
            .connect(&driver_url)
            .await?;
        let reader = match backend {
            Backend::Sqlite => {
                sqlx::query("SELECT file FROM pragma_database_list WHERE name = 'main'")
                    .fetch_optional(&pool)
                    .await?
                    .and_then(|r| r.try_get::<String, _>(0).ok())
                    .filter(|f| !f.is_empty())
                    .map(reader::Reader::new)
            }
            Backend::Postgres => None,
        };
        Ok(SqlStore {
            pool,
            backend,
            pg,
            reader,
        })
    }

    /// Applies pending migrations; returns the versions applied.
    pub async fn migrate(&self) -> Result<Vec<i64>, StoreError> {
        migrate::migrate(&self.pool).await
    }

    /// Migrations not yet applied.
    pub async fn pending_migrations(&self) -> Result<Vec<i64>, StoreError> {
        migrate::pending(&self.pool).await
    }

    /// The pool, for tests that must reach behind the application (tampering, schema checks).
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

fn check_schema_name(s: &str) -> Result<(), StoreError> {
    let ok = !s.is_empty()
        && s.len() <= 63
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && s.chars().next().is_some_and(|c| c.is_ascii_lowercase());
    if ok {
        Ok(())
    } else {
        Err(StoreError::BadUrl(format!("schema name {s:?}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_parsed_or_refused() {
        assert_eq!(
            parse_url("sqlite://demo.db", true).unwrap(),
            (Backend::Sqlite, "sqlite://demo.db?mode=rwc".into())
        );
        assert_eq!(
            parse_url("sqlite:///tmp/a.db", true).unwrap().1,
            "sqlite:///tmp/a.db?mode=rwc"
        );
        let e = parse_url("sqlite:///no/such/dir/x.db", false)
            .unwrap_err()
            .to_string();
        assert!(e.contains("no such database file"), "{e}");
        assert_eq!(
            parse_url("postgres://u@h/db", false).unwrap().0,
            Backend::Postgres
        );
        assert!(parse_url("mysql://x", true).is_err());
        assert!(parse_url("demo.db", true).is_err());
        assert!(check_schema_name("t_1").is_ok());
        assert!(check_schema_name("x; DROP").is_err());
    }
}

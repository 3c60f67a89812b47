//! Test support shared by every crate's tests: a fresh, migrated store per test on each backend —
//! a new SQLite file always, and a new PostgreSQL schema when `SECRETOME_TEST_DATABASE_URL` is set.
//! Without that variable the PostgreSQL run is skipped, and says so on stderr.

use crate::{AuditCtx, SqlStore, store::Backend};
use std::sync::atomic::{AtomicU64, Ordering};

/// The variable that points tests at PostgreSQL, e.g. `postgres://postgres@127.0.0.1:5432/test`.
pub const PG_ENV: &str = "SECRETOME_TEST_DATABASE_URL";

static COUNTER: AtomicU64 = AtomicU64::new(0);

fn unique(label: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let clean: String = label
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .take(24)
        .collect();
    format!(
        "t_{clean}_{}_{}_{}",
        std::process::id(),
        nanos % 1_000_000_000,
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// A new migrated SQLite store in a fresh file under the system temp dir; returns it and its URL.
pub async fn sqlite_store(label: &str) -> (SqlStore, String) {
    let dir = std::env::temp_dir().join("secretome-tests");
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(format!("{}.db", unique(label)));
    let url = format!("sqlite://{}", path.display());
    let store = SqlStore::connect(&url).await.expect("connect sqlite");
    store.migrate().await.expect("migrate sqlite");
    (store, url)
}

/// A new migrated PostgreSQL store in a schema of its own, or None (printing SKIPPED) when
/// `SECRETOME_TEST_DATABASE_URL` is not set.
pub async fn postgres_store(label: &str) -> Option<(SqlStore, String)> {
    let Ok(base) = std::env::var(PG_ENV) else {
        // CI runs every test: there, a missing database is a failure, not a skip.
        assert!(
            std::env::var_os("CI").is_none(),
            "CI is set but {PG_ENV} is not: PostgreSQL tests cannot be skipped in CI"
        );
        eprintln!("SKIPPED: PostgreSQL run of `{label}` ({PG_ENV} is not set)");
        return None;
    };
    let schema = unique(label);
    let store = SqlStore::connect_in_schema(&base, Some(&schema))
        .await
        .expect("connect postgres");
    store.migrate().await.expect("migrate postgres");
    let sep = if base.contains('?') { '&' } else { '?' };
    let url = format!("{base}{sep}options=-csearch_path%3D{schema}");
    Some((store, url))
}

/// Every backend this run tests: SQLite, and PostgreSQL when configured.
pub async fn stores(label: &str) -> Vec<(Backend, SqlStore)> {
    let mut out = vec![(Backend::Sqlite, sqlite_store(label).await.0)];
    if let Some((pg, _)) = postgres_store(label).await {
        out.push((Backend::Postgres, pg));
    }
    out
}

/// The audit context of a test's write: a fixed actor and time, the given action, no reason.
pub fn ctx(action: &str) -> AuditCtx {
    AuditCtx {
        actor: "tester".into(),
        at: "2026-11-25T00:00:00.000000Z".into(),
        action: action.into(),
        reason: None,
    }
}

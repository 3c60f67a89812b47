//! Acknowledged writes are durable by default on both engines, and a PostgreSQL server that would
//! lose them (`synchronous_commit = off`) is reported at start-up.

use secretome_store::{SqlStore, testing::stores};
use sqlx::Row;

#[tokio::test]
async fn acknowledged_writes_are_durable_by_default() {
    for (backend, store) in stores("durable").await {
        assert_eq!(
            store.durability_warning().await.unwrap(),
            None,
            "{backend:?}"
        );
        if backend == secretome_store::Backend::Sqlite {
            let level: i64 = sqlx::query("PRAGMA synchronous")
                .fetch_one(store.pool())
                .await
                .unwrap()
                .try_get(0)
                .unwrap();
            assert_eq!(level, 2, "synchronous = FULL");
        }
    }
}

#[tokio::test]
async fn postgres_without_synchronous_commit_is_reported() {
    let Ok(base) = std::env::var(secretome_store::testing::PG_ENV) else {
        eprintln!("SKIPPED: PostgreSQL run of `synchronous_commit` check");
        return;
    };
    let sep = if base.contains('?') { '&' } else { '?' };
    let store = SqlStore::connect(&format!("{base}{sep}options=-csynchronous_commit%3Doff"))
        .await
        .unwrap();
    let w = store.durability_warning().await.unwrap().unwrap();
    assert!(w.contains("synchronous_commit = off"), "{w}");
}

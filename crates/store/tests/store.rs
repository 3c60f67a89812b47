//! The store on both backends: schema matches the code's description, writes are audited, failed
//! transactions leave nothing behind, constraint violations come back typed.

use secretome_store::{
    Backend, Snapshot, Store, StoreError, Table, VerifyOutcome,
    testing::{ctx, stores},
};
use serde_json::json;
use sqlx::{AssertSqlSafe, Row};

fn site(id: &str) -> Snapshot {
    Snapshot::from_object(
        Table::Site,
        json!({"id": id, "name": "CPC", "time_zone": "Asia/Tokyo", "created_at": "2026-11-25T00:00:00.000000Z"}),
    )
    .unwrap()
}

#[tokio::test]
async fn live_schema_matches_the_code_on_every_backend() {
    for (backend, store) in stores("schema").await {
        for table in Table::ALL {
            let names: Vec<String> = match backend {
                Backend::Sqlite => sqlx::query(AssertSqlSafe(format!("PRAGMA table_info({})", table.name())))
                    .fetch_all(store.pool())
                    .await
                    .unwrap()
                    .iter()
                    .map(|r| r.try_get::<String, _>(1).unwrap())
                    .collect(),
                Backend::Postgres => sqlx::query(
                    "SELECT CAST(column_name AS TEXT) FROM information_schema.columns \
                     WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
                )
                .bind(table.name().to_string())
                .fetch_all(store.pool())
                .await
                .unwrap()
                .iter()
                .map(|r| r.try_get::<String, _>(0).unwrap())
                .collect(),
            };
            let expected: Vec<&str> = table.columns().iter().map(|(c, _)| *c).collect();
            assert_eq!(names, expected, "{backend:?} {}", table.name());
        }
    }
}

#[tokio::test]
async fn sqlite_runs_with_wal_and_foreign_keys() {
    let (store, _) = secretome_store::testing::sqlite_store("pragmas").await;
    let mode: String = sqlx::query("PRAGMA journal_mode")
        .fetch_one(store.pool())
        .await
        .unwrap()
        .try_get(0)
        .unwrap();
    assert_eq!(mode, "wal");
    let fk: i64 = sqlx::query("PRAGMA foreign_keys")
        .fetch_one(store.pool())
        .await
        .unwrap()
        .try_get(0)
        .unwrap();
    assert_eq!(fk, 1);
}

#[tokio::test]
async fn every_write_is_audited_and_verifies() {
    for (backend, store) in stores("audited").await {
        let mut tx = store.begin().await.unwrap();
        tx.insert(site("S1"), &ctx("site.create")).await.unwrap();
        let mut changed = site("S1");
        changed.values.insert("name", json!("CPC Tokyo"));
        tx.update(changed, &ctx("site.rename")).await.unwrap();
        tx.commit().await.unwrap();
        let events = store.events_for(Table::Site, "S1").await.unwrap();
        assert_eq!(events.len(), 2, "{backend:?}");
        assert_eq!(events[0].before, None);
        assert!(events[1].before.as_deref().unwrap().contains("\"CPC\""));
        assert!(events[1].after.as_deref().unwrap().contains("CPC Tokyo"));
        assert_eq!(events[1].prev_hash, events[0].hash);
        assert_eq!(
            store.verify().await.unwrap(),
            VerifyOutcome::Intact { events: 2, rows: 1 }
        );
    }
}

#[tokio::test]
async fn failed_transaction_writes_nothing() {
    for (backend, store) in stores("rollback").await {
        let mut tx = store.begin().await.unwrap();
        tx.insert(site("S1"), &ctx("site.create")).await.unwrap();
        tx.commit().await.unwrap();

        let mut tx = store.begin().await.unwrap();
        tx.insert(site("S2"), &ctx("site.create")).await.unwrap();
        let dup = tx
            .insert(site("S1"), &ctx("site.create"))
            .await
            .unwrap_err();
        assert!(
            matches!(dup, StoreError::Duplicate { table: "site", .. }),
            "{backend:?}: {dup}"
        );
        drop(tx);
        assert!(
            store.get(Table::Site, "S2").await.unwrap().is_none(),
            "{backend:?}"
        );
        assert_eq!(store.event_count().await.unwrap(), 1, "{backend:?}");
        assert!(matches!(
            store.verify().await.unwrap(),
            VerifyOutcome::Intact { .. }
        ));
    }
}

#[tokio::test]
async fn dangling_reference_and_constraints_are_typed() {
    for (backend, store) in stores("dangling").await {
        let user = Snapshot::from_object(
            Table::User,
            json!({"id": "u1", "display_name": "U", "site": "NOPE", "roles": ["qa"], "active": true, "created_at": "t"}),
        )
        .unwrap();
        let mut tx = store.begin().await.unwrap();
        let e = tx.insert(user, &ctx("user.create")).await.unwrap_err();
        assert!(
            matches!(
                e,
                StoreError::Dangling {
                    table: "app_user",
                    ..
                }
            ),
            "{backend:?}: {e}"
        );
        drop(tx);
        assert_eq!(store.event_count().await.unwrap(), 0);
    }
}

#[tokio::test]
async fn corrections_need_a_reason() {
    for (_, store) in stores("reason").await {
        let mut tx = store.begin().await.unwrap();
        tx.insert(site("S1"), &ctx("site.create")).await.unwrap();
        let e = tx
            .update(site("S1"), &ctx("site.correct"))
            .await
            .unwrap_err();
        assert!(matches!(e, StoreError::ReasonRequired { .. }));
        let mut c = ctx("site.correct");
        c.reason = Some("typo in name".into());
        tx.update(site("S1"), &c).await.unwrap();
        tx.commit().await.unwrap();
        let ev = store.events_for(Table::Site, "S1").await.unwrap();
        assert_eq!(ev[1].reason.as_deref(), Some("typo in name"));
    }
}

#[tokio::test]
async fn a_transaction_whose_write_failed_cannot_be_committed() {
    for (backend, store) in stores("poisoned").await {
        let mut tx = store.begin().await.unwrap();
        tx.insert(site("S1"), &ctx("site.create")).await.unwrap();
        tx.commit().await.unwrap();

        // A caller that ignores a failed write and commits anyway gets an error, and nothing of
        // the transaction is written (SQLite would otherwise keep the statements that succeeded).
        let mut tx = store.begin().await.unwrap();
        tx.insert(site("S2"), &ctx("site.create")).await.unwrap();
        let _ignored = tx.insert(site("S1"), &ctx("site.create")).await;
        // (PostgreSQL refuses every statement after a failed one; SQLite would carry on.)
        let _also = tx.insert(site("S3"), &ctx("site.create")).await;
        let e = tx.commit().await.unwrap_err();
        assert!(matches!(e, StoreError::Poisoned), "{backend:?}: {e}");
        for id in ["S2", "S3"] {
            assert!(
                store.get(Table::Site, id).await.unwrap().is_none(),
                "{backend:?} {id}"
            );
        }
        assert_eq!(store.event_count().await.unwrap(), 1, "{backend:?}");
        assert!(matches!(
            store.verify().await.unwrap(),
            VerifyOutcome::Intact { .. }
        ));
    }
}

#[tokio::test]
async fn a_read_transaction_keeps_its_snapshot_and_head_and_cannot_write() {
    for (backend, store) in stores("read_only").await {
        let mut tx = store.begin().await.unwrap();
        tx.insert(site("S1"), &ctx("site.create")).await.unwrap();
        tx.commit().await.unwrap();

        let mut read = store.begin_read().await.unwrap();
        let head = read.chain_head().await.unwrap();
        assert!(head >= 1, "{backend:?}");
        assert!(read.get(Table::Site, "S1").await.unwrap().is_some());
        // A write committed meanwhile (not blocked by the read transaction: it holds no lock) …
        let mut tx = store.begin().await.unwrap();
        tx.insert(site("S2"), &ctx("site.create")).await.unwrap();
        assert_eq!(
            tx.chain_head().await.unwrap(),
            head + 1,
            "{backend:?}: the writer sees its own event"
        );
        tx.commit().await.unwrap();
        // … is seen neither in the rows nor in the head of the snapshot,
        assert!(
            read.get(Table::Site, "S2").await.unwrap().is_none(),
            "{backend:?}"
        );
        assert_eq!(read.chain_head().await.unwrap(), head, "{backend:?}");
        // and writes through it are refused before anything is sent.
        let e = read
            .insert(site("S3"), &ctx("site.create"))
            .await
            .unwrap_err();
        assert!(matches!(e, StoreError::ReadOnly), "{backend:?}: {e}");
        read.commit().await.unwrap();
        // A later transaction sees the new head.
        let mut tx = store.begin().await.unwrap();
        assert_eq!(tx.chain_head().await.unwrap(), head + 1, "{backend:?}");
        // What changed since the snapshot's head, by table: the site, nothing else; and as of
        // the new head, nothing.
        assert!(
            tx.changed_since(head, &[Table::Site]).await.unwrap(),
            "{backend:?}"
        );
        assert!(
            tx.changed_since(head, &[Table::Lot, Table::Site])
                .await
                .unwrap(),
            "{backend:?}"
        );
        assert!(
            !tx.changed_since(head, &[Table::Lot, Table::Vial])
                .await
                .unwrap(),
            "{backend:?}"
        );
        assert!(
            !tx.changed_since(head + 1, &[Table::Site]).await.unwrap(),
            "{backend:?}"
        );
        assert!(!tx.changed_since(head, &[]).await.unwrap(), "{backend:?}");
        drop(tx);
        assert!(store.get(Table::Site, "S3").await.unwrap().is_none());
    }
}

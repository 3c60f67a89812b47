//! Reads outside a transaction (on SQLite: through SQLite's C API on the blocking pool, see
//! `sql/reader.rs`): they see every committed write at once, are not blocked by an open write
//! transaction, decode rows as the transaction's (sqlx) reads do, and on SQLite need no pooled
//! sqlx connection at all.

use secretome_store::{
    Backend, Cond, PageQuery, Snapshot, Store, Table,
    testing::{ctx, sqlite_store, stores},
};
use serde_json::json;
use std::time::Duration;

/// Longer than any of these reads takes; far shorter than the 30 s busy and acquire timeouts a
/// blocked read would wait.
const PROMPT: Duration = Duration::from_secs(5);

fn site(id: &str, name: &str) -> Snapshot {
    Snapshot::from_object(
        Table::Site,
        json!({"id": id, "name": name, "time_zone": "Asia/Tokyo", "created_at": format!("2026-11-25T00:00:{:02}.000000Z", id.len())}),
    )
    .unwrap()
}

fn freezer(id: &str, temperature: f64) -> Snapshot {
    Snapshot::from_object(
        Table::Freezer,
        json!({"id": id, "name": "LN2", "site": "S0", "temperature_c": temperature, "box_rows": 9, "box_cols": 9, "created_at": "2026-11-25T00:00:00.000000Z"}),
    )
    .unwrap()
}

fn name_of(s: &Snapshot) -> &str {
    s.values["name"].as_str().unwrap_or("")
}

#[tokio::test]
async fn a_committed_write_is_read_at_once_by_every_reader() {
    for (backend, store) in stores("reads_fresh").await {
        let store: &dyn Store = &store;
        for i in 0..20 {
            let id = format!("S{i}");
            // Several reads at once first: the reader's connections are open, warm, their
            // statements prepared — any of them that kept an old snapshot would miss the write.
            let before =
                futures_util::future::join_all((0..4).map(|_| store.get(Table::Site, &id))).await;
            assert!(before.iter().all(|r| matches!(r, Ok(None))), "{backend:?}");
            let mut tx = store.begin().await.unwrap();
            tx.insert(site(&id, "first"), &ctx("site.create"))
                .await
                .unwrap();
            tx.commit().await.unwrap();
            let after =
                futures_util::future::join_all((0..4).map(|_| store.get(Table::Site, &id))).await;
            for r in after {
                let row = r
                    .unwrap()
                    .unwrap_or_else(|| panic!("{backend:?}: {id} not seen"));
                assert_eq!(name_of(&row), "first", "{backend:?}");
            }
            let mut tx = store.begin().await.unwrap();
            tx.update(site(&id, "second"), &ctx("site.update"))
                .await
                .unwrap();
            tx.commit().await.unwrap();
            let row = store.get(Table::Site, &id).await.unwrap().unwrap();
            assert_eq!(
                name_of(&row),
                "second",
                "{backend:?}: a stale row after update"
            );
            let events = store.events_for(Table::Site, &id).await.unwrap();
            assert_eq!(events.len(), 2, "{backend:?}: {events:?}");
        }
        let all = store.select(Table::Site, None).await.unwrap();
        assert_eq!(all.len(), 20, "{backend:?}");
    }
}

#[tokio::test]
async fn reads_are_not_blocked_by_an_open_write_transaction() {
    for (backend, store) in stores("reads_unblocked").await {
        let store: &dyn Store = &store;
        let mut tx = store.begin().await.unwrap();
        tx.insert(site("S0", "committed"), &ctx("site.create"))
            .await
            .unwrap();
        tx.commit().await.unwrap();
        // A writer holds the chain's lock (SQLite: `BEGIN IMMEDIATE`) with an uncommitted row.
        let mut writer = store.begin().await.unwrap();
        writer
            .insert(site("S1", "uncommitted"), &ctx("site.create"))
            .await
            .unwrap();
        let reads = async {
            let s0 = store.get(Table::Site, "S0").await.unwrap();
            let s1 = store.get(Table::Site, "S1").await.unwrap();
            let page = store
                .page(Table::Site, &PageQuery::newest("created_at", 10))
                .await
                .unwrap();
            let events = store.events_for(Table::Site, "S1").await.unwrap();
            let groups = store
                .aggregate(Table::Site, &["time_zone"], &[], None, Some("id"))
                .await
                .unwrap();
            (s0, s1, page, events, groups)
        };
        let (s0, s1, page, events, groups) = tokio::time::timeout(PROMPT, reads)
            .await
            .unwrap_or_else(|_| panic!("{backend:?}: a read waited for the writer"));
        assert!(s0.is_some(), "{backend:?}");
        assert!(s1.is_none(), "{backend:?}: an uncommitted row was read");
        assert_eq!(page.rows.len(), 1, "{backend:?}");
        assert!(events.is_empty(), "{backend:?}");
        assert_eq!(groups[0].count, 1, "{backend:?}");
        assert_eq!(groups[0].max.as_deref(), Some("S0"), "{backend:?}");
        writer.commit().await.unwrap();
        assert!(store.get(Table::Site, "S1").await.unwrap().is_some());
    }
}

#[tokio::test]
async fn rows_read_outside_and_inside_a_transaction_decode_alike() {
    for (backend, store) in stores("reads_alike").await {
        let store: &dyn Store = &store;
        let mut tx = store.begin().await.unwrap();
        tx.insert(site("S0", "CPC ü"), &ctx("site.create"))
            .await
            .unwrap();
        // Reals (integral, negative, fractional), integers, NULLs, JSON and booleans.
        for (id, t) in [("F1", -196.0), ("F2", -80.5), ("F3", 4.25)] {
            tx.insert(freezer(id, t), &ctx("freezer.create"))
                .await
                .unwrap();
        }
        let user = Snapshot::from_object(
            Table::User,
            json!({"id": "u1", "display_name": "U", "site": "S0", "roles": ["qa", "qc"], "active": true, "created_at": "2026-11-25T00:00:00.000000Z"}),
        )
        .unwrap();
        tx.insert(user, &ctx("user.create")).await.unwrap();
        tx.commit().await.unwrap();
        let mut snap = store.begin_read().await.unwrap();
        for table in [Table::Site, Table::Freezer, Table::User] {
            let outside = store.select(table, None).await.unwrap();
            let inside = snap.select(table, None).await.unwrap();
            assert!(!outside.is_empty(), "{backend:?} {}", table.name());
            assert_eq!(outside, inside, "{backend:?} {}", table.name());
            let q = PageQuery::newest("id", 10).with(Cond::prefix("id", ""));
            let page = store.page(table, &q).await.unwrap();
            assert_eq!(page.rows.len(), outside.len(), "{backend:?}");
        }
        let temps = store
            .page_columns(
                Table::Freezer,
                &PageQuery::newest("id", 10),
                &["id", "temperature_c", "box_rows"],
            )
            .await
            .unwrap();
        let temps: Vec<f64> = temps
            .rows
            .iter()
            .map(|r| r[1].as_deref().unwrap().parse().unwrap())
            .collect();
        assert_eq!(temps, vec![4.25, -80.5, -196.0], "{backend:?}");
        let sum = store
            .aggregate(Table::Freezer, &[], &[], Some("temperature_c"), None)
            .await
            .unwrap();
        assert_eq!(sum[0].sum, Some(4.25 - 80.5 - 196.0), "{backend:?}");
        snap.commit().await.unwrap();
    }
}

#[tokio::test]
async fn sqlite_reads_need_no_pooled_connection() {
    let (store, _) = sqlite_store("reads_no_pool").await;
    assert_eq!(store.backend(), Backend::Sqlite);
    let mut tx = store.begin().await.unwrap();
    tx.insert(site("S0", "CPC"), &ctx("site.create"))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    // Every connection of the sqlx pool (4) taken: a read through the pool would wait 30 s.
    let mut held = Vec::new();
    for _ in 0..4 {
        held.push(store.pool().acquire().await.unwrap());
    }
    let row = tokio::time::timeout(PROMPT, store.get(Table::Site, "S0"))
        .await
        .expect("the read went through the sqlx pool")
        .unwrap();
    assert!(row.is_some());
    drop(held);
}

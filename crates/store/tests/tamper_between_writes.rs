//! `audit verify`'s per-entity table (`sql/latest.rs`) as an auditor relies on it, on both
//! backends: a row changed behind the application and then legitimately updated is caught by the
//! update's `before`; a row inserted behind the application has no event; a second event of an
//! entity is compared with the first's `after`, across many entities (the table grows past its
//! smallest size), and an untouched history verifies intact.

use secretome_store::{
    FindingKind, Snapshot, SqlStore, Store, Table, VerifyOptions,
    testing::{ctx, stores},
};
use serde_json::json;
use sqlx::AssertSqlSafe;

fn product(id: &str, temp: f64) -> Snapshot {
    Snapshot::from_object(
        Table::Product,
        json!({"id": id, "name": "x", "name_ja": "製品", "shelf_life_days": 30,
               "storage_temperature_c": temp, "created_at": "2026-11-25T00:00:00.000000Z"}),
    )
    .unwrap()
}

async fn exec(store: &SqlStore, sql: &str) {
    sqlx::query(AssertSqlSafe(sql.to_string()))
        .execute(store.pool())
        .await
        .unwrap();
}

async fn report(store: &SqlStore) -> secretome_store::VerifyReport {
    store
        .verify_report(&VerifyOptions::default())
        .await
        .unwrap()
}

#[tokio::test]
async fn changes_between_writes_and_rows_without_events_are_found_among_many_entities() {
    for (backend, store) in stores("tamperbetween").await {
        // More entities than the smallest table (1,024), each written twice.
        let n = 1500;
        let mut tx = store.begin().await.unwrap();
        tx.insert_many(
            (0..n)
                .map(|i| (product(&format!("P-{i}"), 1.0), ctx("product.create")))
                .collect(),
        )
        .await
        .unwrap();
        tx.update_many(
            (0..n)
                .map(|i| (product(&format!("P-{i}"), 2.0), ctx("product.update")))
                .collect(),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let r = report(&store).await;
        assert!(r.is_intact(), "{backend:?}: {r:?}");
        assert_eq!(r.events, 2 * n as u64, "{backend:?}");

        exec(
            &store,
            "UPDATE product SET storage_temperature_c = 9 WHERE id = 'P-7'",
        )
        .await;
        let mut tx = store.begin().await.unwrap();
        tx.update(product("P-7", 3.0), &ctx("product.update"))
            .await
            .unwrap();
        tx.commit().await.unwrap();
        exec(
            &store,
            "INSERT INTO product (id, name, name_ja, shelf_life_days, storage_temperature_c, created_at) \
             VALUES ('P-X', 'x', 'x', 30, 1.0, '2026-11-25T00:00:00.000000Z')",
        )
        .await;
        let r = report(&store).await;
        let count = |k| r.findings.get(&k).map_or(0, |g| g.count);
        assert_eq!(count(FindingKind::Before), 1, "{backend:?}: {r:?}");
        assert!(r.findings[&FindingKind::Before].listed[0].contains("P-7"));
        assert_eq!(count(FindingKind::UnrecordedRow), 1, "{backend:?}: {r:?}");
        assert!(r.findings[&FindingKind::UnrecordedRow].listed[0].contains("P-X"));
        // P-7's row now equals its latest event: nothing else is reported.
        assert_eq!(r.finding_count(), 2, "{backend:?}: {r:?}");
    }
}

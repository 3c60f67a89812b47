//! The demo facility on both backends, and the audit trail catching any single value changed
//! behind the application — in the audit table, or in a donor, lot or vial row.

use secretome_domain::UtcTime;
use secretome_service::{Service, demo};
use secretome_store::{Backend, SqlStore, VerifyOutcome, testing::stores};
use sqlx::{AssertSqlSafe, Row};
use std::sync::Arc;

fn now() -> UtcTime {
    UtcTime::parse("now", "2026-11-25T03:00:00Z").unwrap()
}

#[derive(Clone, Copy, Debug)]
enum K {
    Text,
    Int,
    Real,
}

/// Reads one column of one row as text (for logging) and as a typed value to restore.
async fn read(
    store: &SqlStore,
    table: &str,
    col: &str,
    k: K,
    key: &str,
    keyval: &str,
) -> (Option<String>, Option<i64>, Option<f64>) {
    let sql = format!("SELECT {col} FROM {table} WHERE CAST({key} AS TEXT) = $1");
    let r = sqlx::query(AssertSqlSafe(sql))
        .bind(keyval.to_string())
        .fetch_one(store.pool())
        .await
        .unwrap();
    match k {
        K::Text => (r.try_get(0).unwrap(), None, None),
        K::Int => (None, r.try_get(0).unwrap(), None),
        K::Real => (None, None, r.try_get(0).unwrap()),
    }
}

async fn write(
    store: &SqlStore,
    table: &str,
    col: &str,
    key: &str,
    keyval: &str,
    v: &(Option<String>, Option<i64>, Option<f64>),
    k: K,
) -> bool {
    let sql = format!("UPDATE {table} SET {col} = $1 WHERE CAST({key} AS TEXT) = $2");
    let q = sqlx::query(AssertSqlSafe(sql));
    let q = match k {
        K::Text => q.bind(v.0.clone()),
        K::Int => q.bind(v.1),
        K::Real => q.bind(v.2),
    };
    matches!(q.bind(keyval.to_string()).execute(store.pool()).await, Ok(r) if r.rows_affected() == 1)
}

/// Changes every column of one row in turn; each change must either be refused by the database
/// (constraints) or be found by verify. Restores the value and checks the trail is intact again.
async fn tamper_each_column(
    backend: Backend,
    store: &SqlStore,
    svc: &Service,
    table: &str,
    key: &str,
    keyval: &str,
    cols: &[(&str, K)],
) {
    let mut caught = 0;
    for (col, k) in cols {
        let orig = read(store, table, col, *k, key, keyval).await;
        let candidates = match k {
            K::Text => {
                // The value with a character added; else (CHECK constraints) another row's value.
                let sql = format!(
                    "SELECT {col} FROM {table} WHERE {col} IS NOT NULL AND {col} <> $1 LIMIT 1"
                );
                let other: Option<String> = sqlx::query(AssertSqlSafe(sql))
                    .bind(orig.0.clone().unwrap_or_default())
                    .fetch_optional(store.pool())
                    .await
                    .unwrap()
                    .map(|r| r.try_get(0).unwrap());
                let mut c = vec![(
                    Some(format!("{}x", orig.0.clone().unwrap_or_default())),
                    None,
                    None,
                )];
                c.extend(other.map(|o| (Some(o), None, None)));
                c
            }
            K::Int => vec![(None, Some(orig.1.unwrap_or(0) + 1_000_000), None)],
            K::Real => vec![(None, None, Some(orig.2.unwrap_or(0.0) + 1.0))],
        };
        let new_key = |v: &(Option<String>, Option<i64>, Option<f64>)| -> String {
            if col == &key {
                v.0.clone()
                    .or(v.1.map(|i| i.to_string()))
                    .unwrap_or_default()
            } else {
                keyval.to_string()
            }
        };
        for cand in candidates {
            if !write(store, table, col, key, keyval, &cand, *k).await {
                continue; // the database itself refused the change (constraint): nothing to detect
            }
            let out = svc.verify_audit().await.unwrap();
            assert!(
                matches!(out, VerifyOutcome::Broken { .. }),
                "{backend:?}: change of {table}.{col} not caught"
            );
            caught += 1;
            assert!(
                write(store, table, col, key, &new_key(&cand), &orig, *k).await,
                "restore {table}.{col}"
            );
            assert!(
                matches!(
                    svc.verify_audit().await.unwrap(),
                    VerifyOutcome::Intact { .. }
                ),
                "{backend:?}: restore of {table}.{col}"
            );
            break;
        }
    }
    assert!(
        caught >= cols.len() - 1,
        "{backend:?} {table}: only {caught} of {} changes possible",
        cols.len()
    );
}

#[tokio::test]
async fn demo_facility_is_complete_audited_and_tamper_evident() {
    for (backend, store) in stores("demo").await {
        let svc = Service::new(Arc::new(store.clone()));
        let s = demo::build(&svc, now()).await.unwrap();
        assert!(s.vials >= 200, "{s:?}");
        assert!(s.lots >= 6);
        let lots = svc
            .lots_page(&Default::default(), None, Some(200))
            .await
            .unwrap()
            .rows;
        let states: std::collections::BTreeSet<_> =
            lots.iter().map(|l| l.lot.status.as_str()).collect();
        assert_eq!(states.len(), 5, "{backend:?}: lot states {states:?}");
        let VerifyOutcome::Intact { events, rows } = svc.verify_audit().await.unwrap() else {
            panic!("demo must verify")
        };
        assert_eq!(events as i64, s.events);
        assert!(rows > 500, "{rows}");

        // The lot page's genealogy reaches the donor and every raw material used.
        let d = svc.lot_detail("L-2026-001").await.unwrap();
        assert!(d.upstream.iter().any(|n| n.id == "D-BM-001"));
        assert!(d.upstream.iter().any(|n| n.id == "RM-SFM-2402"));
        assert_eq!(d.vials.len(), 40);
        assert!(d.vials.iter().all(|v| v.status.as_str() == "available"));

        // A middle event, and one donor, lot and vial row: every single value changed is caught.
        let audit_cols = [
            ("seq", K::Int),
            ("at", K::Text),
            ("actor", K::Text),
            ("action", K::Text),
            ("entity_table", K::Text),
            ("entity_id", K::Text),
            ("before", K::Text),
            ("after", K::Text),
            ("reason", K::Text),
            ("prev_hash", K::Text),
            ("hash", K::Text),
        ];
        let mid = (events / 2).to_string();
        tamper_each_column(
            backend,
            &store,
            &svc,
            "audit_event",
            "seq",
            &mid,
            &audit_cols,
        )
        .await;
        let donor_cols = [
            ("id", K::Text),
            ("source", K::Text),
            ("consent_form", K::Text),
            ("consented_at", K::Text),
            ("status", K::Text),
            ("screening", K::Text),
            ("ineligible_reason", K::Text),
            ("registered_at", K::Text),
        ];
        tamper_each_column(
            backend,
            &store,
            &svc,
            "donor",
            "id",
            "D-AD-003",
            &donor_cols,
        )
        .await;
        let lot_cols = [
            ("product", K::Text),
            ("status", K::Text),
            ("volume_ml", K::Real),
            ("created_at", K::Text),
            ("filled_at", K::Text),
            ("expires_at", K::Text),
            ("decided_at", K::Text),
            ("decision_reason", K::Text),
        ];
        tamper_each_column(backend, &store, &svc, "lot", "id", "L-2026-003", &lot_cols).await;
        let vial_cols = [
            ("seq", K::Int),
            ("fill_volume_ml", K::Real),
            ("status", K::Text),
            ("location", K::Text),
            ("expires_at", K::Text),
            ("filled_at", K::Text),
        ];
        tamper_each_column(
            backend,
            &store,
            &svc,
            "vial",
            "id",
            "L-2026-004-0007",
            &vial_cols,
        )
        .await;

        // A row deleted, and a row inserted, behind the application.
        sqlx::query("DELETE FROM genealogy_edge WHERE id = 'lot:L-2026-004>vial:L-2026-004-0040'")
            .execute(store.pool())
            .await
            .unwrap();
        let VerifyOutcome::Broken { finding } = svc.verify_audit().await.unwrap() else {
            panic!("{backend:?}: deletion not caught")
        };
        assert!(finding.contains("deleted"), "{finding}");
    }
}

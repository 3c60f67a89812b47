//! `audit verify` as an auditor relies on it, on both backends: every finding reported and grouped,
//! values of every allowed kind stored and returned byte for byte (negative zero, subnormals, huge
//! floats, decomposed Unicode), control characters refused, and signed checkpoints that catch what
//! the chain alone cannot (truncation, appended forgeries, rewritten-and-rehashed history).

use proptest::prelude::*;
use secretome_store::{
    AuditEvent, FindingKind, Snapshot, SqlStore, Store, StoreError, Table, VerifyOptions,
    VerifyOutcome, checkpoint,
    testing::{ctx, stores},
};
use serde_json::json;
use sqlx::AssertSqlSafe;

fn product(id: &str, name: &str, temp: f64) -> Snapshot {
    Snapshot::from_object(
        Table::Product,
        json!({"id": id, "name": name, "name_ja": "製品", "shelf_life_days": 30,
               "storage_temperature_c": temp, "created_at": "2026-11-25T00:00:00.000000Z"}),
    )
    .unwrap()
}

async fn insert(store: &SqlStore, rows: Vec<Snapshot>) {
    let mut tx = store.begin().await.unwrap();
    for r in rows {
        tx.insert(r, &ctx("product.create")).await.unwrap();
    }
    tx.commit().await.unwrap();
}

async fn exec(store: &SqlStore, sql: &str) {
    sqlx::query(AssertSqlSafe(sql.to_string()))
        .execute(store.pool())
        .await
        .unwrap();
}

#[tokio::test]
async fn negative_zero_and_extreme_floats_verify_intact() {
    for (backend, store) in stores("negzero").await {
        let floats = [-0.0, 5e-324, 1e308, -1e-308, 1e-300, 0.1];
        let rows = floats
            .iter()
            .enumerate()
            .map(|(i, f)| product(&format!("P-{i}"), "x", *f))
            .collect();
        insert(&store, rows).await;
        assert_eq!(
            store.verify().await.unwrap(),
            VerifyOutcome::Intact { events: 6, rows: 6 },
            "{backend:?}"
        );
        let p0 = store.get(Table::Product, "P-0").await.unwrap().unwrap();
        assert_eq!(p0.values["storage_temperature_c"], json!(0.0));
    }
}

#[tokio::test]
async fn control_characters_are_refused_and_unicode_is_kept_as_typed() {
    for (backend, store) in stores("controls").await {
        for bad in ["nul\0byte", "esc\u{1b}[31m", "del\u{7f}", "c1\u{85}"] {
            let e = Snapshot::from_object(
                Table::Site,
                json!({"id": "S-1", "name": bad, "time_zone": "UTC", "created_at": "t"}),
            )
            .unwrap_err();
            assert!(
                matches!(&e, StoreError::Invalid { column, .. } if column == "name"),
                "{e}"
            );
        }
        let nfd = "cafe\u{301} 東京\tline\r\nnext";
        let nfc = "caf\u{e9} 東京\tline\r\nnext";
        insert(
            &store,
            vec![product("P-NFD", nfd, 1.0), product("P-NFC", nfc, 1.0)],
        )
        .await;
        let back = store.get(Table::Product, "P-NFD").await.unwrap().unwrap();
        assert_eq!(back.values["name"], json!(nfd), "{backend:?}: NFD kept");
        let back = store.get(Table::Product, "P-NFC").await.unwrap().unwrap();
        assert_eq!(back.values["name"], json!(nfc), "{backend:?}: NFC kept");
        assert!(
            store.verify().await.unwrap() == VerifyOutcome::Intact { events: 2, rows: 2 },
            "{backend:?}"
        );
    }
}

#[tokio::test]
async fn every_finding_is_reported_grouped_by_kind_with_a_limit() {
    for (backend, store) in stores("allfindings").await {
        insert(
            &store,
            (0..5)
                .map(|i| product(&format!("P-{i}"), "x", 1.0))
                .collect(),
        )
        .await;
        exec(
            &store,
            "UPDATE product SET storage_temperature_c = 9 WHERE id IN ('P-1', 'P-2', 'P-3')",
        )
        .await;
        exec(
            &store,
            "UPDATE audit_event SET actor = 'someone' WHERE seq = 5",
        )
        .await;
        exec(&store, "DELETE FROM product WHERE id = 'P-4'").await;
        let report = store
            .verify_report(&VerifyOptions {
                limit: 2,
                anchors: vec![],
            })
            .await
            .unwrap();
        let count = |k| report.findings.get(&k).map_or(0, |g| g.count);
        assert_eq!(count(FindingKind::ChangedRow), 3, "{backend:?}: {report:?}");
        assert_eq!(report.findings[&FindingKind::ChangedRow].listed.len(), 2);
        assert!(report.limited());
        assert_eq!(count(FindingKind::Hash), 1, "{backend:?}");
        assert_eq!(count(FindingKind::DeletedRow), 1, "{backend:?}");
        assert!(report.findings[&FindingKind::DeletedRow].listed[0].contains("P-4"));
        assert_eq!(report.finding_count(), 5);
    }
}

fn anchors_of(lines: &[String], key: &ed25519_dalek::SigningKey) -> Vec<secretome_store::Anchor> {
    lines
        .iter()
        .map(|l| checkpoint::check_line(l, &[key.verifying_key()]).unwrap())
        .collect()
}

async fn verify_with(
    store: &SqlStore,
    anchors: Vec<secretome_store::Anchor>,
) -> secretome_store::VerifyReport {
    store
        .verify_report(&VerifyOptions { limit: 10, anchors })
        .await
        .unwrap()
}

/// A forged event with a correct hash, made as an attacker with the database (not the key) would.
async fn append_forged(store: &SqlStore, seq: i64, prev_hash: &str, id: &str) -> String {
    let row = product(id, "forged", 1.0);
    let mut ev = AuditEvent {
        seq,
        at: "2026-11-26T00:00:00.000000Z".into(),
        actor: "tester".into(),
        action: "product.create".into(),
        entity_table: "product".into(),
        entity_id: id.into(),
        before: None,
        after: Some(row.canonical()),
        reason: None,
        prev_hash: prev_hash.into(),
        hash: String::new(),
    };
    ev.hash = ev.compute_hash();
    exec(store, &format!(
        "INSERT INTO product (id, name, name_ja, shelf_life_days, storage_temperature_c, created_at) \
         VALUES ('{id}', 'forged', '製品', 30, 1.0, '2026-11-25T00:00:00.000000Z')"
    ))
    .await;
    sqlx::query("INSERT INTO audit_event (seq, at, actor, action, entity_table, entity_id, before, after, reason, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, NULL, $7, NULL, $8, $9)")
        .bind(ev.seq).bind(ev.at.clone()).bind(ev.actor.clone()).bind(ev.action.clone())
        .bind(ev.entity_table.clone()).bind(ev.entity_id.clone()).bind(ev.after.clone())
        .bind(ev.prev_hash.clone()).bind(ev.hash.clone())
        .execute(store.pool()).await.unwrap();
    ev.hash
}

#[tokio::test]
async fn checkpoints_catch_truncation_forged_appends_and_rewritten_history() {
    let key = ed25519_dalek::SigningKey::from_bytes(&[3; 32]);
    for (backend, store) in stores("anchored").await {
        insert(
            &store,
            (0..4)
                .map(|i| product(&format!("P-{i}"), "x", 1.0))
                .collect(),
        )
        .await;
        let (seq, head) = store.head().await.unwrap().unwrap();
        let cp = vec![checkpoint::sign_line(
            &key,
            seq,
            &head,
            "2026-11-25T01:00:00.000000Z",
        )];
        insert(&store, vec![product("P-4", "x", 1.0)]).await;
        // Untampered: intact, one event after the checkpoint not yet anchored.
        let r = verify_with(&store, anchors_of(&cp, &key)).await;
        assert!(r.is_intact(), "{backend:?}: {r:?}");
        assert_eq!((r.anchored.as_ref().unwrap().seq, r.unanchored()), (4, 1));

        // 1. Truncation: the tail (events 4 and 5, their rows) removed — the chain alone is intact.
        let copy = stores("anchored-trunc").await;
        let (_, t) = copy.into_iter().find(|(b, _)| *b == backend).unwrap();
        insert(
            &t,
            (0..4)
                .map(|i| product(&format!("P-{i}"), "x", 1.0))
                .collect(),
        )
        .await;
        let (seq, head) = t.head().await.unwrap().unwrap();
        let tcp = vec![checkpoint::sign_line(
            &key,
            seq,
            &head,
            "2026-11-25T01:00:00.000000Z",
        )];
        exec(&t, "DELETE FROM audit_event WHERE seq >= 3").await;
        exec(&t, "DELETE FROM product WHERE id IN ('P-2', 'P-3')").await;
        assert!(
            matches!(t.verify().await.unwrap(), VerifyOutcome::Intact { .. }),
            "{backend:?}"
        );
        let r = verify_with(&t, anchors_of(&tcp, &key)).await;
        assert_eq!(
            r.findings[&FindingKind::Truncated].count,
            1,
            "{backend:?}: {r:?}"
        );

        // 2. A forged event appended after the checkpoint: chain intact, but it is unanchored.
        let (seq, head) = store.head().await.unwrap().unwrap();
        append_forged(&store, seq + 1, &head, "P-FORGED").await;
        assert!(matches!(
            store.verify().await.unwrap(),
            VerifyOutcome::Intact { .. }
        ));
        let r = verify_with(&store, anchors_of(&cp, &key)).await;
        assert!(r.is_intact());
        assert_eq!(
            r.unanchored(),
            2,
            "{backend:?}: events #5 and #6 not anchored"
        );

        // 3. History rewritten and rehashed from event 2 on: contradicts the checkpoint of #4.
        let events = store.events_for(Table::Product, "P-1").await.unwrap();
        assert_eq!(events[0].seq, 2);
        exec(&store, "DELETE FROM audit_event WHERE seq >= 2").await;
        exec(&store, "DELETE FROM product WHERE id <> 'P-0'").await;
        let mut prev = store.head().await.unwrap().unwrap().1;
        for (i, id) in ["P-1", "P-2", "P-3", "P-4"].iter().enumerate() {
            prev = append_forged(&store, 2 + i as i64, &prev, id).await;
        }
        assert!(
            matches!(store.verify().await.unwrap(), VerifyOutcome::Intact { .. }),
            "{backend:?}"
        );
        let r = verify_with(&store, anchors_of(&cp, &key)).await;
        assert_eq!(
            r.findings[&FindingKind::Rewritten].count,
            1,
            "{backend:?}: {r:?}"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    /// Arbitrary allowed values — any finite float (subnormals, ±0, extremes), any text without
    /// control characters, nested JSON — written on both backends come back equal and verify.
    #[test]
    fn arbitrary_allowed_values_verify_on_every_backend(
        floats in proptest::collection::vec(any::<f64>().prop_filter("finite", |f| f.is_finite()), 1..6),
        name in "[^\\p{Cc}]{0,40}",
        screening in proptest::collection::btree_map("[^\\p{Cc}]{0,8}", any::<i32>().prop_map(|i| f64::from(i) / 7.0), 0..5),
    ) {
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async {
            for (backend, store) in stores("prop").await {
                let mut rows: Vec<Snapshot> = floats
                    .iter()
                    .enumerate()
                    .map(|(i, f)| product(&format!("P-{i}"), &name, *f))
                    .collect();
                rows.push(Snapshot::from_object(Table::Donor, json!({
                    "id": "D-1", "source": "adipose", "consent_form": name, "consented_at": "t",
                    "status": "screening", "screening": screening, "registered_at": "t"})).unwrap());
                let mut tx = store.begin().await.unwrap();
                for r in rows.clone() {
                    tx.insert(r, &ctx("x.create")).await.unwrap();
                }
                tx.commit().await.unwrap();
                for r in &rows {
                    let back = store.get(r.table, r.id()).await.unwrap().unwrap();
                    assert_eq!(back.canonical(), r.canonical(), "{backend:?}");
                }
                let out = store.verify().await.unwrap();
                assert!(matches!(out, VerifyOutcome::Intact { .. }), "{backend:?}: {out:?}");
                store.close().await;
            }
        });
    }
}

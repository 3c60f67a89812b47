//! The golden chain: `tests/golden/chain.jsonl` holds the audit events that a fixed series of writes
//! produced under a `cargo build --release`-featured build (serde_json without `preserve_order` and
//! `float_roundtrip`) before the project had its own canonical serializer. This crate's dev-
//! dependencies switch both features on, so these tests run under the other feature set and check
//! that (1) every golden event still hashes to its stored hash, and (2) the same writes today produce
//! the very same bytes, on both backends — a trail written by one build verifies under the other.

use secretome_store::{AuditCtx, AuditEvent, Snapshot, Store, Table, testing::stores};
use serde_json::{Value, json};
use sqlx::{AssertSqlSafe, Row};

const GOLDEN: &str = include_str!("golden/chain.jsonl");

fn ctx(n: u32, action: &str, reason: Option<&str>) -> AuditCtx {
    AuditCtx {
        actor: format!("user-{}", n % 3),
        at: format!("2026-11-25T00:00:{:02}.{:06}Z", n % 60, n * 1013),
        action: action.into(),
        reason: reason.map(str::to_string),
    }
}

fn snap(table: Table, v: Value) -> Snapshot {
    Snapshot::from_object(table, v).unwrap()
}

/// Every kind of value the domain allows, in every column kind, inserted and updated.
fn writes() -> Vec<(bool, Snapshot, AuditCtx)> {
    let t = "2026-11-25T00:00:00.000000Z";
    let mut w = Vec::new();
    let mut n = 0;
    let mut add = |update: bool, s: Snapshot, action: &str, reason: Option<&str>| {
        n += 1;
        w.push((update, s, ctx(n, action, reason)));
    };
    let names = [
        "CPC 東京 細胞培養加工施設",
        "quote \" backslash \\ slash / done",
        "line\nbreak\ttab\r\nwindows",
        "NFC caf\u{e9} vs NFD cafe\u{301}",
        "emoji 🧫🧬 and \u{2028} line separator \u{2029} and \u{feff} bom",
        "",
        "  spaced  ",
    ];
    for (i, name) in names.iter().enumerate() {
        add(
            false,
            snap(
                Table::Site,
                json!({"id": format!("S-{i}"), "name": name, "time_zone": "Asia/Tokyo", "created_at": t}),
            ),
            "site.create",
            None,
        );
    }
    add(
        true,
        snap(
            Table::Site,
            json!({"id": "S-0", "name": "CPC 大阪", "time_zone": "Asia/Tokyo", "created_at": t}),
        ),
        "site.correct",
        Some("typo: \"東京\" → 大阪\nsee SOP-7"),
    );
    add(
        false,
        snap(
            Table::User,
            json!({"id": "u-1", "display_name": "山田 花子", "site": "S-0", "roles": ["qc", "qa"],
                   "active": true, "created_at": t, "language": "ja"}),
        ),
        "user.create",
        None,
    );
    add(
        false,
        snap(
            Table::Credential,
            json!({"id": "u-1", "password_hash": "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA",
                   "failed_attempts": 0, "changed_at": t}),
        ),
        "credential.set",
        None,
    );
    add(
        true,
        snap(
            Table::User,
            json!({"id": "u-1", "display_name": "山田 花子", "site": "S-0", "roles": [],
                   "active": false, "created_at": t, "language": "en", "time_zone": "UTC"}),
        ),
        "user.deactivate",
        None,
    );
    add(
        false,
        snap(
            Table::Donor,
            json!({"id": "D-1", "source": "adipose", "consent_form": "IC-2026/1", "consented_at": t,
                   "status": "screening",
                   "screening": {"zeta": 1, "alpha": {"b": 0.1, "a": [1, 2.5, null, true, -0.5]},
                                 "HIV": "negative", "hbv": {"result": "negative", "titre": 1e-7},
                                 "notes": "引用 \"x\"", "Zed": [], "empty": {}},
                   "registered_at": t}),
        ),
        "donor.register",
        None,
    );
    add(
        false,
        snap(
            Table::Tissue,
            json!({"id": "T-1", "donor": "D-1", "kind": "adipose", "collected_at": t,
                   "amount": 12.5, "amount_unit": "g"}),
        ),
        "tissue.collect",
        None,
    );
    let floats: [f64; 14] = [
        0.1,
        100.0,
        -80.0,
        1e20,
        1e16,
        1e15,
        123456789.125,
        0.30000000000000004,
        1e-7,
        5e-324,
        2.2250738585072014e-308,
        1.7976931348623157e308,
        -1.7976931348623157e308,
        4.94e-320,
    ];
    for (i, f) in floats.iter().enumerate() {
        add(
            false,
            snap(
                Table::Product,
                json!({"id": format!("P-{i}"), "name": format!("product {i}"), "name_ja": "製品",
                       "shelf_life_days": 365 + i as i64, "storage_temperature_c": f, "created_at": t}),
            ),
            "product.create",
            None,
        );
    }
    add(
        true,
        snap(
            Table::Product,
            json!({"id": "P-0", "name": "product 0", "name_ja": "製品", "shelf_life_days": i64::MAX,
                   "storage_temperature_c": 2.5, "created_at": t, "isbt_code": "S1234"}),
        ),
        "product.update",
        None,
    );
    add(
        false,
        snap(
            Table::Setting,
            json!({"id": "isbt.fin", "value": "A9999", "updated_at": t}),
        ),
        "setting.set",
        None,
    );
    add(
        false,
        snap(
            Table::Freezer,
            json!({"id": "F-1", "name": "LN2 #1", "site": "S-0", "temperature_c": -196,
                   "box_rows": 9, "box_cols": 9, "created_at": t}),
        ),
        "freezer.create",
        None,
    );
    w
}

async fn write_all(store: &dyn Store) {
    let mut tx = store.begin().await.unwrap();
    for (update, s, c) in writes() {
        if update {
            tx.update(s, &c).await.unwrap();
        } else {
            tx.insert(s, &c).await.unwrap();
        }
    }
    tx.commit().await.unwrap();
}

async fn dump(store: &secretome_store::SqlStore) -> String {
    let rows = sqlx::query(AssertSqlSafe(
        "SELECT seq, at, actor, action, entity_table, entity_id, before, after, reason, prev_hash, hash \
         FROM audit_event ORDER BY seq",
    ))
    .fetch_all(store.pool())
    .await
    .unwrap();
    let mut out = String::new();
    for r in rows {
        let ev = AuditEvent {
            seq: r.get(0),
            at: r.get(1),
            actor: r.get(2),
            action: r.get(3),
            entity_table: r.get(4),
            entity_id: r.get(5),
            before: r.get(6),
            after: r.get(7),
            reason: r.get(8),
            prev_hash: r.get(9),
            hash: r.get(10),
        };
        out.push_str(&serde_json::to_string(&ev).unwrap());
        out.push('\n');
    }
    out
}

/// Regenerates the golden file (run once, under the release feature set, with the old encoder).
#[tokio::test]
#[ignore]
async fn write_golden_chain() {
    let (store, _) = secretome_store::testing::sqlite_store("golden-write").await;
    write_all(&store).await;
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/chain.jsonl");
    std::fs::write(path, dump(&store).await).unwrap();
}

fn golden_events() -> Vec<AuditEvent> {
    GOLDEN
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            let s = |k: &str| v[k].as_str().unwrap().to_string();
            let o = |k: &str| v[k].as_str().map(str::to_string);
            AuditEvent {
                seq: v["seq"].as_i64().unwrap(),
                at: s("at"),
                actor: s("actor"),
                action: s("action"),
                entity_table: s("entity_table"),
                entity_id: s("entity_id"),
                before: o("before"),
                after: o("after"),
                reason: o("reason"),
                prev_hash: s("prev_hash"),
                hash: s("hash"),
            }
        })
        .collect()
}

#[test]
fn this_test_build_has_the_features_that_used_to_change_the_encoding() {
    let mut m = serde_json::Map::new();
    m.insert("b".into(), Value::Null);
    m.insert("a".into(), Value::Null);
    assert_eq!(
        m.keys().collect::<Vec<_>>(),
        ["b", "a"],
        "preserve_order is off: this test would prove nothing"
    );
}

#[test]
fn every_golden_event_hashes_to_its_stored_hash() {
    let events = golden_events();
    assert_eq!(events.len(), 30);
    for (i, ev) in events.iter().enumerate() {
        assert_eq!(ev.compute_hash(), ev.hash, "golden event #{}", i + 1);
    }
}

#[tokio::test]
async fn the_same_writes_produce_the_golden_bytes_on_every_backend() {
    for (backend, store) in stores("golden").await {
        write_all(&store).await;
        let ours = dump(&store).await;
        for (i, (a, b)) in ours.lines().zip(GOLDEN.lines()).enumerate() {
            assert_eq!(
                a,
                b,
                "{backend:?}: event #{} differs from the golden chain",
                i + 1
            );
        }
        assert_eq!(ours.lines().count(), GOLDEN.lines().count(), "{backend:?}");
        let report = store.verify().await.unwrap();
        assert!(
            matches!(
                report,
                secretome_store::VerifyOutcome::Intact { events: 30, .. }
            ),
            "{backend:?}: {report:?}"
        );
    }
}

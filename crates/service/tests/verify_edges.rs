//! The edges of `audit verify` a reviewer found: a row changed behind the application and then
//! built on by a legitimate write; a value of the wrong type; verify running while others write.

use secretome_domain::UtcTime;
use secretome_service::{NewObservation, Service, demo};
use secretome_store::{Backend, VerifyOutcome, testing::stores};
use std::sync::Arc;

fn now() -> UtcTime {
    UtcTime::parse("now", "2026-11-25T03:00:00Z").unwrap()
}

fn finding(v: VerifyOutcome) -> String {
    match v {
        VerifyOutcome::Broken { finding } => finding,
        VerifyOutcome::Intact { .. } => panic!("tampering not caught"),
    }
}

#[tokio::test]
async fn tampering_is_not_laundered_by_a_later_write() {
    for (backend, store) in stores("launder").await {
        let svc = Service::new(Arc::new(store.clone()));
        demo::build(&svc, now()).await.unwrap();
        let op = svc.actor("operator").await.unwrap();
        sqlx::query("UPDATE culture_batch SET seeding_density = 99999 WHERE id = 'B-2026-010'")
            .execute(store.pool())
            .await
            .unwrap();
        // a normal observation of that batch doesn't touch its row; conditioning does
        svc.start_conditioning(&op, now(), "B-2026-010", "RM-SFM-2402", 48.0, false, now())
            .await
            .unwrap();
        let f = finding(svc.verify_audit().await.unwrap());
        assert!(
            f.contains("culture_batch B-2026-010") && f.contains("its before differs"),
            "{backend:?}: {f}"
        );
    }
}

#[tokio::test]
async fn a_value_of_the_wrong_type_is_named() {
    for (backend, store) in stores("wrongtype").await {
        let svc = Service::new(Arc::new(store.clone()));
        demo::build(&svc, now()).await.unwrap();
        let sql = match backend {
            // SQLite stores text in a REAL column without complaint
            Backend::Sqlite => {
                "UPDATE vial SET fill_volume_ml = 'abc' WHERE id = 'L-2026-001-0003'"
            }
            Backend::Postgres => {
                "UPDATE vial SET fill_volume_ml = 'Infinity' WHERE id = 'L-2026-001-0003'"
            }
        };
        sqlx::query(sql).execute(store.pool()).await.unwrap();
        let f = finding(svc.verify_audit().await.unwrap());
        assert!(f.contains("vial row L-2026-001-0003"), "{backend:?}: {f}");
    }
}

#[tokio::test]
async fn verify_while_others_write_finds_nothing_wrong() {
    for (backend, store) in stores("livewrites").await {
        let svc = Service::new(Arc::new(store));
        demo::build(&svc, now()).await.unwrap();
        let writer = {
            let svc = svc.clone();
            tokio::spawn(async move {
                let op = svc.actor("operator").await.unwrap();
                for i in 0..30 {
                    let o = NewObservation {
                        batch: "B-2026-010".into(),
                        observed_at: now(),
                        cell_count: 1e6 + i as f64,
                        viability_pct: 95.0,
                        confluence_pct: 50.0,
                        note: None,
                    };
                    svc.record_observation(&op, now(), o).await.unwrap();
                }
            })
        };
        for _ in 0..5 {
            let v = svc.verify_audit().await.unwrap();
            assert!(
                matches!(v, VerifyOutcome::Intact { .. }),
                "{backend:?}: {v:?}"
            );
        }
        writer.await.unwrap();
        assert!(matches!(
            svc.verify_audit().await.unwrap(),
            VerifyOutcome::Intact { .. }
        ));
    }
}

//! `secretome audit verify --db URL` as a user runs it, on both backends: exit 0 with the number of
//! events checked; after a change behind the application, exit 1 naming the event or row.

use secretome_domain::UtcTime;
use secretome_service::{Service, demo};
use secretome_store::testing::{postgres_store, sqlite_store};
use std::{process::Command, sync::Arc};

fn verify(url: &str) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_secretome"))
        .args(["audit", "verify", "--db", url])
        .env("RUST_LOG", "warn")
        .output()
        .expect("run secretome");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[tokio::test]
async fn audit_verify_exit_codes_on_both_backends() {
    let mut cases = vec![sqlite_store("cli_verify").await];
    cases.extend(postgres_store("cli_verify").await);
    for (store, url) in cases {
        let svc = Service::new(Arc::new(store.clone()));
        let s = demo::build(&svc, UtcTime::parse("now", "2026-11-25T03:00:00Z").unwrap())
            .await
            .unwrap();
        let (code, out) = verify(&url);
        assert_eq!(code, 0, "{out}");
        assert!(
            out.contains(&format!("{} events checked", s.events)),
            "{out}"
        );

        let original: String = sqlx::Row::get(
            &sqlx::query("SELECT actor FROM audit_event WHERE seq = 10")
                .fetch_one(store.pool())
                .await
                .unwrap(),
            0,
        );
        sqlx::query("UPDATE audit_event SET actor = 'mallory' WHERE seq = 10")
            .execute(store.pool())
            .await
            .unwrap();
        let (code, out) = verify(&url);
        assert_eq!(code, 1, "{out}");
        assert!(out.contains("audit event #10"), "{out}");
        sqlx::query("UPDATE audit_event SET actor = $1 WHERE seq = 10")
            .bind(original)
            .execute(store.pool())
            .await
            .unwrap();
        assert_eq!(verify(&url).0, 0);

        sqlx::query("UPDATE vial SET status = 'available' WHERE id = 'L-2026-003-0001'")
            .execute(store.pool())
            .await
            .unwrap();
        let (code, out) = verify(&url);
        assert_eq!(code, 1);
        assert!(
            out.contains("vial row L-2026-003-0001 does not match"),
            "{out}"
        );
    }
}

#[test]
fn bad_url_is_a_clear_error() {
    let out = Command::new(env!("CARGO_BIN_EXE_secretome"))
        .args(["audit", "verify", "--db", "mysql://x"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unsupported database URL"));
}

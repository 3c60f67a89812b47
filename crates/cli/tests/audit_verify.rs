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

fn run(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_secretome"))
        .args(args)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run secretome");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}

/// Every finding is listed grouped by kind; a signed checkpoint catches a truncated tail that the
/// chain alone accepts, and the report says how much is anchored.
#[tokio::test]
async fn audit_verify_lists_all_findings_and_holds_the_chain_to_checkpoints() {
    let mut cases = vec![sqlite_store("cli_anchor").await];
    cases.extend(postgres_store("cli_anchor").await);
    for (store, url) in cases {
        let svc = Service::new(Arc::new(store.clone()));
        demo::build(&svc, UtcTime::parse("now", "2026-11-25T03:00:00Z").unwrap())
            .await
            .unwrap();
        let dir = std::env::temp_dir().join(format!(
            "secretome-cli-anchor-{}-{}",
            std::process::id(),
            url.len()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let key = dir.join("key");
        let cps = dir.join("checkpoints");
        let (key, cps) = (key.to_str().unwrap(), cps.to_str().unwrap());
        let (code, public) = run(&["audit", "keygen", "--key", key]);
        assert_eq!(code, 0, "{public}");
        let public = public.lines().next().unwrap().to_string();
        let (code, line) = run(&[
            "audit",
            "checkpoint",
            "--db",
            &url,
            "--checkpoint-key",
            key,
            "--checkpoints",
            cps,
        ]);
        assert_eq!(code, 0, "{line}");
        let anchored = [
            "audit",
            "verify",
            "--db",
            &url,
            "--checkpoints",
            cps,
            "--trust",
            &public,
        ];
        let (code, out) = run(&anchored);
        assert_eq!(code, 0, "{out}");
        assert!(out.contains("0 later events are not yet anchored"), "{out}");

        // Two vials changed and the last event (with the row it inserted, if any) removed.
        sqlx::query("UPDATE vial SET status = 'available' WHERE id IN ('L-2026-003-0001', 'L-2026-003-0002')")
            .execute(store.pool())
            .await
            .unwrap();
        sqlx::query("DELETE FROM audit_event WHERE seq = (SELECT MAX(seq) FROM audit_event)")
            .execute(store.pool())
            .await
            .unwrap();
        let (code, out) = run(&anchored);
        assert_eq!(code, 1, "{out}");
        assert!(
            out.contains("rows changed (differ from their latest event) — "),
            "{out}"
        );
        assert!(
            out.contains("L-2026-003-0001") && out.contains("L-2026-003-0002"),
            "{out}"
        );
        assert!(out.contains("chain truncated"), "{out}");
        // Without the checkpoint the truncation itself is not visible (only its row is).
        let (_, alone) = verify(&url);
        assert!(!alone.contains("chain truncated"), "{alone}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}

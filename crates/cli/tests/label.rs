//! `secretome label` as a user runs it, on both backends: the SVG printed is the label the service
//! renders (which `crates/service/tests/labels.rs` scans back), found by vial id or by DIN and
//! product code (the DIN alone names the lot); `--format
//! pdf --out FILE` writes a PDF; a vial without a DIN and an unknown vial are refused (exit 2)
//! with the reason, and nothing is written.

use secretome_domain::{UtcTime, vial::Vial};
use secretome_service::{Service, demo};
use secretome_store::testing::{postgres_store, sqlite_store};
use std::{process::Command, sync::Arc};

/// (exit code, stdout, stderr)
fn label(args: &[&str]) -> (i32, Vec<u8>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_secretome"))
        .arg("label")
        .args(args)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run secretome");
    (
        out.status.code().unwrap_or(-1),
        out.stdout,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test]
async fn label_prints_svg_or_pdf_and_refuses_a_vial_without_a_din() {
    let mut cases = vec![sqlite_store("cli_label").await];
    cases.extend(postgres_store("cli_label").await);
    for (store, url) in cases {
        let svc = Service::new(Arc::new(store.clone()));
        // The demo is built around today, as the CLI reads the clock: its released vials are
        // within their shelf life whatever the date the test runs on.
        let now = UtcTime::from_timestamp(jiff::Timestamp::now());
        demo::build(&svc, now).await.unwrap();
        let v: Vial = svc.store().fetch("L-2026-004-0007").await.unwrap().unwrap();
        assert!(v.expires_at > now, "the demo vial is in date");
        let want = svc.vial_label_svg("L-2026-004-0007", now).await.unwrap();

        let (code, out, err) = label(&["L-2026-004-0007", "--db", &url]);
        assert_eq!(code, 0, "{err}");
        assert_eq!(String::from_utf8(out).unwrap(), want);
        // By its DIN and product code (the DIN alone names the lot and is refused, naming it).
        let din = v.din.clone().unwrap();
        let typed = format!("{din} {}", v.product_code.clone().unwrap());
        let (code, out, err) = label(&[&typed, "--db", &url]);
        assert_eq!((code, String::from_utf8(out).unwrap()), (0, want), "{err}");
        let (code, out, err) = label(&[&din, "--db", &url]);
        assert_eq!(code, 2, "{err}");
        assert!(out.is_empty());
        assert!(err.contains("is lot L-2026-004 (40 vials)"), "{err}");

        let file = std::env::temp_dir().join(format!(
            "secretome-label-{}-{}.pdf",
            std::process::id(),
            url.starts_with("postgres")
        ));
        let path = file.to_string_lossy().into_owned();
        let (code, out, err) = label(&[
            "L-2026-004-0007",
            "--format",
            "pdf",
            "--out",
            &path,
            "--db",
            &url,
        ]);
        assert_eq!(code, 0, "{err}");
        assert!(out.is_empty());
        assert!(std::fs::read(&file).unwrap().starts_with(b"%PDF-"));
        let _ = std::fs::remove_file(&file);

        sqlx::query("UPDATE vial SET din = NULL WHERE id = 'L-2026-001-0001'")
            .execute(store.pool())
            .await
            .unwrap();
        let (code, out, err) = label(&["L-2026-001-0001", "--db", &url]);
        assert_eq!(code, 2, "{err}");
        assert!(out.is_empty(), "no blank label");
        assert!(
            err.contains("vial L-2026-001-0001 has no ISBT 128 DIN"),
            "{err}"
        );
        let (code, _, err) = label(&["L-9999-001-0001", "--db", &url]);
        assert_eq!(code, 2);
        assert!(err.contains("L-9999-001-0001 not found"), "{err}");
    }
}

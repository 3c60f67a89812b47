//! `secretome fhir` as a user runs it, on both backends: the bundle printed for a demo patient is
//! the service's bundle (which `crates/service/tests/fhir.rs` validates against the R4 schema);
//! a user without the physician or QA role and an unknown patient are refused (exit 2) with the
//! reason, and nothing is printed.

use secretome_domain::UtcTime;
use secretome_service::{Service, demo};
use secretome_store::testing::{postgres_store, sqlite_store};
use std::{process::Command, sync::Arc};

/// (exit code, stdout, stderr)
fn fhir(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_secretome"))
        .arg("fhir")
        .args(args)
        .env("RUST_LOG", "warn")
        .env_remove("SECRETOME_USER")
        .output()
        .expect("run secretome");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test]
async fn fhir_prints_the_patients_bundle_and_refuses_other_roles() {
    let mut cases = vec![sqlite_store("cli_fhir").await];
    cases.extend(postgres_store("cli_fhir").await);
    for (store, url) in cases {
        let svc = Service::new(Arc::new(store.clone()));
        demo::build(&svc, UtcTime::parse("now", "2026-11-25T03:00:00Z").unwrap())
            .await
            .unwrap();
        let dr = svc.actor("physician").await.unwrap();
        let want = svc.fhir_bundle(&dr, "PT-000001").await.unwrap();

        let (code, out, err) = fhir(&["PT-000001", "--user", "physician", "--db", &url]);
        assert_eq!(code, 0, "{err}");
        let got: serde_json::Value = serde_json::from_str(&out).expect("JSON on stdout");
        assert_eq!(got, want, "{url}");
        assert_eq!(got["resourceType"], "Bundle");

        let (code, out, err) = fhir(&["PT-000001", "--user", "operator", "--db", &url]);
        assert_eq!((code, out.as_str()), (2, ""), "{err}");
        assert!(err.contains("physician"), "{err}");
        let (code, out, err) = fhir(&["PT-NOBODY", "--user", "qa", "--db", &url]);
        assert_eq!((code, out.as_str()), (2, ""), "{err}");
        assert!(err.contains("PT-NOBODY"), "{err}");
    }
}

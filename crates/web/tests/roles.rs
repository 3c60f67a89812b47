//! Every guarded route with every role and with no session: the expected allow/deny is written out
//! here, independently of the router, and the table must cover every route the router guards and
//! agree with the domain's capability table the guard reads.

use crate::common;
use common::*;
use secretome_store::testing::stores;

pub const ALL: &[&str] = &["operator", "qc", "qa", "physician", "admin"];

#[path = "matrix/mod.rs"]
mod matrix;

/// (method, concrete path, route pattern, roles allowed) — the core's rows; each page module's rows
/// are in `tests/matrix/`.
const CORE: &[(&str, &str, &str, &[&str])] = &[
    ("GET", "/lots", "/lots", ALL),
    ("GET", "/lots/L-2026-001", "/lots/{id}", ALL),
    ("GET", "/api/v1/lots", "/api/v1/lots", ALL),
    ("GET", "/api/v1/lots/L-2026-001", "/api/v1/lots/{id}", ALL),
    ("POST", "/logout", "/logout", ALL),
    ("GET", "/plan", "/plan", &["operator", "qc", "qa", "admin"]),
];

fn expected() -> Vec<(
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
)> {
    [
        CORE,
        matrix::manufacture::ROWS,
        matrix::quality::ROWS,
        matrix::admin::ROWS,
        matrix::clinical::ROWS,
        matrix::inventory::ROWS,
        matrix::recall::ROWS,
        matrix::shipments::ROWS,
        matrix::trace::ROWS,
        matrix::mbr::ROWS,
        matrix::facility::ROWS,
    ]
    .concat()
}

/// The routes' roles come from the domain's capability table (`Capability::roles`), which the use
/// cases and the page flags read too: the matrix written out here must say the same.
#[test]
fn the_matrix_agrees_with_the_capability_table() {
    let expected = expected();
    for (method, pattern, cap) in secretome_web::capability_routes() {
        let mut roles: Vec<&str> = cap.roles().iter().map(|r| r.as_str()).collect();
        roles.sort();
        for (_, path, _, allowed) in expected
            .iter()
            .filter(|(m, _, p, _)| *m == method && *p == pattern)
        {
            let mut allowed = allowed.to_vec();
            allowed.sort();
            assert_eq!(allowed, roles, "{method} {path}: {cap:?}");
        }
    }
}

#[tokio::test]
async fn role_by_route_matrix() {
    let expected = expected();
    for (g_method, g_path) in secretome_web::guarded_routes() {
        assert!(
            expected
                .iter()
                .any(|(m, _, p, _)| *m == g_method && *p == g_path),
            "route {g_method} {g_path} has no row in the matrix"
        );
    }
    for (backend, store) in stores("roles").await {
        let (app, svc) = demo_app(store).await;
        keep_a_plate_run(&svc).await;
        for (method, path, _, allowed) in &expected {
            // no session: pages go to sign-in, the API says 401
            let r = if *method == "GET" {
                get(&app, path, None).await
            } else {
                post_form(&app, path, None, &[]).await
            };
            if path.starts_with("/api/") {
                assert_eq!(r.status, 401, "{backend:?} anonymous {method} {path}");
            } else {
                assert_eq!(r.status, 303, "{backend:?} anonymous {method} {path}");
                assert!(r.location.starts_with("/login?next="), "{}", r.location);
            }
            for role in ALL {
                let (cookie, csrf) = session(&svc, role).await;
                let r = if *method == "GET" {
                    get(&app, path, Some(&cookie)).await
                } else {
                    post_form(&app, path, Some(&cookie), &[("csrf", &csrf)]).await
                };
                if allowed.contains(role) {
                    // Let through by the guard: a POST with an empty form may still be refused by
                    // its handler (422, 409, 404; see matrix/mod.rs), never with 401/403 or 5xx.
                    let passed = if *method == "GET" {
                        r.status < 400
                    } else {
                        r.status != 401 && r.status != 403 && r.status < 500
                    };
                    assert!(
                        passed,
                        "{backend:?} {role} {method} {path}: {} {}",
                        r.status, r.body
                    );
                } else {
                    assert_eq!(r.status, 403, "{backend:?} {role} {method} {path}");
                }
            }
        }
    }
}

/// A plate run accepted on L-2026-007 (P8 as VEGF), so its kept raw file can be fetched
/// (`/plates/files/{digest}` in `matrix/quality.rs`).
async fn keep_a_plate_run(svc: &secretome_service::Service) {
    use secretome_service::plates::{Adopt, PlateUpload};
    let op = svc.actor("operator").await.unwrap();
    let expiry = now().plus_hours(24.0 * 365.0).unwrap();
    svc.fill_vials(&op, now(), "L-2026-007", 4, 2.0, expiry, None)
        .await
        .unwrap();
    let qc = svc.actor("qc").await.unwrap();
    let up = PlateUpload {
        file_name: "softmaxpro_ELISAtools_Assay_2.txt".into(),
        bytes: std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/softmaxpro_ELISAtools_Assay_2.txt"
        ))
        .unwrap(),
        layout: None,
    };
    let adopt = vec![Adopt {
        plate: 1,
        sample: "P8".into(),
        test: "vegf".into(),
        reason: None,
    }];
    let run = svc
        .accept_plate(&qc, now(), "L-2026-007", up, adopt)
        .await
        .unwrap();
    assert_eq!(
        run.file,
        "6a9c7bd408b24ffe12ea42b30c7fcea21f68f5fa80d5ac938b3138ba68dddc56"
    );
}

#[tokio::test]
async fn a_post_without_the_csrf_token_is_refused() {
    for (_, store) in stores("csrf").await {
        let (app, svc) = demo_app(store).await;
        let (cookie, _) = session(&svc, "qa").await;
        let r = post_form(&app, "/logout", Some(&cookie), &[("csrf", "forged")]).await;
        assert_eq!(r.status, 403);
        assert!(r.body.contains("CSRF"));
        // still signed in
        assert_eq!(get(&app, "/lots", Some(&cookie)).await.status, 200);
    }
}

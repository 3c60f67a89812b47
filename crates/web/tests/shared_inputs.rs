//! Every POST under `/api/v1` that has a page twin reads its body through the same typed input as
//! the page (`kit::Input<T>`): `SHARED` lists the pairs and their input type, checked against the
//! router's registration and the handlers' source; `PENDING` names the pairs not yet converted,
//! `BODILESS` the twins that read no body and `API_ONLY` the API POSTs without a twin, so a new API
//! POST fails here until it is classified —
//! a twin under another path (`/api/v1/em-limits` ~ `/facility/limits`) included. No handler
//! reads a JSON body or checks the sign-in by hand (`json_fields`, `"sign-in required"` outside
//! the kit): that is how such a twin escaped before.

use std::path::Path;

/// (API path, page path, the input type both handlers take as `Input<T>`).
const SHARED: &[(&str, &str, &str)] = &[
    ("/api/v1/donors", "/donors", "RegisterDonor"),
    (
        "/api/v1/donors/{id}/screening",
        "/donors/{id}/screening",
        "Screening",
    ),
    (
        "/api/v1/donors/{id}/tissues",
        "/donors/{id}/tissues",
        "CollectTissue",
    ),
    ("/api/v1/banks", "/donors/{id}/banks", "CreateBank"),
    ("/api/v1/banks", "/banks/{id}/working", "CreateBank"),
    ("/api/v1/materials", "/materials", "ReceiveMaterial"),
    ("/api/v1/batches", "/batches", "SeedBatch"),
    (
        "/api/v1/batches/{id}/observations",
        "/batches/{id}/observations",
        "Observe",
    ),
    (
        "/api/v1/batches/{id}/materials",
        "/batches/{id}/materials",
        "UseMaterial",
    ),
    (
        "/api/v1/batches/{id}/conditioning",
        "/batches/{id}/conditioning",
        "Condition",
    ),
    (
        "/api/v1/batches/{id}/harvest",
        "/batches/{id}/harvest",
        "Harvest",
    ),
    (
        "/api/v1/lots/{id}/deviations",
        "/lots/{id}/deviations",
        "OpenDeviation",
    ),
    (
        "/api/v1/lots/{id}/deviations/{n}/assess",
        "/lots/{id}/deviations/{n}/assess",
        "Assess",
    ),
    (
        "/api/v1/lots/{id}/deviations/{n}/approve",
        "/lots/{id}/deviations/{n}/approve",
        "Decide",
    ),
    (
        "/api/v1/lots/{id}/deviations/{n}/reject",
        "/lots/{id}/deviations/{n}/reject",
        "Decide",
    ),
    ("/api/v1/lots/{id}/sign", "/lots/{id}/sign", "Sign"),
    ("/api/v1/recalls", "/recalls", "OpenRecall"),
    ("/api/v1/lots", "/lots", "Pool"),
    ("/api/v1/lots/{id}/steps", "/lots/{id}/steps", "Step"),
    ("/api/v1/lots/{id}/fill", "/lots/{id}/fill", "Fill"),
    ("/api/v1/shipments", "/shipments", "Pack"),
    (
        "/api/v1/shipments/{id}/receive",
        "/shipments/{id}/receive",
        "Receive",
    ),
    (
        "/api/v1/shipments/{id}/decide",
        "/shipments/{id}/decide",
        "DecideShipment",
    ),
    (
        "/api/v1/patients/{id}/consents",
        "/patients/{id}/consents",
        "RecordConsent",
    ),
    (
        "/api/v1/consents/{consent}/withdraw",
        "/patients/{id}/consents/{consent}/withdraw",
        "Withdraw",
    ),
    (
        "/api/v1/ae-reports/{id}/submit",
        "/ae-reports/{id}/submit",
        "SubmitReport",
    ),
    ("/api/v1/patients", "/patients", "RegisterPatient"),
    (
        "/api/v1/patients/{id}/administrations",
        "/patients/{id}/administrations",
        "Administer",
    ),
    (
        "/api/v1/patients/{id}/adverse-events",
        "/patients/{id}/adverse-events",
        "ReportAdverseEvent",
    ),
    (
        "/api/v1/patients/{id}/dispense",
        "/patients/{id}/dispense",
        "Dispense",
    ),
    (
        "/api/v1/patients/{id}/outcomes",
        "/patients/{id}/outcomes",
        "RecordOutcome",
    ),
    ("/api/v1/rooms", "/facility/rooms", "AddRoom"),
    ("/api/v1/em-results", "/facility/em", "RecordEm"),
    (
        "/api/v1/em-results/import",
        "/facility/em/import",
        "ImportEm",
    ),
    (
        "/api/v1/equipment",
        "/facility/equipment",
        "RegisterEquipment",
    ),
    (
        "/api/v1/equipment/{id}/calibration",
        "/facility/equipment/calibrate",
        "Calibrate",
    ),
    (
        "/api/v1/filtrations",
        "/facility/filtrations",
        "RecordFiltration",
    ),
    (
        "/api/v1/integrity-tests",
        "/facility/integrity-tests",
        "RecordIntegrityTest",
    ),
    (
        "/api/v1/media-fills",
        "/facility/media-fills",
        "RecordMediaFill",
    ),
    (
        "/api/v1/media-fills/close",
        "/facility/media-fills/close",
        "CloseMediaFill",
    ),
    (
        "/api/v1/qualifications",
        "/facility/qualifications",
        "RecordQualification",
    ),
    ("/api/v1/em-limits", "/facility/limits", "ChangeLimit"),
    (
        "/api/v1/returns/{vial}/decision",
        "/returns/{vial}/decide",
        "DecideReturn",
    ),
    (
        "/api/v1/lots/{id}/results",
        "/lots/{id}/results",
        "RecordResult",
    ),
    (
        "/api/v1/lots/{id}/results/revise",
        "/lots/{id}/results/revise",
        "ReviseResult",
    ),
    (
        "/api/v1/batches/{id}/execution/steps",
        "/batches/{id}/execute/step",
        "RecordStep",
    ),
    (
        "/api/v1/shipments/{id}/log",
        "/shipments/{id}/log",
        "LogFile",
    ),
    (
        "/api/v1/dispensed/{vial}/{action}",
        "/patients/{id}/point-of-care",
        "PointOfCare",
    ),
];

/// (API path, page path) of twins not yet on `Input<T>`: none left (issue 13 item 2); a new twin
/// goes to `SHARED`.
const PENDING: &[(&str, &str)] = &[];

/// (API path, page path) of twins that read no body at all: nothing to share.
const BODILESS: &[(&str, &str)] = &[(
    "/api/v1/shipments/{id}/dispatch",
    "/shipments/{id}/dispatch",
)];

/// API POSTs without a page twin, each with why: a twin under another path must be listed in
/// `SHARED` instead (the twin check cannot guess a path that differs).
const API_ONLY: &[(&str, &str)] = &[];

fn posts() -> Vec<&'static str> {
    secretome_web::guarded_routes()
        .into_iter()
        .filter(|(m, _)| *m == "POST")
        .map(|(_, p)| p)
        .collect()
}

/// The web crate's source files as (path, text).
fn sources() -> Vec<(String, String)> {
    fn walk(dir: &Path, out: &mut Vec<(String, String)>) {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                let text = std::fs::read_to_string(&p).unwrap();
                out.push((p.to_string_lossy().to_string(), text));
            }
        }
    }
    let mut out = Vec::new();
    walk(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut out);
    out
}

#[test]
fn every_listed_pair_is_registered_and_reads_one_input_type() {
    let posts = posts();
    let src = sources();
    for (api, page, ty) in SHARED {
        assert!(posts.contains(api), "{api} is not a registered POST");
        assert!(posts.contains(page), "{page} is not a registered POST");
        let taker = format!("Input<{ty}>");
        let takers: usize = src.iter().map(|(_, t)| t.matches(&taker).count()).sum();
        assert!(
            takers >= 2,
            "{ty}: the API handler and the page handler must both take {taker}"
        );
    }
}

#[test]
fn every_api_post_is_classified() {
    let posts = posts();
    let listed: Vec<&str> = SHARED
        .iter()
        .map(|(a, _, _)| *a)
        .chain(PENDING.iter().chain(BODILESS).map(|(a, _)| *a))
        .chain(API_ONLY.iter().map(|(a, _)| *a))
        .collect();
    for api in posts.iter().filter(|p| p.starts_with("/api/v1/")) {
        let twin = &api["/api/v1".len()..];
        assert!(
            listed.contains(api),
            "{api}: list it in SHARED with the input type it shares with its page twin, or in \
             API_ONLY with why it has none"
        );
        if posts.contains(&twin) {
            assert!(
                !API_ONLY.iter().any(|(a, _)| a == api),
                "{api} has a page twin {twin}: list it in SHARED with the input type both take"
            );
        }
    }
    for (api, page) in PENDING.iter().chain(BODILESS) {
        assert!(
            posts.contains(api) && posts.contains(page),
            "{api} / {page}: a pending pair that is not registered (stale entry)"
        );
        assert!(
            !SHARED.iter().any(|(a, p, _)| a == api && p == page),
            "{api} is both shared and pending"
        );
    }
    for (api, _) in API_ONLY {
        assert!(posts.contains(api), "{api}: stale API_ONLY entry");
    }
}

/// What made `/api/v1/em-limits` and `/api/v1/returns/{vial}/decision` escape: handlers reading
/// the JSON body into fields and checking the sign-in themselves. Only the kit does either.
#[test]
fn no_handler_reads_a_body_or_the_sign_in_by_hand() {
    for (path, text) in sources() {
        let kit = path.contains("/src/kit/");
        for hand in ["json_fields(", "\"sign-in required\""] {
            assert!(
                kit || path.ends_with("/src/json.rs") || !text.contains(hand),
                "{path} uses {hand}: take kit::Input<T> and kit::who instead"
            );
        }
    }
}

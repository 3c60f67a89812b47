//! The OpenAPI document of `/api/v1` (issue 13 item 6): it lists exactly the API routes the router
//! registers; every operation has an operationId, a defined tag, its answer's schema and the error
//! answers; the demo facility's answers validate against the schemas (both backends); and, with the
//! npm checkers installed (`tools/checkers`, `npm ci`), redocly's lint finds no error and a
//! TypeScript client generated from the document (openapi-typescript + openapi-fetch) compiles.

use crate::common;
use common::*;
use secretome_store::testing::stores;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

fn operations(doc: &Value) -> Vec<(String, String, &Value)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            out.push((method.to_uppercase(), path.clone(), op));
        }
    }
    out
}

#[test]
fn the_document_lists_exactly_the_api_routes_of_the_router() {
    let doc = secretome_web::openapi();
    let routed: BTreeSet<(String, String)> = secretome_web::role_routes()
        .into_iter()
        .filter(|(_, p, _)| p.starts_with("/api/v1/"))
        .map(|(m, p, _)| (m.to_string(), p.to_string()))
        .collect();
    let documented: BTreeSet<(String, String)> = operations(&doc)
        .into_iter()
        .map(|(m, p, _)| (m, p))
        .collect();
    let missing: Vec<_> = routed.difference(&documented).collect();
    let extra: Vec<_> = documented.difference(&routed).collect();
    assert!(missing.is_empty(), "routed but not documented: {missing:?}");
    assert!(extra.is_empty(), "documented but not routed: {extra:?}");
    assert!(routed.len() >= 59, "{}", routed.len());
}

#[test]
fn every_operation_is_named_tagged_and_answers_a_schema() {
    let doc = secretome_web::openapi();
    assert_eq!(doc["openapi"], "3.1.0");
    assert!(doc["servers"][0]["url"].is_string());
    let tags: BTreeSet<&str> = doc["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    assert!(schemas.contains_key("ApiError"));
    let mut ids = BTreeSet::new();
    for (method, path, op) in operations(&doc) {
        let at = format!("{method} {path}");
        let id = op["operationId"].as_str().unwrap_or_else(|| panic!("{at}"));
        assert!(ids.insert(id.to_string()), "{at}: operationId {id} twice");
        for t in op["tags"].as_array().unwrap() {
            assert!(
                tags.contains(t.as_str().unwrap()),
                "{at}: tag {t} undefined"
            );
        }
        let responses = op["responses"].as_object().unwrap();
        let (status, ok) = responses
            .iter()
            .find(|(s, _)| s.starts_with('2'))
            .unwrap_or_else(|| panic!("{at}: no success answer"));
        let content = ok["content"]
            .as_object()
            .unwrap_or_else(|| panic!("{at} {status}"));
        assert!(content.values().all(|c| c["schema"].is_object()), "{at}");
        for code in ["401", "500"] {
            let e = &responses[code]["content"]["application/json"]["schema"]["$ref"];
            assert_eq!(e, "#/components/schemas/ApiError", "{at} {code}");
        }
        if method == "POST" && path != "/api/v1/shipments/{id}/dispatch" {
            assert!(op["requestBody"]["content"].is_object(), "{at}: no body");
        }
    }
    // The request body is the handler's typed input (kit::Input<RegisterDonor>).
    let donor = &doc["paths"]["/api/v1/donors"]["post"]["requestBody"]["content"]["application/json"]
        ["schema"];
    assert!(donor["properties"]["donor"].is_object(), "{donor}");
    // What the input check refuses when absent is `required` (the inputs are `#[serde(default)]`, so
    // that every missing field is named at once); the physician (absent: the signed-in one) is not.
    let patient = &doc["paths"]["/api/v1/patients"]["post"]["requestBody"]["content"]["application/json"]
        ["schema"];
    let required: BTreeSet<&str> = patient["required"]
        .as_array()
        .unwrap_or_else(|| panic!("{patient}"))
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    assert_eq!(
        required,
        BTreeSet::from(["id", "site", "birth_year", "sex", "indication"]),
        "{patient}"
    );
    assert!(patient["properties"]["site"].get("default").is_none());
    assert!(patient["properties"]["physician"].get("default").is_some());
}

/// The response schema of `method path` at `status`, resolvable on its own (with `components`).
fn answer_schema(doc: &Value, method: &str, path: &str, status: &str) -> Value {
    let op = &doc["paths"][path][method.to_lowercase()];
    let content = op["responses"][status]["content"].as_object().unwrap();
    let mut schema = content.values().next().unwrap()["schema"].clone();
    if let Value::Object(m) = &mut schema {
        m.insert("components".into(), doc["components"].clone());
    }
    schema
}

fn check(doc: &Value, method: &str, path: &str, status: &str, body: &str) {
    let schema = answer_schema(doc, method, path, status);
    let v = jsonschema::validator_for(&schema).unwrap_or_else(|e| panic!("{path}: {e}"));
    let instance: Value = serde_json::from_str(body).unwrap();
    let errors: Vec<String> = v
        .iter_errors(&instance)
        .take(3)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{method} {path} {status}: {errors:?}");
}

/// The first id in a list answer (an array, or a page's `rows`): the row's `id`, or that of the
/// record it summarises (`{"lot": {"id"}, …}`).
fn first_id(body: &str) -> Option<String> {
    let v: Value = serde_json::from_str(body).ok()?;
    let rows = v.as_array().or_else(|| v["rows"].as_array())?;
    let row = rows.first()?;
    let nested = || row.as_object()?.values().find_map(|v| v["id"].as_str());
    row["id"].as_str().or_else(nested).map(str::to_string)
}

#[tokio::test]
async fn the_demo_answers_validate_against_the_document() {
    let doc = secretome_web::openapi();
    for (backend, store) in stores("web_openapi").await {
        let (app, svc) = demo_app(store).await;
        let (qa, _) = session(&svc, "qa").await;
        let qa = Some(qa.as_str());
        let mut checked = 0;
        let gets: Vec<String> = operations(&doc)
            .into_iter()
            .filter(|(m, _, _)| m == "GET")
            .map(|(_, p, _)| p)
            .collect();
        for path in &gets {
            let mut url = path.clone();
            if let Some(at) = path.find('{') {
                // The first record of the list the path is under (`/api/v1/lots` for `/{id}`).
                let list = path[..at].trim_end_matches('/');
                let Some(id) = first_id(&get(&app, list, qa).await.body) else {
                    continue;
                };
                let end = at + path[at..].find('}').unwrap() + 1;
                url = format!("{}{}{}", &path[..at], id, &path[end..]);
                if url.contains('{') {
                    continue;
                }
            }
            if path == "/api/v1/em-results" {
                url = "/api/v1/em-results?room=GR-B-01".into();
            }
            if path == "/api/v1/trace" {
                url = "/api/v1/trace?id=L-2026-007".into();
            }
            if path == "/api/v1/ctcae" {
                url = "/api/v1/ctcae?q=headache".into();
            }
            let r = get(&app, &url, qa).await;
            if r.status == 200 {
                check(&doc, "GET", path, "200", &r.body);
                checked += 1;
            }
        }
        assert!(checked >= 25, "{backend:?}: only {checked} answers checked");
        // A refusal is an ApiError.
        let r = get(&app, "/api/v1/lots/NO-SUCH-LOT", qa).await;
        assert_eq!(r.status, 404, "{backend:?}");
        check(&doc, "GET", "/api/v1/lots/{id}", "404", &r.body);
        let r = get(&app, "/api/v1/lots", None).await;
        assert_eq!(r.status, 401, "{backend:?}");
        check(&doc, "GET", "/api/v1/lots", "401", &r.body);
    }
}

/// `tools/checkers/node_modules/.bin`, or None (the test says SKIPPED) when the npm checkers are
/// not installed — which fails under CI, where `.ci/run` installs them.
fn checkers() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tools/checkers");
    if dir.join("node_modules/.bin/redocly").exists() {
        return Some(dir);
    }
    assert!(
        std::env::var("CI").is_err(),
        "CI: the npm checkers are missing (npm ci in tools/checkers)"
    );
    println!("SKIPPED: tools/checkers/node_modules is absent (npm ci in tools/checkers)");
    None
}

fn run(dir: &Path, bin: &Path, args: &[&str]) -> (bool, String) {
    let out = Command::new(bin)
        .args(args)
        .current_dir(dir)
        .env("REDOCLY_TELEMETRY", "off")
        .env("REDOCLY_SUPPRESS_UPDATE_NOTICE", "true")
        .output()
        .unwrap_or_else(|e| panic!("{}: {e}", bin.display()));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

/// A typed client of two operations: it compiles only if the generated types describe the path
/// parameters, the request body and the answer (`LotDetail.lot.id`, `Donor.id`, `ApiError`).
const CLIENT: &str = r#"import createClient from "openapi-fetch";
import type { components, paths } from "./api";

const client = createClient<paths>({ baseUrl: "http://127.0.0.1:8080" });

export async function lotId(id: string): Promise<string> {
  const { data, error } = await client.GET("/api/v1/lots/{id}", { params: { path: { id } } });
  if (error) {
    const e: components["schemas"]["ApiError"] = error;
    return `${e.status} ${e.error}`;
  }
  return data.lot.id;
}

export async function registerDonor(donor: string): Promise<string | undefined> {
  const { data } = await client.POST("/api/v1/donors", {
    body: { donor, source: "cord", consent_form: "CF-1" },
  });
  return data?.id;
}
"#;

#[test]
fn the_document_lints_clean_and_a_generated_client_compiles() {
    let Some(checkers) = checkers() else { return };
    let bin = checkers.join("node_modules/.bin");
    // Inside tools/checkers, so the client resolves openapi-fetch from its node_modules.
    let work = tempfile::Builder::new()
        .prefix("openapi-check-")
        .tempdir_in(&checkers)
        .unwrap();
    let doc = serde_json::to_string_pretty(&secretome_web::openapi()).unwrap();
    std::fs::write(work.path().join("openapi.json"), doc).unwrap();

    let (_, lint) = run(
        work.path(),
        &bin.join("redocly"),
        &["lint", "openapi.json", "--format=json"],
    );
    let start = lint
        .find("{\n  \"totals\"")
        .unwrap_or_else(|| panic!("redocly: {lint}"));
    // The first JSON value (redocly may print more after it).
    let report: Value = serde_json::Deserializer::from_str(&lint[start..])
        .into_iter::<Value>()
        .next()
        .and_then(Result::ok)
        .unwrap_or_else(|| panic!("redocly: {lint}"));
    let totals = &report["totals"];
    println!(
        "redocly lint: {} errors, {} warnings",
        totals["errors"], totals["warnings"]
    );
    let problems: Vec<String> = report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| format!("{} {}: {}", p["severity"], p["ruleId"], p["message"]))
        .collect();
    assert_eq!(totals["errors"], 0, "{problems:#?}");

    let (ok, out) = run(
        work.path(),
        &bin.join("openapi-typescript"),
        &["openapi.json", "-o", "api.d.ts"],
    );
    assert!(ok, "openapi-typescript: {out}");
    std::fs::write(work.path().join("client.ts"), CLIENT).unwrap();
    let (ok, out) = run(
        work.path(),
        &bin.join("tsc"),
        &[
            "--noEmit",
            "--strict",
            "--target",
            "es2022",
            "--module",
            "esnext",
            "--moduleResolution",
            "bundler",
            "--lib",
            "es2022,dom",
            "client.ts",
        ],
    );
    assert!(ok, "tsc: {out}");
}

/// What a client reads as optional is optional: an empty JSON body sent to every POST under
/// `/api/v1` (as a user whose role may make it, on a demo record) is either taken or refused naming
/// only fields the document lists as `required` — no field the service alone refuses when absent.
#[tokio::test]
async fn an_empty_body_is_refused_only_for_fields_the_document_requires() {
    let doc = secretome_web::openapi();
    let roles = secretome_web::role_routes();
    for (backend, store) in stores("web_openapi_required").await {
        let (app, svc) = demo_app(store).await;
        let mut wrong = Vec::new();
        let mut tried = 0;
        for (method, path, op) in operations(&doc) {
            if method != "POST" {
                continue;
            }
            let Some((_, _, may)) = roles.iter().find(|(m, p, _)| *m == "POST" && *p == path)
            else {
                continue;
            };
            let Some(role) = may.first() else { continue };
            let who = session(&svc, role.as_str()).await;
            let mut url = path.clone();
            if let Some(at) = path.find('{') {
                let list = path[..at].trim_end_matches('/');
                let Some(id) = first_id(&get(&app, list, Some(&who.0)).await.body) else {
                    continue;
                };
                let end = at + path[at..].find('}').unwrap() + 1;
                url = format!("{}{}{}", &path[..at], id, &path[end..]);
                if url.contains('{') {
                    continue;
                }
            }
            let schema = &op["requestBody"]["content"]["application/json"]["schema"];
            let required: BTreeSet<&str> = schema["required"]
                .as_array()
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let (status, answer) = post_json(&app, &url, &who, serde_json::json!({})).await;
            tried += 1;
            let mut named: BTreeSet<String> = answer["fields"]
                .as_array()
                .map(|f| {
                    f.iter()
                        .filter_map(|e| e["field"].as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            if let Some(f) = answer["field"].as_str() {
                named.insert(f.to_string());
            }
            if status == 422 || status == 400 {
                let optional: Vec<_> = named
                    .iter()
                    .filter(|f| schema["properties"].get(f.as_str()).is_some())
                    .filter(|f| !required.contains(f.as_str()))
                    .collect();
                if !optional.is_empty() {
                    wrong.push(format!(
                        "POST {path}: {optional:?} refused when absent, not required"
                    ));
                }
            }
        }
        assert!(tried >= 20, "{backend:?}: only {tried} POSTs tried");
        assert!(wrong.is_empty(), "{backend:?}:\n{}", wrong.join("\n"));
    }
}

//! Others' tools over every page of the demo, for every role (issue 17 item 6): axe-core with the
//! WCAG 2.1 A and AA rules on the page as the browser shows it, and the Nu HTML checker on the HTML
//! the app sent. Each role signs in and follows the links it is shown — one page per route (ids
//! stand for their kind: `/lots/L-2026-001` for every lot page) — so every page a user of that role
//! can reach is checked once; a link that answers with an error is reported too (links are shown
//! only where the viewer may follow them, item 4).
//!
//! The checkers come from the npm registry (`tools/checkers/`, `npm ci`, which `.ci/run` does and
//! this test does when they are missing): `axe-core` is injected into the page over WebDriver, the
//! Nu checker (`vnu-jar`) runs once over all pages with the machine's `java`.

use crate::harness::{Backends, Lang, Page, Seen, run_for};
use serde_json::Value;
use std::{
    collections::{BTreeMap, BTreeSet, VecDeque},
    path::{Path, PathBuf},
    process::Command,
    time::Duration,
};

/// The demo's sign-ins, one per role.
const USERS: [&str; 5] = ["operator", "qc", "qa", "physician", "admin"];
/// Most pages one role's walk opens (a guard against a walk that never ends).
const MOST_PAGES: usize = 120;

/// `tools/checkers/` with its `node_modules`, installed with `npm ci` when missing.
fn checkers() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tools/checkers");
    if !dir.join("node_modules/axe-core/axe.min.js").is_file()
        || !dir
            .join("node_modules/vnu-jar/build/dist/vnu.jar")
            .is_file()
    {
        let ok = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&dir)
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        assert!(ok, "`npm ci` in {} failed", dir.display());
    }
    dir
}

/// The route a link belongs to: segments holding a digit are ids (`/lots/{}`), and of the query
/// only the names count (`/trace?dir&id`: the graph, not the empty form).
fn route(href: &str) -> String {
    let href = href.split('#').next().unwrap_or(href);
    let (path, query) = href.split_once('?').unwrap_or((href, ""));
    let mut names: Vec<&str> = query
        .split('&')
        .filter_map(|kv| kv.split('=').next())
        .filter(|n| !n.is_empty())
        .collect();
    names.sort_unstable();
    names.dedup();
    let path = path
        .split('/')
        .map(|s| {
            if s.chars().any(|c| c.is_ascii_digit()) {
                "{}"
            } else {
                s
            }
        })
        .collect::<Vec<_>>()
        .join("/");
    if names.is_empty() {
        path
    } else {
        format!("{path}?{}", names.join("&"))
    }
}

/// A link the walk follows: a page of the app, not a file (PDF, SVG, CSV), the API or a download.
fn followed(href: &str) -> bool {
    let path = href.split(['?', '#']).next().unwrap_or(href);
    href.starts_with('/')
        && !href.starts_with("//")
        && !path.starts_with("/api/")
        && !path.starts_with("/static/")
        && ![".pdf", ".svg", ".csv", ".json", ".png", ".xml"]
            .iter()
            .any(|e| path.ends_with(e))
}

/// What the checks found on one page.
#[derive(Default)]
struct Findings {
    /// Pages checked: the HTML file handed to the Nu checker → (role, path).
    pages: BTreeMap<String, (String, String)>,
    /// Problems, one line each.
    problems: Vec<String>,
}

/// The page's own HTML as the server sent it, with its status and content type (fetched by the
/// browser, so with the signed-in session).
async fn fetch(p: &Page, path: &str) -> Result<(u16, String, String), Seen> {
    let ret = p
        .driver
        .execute_async(
            r#"const done = arguments[arguments.length - 1];
               fetch(arguments[0], {credentials: 'same-origin'})
                 .then(r => r.text().then(t => done([r.status, r.headers.get('content-type') || '', t])))
                 .catch(e => done([0, '', String(e)]));"#,
            vec![Value::from(path)],
        )
        .await?;
    let v = ret.json();
    Ok((
        v[0].as_u64().unwrap_or(0) as u16,
        v[1].as_str().unwrap_or_default().to_string(),
        v[2].as_str().unwrap_or_default().to_string(),
    ))
}

/// axe-core's violations of the WCAG 2.0/2.1 A and AA rules on the page the browser shows.
async fn axe(p: &Page, axe_src: &str) -> Result<Vec<String>, Seen> {
    p.driver.execute(axe_src, vec![]).await?;
    let ret = p
        .driver
        .execute_async(
            r#"const done = arguments[arguments.length - 1];
               axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})
                 .then(r => done(r.violations.map(v => v.id + ' (' + v.impact + '): ' + v.help + ' — '
                     + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '))))
                 .catch(e => done(['axe failed: ' + e]));"#,
            vec![],
        )
        .await?;
    Ok(ret.convert::<Vec<String>>()?)
}

/// The same-origin links of the page the browser shows.
async fn links(p: &Page) -> Result<Vec<String>, Seen> {
    let ret = p
        .driver
        .execute(
            "return Array.from(document.querySelectorAll('a[href]')).map(a => a.getAttribute('href'));",
            vec![],
        )
        .await?;
    Ok(ret.convert::<Vec<String>>()?)
}

/// Signs in as `user` and walks every route it is shown, checking each page once.
async fn walk(
    p: &Page,
    user: &str,
    axe_src: &str,
    dir: &Path,
    f: &mut Findings,
) -> Result<(), Seen> {
    p.sign_in(user).await?;
    let mut seen = BTreeSet::new();
    let mut queue = VecDeque::from([p.path().await?, "/lots".to_string()]);
    let mut opened = 0;
    while let Some(path) = queue.pop_front() {
        if !seen.insert(route(&path)) {
            continue;
        }
        opened += 1;
        assert!(
            opened <= MOST_PAGES,
            "{user}: more than {MOST_PAGES} routes"
        );
        let (status, kind, html) = fetch(p, &path).await?;
        if !kind.starts_with("text/html") {
            continue;
        }
        if status != 200 {
            f.problems
                .push(format!("{user} {path}: a link shown answers {status}"));
            continue;
        }
        let file = dir.join(format!("{}-{opened:03}.html", user));
        std::fs::write(&file, &html)?;
        f.pages
            .insert(file.display().to_string(), (user.to_string(), path.clone()));
        p.open(&path).await?;
        for v in axe(p, axe_src).await? {
            f.problems.push(format!("{user} {path}: axe {v}"));
        }
        for href in links(p).await? {
            if followed(&href) && !seen.contains(&route(&href)) {
                queue.push_back(href);
            }
        }
    }
    p.sign_out().await?;
    Ok(())
}

/// The Nu HTML checker's errors over the saved pages, one line each naming the role and page.
fn nu(checkers: &Path, dir: &Path, f: &mut Findings) {
    let out = Command::new("java")
        .arg("-jar")
        .arg(checkers.join("node_modules/vnu-jar/build/dist/vnu.jar"))
        .args(["--format", "json", "--errors-only", "--skip-non-html"])
        .arg(dir)
        .output()
        .expect("java runs the Nu HTML checker");
    let report: Value = serde_json::from_slice(&out.stderr)
        .or_else(|_| serde_json::from_slice(&out.stdout))
        .unwrap_or_else(|e| {
            panic!(
                "the Nu checker's report is not JSON ({e}): {}",
                String::from_utf8_lossy(&out.stderr)
            )
        });
    for m in report["messages"].as_array().into_iter().flatten() {
        let url = m["url"].as_str().unwrap_or_default();
        let file = url.trim_start_matches("file:");
        let page = f
            .pages
            .iter()
            .find(|(k, _)| file.ends_with(k.as_str()) || k.ends_with(file))
            .map(|(_, (u, p))| format!("{u} {p}"))
            .unwrap_or_else(|| url.to_string());
        f.problems.push(format!(
            "{page}: Nu line {}: {} — {}",
            m["lastLine"],
            m["message"].as_str().unwrap_or_default(),
            m["extract"].as_str().unwrap_or_default().trim()
        ));
    }
}

#[tokio::test]
async fn every_page_of_the_demo_for_every_role_passes_axe_and_the_nu_checker() {
    // The page HTML does not depend on the backend: SQLite is enough for the markup.
    let limit = Duration::from_secs(900);
    run_for(
        "checks",
        Lang::Ja,
        Backends::SqliteOnly,
        limit,
        |p: Page| async move {
            let checkers = checkers();
            let axe_src =
                std::fs::read_to_string(checkers.join("node_modules/axe-core/axe.min.js"))?;
            let dir = tempfile::Builder::new()
                .prefix("secretome-pages-")
                .tempdir()?;
            let mut f = Findings::default();
            for user in USERS {
                walk(&p, user, &axe_src, dir.path(), &mut f).await?;
            }
            nu(&checkers, dir.path(), &mut f);
            eprintln!(
                "checked {} pages with axe-core and the Nu HTML checker",
                f.pages.len()
            );
            assert!(
                f.problems.is_empty(),
                "{} problems on {} pages:\n{}",
                f.problems.len(),
                f.pages.len(),
                f.problems.join("\n")
            );
            Ok(())
        },
    )
    .await;
}

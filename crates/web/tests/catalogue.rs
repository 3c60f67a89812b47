//! The demo read in Japanese, every role (issue 17 item 1): each role signs in and follows the
//! links it is shown — one page per route, as the browser suite's axe/Nu walk does, but through
//! the router, without a browser — and every text a reader sees (text between tags, SVG text,
//! `title` / `placeholder` / `aria-label` / `alt`) is read for English left in the Japanese UI:
//! runs of Latin words not on the allow-list (`secretome_web::i18n::words`; a Rust enum name like
//! `Some(Literature)` is one) and a missing catalogue key (`??`). Records' own free text (notes, names a user
//! typed) is data, not UI: the demo writes it in Japanese too, so it is read the same way.

use crate::common;
use common::*;
use secretome_store::testing::stores;
use secretome_web::i18n::words::{english_runs, visible_text};
use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// The demo's sign-ins, one per role.
const USERS: [&str; 5] = ["operator", "qc", "qa", "physician", "admin"];
/// Most routes one role's walk opens (a guard against a walk that never ends).
const MOST_PAGES: usize = 150;

/// The route a link belongs to: segments holding a digit are ids (`/lots/{}`), and of the query
/// only the names count.
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
    format!("{path}?{}", names.join("&"))
}

/// A page of the app, not a file (PDF, SVG, CSV), the API or a download.
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

/// The `href`s of a page's links (`&amp;` decoded).
fn links(html: &str) -> Vec<String> {
    html.split("<a ")
        .skip(1)
        .filter_map(|a| {
            let tag = a.split('>').next()?;
            let at = tag.find("href=\"")?;
            Some(tag[at + 6..].split('"').next()?.replace("&amp;", "&"))
        })
        .collect()
}

/// What one page shows that a Japanese reader would meet as English.
fn findings(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for piece in visible_text(html) {
        out.extend(
            english_runs(&piece)
                .into_iter()
                .map(|r| format!("{r:?} in {piece:?}")),
        );
        if piece.contains("??") {
            out.push(format!("a missing key (??) in {piece:?}"));
        }
    }
    out
}

/// Its first run (SQLite, 223 pages, five roles) listed 305 English texts: the plan page, the
/// batch record review, the products page, master batch records, the settings page, the demo's
/// English names of materials, suppliers, rooms and equipment, the vial label preview, role codes,
/// units in words. Run with `--nocapture` to see what is left, each with the first role and page
/// that showed it.
#[tokio::test]
async fn every_page_of_the_demo_in_japanese_shows_no_english() {
    for (backend, store) in stores("catalogue_pages").await {
        let (app, svc) = demo_app(store).await;
        // Each finding once, with the first role and page that showed it.
        let mut found: BTreeMap<String, String> = BTreeMap::new();
        let mut pages = 0;
        for user in USERS {
            let (session, _) = session(&svc, user).await;
            let cookie = format!("{session}; secretome_lang=ja");
            let mut seen = BTreeSet::new();
            let mut queue = VecDeque::from(["/lots".to_string()]);
            while let Some(path) = queue.pop_front() {
                if !seen.insert(route(&path)) {
                    continue;
                }
                assert!(
                    seen.len() <= MOST_PAGES,
                    "{user}: more than {MOST_PAGES} routes"
                );
                let r = get(&app, &path, Some(&cookie)).await;
                if r.status != 200 || !r.body.contains("<html") {
                    continue;
                }
                pages += 1;
                assert!(
                    r.body.contains("<html lang=\"ja\""),
                    "{user} {path}: not Japanese"
                );
                for f in findings(&r.body) {
                    found.entry(f).or_insert_with(|| format!("{user} {path}"));
                }
                for href in links(&r.body) {
                    if followed(&href) && !seen.contains(&route(&href)) {
                        queue.push_back(href);
                    }
                }
            }
        }
        eprintln!("{backend:?}: read {pages} pages in Japanese");
        assert!(
            pages > 100,
            "{backend:?}: the walk reached {pages} pages only"
        );
        let report: Vec<String> = found.iter().map(|(f, at)| format!("{at}: {f}")).collect();
        assert!(
            report.is_empty(),
            "{backend:?}: {} English texts on Japanese pages:\n{}",
            report.len(),
            report.join("\n")
        );
    }
}

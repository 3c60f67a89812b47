//! The header at 1280 × 800 (issue 17 item 4): for every role, in Japanese and in English, the
//! menus stand in one row, each menu heading and each entry of its opened list on one line (no
//! ロ/ッ/ト broken into characters), the language switch and the user's name each on one line, and
//! nothing wider than the window; a long note in a table wraps inside its cell.

use crate::harness::{Backends, Lang, Page, Seen, run};
use secretome_service::NewObservation;
use serde_json::Value;

fn now() -> secretome_domain::UtcTime {
    crate::common::now()
}

const USERS: [&str; 5] = ["operator", "qc", "qa", "physician", "admin"];

/// Every header text that must fit on one line, with how many lines it takes, after opening
/// every menu; and the page's width against the window's.
const MEASURE: &str = r#"
document.querySelectorAll('header details').forEach(d => d.open = true);
const lines = e => {
  const cs = getComputedStyle(e);
  const lh = parseFloat(cs.lineHeight) || parseFloat(cs.fontSize) * 1.5;
  const pad = parseFloat(cs.paddingTop) + parseFloat(cs.paddingBottom);
  return Math.round((e.getBoundingClientRect().height - pad) / lh);
};
const items = Array.from(document.querySelectorAll(
  'header summary, header nav li a, #lang-switch, #signed-in-user, #sign-out, header .brand'));
const tops = Array.from(document.querySelectorAll('header summary')).map(s => Math.round(s.getBoundingClientRect().top));
return {
  items: items.map(e => [e.textContent.trim(), lines(e)]),
  rows: new Set(tops).size,
  width: document.documentElement.scrollWidth,
  window: window.innerWidth,
};
"#;

async fn header_fits(p: &Page, user: &str) -> Result<(), Seen> {
    p.sign_in(user).await?;
    p.open("/lots").await?;
    let m: Value = p.driver.execute(MEASURE, vec![]).await?.json().clone();
    let items = m["items"].as_array().cloned().unwrap_or_default();
    assert!(items.len() > 4, "{user}: the header shows its menus: {m}");
    for it in &items {
        assert_eq!(
            it[1].as_i64(),
            Some(1),
            "{user} ({:?}): {:?} takes more than one line",
            p.lang,
            it[0]
        );
    }
    assert_eq!(
        m["rows"], 1,
        "{user} ({:?}): the menus stand in one row",
        p.lang
    );
    assert!(
        m["width"].as_i64() <= m["window"].as_i64(),
        "{user} ({:?}): the page is wider than the window: {m}",
        p.lang
    );
    p.sign_out().await?;
    Ok(())
}

#[tokio::test]
async fn at_1280_by_800_every_japanese_menu_entry_stands_on_one_line_for_every_role() {
    run("nav_ja", Lang::Ja, Backends::All, |p: Page| async move {
        p.driver.set_window_rect(0, 0, 1280, 800).await?;
        for user in USERS {
            header_fits(&p, user).await?;
        }
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn at_1280_by_800_the_english_header_fits_too_and_a_long_note_wraps() {
    run(
        "nav_en",
        Lang::En,
        Backends::SqliteOnly,
        |p: Page| async move {
            p.driver.set_window_rect(0, 0, 1280, 800).await?;
            for user in USERS {
                header_fits(&p, user).await?;
            }
            // The longest observation note allowed (2,000 characters, no spaces; the issue's 10,000 are
            // refused since) on the demo's batch still culturing stays inside the page's width.
            let op = p.svc.actor("operator").await?;
            let mut batch = None;
            for n in 1..=20 {
                let id = format!("B-2026-{n:03}");
                let new = NewObservation {
                    batch: id.clone(),
                    observed_at: now(),
                    cell_count: 1.0e6,
                    viability_pct: 95.0,
                    confluence_pct: 50.0,
                    note: Some("x".repeat(secretome_domain::plausible::NOTE_MAX)),
                };
                if p.svc.record_observation(&op, now(), new).await.is_ok() {
                    batch = Some(id);
                    break;
                }
            }
            let batch = batch.expect("the demo has a batch still culturing");
            p.sign_in("operator").await?;
            p.open(&format!("/batches/{batch}")).await?;
            let width: i64 = p
                .driver
                .execute("return document.documentElement.scrollWidth;", vec![])
                .await?
                .convert()?;
            assert!(
                width <= 1280,
                "the long note stretches the page to {width} px"
            );
            Ok(())
        },
    )
    .await;
}

//! The manufacturing lists paged on both backends (issue 19): /donors, /batches, /materials and
//! /harvests show a filter box and next/previous links that walk every row once and keep the
//! filters; their `/api/v1` twins are cursor-paged; the pooling form offers only harvests with
//! volume left and the seeding form takes any bank by its id.

use crate::common;
use common::*;
use secretome_store::testing::stores;

/// Walks `list` two rows at a time by its next links: every row of the whole list once, in order,
/// and the previous link of the last page leads back to the page before it.
async fn walks(app: &axum::Router, c: Option<&str>, list: &str, rows: &str, form: &str) {
    let join = if list.contains('?') { '&' } else { '?' };
    let first = get(app, &format!("{list}{join}limit=200"), c).await;
    assert_eq!(first.status, 200, "{list}: {}", first.body);
    assert!(
        first.body.contains(&format!("id=\"{form}\"")),
        "{list}: the filter box"
    );
    let all = linked(&first.body, rows);
    assert!(all.len() >= 3, "{list}: {all:?}");
    let (mut seen, mut pages) = (Vec::new(), Vec::new());
    let mut path = format!("{list}{join}limit=2");
    for _ in 0..all.len() {
        let body = get(app, &path, c).await.body;
        let on_page = linked(&body, rows);
        assert!(
            !on_page.is_empty() && on_page.len() <= 2,
            "{list}: {on_page:?}"
        );
        if let Some(before) = pages.last() {
            assert_ne!(&on_page, before, "{list}: page 2 differs from page 1");
        }
        seen.extend(on_page.clone());
        pages.push(on_page);
        match link(&body, "page-next") {
            Some(next) => path = format!("{next}&limit=2"),
            None => {
                if pages.len() > 1 {
                    let prev = link(&body, "page-prev").expect("a previous link");
                    let back = linked(&get(app, &format!("{prev}&limit=2"), c).await.body, rows);
                    assert_eq!(&back, &pages[pages.len() - 2], "{list}: back one page");
                }
                break;
            }
        }
    }
    assert_eq!(seen, all, "{list}: no row lost or repeated");
}

/// The ids of an API page's rows (`rows[].id`, or `rows[].{record}.id`).
fn api_ids(v: &serde_json::Value, record: Option<&str>) -> Vec<String> {
    v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| match record {
            Some(k) => r[k]["id"].as_str().unwrap().to_string(),
            None => r["id"].as_str().unwrap().to_string(),
        })
        .collect()
}

#[tokio::test]
async fn manufacturing_lists_page_with_filters_and_cursors() {
    for (backend, store) in stores("web_mf_lists").await {
        let (app, svc) = demo_app(store).await;
        let (cookie, _) = session(&svc, "operator").await;
        let c = Some(cookie.as_str());
        walks(&app, c, "/donors", "/donors/", "donor-filter").await;
        walks(&app, c, "/batches", "/batches/", "batch-filter").await;
        walks(&app, c, "/materials", "/materials/", "material-filter").await;
        // Harvest rows link to their batch (one harvest per batch).
        walks(&app, c, "/harvests", "/batches/", "harvest-filter").await;

        // Filters narrow in SQL and stay in the pager's links; a bad state names the field.
        let r = get(&app, "/donors?status=eligible&limit=1", c).await;
        assert!(r.body.contains("data-state=\"eligible\""), "{backend:?}");
        assert!(!r.body.contains("data-state=\"ineligible\""), "{backend:?}");
        let next = link(&r.body, "page-next").expect("more than one eligible donor");
        assert!(next.contains("status=eligible"), "{backend:?}: {next}");
        let r = get(&app, "/batches?status=harvested&limit=200", c).await;
        assert!(r.body.contains("data-state=\"harvested\""), "{backend:?}");
        assert!(!r.body.contains("data-state=\"culturing\""), "{backend:?}");
        let r = get(&app, "/batches?status=frozen", c).await;
        assert_eq!(r.status, 422, "{backend:?}");
        assert!(r.body.contains("status"), "{backend:?}");
        let r = get(&app, "/materials?category=medium&limit=200", c).await;
        let media = linked(&r.body, "/materials/");
        let all = linked(
            &get(&app, "/materials?limit=200", c).await.body,
            "/materials/",
        );
        assert!(!media.is_empty() && media.len() < all.len(), "{backend:?}");
        let open = get(&app, "/harvests?open=true&limit=200", c).await.body;
        let every = get(&app, "/harvests?limit=200", c).await.body;
        let (open_rows, all_rows) = (linked(&open, "/batches/"), linked(&every, "/batches/"));
        assert!(
            open_rows.len() < all_rows.len(),
            "{backend:?}: some pooled whole"
        );
        assert!(
            !open.contains("<td class=\"num\">0</td>"),
            "{backend:?}: none empty"
        );
        // The pooling form offers the harvests with volume left, and only those.
        let options = open.split("id=\"f-harvests[0]\"").nth(1).unwrap();
        let options = options.split("</select>").next().unwrap();
        assert_eq!(
            options.matches("<option value=\"H").count(),
            open_rows.len()
        );

        // The seeding form takes a bank typed by id, with the newest banks as suggestions.
        let r = get(&app, "/batches", c).await;
        assert!(r.body.contains("list=\"bank-choices\""), "{backend:?}");
        assert!(
            r.body
                .contains("<datalist id=\"bank-choices\"><option value=")
        );

        // The API lists: a page object whose `next` cursor continues where the first stopped.
        for (list, record) in [
            ("/api/v1/donors", Some("donor")),
            ("/api/v1/batches", Some("batch")),
            ("/api/v1/materials", Some("lot")),
            ("/api/v1/harvests", None),
        ] {
            let whole = get(&app, &format!("{list}?limit=200"), c).await;
            assert_eq!(whole.status, 200, "{backend:?} {list}");
            let whole: serde_json::Value = serde_json::from_str(&whole.body).unwrap();
            let all = api_ids(&whole, record);
            let r = get(&app, &format!("{list}?limit=2"), c).await;
            let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
            assert_eq!(api_ids(&v, record), all[..2], "{backend:?} {list}");
            let cursor = v["next"].as_str().expect("a next cursor");
            let r = get(&app, &format!("{list}?limit=2&cursor={cursor}"), c).await;
            let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
            let n = all.len().min(4);
            assert_eq!(api_ids(&v, record), all[2..n], "{backend:?} {list}");
            assert!(v["prev"].is_string(), "{backend:?} {list}");
        }
        let r = get(&app, "/api/v1/batches?status=frozen", c).await;
        assert_eq!(r.status, 422, "{backend:?}");
    }
}

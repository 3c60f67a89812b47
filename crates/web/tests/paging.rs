//! Paged lists on both backends (issue 19): the lot list pages newest first with next/previous
//! links that keep its filters, the filters narrow it in SQL, a bad filter is refused naming the
//! field, and `/api/v1/lots` walks the same pages with its cursor.

use crate::common;
use common::*;
use secretome_store::testing::stores;

fn lots_in(body: &str) -> Vec<String> {
    linked(body, "/lots/")
}

#[tokio::test]
async fn lot_list_pages_filters_and_the_api_cursor() {
    for (backend, store) in stores("web_paging").await {
        let (app, svc) = demo_app(store).await;
        let (cookie, _) = session(&svc, "qa").await;
        let c = Some(cookie.as_str());
        let all = lots_in(&get(&app, "/lots", c).await.body);
        assert!(all.len() >= 5, "{backend:?}: {all:?}");

        // Two at a time: the pages, followed by their next links, list every lot once, in order.
        let mut seen = Vec::new();
        let mut path = "/lots?limit=2".to_string();
        let mut body = String::new();
        for _ in 0..all.len() {
            body = get(&app, &path, c).await.body;
            let rows = lots_in(&body);
            assert!(rows.len() <= 2, "{backend:?}: {rows:?}");
            seen.extend(rows);
            match link(&body, "page-next") {
                Some(next) => path = format!("{next}&limit=2"),
                None => break,
            }
        }
        assert_eq!(seen, all, "{backend:?}");
        // Back one page from the last: the page before it.
        let prev = link(&body, "page-prev").expect("a previous link on the last page");
        let back = lots_in(&get(&app, &format!("{prev}&limit=2"), c).await.body);
        let k = seen.len() - lots_in(&body).len();
        assert_eq!(back, seen[k - 2..k], "{backend:?}");

        // A state filter, kept in the pager's links.
        let r = get(&app, "/lots?status=released&limit=1", c).await;
        assert_eq!(r.status, 200, "{backend:?}");
        assert!(r.body.contains("data-state=\"released\""), "{backend:?}");
        assert!(!r.body.contains("data-state=\"rejected\""), "{backend:?}");
        let next = link(&r.body, "page-next").expect("more than one released lot");
        assert!(next.contains("status=released"), "{backend:?}: {next}");
        // Dates: nothing was made in 2001; a malformed date names the field.
        let r = get(&app, "/lots?from=2001-01-01&to=2001-12-31", c).await;
        assert!(lots_in(&r.body).is_empty(), "{backend:?}");
        let r = get(&app, "/lots?from=yesterday&status=lost", c).await;
        assert_eq!(r.status, 422, "{backend:?}");
        assert!(
            r.body.contains("from") && r.body.contains("status"),
            "{backend:?}: both refusals at once"
        );

        // The API: a page object whose `next` cursor continues where the first page stopped.
        let r = get(&app, "/api/v1/lots?limit=3", c).await;
        assert_eq!(r.status, 200, "{backend:?}");
        let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        let first: Vec<&str> = v["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["lot"]["id"].as_str().unwrap())
            .collect();
        assert_eq!(first, all[..3], "{backend:?}");
        let total: usize = v["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["vials"].as_u64().unwrap() as usize)
            .sum();
        assert!(total > 0, "{backend:?}: vials counted per lot");
        let cursor = v["next"].as_str().unwrap();
        let r = get(&app, &format!("/api/v1/lots?limit=3&cursor={cursor}"), c).await;
        let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(
            v["rows"][0]["lot"]["id"].as_str(),
            Some(all[3].as_str()),
            "{backend:?}"
        );
    }
}

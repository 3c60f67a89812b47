//! Purpose-built reads and set-based writes on both backends (issue 19): keyset pages walked both
//! ways with filters pushed into SQL, grouped counts/sums/minima/maxima, and `update_many` writing the same
//! rows and events as `update` one by one.

use secretome_store::{
    Aggregate, Cond, Page, PageQuery, Read, Snapshot, Store, StoreError, Table, VerifyOutcome,
    answers,
    testing::{ctx, stores},
};
use serde_json::json;

fn site(id: &str, zone: &str, created: u32) -> Snapshot {
    Snapshot::from_object(
        Table::Site,
        json!({"id": id, "name": format!("CPC {id}"), "time_zone": zone,
               "created_at": format!("2026-11-{created:02}T00:00:00.000000Z")}),
    )
    .unwrap()
}

fn freezer(id: &str, site: &str, temp: f64) -> Snapshot {
    Snapshot::from_object(
        Table::Freezer,
        json!({"id": id, "name": id, "site": site, "temperature_c": temp, "box_rows": 9,
               "box_cols": 9, "created_at": "2026-11-25T00:00:00.000000Z"}),
    )
    .unwrap()
}

fn ids(p: &Page<Snapshot>) -> Vec<&str> {
    p.rows.iter().map(|r| r.id()).collect()
}

async fn seed(store: &dyn Store) {
    let mut tx = store.begin().await.unwrap();
    // Created on days 1..=7; S4 and S5 on the same day (the id breaks the tie).
    let days = [
        ("S1", 1),
        ("S2", 2),
        ("S3", 3),
        ("S4", 5),
        ("S5", 5),
        ("S6", 6),
        ("S7", 7),
    ];
    let rows = days
        .iter()
        .map(|(id, d)| {
            let zone = if *d % 2 == 0 { "Asia/Tokyo" } else { "UTC" };
            (site(id, zone, *d), ctx("site.create"))
        })
        .collect();
    tx.insert_many(rows).await.unwrap();
    let fr = vec![
        (freezer("F/1", "S1", -80.0), ctx("freezer.create")),
        (freezer("F/10", "S1", -150.0), ctx("freezer.create")),
        (freezer("F/2", "S2", -20.0), ctx("freezer.create")),
        (freezer("G/1", "S2", -80.0), ctx("freezer.create")),
    ];
    tx.insert_many(fr).await.unwrap();
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn pages_walk_newest_first_and_back_with_filters_in_sql() {
    for (backend, store) in stores("paging").await {
        seed(&store).await;
        let q = PageQuery::newest("created_at", 3);
        let p1 = store.page(Table::Site, &q).await.unwrap();
        assert_eq!(ids(&p1), ["S7", "S6", "S5"], "{backend:?}");
        assert!(
            p1.prev.is_none(),
            "{backend:?}: the first page has no previous"
        );
        let p2 = store
            .page(Table::Site, &q.clone().at(p1.next.as_deref()))
            .await
            .unwrap();
        assert_eq!(ids(&p2), ["S4", "S3", "S2"], "{backend:?}");
        let p3 = store
            .page(Table::Site, &q.clone().at(p2.next.as_deref()))
            .await
            .unwrap();
        assert_eq!(ids(&p3), ["S1"], "{backend:?}");
        assert!(p3.next.is_none(), "{backend:?}: the last page has no next");
        // Back from the last page: the same middle page, in the same order.
        let back = store
            .page(Table::Site, &q.clone().at(p3.prev.as_deref()))
            .await
            .unwrap();
        assert_eq!(ids(&back), ids(&p2), "{backend:?}");
        let first = store
            .page(Table::Site, &q.clone().at(back.prev.as_deref()))
            .await
            .unwrap();
        assert_eq!(ids(&first), ids(&p1), "{backend:?}");
        assert!(first.prev.is_none(), "{backend:?}");
        // A filter and a date range.
        let f = PageQuery::newest("created_at", 10)
            .with(Cond::Eq("time_zone", "UTC".into()))
            .with(Cond::Range {
                column: "created_at",
                from: Some("2026-11-02".into()),
                to: Some("2026-11-06".into()),
            });
        let p = store.page(Table::Site, &f).await.unwrap();
        assert_eq!(ids(&p), ["S5", "S4", "S3"], "{backend:?}");
        // A prefix is a range: `F/1` matches F/1 and F/10, not F/2 nor G/1; ascending by id.
        let mut pf = PageQuery::newest("id", 10).with(Cond::prefix("id", "F/1"));
        pf.desc = false;
        let p = store.page(Table::Freezer, &pf).await.unwrap();
        assert_eq!(ids(&p), ["F/1", "F/10"], "{backend:?}");
        // A semi-join: freezers of the sites in Tokyo.
        let sj = PageQuery::newest("id", 10).with(Cond::InSelect {
            column: "site",
            table: Table::Site,
            conds: vec![Cond::Eq("time_zone", "Asia/Tokyo".into())],
        });
        let p = store.page(Table::Freezer, &sj).await.unwrap();
        assert_eq!(ids(&p), ["G/1", "F/2"], "{backend:?}");
        // A column that does not exist is refused, never put in the SQL.
        let bad = PageQuery::newest("created_at", 3).with(Cond::Eq("nope", "x".into()));
        assert!(matches!(
            store.page(Table::Site, &bad).await,
            Err(StoreError::Invalid { .. })
        ));
    }
}

#[tokio::test]
async fn pages_of_a_few_columns_walk_as_whole_rows_do() {
    for (backend, store) in stores("paging_columns").await {
        seed(&store).await;
        let q = PageQuery::newest("created_at", 3).with(Cond::Eq("time_zone", "UTC".into()));
        let cols = ["id", "created_at", "time_zone"];
        let mut walked = Vec::new();
        let mut at: Option<String> = None;
        loop {
            let p = store
                .page_columns(Table::Site, &q.clone().at(at.as_deref()), &cols)
                .await
                .unwrap();
            let whole = store
                .page(Table::Site, &q.clone().at(at.as_deref()))
                .await
                .unwrap();
            // The same rows and cursors as the whole rows' page.
            let got: Vec<&str> = p.rows.iter().map(|r| r[0].as_deref().unwrap()).collect();
            assert_eq!(got, ids(&whole), "{backend:?}");
            assert_eq!(
                (&p.next, &p.prev),
                (&whole.next, &whole.prev),
                "{backend:?}"
            );
            for r in &p.rows {
                assert_eq!(r.len(), 3, "{backend:?}");
                assert_eq!(r[2].as_deref(), Some("UTC"), "{backend:?}");
            }
            walked.extend(got.iter().map(|s| s.to_string()));
            match p.next {
                Some(n) => at = Some(n),
                None => break,
            }
        }
        assert_eq!(walked, ["S7", "S5", "S4", "S3", "S1"], "{backend:?}");
        // Numbers come back as their text; the order column and id must be among the columns.
        let f = PageQuery::newest("id", 10).with(Cond::prefix("id", "F/1"));
        let p = store
            .page_columns(Table::Freezer, &f, &["id", "temperature_c"])
            .await
            .unwrap();
        let temps: Vec<f64> = p
            .rows
            .iter()
            .map(|r| r[1].as_deref().unwrap().parse().unwrap())
            .collect();
        assert_eq!(temps, [-150.0, -80.0], "{backend:?}");
        assert!(matches!(
            store
                .page_columns(Table::Freezer, &f, &["temperature_c"])
                .await,
            Err(StoreError::Invalid { .. })
        ));
        assert!(matches!(
            store
                .page_columns(Table::Freezer, &f, &["id", "nope"])
                .await,
            Err(StoreError::Invalid { .. })
        ));
    }
}

#[tokio::test]
async fn aggregates_count_sum_and_max_per_group_in_sql() {
    for (backend, store) in stores("aggregate").await {
        seed(&store).await;
        let mut g = store
            .aggregate(
                Table::Freezer,
                &["site"],
                &[],
                Some("temperature_c"),
                Some("id"),
            )
            .await
            .unwrap();
        g.sort_by(|a, b| a.keys.cmp(&b.keys));
        type Row<'a> = (Option<&'a str>, i64, Option<f64>, Option<&'a str>);
        let got: Vec<Row> = g
            .iter()
            .map(|g| (g.keys[0].as_deref(), g.count, g.sum, g.max.as_deref()))
            .collect();
        assert_eq!(
            got,
            [
                (Some("S1"), 2, Some(-230.0), Some("F/10")),
                (Some("S2"), 2, Some(-100.0), Some("G/1"))
            ],
            "{backend:?}"
        );
        // the same through `read_all`, with the least values asked for too
        let asked = Aggregate {
            min: Some("id"),
            sum: Some("temperature_c"),
            ..Aggregate::count(Table::Freezer, &["site"], vec![])
        };
        let [groups] =
            answers(store.read_all(vec![Read::Aggregate(asked)]).await.unwrap()).unwrap();
        let mut groups = groups.groups().unwrap();
        groups.sort_by(|a, b| a.keys.cmp(&b.keys));
        type Least<'a> = (
            Option<&'a str>,
            i64,
            Option<f64>,
            Option<&'a str>,
            Option<&'a str>,
        );
        let got: Vec<Least> = groups
            .iter()
            .map(|g| {
                let k = g.keys[0].as_deref();
                (k, g.count, g.sum, g.min.as_deref(), g.max.as_deref())
            })
            .collect();
        assert_eq!(
            got,
            [
                (Some("S1"), 2, Some(-230.0), Some("F/1"), None),
                (Some("S2"), 2, Some(-100.0), Some("F/2"), None)
            ],
            "{backend:?}: least ids per site, no greatest asked"
        );
        let all = store
            .aggregate(
                Table::Site,
                &[],
                &[Cond::In("id", vec!["S1".into(), "S2".into(), "S9".into()])],
                None,
                None,
            )
            .await
            .unwrap();
        assert_eq!(all.len(), 1, "{backend:?}");
        assert_eq!(all[0].count, 2, "{backend:?}");
        let none = store
            .aggregate(Table::Site, &[], &[Cond::In("id", vec![])], None, None)
            .await
            .unwrap();
        assert_eq!(
            none[0].count, 0,
            "{backend:?}: an empty set matches nothing"
        );
    }
}

#[tokio::test]
async fn update_many_writes_the_rows_and_events_update_would() {
    for (backend, store) in stores("update_many").await {
        seed(&store).await;
        let before = store.event_count().await.unwrap();
        let mut tx = store.begin().await.unwrap();
        let rows = ["S1", "S3", "S5"]
            .iter()
            .map(|id| {
                let mut s = site(id, "Asia/Tokyo", 9);
                s.values.insert("name", json!(format!("renamed {id}")));
                (s, ctx("site.rename"))
            })
            .collect();
        tx.update_many(rows).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(
            store.event_count().await.unwrap(),
            before + 3,
            "{backend:?}"
        );
        let s3 = store.get(Table::Site, "S3").await.unwrap().unwrap();
        assert_eq!(s3.values["name"], json!("renamed S3"), "{backend:?}");
        let ev = store.events_for(Table::Site, "S3").await.unwrap();
        assert_eq!(ev.len(), 2, "{backend:?}");
        assert!(
            ev[1].before.as_deref().unwrap().contains("\"CPC S3\""),
            "{backend:?}: the event's before is the old row"
        );
        assert_eq!(ev[1].after.as_deref(), Some(s3.canonical().as_str()));
        assert!(matches!(
            store.verify().await.unwrap(),
            VerifyOutcome::Intact { .. }
        ));
        // A missing row: refused, and nothing of the call is kept.
        let mut tx = store.begin().await.unwrap();
        let rows = vec![
            (site("S2", "UTC", 9), ctx("site.rename")),
            (site("S404", "UTC", 9), ctx("site.rename")),
        ];
        let e = tx.update_many(rows).await.unwrap_err();
        assert!(matches!(e, StoreError::NotFound { .. }), "{backend:?}: {e}");
        assert!(tx.commit().await.is_err(), "{backend:?}: poisoned");
        let s2 = store.get(Table::Site, "S2").await.unwrap().unwrap();
        assert_eq!(s2.values["name"], json!("CPC S2"), "{backend:?}");
        assert_eq!(
            store.event_count().await.unwrap(),
            before + 3,
            "{backend:?}"
        );
    }
}

//! The paged manufacturing lists on both backends (issue 19): donors, batches, material lots and
//! harvests walked two at a time list every row once in their order; the filters narrow them in
//! SQL (a bad state is refused naming the field); each row's counts — a donor's tissues, a batch's
//! observations, latest observation and harvest, a material lot's uses — are the ones its own
//! page shows; the forms' choices are bounded by state.

use secretome_domain::UtcTime;
use secretome_service::{
    BatchFilter, DonorFilter, ErrorKind, HarvestFilter, MaterialFilter, Page, Service,
    ServiceError, demo,
};
use secretome_store::testing::stores;
use std::collections::BTreeSet;
use std::future::Future;
use std::sync::Arc;

fn now() -> UtcTime {
    UtcTime::parse("now", "2026-11-25T03:00:00Z").unwrap()
}

/// Every row of a list read `n` at a time through its `next` cursors, and every page's rows
/// read back through the `prev` cursor of the page after it.
async fn walk<T, F, Fut>(n: usize, read: F) -> Vec<T>
where
    T: serde::Serialize,
    F: Fn(Option<String>, usize) -> Fut,
    Fut: Future<Output = Result<Page<T>, ServiceError>>,
{
    let mut pages: Vec<Page<T>> = vec![read(None, n).await.unwrap()];
    while let Some(next) = pages.last().unwrap().next.clone() {
        let page = read(Some(next), n).await.unwrap();
        assert!(page.rows.len() <= n && !page.rows.is_empty());
        // Back from this page: the page before it.
        let prev = page
            .prev
            .clone()
            .expect("a page after the first has a previous link");
        let back = read(Some(prev), n).await.unwrap();
        let json = |rows: &[T]| serde_json::to_value(rows).unwrap();
        assert_eq!(json(&back.rows), json(&pages.last().unwrap().rows));
        pages.push(page);
    }
    pages.into_iter().flat_map(|p| p.rows).collect()
}

#[tokio::test]
async fn manufacturing_lists_page_filter_and_count_in_sql() {
    for (backend, store) in stores("mf_lists").await {
        let svc = Service::new(Arc::new(store));
        demo::build(&svc, now()).await.unwrap();

        // Donors by code: every donor once, in code order, however the pages fall.
        let f = DonorFilter::default();
        let all = svc.donors_page(&f, None, Some(200)).await.unwrap().rows;
        let all: Vec<String> = all.iter().map(|d| d.donor.id.to_string()).collect();
        assert!(all.len() >= 5, "{backend:?}: {all:?}");
        let mut sorted = all.clone();
        sorted.sort();
        assert_eq!(all, sorted, "{backend:?}: donors by code");
        let paged = walk(2, |c, n| {
            let (svc, f) = (svc.clone(), f.clone());
            async move { svc.donors_page(&f, c.as_deref(), Some(n)).await }
        })
        .await;
        let ids: Vec<String> = paged.iter().map(|d| d.donor.id.to_string()).collect();
        assert_eq!(ids, all, "{backend:?}: no donor lost or repeated");
        for d in &paged {
            let detail = svc.donor_detail(d.donor.id.as_str()).await.unwrap();
            assert_eq!(
                d.tissues,
                detail.tissues.len(),
                "{backend:?} {}",
                d.donor.id
            );
            for b in &detail.banks {
                assert!(
                    detail.tissues.iter().any(|t| t.id == b.tissue),
                    "{backend:?}"
                );
            }
        }
        // A state filter and a code prefix; a state that is none is refused naming the field.
        let eligible = DonorFilter {
            status: Some("eligible".into()),
            ..Default::default()
        };
        let rows = svc.donors_page(&eligible, None, None).await.unwrap().rows;
        assert!(!rows.is_empty(), "{backend:?}");
        assert!(rows.iter().all(|d| d.donor.status.as_str() == "eligible"));
        let prefix = DonorFilter {
            code: Some("D-BM".into()),
            ..Default::default()
        };
        let rows = svc.donors_page(&prefix, None, None).await.unwrap().rows;
        let want: Vec<&String> = all.iter().filter(|d| d.starts_with("D-BM")).collect();
        let got: Vec<String> = rows.iter().map(|d| d.donor.id.to_string()).collect();
        assert_eq!(got.iter().collect::<Vec<_>>(), want, "{backend:?}");
        let bad = DonorFilter {
            status: Some("lost".into()),
            ..Default::default()
        };
        let err = svc.donors_page(&bad, None, None).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Invalid, "{backend:?}: {err:?}");
        assert!(format!("{err:?}").contains("status"), "{err:?}");

        // Batches newest seeding first; counts, latest observation and harvest as on its page.
        let f = BatchFilter::default();
        let batches = walk(2, |c, n| {
            let (svc, f) = (svc.clone(), f.clone());
            async move { svc.batches_page(&f, c.as_deref(), Some(n)).await }
        })
        .await;
        assert!(batches.len() >= 3, "{backend:?}");
        let whole = svc.batches_page(&f, None, Some(200)).await.unwrap().rows;
        assert_eq!(batches.len(), whole.len(), "{backend:?}");
        let ids: BTreeSet<String> = batches.iter().map(|b| b.batch.id.to_string()).collect();
        assert_eq!(ids.len(), batches.len(), "{backend:?}: no batch repeated");
        for w in batches.windows(2) {
            assert!(w[0].batch.seeded_at >= w[1].batch.seeded_at, "{backend:?}");
        }
        for b in &batches {
            let d = svc.batch_detail(b.batch.id.as_str()).await.unwrap();
            assert_eq!(b.observations, d.observations.len(), "{backend:?}");
            assert_eq!(
                b.last.as_ref().map(|o| o.observed_at),
                d.observations.last().map(|o| o.observed_at),
                "{backend:?} {}",
                b.batch.id
            );
            assert_eq!(b.harvest.as_ref(), d.harvests.first(), "{backend:?}");
        }
        let harvested = BatchFilter {
            status: Some("harvested".into()),
            ..Default::default()
        };
        let rows = svc.batches_page(&harvested, None, None).await.unwrap().rows;
        assert!(
            !rows.is_empty() && rows.len() < batches.len(),
            "{backend:?}"
        );
        assert!(rows.iter().all(|b| b.harvest.is_some()), "{backend:?}");
        let bank = batches[0].batch.cell_bank.to_string();
        let of_bank = BatchFilter {
            cell_bank: Some(bank.clone()),
            ..Default::default()
        };
        let rows = svc.batches_page(&of_bank, None, None).await.unwrap().rows;
        let want = batches
            .iter()
            .filter(|b| b.batch.cell_bank.as_str() == bank)
            .count();
        assert_eq!(rows.len(), want, "{backend:?}");

        // Material lots by id with their uses; the category filter.
        let f = MaterialFilter::default();
        let lots = walk(2, |c, n| {
            let (svc, f) = (svc.clone(), f.clone());
            async move { svc.materials_page(&f, c.as_deref(), Some(n)).await }
        })
        .await;
        assert!(lots.len() >= 3, "{backend:?}");
        assert!(lots.iter().any(|m| m.uses > 0), "{backend:?}");
        for m in &lots {
            let d = svc.material_detail(m.lot.id.as_str()).await.unwrap();
            assert_eq!(m.uses, d.uses.len(), "{backend:?} {}", m.lot.id);
        }
        let media = MaterialFilter {
            category: Some("medium".into()),
            ..Default::default()
        };
        let rows = svc.materials_page(&media, None, None).await.unwrap().rows;
        let want = lots
            .iter()
            .filter(|m| m.lot.category.as_str() == "medium")
            .count();
        assert_eq!(rows.len(), want, "{backend:?}");
        // The forms' choices: in date at `now`, soonest expiry first.
        let in_date = svc.materials_in_date(now(), None).await.unwrap();
        assert!(!in_date.is_empty(), "{backend:?}");
        assert!(in_date.iter().all(|m| m.expires_at >= now()), "{backend:?}");
        assert!(
            in_date
                .windows(2)
                .all(|w| w[0].expires_at <= w[1].expires_at)
        );

        // Harvests newest first; `open` keeps those with volume left, as the pooling form does.
        let f = HarvestFilter::default();
        let harvests = walk(1, |c, n| {
            let (svc, f) = (svc.clone(), f.clone());
            async move { svc.harvests_page(&f, c.as_deref(), Some(n)).await }
        })
        .await;
        assert!(harvests.len() >= 2, "{backend:?}");
        assert!(
            harvests
                .windows(2)
                .all(|w| w[0].harvested_at >= w[1].harvested_at)
        );
        let open = svc.harvests_to_pool().await.unwrap();
        let want: Vec<_> = harvests
            .iter()
            .filter(|h| h.remaining_ml > 0.0)
            .cloned()
            .collect();
        assert_eq!(open, want, "{backend:?}");
        assert!(
            open.len() < harvests.len(),
            "{backend:?}: the demo pooled some whole"
        );
    }
}

//! Cheap decoding, measured (issue 19 item 3): reads the same pages of vials and of lots through
//! `page_of` (rows decoded straight into records) and `page_of_via_snapshots` (a `Value` per cell,
//! then a JSON map, then `from_value`), alternating, and prints rows per second of each.
//! `cargo run --release -p secretome-store --example decode_bench -- URL [PAGES]`
//! (URL of a generated database, e.g. `sqlite:///work/bench-db/100k.db`; pages of 5,000 rows).

use secretome_domain::{lot::Lot, vial::Vial};
use secretome_store::{PageQuery, Record, SqlStore, Store, query::MAX_ROWS};
use std::time::{Duration, Instant};

async fn walk<R: Record>(store: &dyn Store, pages: usize, direct: bool) -> (usize, Duration) {
    let mut q = PageQuery::newest("id", MAX_ROWS);
    q.desc = false;
    let (mut rows, t0) = (0, Instant::now());
    for _ in 0..pages {
        let (n, next) = if direct {
            let p = store.page_of::<R>(&q).await.expect("page");
            (p.rows.len(), p.next)
        } else {
            let p = store.page_of_via_snapshots::<R>(&q).await.expect("page");
            (p.rows.len(), p.next)
        };
        rows += n;
        match next {
            Some(c) => q = q.at(Some(&c)),
            None => break,
        }
    }
    (rows, t0.elapsed())
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let url = args.get(1).expect("usage: decode_bench URL [PAGES]");
    let pages: usize = args.get(2).and_then(|p| p.parse().ok()).unwrap_or(20);
    let store = SqlStore::connect(url).await.expect("connect");
    let store: &dyn Store = &store;
    for round in 0..3 {
        for direct in [false, true] {
            let (n, t) = walk::<Vial>(store, pages, direct).await;
            let (m, u) = walk::<Lot>(store, 1, direct).await;
            let how = if direct {
                "straight (RawRow)"
            } else {
                "via Snapshot/Value"
            };
            println!(
                "round {round} {how:20}: {n} vials in {:.3} s = {:.0} rows/s; {m} lots in {:.1} ms",
                t.as_secs_f64(),
                n as f64 / t.as_secs_f64(),
                u.as_secs_f64() * 1e3
            );
        }
    }
}

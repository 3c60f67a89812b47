//! `audit verify` timed on its own (issue 19 item 5): runs the verify walk on a database ROUNDS
//! times and prints each run's wall time and the process's CPU time (user + sys) it used, so the
//! store's verify can be tuned without rebuilding the CLI.
//! `cargo run --release -p secretome-store --example verify_bench -- URL [ROUNDS]`
//! (URL of a copy of a generated database, e.g. `sqlite:///tmp/v100k.db`).

use secretome_store::{SqlStore, audit::VerifyOptions};
use std::time::Instant;

/// CPU seconds (user + sys) this process has used so far, from /proc/self/stat (Linux).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<f64> = rest
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|x| x.parse().ok())
        .collect();
    f.iter().sum::<f64>() / 100.0
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let url = args.get(1).expect("usage: verify_bench URL [ROUNDS]");
    let rounds: usize = args.get(2).and_then(|p| p.parse().ok()).unwrap_or(3);
    let store = SqlStore::connect(url).await.expect("connect");
    for round in 0..rounds {
        let (t0, c0) = (Instant::now(), cpu_seconds());
        let report = store
            .verify_report(&VerifyOptions::default())
            .await
            .expect("verify");
        println!(
            "round {round}: {} events, {} rows, intact {}: wall {:.2} s, CPU {:.2} s",
            report.events,
            report.rows,
            report.is_intact(),
            t0.elapsed().as_secs_f64(),
            cpu_seconds() - c0
        );
    }
}

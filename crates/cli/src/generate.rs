//! `secretome generate`: a synthetic multi-site history in an empty database, with a progress bar;
//! and the hidden `secretome bench-trace`, which times a forward trace against fetching its result
//! rows by primary key (see `secretome_service::generate`). Both are a few lines over the service.

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use secretome_domain::UtcTime;
use secretome_service::{Service, generate::GenerateSpec};
use secretome_store::SqlStore;
use std::{process::ExitCode, sync::Arc, time::Instant};

#[derive(clap::Args, Debug)]
pub struct GenerateArgs {
    /// Database to fill (sqlite://PATH, created if missing, or postgres://…); must be empty.
    #[arg(long, env = "SECRETOME_DATABASE_URL")]
    db: String,
    /// Vials to fill, in all.
    #[arg(long)]
    vials: usize,
    /// Patients to register (spread over the sites and the indications).
    #[arg(long)]
    patients: usize,
    /// Years of history, ending now.
    #[arg(long, default_value_t = 5)]
    years: u32,
    /// Sites (facility and clinics).
    #[arg(long, default_value_t = 3)]
    sites: usize,
    /// Seed of the generator: the same seed gives the same history (relative to now).
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

#[derive(clap::Args, Debug)]
pub struct BenchArgs {
    #[arg(long, env = "SECRETOME_DATABASE_URL")]
    db: String,
    /// Starting points (donor or raw-material lot); default: a typical donor and DMEM lot.
    #[arg(long)]
    from: Vec<String>,
    /// Timed repetitions of each (medians are reported).
    #[arg(long, default_value_t = 15)]
    repeat: usize,
}

async fn open(url: &str) -> anyhow::Result<Service> {
    let store = SqlStore::connect(url)
        .await
        .with_context(|| format!("opening {url}"))?;
    store.migrate().await?;
    Ok(Service::new(Arc::new(store)))
}

pub async fn run(a: GenerateArgs) -> anyhow::Result<ExitCode> {
    let svc = open(&a.db).await?;
    let spec = GenerateSpec {
        vials: a.vials,
        patients: a.patients,
        years: a.years,
        sites: a.sites,
        seed: a.seed,
    };
    let bar = ProgressBar::new(a.vials as u64);
    bar.set_style(
        ProgressStyle::with_template(
            "{elapsed_precise} [{bar:40}] {pos}/{len} vials, {msg} (eta {eta})",
        )
        .context("progress bar template")?
        .progress_chars("=> "),
    );
    let started = Instant::now();
    let now = UtcTime::from_timestamp(jiff::Timestamp::now());
    let s = svc
        .generate(now, &spec, &|p| {
            bar.set_position(p.vials);
            bar.set_message(format!("{} rows", p.rows));
        })
        .await?;
    bar.finish();
    let secs = started.elapsed().as_secs_f64();
    println!(
        "generated {} sites, {} donors, {} cell banks, {} raw-material lots, {} batches, {} lots, {} vials, \
         {} patients, {} dispensed, {} administered, {} consents, {} shipments, {} adverse events",
        s.sites,
        s.donors,
        s.banks,
        s.material_lots,
        s.batches,
        s.lots,
        s.vials,
        s.patients,
        s.dispensed,
        s.administered,
        s.consents,
        s.shipments,
        s.adverse_events
    );
    println!(
        "{} rows, {} audit events in {secs:.1} s ({:.0} rows/s)",
        s.rows,
        s.events,
        s.rows as f64 / secs.max(1e-9)
    );
    Ok(ExitCode::SUCCESS)
}

pub async fn bench(a: BenchArgs) -> anyhow::Result<ExitCode> {
    let svc = open(&a.db).await?;
    let roots = if a.from.is_empty() {
        svc.bench_trace_roots().await?
    } else {
        a.from.clone()
    };
    println!("from\tedges\tnodes\ttrace_ms\tfetch_by_key_ms\tratio");
    let mut worst: f64 = 0.0;
    for id in roots {
        let t = svc.bench_trace(&id, a.repeat).await?;
        println!(
            "{}\t{}\t{}\t{:.2}\t{:.2}\t{:.2}",
            t.id,
            t.edges,
            t.nodes,
            t.trace_ms,
            t.fetch_ms,
            t.ratio()
        );
        worst = worst.max(t.ratio());
    }
    println!("worst ratio {worst:.2} (goal: within 3)");
    Ok(ExitCode::SUCCESS)
}

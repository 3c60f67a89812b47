//! `secretome`: the command line. Thin glue: parse arguments, open the store, call the service layer
//! (or the assay engine), print. Every subcommand's work lives in a library crate.

mod assay;
mod audit;
mod db;
mod document;
mod fhir;
mod generate;
mod label;
mod plan;

use anyhow::Context;
use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(
    name = "secretome",
    version,
    about = "Production, QC and traceability for stem-cell culture supernatant (幹細胞培養上清液)"
)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

// Parsed once per run: the size difference between variants costs nothing worth boxing for.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand, Debug)]
enum Cmd {
    /// Create (if missing) a demo facility in a SQLite file and serve the web application on it.
    Demo {
        /// SQLite file to use; created with the demo facility if it does not exist.
        #[arg(long, default_value = "secretome-demo.db")]
        db: String,
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: String,
    },
    /// Serve the web application on a database (sqlite://PATH or postgres://…).
    Serve {
        #[arg(long, env = "SECRETOME_DATABASE_URL")]
        db: String,
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: String,
        #[command(flatten)]
        checkpoints: audit::CheckpointArgs,
    },
    /// Create or update the database schema.
    Migrate {
        #[arg(long, env = "SECRETOME_DATABASE_URL")]
        db: String,
    },
    /// The audit trail.
    Audit {
        #[command(subcommand)]
        cmd: audit::AuditCmd,
    },
    /// Users.
    User {
        #[command(subcommand)]
        cmd: UserCmd,
    },
    /// Standard curves and plate-reader exports.
    Assay {
        #[command(subcommand)]
        cmd: assay::AssayCmd,
    },
    /// Trace a donor, raw-material lot, lot, vial or patient forward (to every vial it reached) or
    /// backward (to everything upstream); prints JSON {"root", "nodes", "edges"}.
    Trace {
        #[arg(value_enum)]
        direction: TraceDirection,
        id: String,
        #[arg(long, env = "SECRETOME_DATABASE_URL")]
        db: String,
    },
    /// Generate a synthetic multi-site history (donors to patients) into an empty database, for
    /// load tests and benchmarks; shows progress.
    Generate(generate::GenerateArgs),
    /// Time a forward trace against fetching its result rows by primary key (benchmark).
    #[command(hide = true)]
    BenchTrace(generate::BenchArgs),
    /// Plan a production campaign: schedule, vessels, medium and predicted factor concentrations.
    Plan(plan::PlanArgs),
    /// A vial's label (ISBT 128 DIN, product code, lot, expiry, Code 128 + DataMatrix) as SVG or PDF.
    Label(label::LabelArgs),
    /// A patient's dispensed vials and administrations as a FHIR R4 Bundle (JSON).
    Fhir(fhir::FhirArgs),
    /// Documents as PDF/A-2b: `document coa LOT` (certificate of analysis).
    Document {
        #[command(subcommand)]
        cmd: document::DocumentCmd,
    },
}

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
enum TraceDirection {
    Forward,
    Backward,
}

#[derive(Subcommand, Debug)]
enum UserCmd {
    /// Add the first administrator (and site) of an empty installation; the password is read
    /// from standard input (one line; at least 8 characters).
    Add {
        #[arg(long, env = "SECRETOME_DATABASE_URL")]
        db: String,
        /// Sign-in name.
        name: String,
        #[arg(long, default_value = "admin")]
        role: String,
        #[arg(long)]
        display_name: Option<String>,
        #[arg(long, default_value = "SITE-1")]
        site: String,
    },
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let result = match cli.cmd {
        Cmd::Assay { cmd } => assay::run(cmd),
        Cmd::Plan(args) => plan::run(args),
        Cmd::Label(args) => tokio::runtime::Runtime::new()
            .context("starting the async runtime")
            .and_then(|rt| rt.block_on(label::run(args))),
        Cmd::Document { cmd } => tokio::runtime::Runtime::new()
            .context("starting the async runtime")
            .and_then(|rt| rt.block_on(document::run(cmd))),
        Cmd::Fhir(args) => tokio::runtime::Runtime::new()
            .context("starting the async runtime")
            .and_then(|rt| rt.block_on(fhir::run(args))),
        Cmd::Generate(args) => tokio::runtime::Runtime::new()
            .context("starting the async runtime")
            .and_then(|rt| rt.block_on(generate::run(args))),
        Cmd::BenchTrace(args) => tokio::runtime::Runtime::new()
            .context("starting the async runtime")
            .and_then(|rt| rt.block_on(generate::bench(args))),
        other => tokio::runtime::Runtime::new()
            .context("starting the async runtime")
            .and_then(|rt| rt.block_on(db::run(other))),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

//! `secretome assay …`: fit standard curves and import plate-reader exports. A thin IO layer over the
//! `secretome-assay` library: it reads files, calls the library, and prints.
//!
//! Dependencies this module needs in crates/cli/Cargo.toml:
//!   secretome-assay = { path = "../assay" }
//!   clap = { workspace = true }      # clap 4 with the `derive` feature
//!   anyhow = { workspace = true }
//! Mount it in main.rs with `mod assay;`, a subcommand variant
//! `Assay { #[command(subcommand)] cmd: assay::AssayCmd }`, and `assay::run(cmd)`.
//!
//! Contracts (issue 3, item 6):
//! - `assay fit --model 4pl|5pl [--weight none|1/y|1/y2] FILE` — CSV `curve,x,y`; one JSON object per
//!   curve per line, failures included with `"converged":false` and an `"error"`.
//! - `assay import FILE [--layout LAYOUT] [--json] [--svg OUT.svg]` — readable report, or one JSON
//!   object per well per line with `--json`; `--svg` writes the standard curve of the first fitted plate.

use anyhow::{Context, bail};
use secretome_assay::analysis::{self, AnalysisOptions};
use secretome_assay::curve::{Model, Weighting};
use secretome_assay::{batch, import, plot};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// `secretome assay` subcommands.
#[derive(clap::Subcommand, Debug)]
pub enum AssayCmd {
    /// Fit 4PL/5PL curves to a CSV with columns curve,x,y; prints one JSON line per curve.
    Fit(FitArgs),
    /// Import a plate-reader export, fit its standard curve and back-calculate its wells.
    Import(ImportArgs),
}

/// Arguments of `assay fit`.
#[derive(clap::Args, Debug)]
pub struct FitArgs {
    /// Model: 4pl or 5pl.
    #[arg(long, default_value = "4pl", value_parser = parse_model)]
    pub model: Model,
    /// Weighting: none, 1/y or 1/y2.
    #[arg(long, default_value = "none", value_parser = parse_weight)]
    pub weight: Weighting,
    /// CSV file with header curve,x,y.
    pub file: PathBuf,
}

/// Arguments of `assay import`.
#[derive(clap::Args, Debug)]
pub struct ImportArgs {
    /// Export file (SoftMax Pro, Gen5, CSV/TSV grid or long form, xlsx).
    pub file: PathBuf,
    /// Layout file (TOML or CSV) for exports that carry no layout, or to override it.
    #[arg(long)]
    pub layout: Option<PathBuf>,
    /// One JSON object per well per line instead of the readable report.
    #[arg(long)]
    pub json: bool,
    /// Write the standard curve of the first fitted plate as SVG.
    #[arg(long, value_name = "OUT.svg")]
    pub svg: Option<PathBuf>,
}

fn parse_model(s: &str) -> Result<Model, String> {
    Model::parse(s).ok_or_else(|| format!("unknown model `{s}` (expected 4pl or 5pl)"))
}

fn parse_weight(s: &str) -> Result<Weighting, String> {
    Weighting::parse(s)
        .ok_or_else(|| format!("unknown weighting `{s}` (expected none, 1/y or 1/y2)"))
}

fn read(path: &PathBuf) -> anyhow::Result<(String, Vec<u8>)> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    Ok((path.display().to_string(), bytes))
}

/// Run an `assay` subcommand.
pub fn run(cmd: AssayCmd) -> anyhow::Result<ExitCode> {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match cmd {
        AssayCmd::Fit(args) => {
            let (name, bytes) = read(&args.file)?;
            let curves = batch::parse_curves_csv(&name, &bytes)?;
            batch::write_fit_json_lines(&curves, args.model, args.weight, &mut out)?;
        }
        AssayCmd::Import(args) => {
            let (name, bytes) = read(&args.file)?;
            let imported = import::import(&name, &bytes)?;
            let layout = match &args.layout {
                Some(p) => {
                    let (lname, lbytes) = read(p)?;
                    Some(import::layout::parse(&lname, &lbytes)?)
                }
                None => None,
            };
            let opts = AnalysisOptions::default();
            let analyses: Vec<_> = imported
                .plates
                .iter()
                .enumerate()
                .map(|(i, p)| analysis::analyse(p, i + 1, layout.as_ref(), &opts))
                .collect();
            if args.json {
                out.write_all(analysis::json_lines(&analyses).as_bytes())?;
            } else {
                out.write_all(analysis::text_report(&analyses).as_bytes())?;
            }
            if let Some(svg_path) = &args.svg {
                let Some(a) = analyses.iter().find(|a| a.fit.is_some()) else {
                    bail!("--svg: no plate in {name} has a fitted standard curve");
                };
                let svg = plot::curve_svg(a)?;
                std::fs::write(svg_path, svg)
                    .with_context(|| format!("cannot write {}", svg_path.display()))?;
            }
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

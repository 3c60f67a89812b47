//! `secretome label ID [--format svg|pdf] [--out FILE] --db URL`: a vial's label (ISBT 128 DIN
//! with its boxed check character, product code, lot, volume, storage temperature, expiry, Code 128
//! and DataMatrix) as SVG or PDF. `ID` is the vial's id or its DIN (typed or scanned). Without
//! `--out` the label goes to standard output. A vial without a DIN is refused with the reason
//! (exit 2, like every other refusal), never printed as a blank label.

use anyhow::Context;
use secretome_service::Service;
use std::{io::Write, path::PathBuf, process::ExitCode, sync::Arc};

#[derive(clap::ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum LabelFormat {
    /// SVG for the screen and the label page.
    #[default]
    Svg,
    /// One 50 × 30 mm PDF page for a label printer.
    Pdf,
}

/// Arguments of `secretome label`.
#[derive(clap::Args, Debug)]
pub struct LabelArgs {
    /// The vial's id (e.g. L-2026-001-0001) or its DIN.
    pub id: String,
    #[arg(long, value_enum, default_value_t = LabelFormat::Svg)]
    pub format: LabelFormat,
    /// File to write; standard output when absent.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    #[arg(long, env = "SECRETOME_DATABASE_URL")]
    pub db: String,
}

/// Renders the label and writes it out.
pub async fn run(args: LabelArgs) -> anyhow::Result<ExitCode> {
    let svc = Service::new(Arc::new(crate::db::open_current(&args.db).await?));
    let now = secretome_domain::UtcTime::from_timestamp(jiff::Timestamp::now());
    let bytes = match args.format {
        LabelFormat::Svg => svc.vial_label_svg(&args.id, now).await?.into_bytes(),
        LabelFormat::Pdf => svc.vial_label_pdf(&args.id, now).await?,
    };
    match &args.out {
        Some(path) => {
            std::fs::write(path, &bytes).with_context(|| format!("writing {}", path.display()))?;
            eprintln!("label of {} written to {}", args.id.trim(), path.display());
        }
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(&bytes)
                .and_then(|()| out.flush())
                .context("writing the label to standard output")?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

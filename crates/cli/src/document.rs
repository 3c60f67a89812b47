//! `secretome document coa LOT [--out FILE] --db URL`: the certificate of analysis of a released
//! lot as PDF/A-2b (the same document the web serves at `/lots/{id}/coa.pdf`), made now. A lot
//! that is not released is refused with the reason (exit 2); without `--out` the PDF goes to
//! standard output.

use anyhow::Context;
use secretome_domain::UtcTime;
use secretome_service::Service;
use std::{io::Write, path::PathBuf, process::ExitCode, sync::Arc};

/// The documents `secretome document` makes.
#[derive(clap::Subcommand, Debug)]
pub enum DocumentCmd {
    /// The certificate of analysis (試験成績書) of a released lot.
    Coa {
        /// The lot (e.g. L-2026-001).
        lot: String,
        /// File to write; standard output when absent.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        #[arg(long, env = "SECRETOME_DATABASE_URL")]
        db: String,
    },
}

/// Makes the document and writes it out.
pub async fn run(cmd: DocumentCmd) -> anyhow::Result<ExitCode> {
    let DocumentCmd::Coa { lot, out, db } = cmd;
    let svc = Service::new(Arc::new(crate::db::open_current(&db).await?));
    let now = UtcTime::from_timestamp(jiff::Timestamp::now());
    let bytes = svc.certificate_of_analysis(lot.trim(), now).await?;
    match &out {
        Some(path) => {
            std::fs::write(path, &bytes).with_context(|| format!("writing {}", path.display()))?;
            eprintln!(
                "certificate of analysis of {} written to {}",
                lot.trim(),
                path.display()
            );
        }
        None => {
            let mut o = std::io::stdout().lock();
            o.write_all(&bytes)
                .and_then(|()| o.flush())
                .context("writing the certificate to standard output")?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

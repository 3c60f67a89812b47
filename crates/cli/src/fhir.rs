//! `secretome fhir PATIENT --user NAME --db URL`: one patient's dispensed vials and administrations
//! as a FHIR R4 Bundle (JSON, type `collection`) on standard output — Patient (pseudonym, sex,
//! birth year), one BiologicallyDerivedProduct per vial (ISBT 128 DIN and product code, lot,
//! storage temperature) and one MedicationAdministration per dose. The export is made on behalf
//! of `--user`, who must be a physician or QA (the same rule as the web API); a refusal exits 2.

use anyhow::Context;
use secretome_service::Service;
use std::{io::Write, process::ExitCode, sync::Arc};

/// Arguments of `secretome fhir`.
#[derive(clap::Args, Debug)]
pub struct FhirArgs {
    /// The patient's pseudonym (e.g. PT-000001).
    pub patient: String,
    /// Sign-in name the export is made for (a physician or QA).
    #[arg(long, env = "SECRETOME_USER")]
    pub user: String,
    #[arg(long, env = "SECRETOME_DATABASE_URL")]
    pub db: String,
}

/// Prints the bundle, pretty-printed.
pub async fn run(args: FhirArgs) -> anyhow::Result<ExitCode> {
    let svc = Service::new(Arc::new(crate::db::open_current(&args.db).await?));
    let actor = svc.actor(args.user.trim()).await?;
    let bundle = svc.fhir_bundle(&actor, &args.patient).await?;
    let text = serde_json::to_string_pretty(&bundle)?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{text}")
        .and_then(|()| out.flush())
        .context("writing the bundle to standard output")?;
    Ok(ExitCode::SUCCESS)
}

//! `secretome audit …`: verify the trail (every finding, grouped by kind, optionally against signed
//! checkpoints), make a checkpoint key, write a checkpoint now; and the checkpoint settings that
//! `serve` shares (key file, checkpoint file, schedule).

use anyhow::{Context, bail};
use clap::{Args, Subcommand};
use secretome_store::{
    SqlStore, VerifyOptions,
    checkpoint::{self, Checkpointer},
};
use std::{path::PathBuf, process::ExitCode, sync::Arc, time::Duration};

/// Where checkpoints go and what signs them (configuration: flags or environment).
#[derive(Args, Debug, Clone)]
pub struct CheckpointArgs {
    /// Ed25519 key file (made by `secretome audit keygen`), kept outside the database.
    #[arg(long, env = "SECRETOME_CHECKPOINT_KEY")]
    pub checkpoint_key: Option<PathBuf>,
    /// Append-only file the signed checkpoints are appended to.
    #[arg(long, env = "SECRETOME_CHECKPOINT_FILE")]
    pub checkpoints: Option<PathBuf>,
    /// Seconds between scheduled checkpoints while serving (one is also written at every release).
    #[arg(long, env = "SECRETOME_CHECKPOINT_EVERY", default_value_t = 600)]
    pub checkpoint_every: u64,
}

impl CheckpointArgs {
    /// The checkpointer, when both the key and the file are configured.
    pub fn checkpointer(&self, store: &SqlStore) -> anyhow::Result<Option<Arc<Checkpointer>>> {
        match (&self.checkpoint_key, &self.checkpoints) {
            (Some(k), Some(f)) => {
                let key = checkpoint::read_key(k)?;
                Ok(Some(Arc::new(Checkpointer::new(
                    store.clone(),
                    key,
                    f.clone(),
                ))))
            }
            (None, None) => Ok(None),
            _ => bail!("checkpoints need both --checkpoint-key and --checkpoints"),
        }
    }
}

#[derive(Subcommand, Debug)]
pub enum AuditCmd {
    /// Re-walk the hash chain and check every audited row against its latest event; with
    /// --checkpoints, also against signed checkpoints. Lists every finding grouped by kind
    /// (at most --limit per kind); exits 0 when intact, 1 when anything was found.
    Verify {
        #[arg(long, env = "SECRETOME_DATABASE_URL")]
        db: String,
        /// Findings listed per kind at most (all are counted).
        #[arg(long, default_value_t = 100)]
        limit: usize,
        /// A checkpoint file to hold the chain against.
        #[arg(long)]
        checkpoints: Option<PathBuf>,
        /// A trusted checkpoint public key (hex; repeat for keys rotated out).
        #[arg(long)]
        trust: Vec<String>,
        /// Trust the public key of this key file.
        #[arg(long, env = "SECRETOME_CHECKPOINT_KEY")]
        checkpoint_key: Option<PathBuf>,
    },
    /// Create a new checkpoint key file (refuses to overwrite) and print its public key.
    Keygen {
        #[arg(long)]
        key: PathBuf,
    },
    /// Append a signed checkpoint of the current chain head now, and print it.
    Checkpoint {
        #[arg(long, env = "SECRETOME_DATABASE_URL")]
        db: String,
        #[command(flatten)]
        args: CheckpointArgs,
    },
}

pub async fn run(cmd: AuditCmd) -> anyhow::Result<ExitCode> {
    match cmd {
        AuditCmd::Keygen { key } => {
            let public = checkpoint::generate_key(&key)?;
            println!("{public}");
            eprintln!(
                "checkpoint key written to {} (keep it outside the database server; trust {public} when verifying)",
                key.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        AuditCmd::Checkpoint { db, args } => {
            let store = crate::db::open_current(&db).await?;
            let Some(c) = args.checkpointer(&store)? else {
                bail!("give --checkpoint-key and --checkpoints");
            };
            match c.write(&crate::db::now().to_string(), true).await? {
                Some(line) => println!("{line}"),
                None => println!("the audit trail is empty: nothing to anchor"),
            }
            Ok(ExitCode::SUCCESS)
        }
        AuditCmd::Verify {
            db,
            limit,
            checkpoints,
            trust,
            checkpoint_key,
        } => verify(&db, limit, checkpoints, trust, checkpoint_key).await,
    }
}

async fn verify(
    db: &str,
    limit: usize,
    checkpoints: Option<PathBuf>,
    trust: Vec<String>,
    checkpoint_key: Option<PathBuf>,
) -> anyhow::Result<ExitCode> {
    let store = crate::db::open_current(db).await?;
    let mut anchors = Vec::new();
    let mut file_problems = Vec::new();
    if let Some(path) = &checkpoints {
        let mut trusted = Vec::new();
        for t in &trust {
            trusted.push(
                checkpoint::parse_public_key(t)
                    .with_context(|| format!("--trust {t}: not an Ed25519 public key"))?,
            );
        }
        if let Some(k) = &checkpoint_key {
            trusted.push(checkpoint::read_key(k)?.verifying_key());
        }
        if trusted.is_empty() {
            bail!("--checkpoints needs a trusted key: --trust HEX or --checkpoint-key FILE");
        }
        (anchors, file_problems) = checkpoint::read_file(path, &trusted)?;
    }
    let started = std::time::Instant::now();
    let report = store
        .verify_report(&VerifyOptions { limit, anchors })
        .await?;
    let took = started.elapsed();
    let intact = report.is_intact() && file_problems.is_empty();
    if intact {
        println!(
            "audit trail intact: {} events checked, {} rows match their latest event ({:.1} s)",
            report.events,
            report.rows,
            took.as_secs_f64()
        );
    } else {
        println!(
            "audit trail BROKEN: {} findings ({} events, {} rows checked)",
            report.finding_count() + file_problems.len() as u64,
            report.events,
            report.rows
        );
        for (kind, g) in &report.findings {
            println!("\n{} — {}:", kind.title(), g.count);
            for m in &g.listed {
                println!("  {m}");
            }
            if g.count > g.listed.len() as u64 {
                println!(
                    "  … and {} more (raise --limit to list them)",
                    g.count - g.listed.len() as u64
                );
            }
        }
        if !file_problems.is_empty() {
            println!("\ncheckpoint lines refused — {}:", file_problems.len());
            for p in &file_problems {
                println!("  {p}");
            }
        }
    }
    if checkpoints.is_some() {
        match &report.anchored {
            Some(a) => println!(
                "anchored: events #1–#{} by the checkpoint signed at {}; {} later events are not yet anchored",
                a.seq,
                a.at,
                report.unanchored()
            ),
            None => println!(
                "anchored: none of the {} events (no valid checkpoint within the chain)",
                report.events
            ),
        }
    }
    Ok(if intact {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Writes a checkpoint every `every` seconds (when the head moved) until the process ends.
pub fn schedule(c: Arc<Checkpointer>, every: u64) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(every.max(1)));
        loop {
            tick.tick().await;
            if let Err(e) = c.write(&crate::db::now().to_string(), false).await {
                tracing::error!("audit checkpoint not written: {e}");
            }
        }
    });
}

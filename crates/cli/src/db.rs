//! The subcommands that work on a database: demo, serve, migrate, audit verify, user add.

use crate::{Cmd, UserCmd};
use anyhow::{Context, bail};
use secretome_domain::{Role, UtcTime};
use secretome_service::{Service, demo};
use secretome_store::SqlStore;
use std::{process::ExitCode, sync::Arc};

pub(crate) fn now() -> UtcTime {
    UtcTime::from_timestamp(jiff::Timestamp::now())
}

async fn open(url: &str) -> anyhow::Result<SqlStore> {
    SqlStore::connect(url)
        .await
        .with_context(|| format!("opening {url}"))
}

/// Opens an existing store whose schema is up to date, or says to migrate.
pub(crate) async fn open_current(url: &str) -> anyhow::Result<SqlStore> {
    let store = SqlStore::connect_existing(url)
        .await
        .with_context(|| format!("opening {url}"))?;
    let pending = store.pending_migrations().await?;
    if !pending.is_empty() {
        bail!(
            "the database schema is not up to date (pending migrations {pending:?}): run `secretome migrate --db {url}`"
        );
    }
    Ok(store)
}

pub async fn run(cmd: Cmd) -> anyhow::Result<ExitCode> {
    match cmd {
        Cmd::Demo { db, addr } => demo_cmd(&db, &addr).await,
        Cmd::Serve {
            db,
            addr,
            checkpoints,
        } => {
            let store = open_current(&db).await?;
            if let Some(w) = store.durability_warning().await? {
                tracing::warn!("{w}");
            }
            let mut svc = Service::new(Arc::new(store.clone()));
            if let Some(c) = checkpoints.checkpointer(&store)? {
                svc = svc.with_checkpoints(c.clone());
                crate::audit::schedule(c, checkpoints.checkpoint_every);
            }
            serve(svc, &addr).await
        }
        Cmd::Migrate { db } => {
            let applied = open(&db).await?.migrate().await?;
            if applied.is_empty() {
                println!("schema is up to date");
            } else {
                println!("applied migrations {applied:?}");
            }
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Audit { cmd } => crate::audit::run(cmd).await,
        Cmd::User {
            cmd:
                UserCmd::Add {
                    db,
                    name,
                    role,
                    display_name,
                    site,
                },
        } => {
            let role = Role::parse("--role", &role)?;
            if role != Role::Admin {
                bail!(
                    "only the first administrator is added from the command line; an admin adds other users"
                );
            }
            let svc = Service::new(Arc::new(open_current(&db).await?));
            let display = display_name.unwrap_or_else(|| name.clone());
            eprintln!("password for {name} (one line on standard input):");
            let mut password = String::new();
            std::io::stdin()
                .read_line(&mut password)
                .context("reading the password")?;
            let password = password.trim_end_matches(['\r', '\n']);
            secretome_domain::site::check_password(
                &secretome_domain::ids::UserName::new(&name)?,
                password,
            )?;
            let admin = svc.bootstrap(now(), &site, &site, &name, &display).await?;
            svc.set_password(&admin, now(), &name, password).await?;
            println!("added administrator {name} at site {site}");
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Trace { direction, id, db } => {
            let svc = Service::new(Arc::new(open_current(&db).await?));
            let dir = match direction {
                crate::TraceDirection::Forward => secretome_store::Direction::Forward,
                crate::TraceDirection::Backward => secretome_store::Direction::Backward,
            };
            let t = svc.trace(dir, &id).await?;
            println!("{}", serde_json::to_string(&t)?);
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Assay { .. }
        | Cmd::Plan(_)
        | Cmd::Label(_)
        | Cmd::Document { .. }
        | Cmd::Fhir(_)
        | Cmd::Generate(_)
        | Cmd::BenchTrace(_) => {
            bail!("this subcommand is run by its own module")
        }
    }
}

async fn demo_cmd(path: &str, addr: &str) -> anyhow::Result<ExitCode> {
    let url = format!("sqlite://{path}");
    if !std::path::Path::new(path).exists() {
        // Built aside and renamed when complete: an interrupted build never leaves a half facility.
        let building = format!("{path}.building");
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{building}{suffix}"));
        }
        let store = open(&format!("sqlite://{building}")).await?;
        store.migrate().await?;
        let svc = Service::new(Arc::new(store.clone()));
        eprintln!("creating the demo facility in {path} …");
        let s = demo::build(&svc, now()).await?;
        store.close().await;
        std::fs::rename(&building, path).with_context(|| format!("moving {building} to {path}"))?;
        eprintln!(
            "demo facility: {} donors, {} culture batches, {} lots, {} vials, {} audit events",
            s.donors, s.batches, s.lots, s.vials, s.events
        );
    } else {
        eprintln!("using the existing demo database {path}");
    }
    let store = open(&url).await?;
    store.migrate().await?;
    let svc = Service::new(Arc::new(store));
    println!("demo sign-ins (password: demo):");
    for (id, name, role) in demo::DEMO_USERS {
        println!("  {id:<10} {} / {}  {name}", role.as_str(), role.name_ja());
    }
    for (id, name, role) in demo::DEMO_CLINIC_USERS {
        let site = demo::CLINIC_SITE;
        println!(
            "  {id:<10} {} / {}  {name} @ {site}",
            role.as_str(),
            role.name_ja()
        );
    }
    serve(svc, addr).await
}

async fn serve(svc: Service, addr: &str) -> anyhow::Result<ExitCode> {
    println!("secretome is serving on http://{addr}/lots  (Ctrl-C stops)");
    secretome_web::serve(svc, addr)
        .await
        .with_context(|| format!("serving on {addr}"))?;
    Ok(ExitCode::SUCCESS)
}

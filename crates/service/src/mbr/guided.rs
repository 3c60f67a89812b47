//! How master records drive the manufacturing use cases (one set of rules, not two): a step is
//! recorded by `record_in_tx` whether it is entered on the operator's page (`record_step`) or
//! executed by the use case its master binds it to (`use_case::UseCase`): seeding, starting
//! conditioning, harvest, processing steps and filling call `execute_for_batch` /
//! `execute_for_lot` inside their own transaction. For a batch started from a master, the use
//! case's values are judged against the bound step's limits (a value the master refuses refuses
//! the whole use case; one outside its limits is recorded with its deviation), the step must be
//! next in the master's order (so a skipped or unverified earlier step refuses it), and a use case
//! whose bound steps are all recorded is refused. A batch not started from a master, or a master
//! that binds no step to the use case, leaves the use case as it was.

use crate::{
    Service, ServiceError, ctx,
    manufacture::NewBatch,
    mbr::{StepOutcome, execution::load_execution, review::upstream_batches},
};
use secretome_domain::Capability;
use secretome_domain::{
    Actor, DomainError, UtcTime,
    batch::{CultureBatch, Observation},
    culture::{CellBank, TissueCollection},
    ids::BatchId,
    mbr::{
        BatchExecution, ControlledDocument, DocumentKind, DocumentVersion, MasterStep, ParamValue,
        StepDeviation, StepRecord, UseCase, use_case,
    },
};
use secretome_store::Tx;

/// Where a step was done, as the use case knows it.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct At<'a> {
    pub room: Option<&'a str>,
    pub equipment: Option<&'a str>,
}

/// Records step `idx` of the master with its judged values and the deviations its breaches open
/// (`use_case::record`, the one path every step takes), stamped with where it was done.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn record_in_tx(
    tx: &mut dyn Tx,
    actor: &Actor,
    now: UtcTime,
    ex: &BatchExecution,
    deviations: usize,
    step: (usize, &MasterStep),
    entered: Vec<ParamValue>,
    performed_at: UtcTime,
    note: Option<String>,
    at: At<'_>,
) -> Result<StepOutcome, ServiceError> {
    let (record, opened) = use_case::record(
        ex,
        step,
        entered,
        deviations,
        performed_at,
        note,
        &actor.user,
        now,
    )?;
    insert(tx, actor, now, record, opened, at).await
}

async fn insert(
    tx: &mut dyn Tx,
    actor: &Actor,
    now: UtcTime,
    mut record: StepRecord,
    opened: Vec<StepDeviation>,
    at: At<'_>,
) -> Result<StepOutcome, ServiceError> {
    record.room = at.room.map(str::to_string);
    record.equipment = at.equipment.map(str::to_string);
    tx.insert_record(&record, &ctx(actor, now, "execution.step", None))
        .await?;
    for d in &opened {
        tx.insert_record(d, &ctx(actor, now, "execution.deviation", None))
            .await?;
    }
    Ok(StepOutcome {
        record,
        deviations: opened,
    })
}

/// Executes the step `use_case` stands for in `batch`'s master, if the batch was started from one
/// and the master binds a step to it.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn execute_for_batch(
    tx: &mut dyn Tx,
    actor: &Actor,
    now: UtcTime,
    batch: &str,
    use_case: UseCase,
    supplied: &[(String, f64)],
    performed_at: UtcTime,
    at: At<'_>,
) -> Result<Option<StepOutcome>, ServiceError> {
    if tx.load::<BatchExecution>(batch).await?.is_none() {
        return Ok(None);
    }
    settle_observations(&mut *tx, actor, now, batch, None, performed_at).await?;
    let (ex, master, records, deviations) = load_execution(&mut *tx, batch).await?;
    let Some((record, opened)) = use_case::execute(
        &ex,
        &master,
        &records,
        deviations.len(),
        use_case,
        supplied,
        performed_at,
        &actor.user,
        now,
    )?
    else {
        return Ok(None);
    };
    Ok(Some(insert(tx, actor, now, record, opened, at).await?))
}

/// Records the observation steps `batch` moves past when `target` (None: a use case's step) is
/// recorded at `until`, each from the latest observation since the step before it
/// (`use_case::settle_observations`).
pub(crate) async fn settle_observations(
    tx: &mut dyn Tx,
    actor: &Actor,
    now: UtcTime,
    batch: &str,
    target: Option<&str>,
    until: UtcTime,
) -> Result<(), ServiceError> {
    let (ex, master, records, deviations) = load_execution(&mut *tx, batch).await?;
    if use_case::due_observation(&master, &records, target).is_none() {
        return Ok(());
    }
    let observations = tx.list::<Observation>(Some(("batch", batch))).await?;
    let settled = use_case::settle_observations(
        &ex,
        &master,
        &records,
        deviations.len(),
        target,
        &observations,
        until,
        &actor.user,
        now,
    )?;
    for (record, opened) in settled {
        insert(&mut *tx, actor, now, record, opened, At::default()).await?;
    }
    Ok(())
}

/// The same for every batch a lot was pooled from (processing and filling act on the lot, and so
/// on each batch's master).
#[allow(clippy::too_many_arguments)]
pub(crate) async fn execute_for_lot(
    tx: &mut dyn Tx,
    actor: &Actor,
    now: UtcTime,
    lot: &str,
    use_case: UseCase,
    supplied: &[(String, f64)],
    performed_at: UtcTime,
    at: At<'_>,
) -> Result<Vec<StepOutcome>, ServiceError> {
    let mut out = Vec::new();
    for batch in upstream_batches(&mut *tx, lot).await? {
        if let Some(o) = execute_for_batch(
            &mut *tx,
            actor,
            now,
            &batch,
            use_case,
            supplied,
            performed_at,
            at,
        )
        .await?
        {
            out.push(o);
        }
    }
    Ok(out)
}

/// Whether `master`'s step is recorded by a use case (then the operator's page does not take it).
pub(crate) fn refuse_bound(s: &MasterStep) -> Result<(), DomainError> {
    match s.use_case {
        Some(u) => Err(DomainError::Rule(secretome_domain::Rule::StepByUseCase {
            step: s.code.to_string(),
            use_case: u.as_str().to_string(),
            use_case_ja: u.name_ja().to_string(),
        })),
        None => Ok(()),
    }
}

/// The effective master batch record `version`, checked to be one and to be written for the cell
/// source of `batch`'s cell bank `bank` (through the bank's tissue).
pub(crate) async fn master_version(
    tx: &mut dyn Tx,
    version: &str,
    batch: &str,
    bank: &str,
) -> Result<DocumentVersion, ServiceError> {
    let v = tx.must_load::<DocumentVersion>(version).await?;
    let doc = tx.must_load::<ControlledDocument>(&v.document).await?;
    if doc.kind != DocumentKind::MasterBatchRecord {
        return Err(DomainError::invalid(
            "master",
            secretome_domain::Why::said(
                format!("{} is not a master batch record", doc.id),
                format!("{} は製造指図書ではありません", doc.id),
            ),
        )
        .into());
    }
    v.require_effective()?;
    let cells = tx.must_load::<CellBank>(bank).await?;
    let tissue = tx
        .must_load::<TissueCollection>(cells.tissue.as_str())
        .await?;
    doc.require_cell_source(batch, bank, tissue.kind)?;
    Ok(v)
}

impl Service {
    /// Seeds a culture batch and starts it from the effective master batch record `version` in one
    /// transaction; the master's first step, when bound to seeding, is recorded with the seeding
    /// density, vessel count and passage number judged against its limits. A master written for
    /// another cell source than the bank's is refused. Role: operator.
    pub async fn seed_batch_from_master(
        &self,
        actor: &Actor,
        now: UtcTime,
        new: NewBatch,
        version: &str,
    ) -> Result<(CultureBatch, BatchExecution, Option<StepOutcome>), ServiceError> {
        actor.require_to(
            Capability::Produce,
            "seed a batch from a master batch record",
        )?;
        let mut tx = self.store.begin().await?;
        let v = master_version(&mut *tx, version, &new.id, &new.cell_bank).await?;
        let b = crate::manufacture::seed_in_tx(&mut *tx, actor, now, new).await?;
        let supplied = vec![
            ("seeding_density".to_string(), b.seeding_density),
            ("vessel_count".to_string(), b.vessel_count as f64),
            ("passage".to_string(), b.passage as f64),
        ];
        let ex =
            BatchExecution::start(&BatchId::new(b.id.as_str())?, &v, &actor.user, b.seeded_at)?;
        tx.insert_record(&ex, &ctx(actor, now, "execution.start", None))
            .await?;
        let seeded = execute_for_batch(
            &mut *tx,
            actor,
            now,
            b.id.as_str(),
            UseCase::Seeding,
            &supplied,
            b.seeded_at,
            At::default(),
        )
        .await?;
        tx.commit().await?;
        Ok((b, ex, seeded))
    }
}

//! Guided execution: a batch started from the effective version of a master batch record (the
//! version is fixed for the batch), steps recorded in the master's order with their values judged
//! against the limits — a value outside them recorded with a deviation opened in the same
//! transaction, or refused where the master says so — skipping a step only through a recorded
//! deviation, a second, different person's verification with their password, and QA's
//! disposition of the deviations.

use crate::{
    Service, ServiceError, ctx,
    mbr::guided::{At, master_version, record_in_tx, refuse_bound, settle_observations},
};
use secretome_domain::Capability;
use secretome_domain::{
    Actor, DomainError, UtcTime,
    batch::CultureBatch,
    ids::BatchId,
    mbr::{
        BatchExecution, DocumentVersion, MasterRecord, MasterStep, StepDeviation, StepRecord,
        UseCase,
        execution::{check_order, evaluate, next_step},
    },
};
use secretome_store::Tx;
use serde::Serialize;

/// What recording a step made: the record and the deviations its values opened.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct StepOutcome {
    pub record: StepRecord,
    pub deviations: Vec<StepDeviation>,
}

/// A batch's execution for the operator's page: the master version, what is recorded, the
/// deviations, and the next step with its instructions and targets.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ExecutionView {
    pub execution: BatchExecution,
    pub version: DocumentVersion,
    pub records: Vec<StepRecord>,
    pub deviations: Vec<StepDeviation>,
    pub next: Option<MasterStep>,
    /// The observation step before `next`, which takes the latest observation when `next` is
    /// recorded (`use_case::settle_observations`).
    pub observing: Option<MasterStep>,
}

/// The step the operator records next, and the observation step it moves past, if any.
fn next_for_page(
    master: &MasterRecord,
    records: &[StepRecord],
) -> (Option<MasterStep>, Option<MasterStep>) {
    let Some(n) = next_step(master, records) else {
        return (None, None);
    };
    if n.use_case != Some(UseCase::Observation) {
        return (None, Some(n.clone()));
    }
    let after = master
        .steps
        .iter()
        .skip_while(|s| s.code != n.code)
        .skip(1)
        .find(|s| !records.iter().any(|r| r.step == s.code))
        .cloned();
    (Some(n.clone()), after)
}

impl ExecutionView {
    pub fn master(&self) -> Option<&MasterRecord> {
        self.version.master.as_ref()
    }
}

/// The execution of `batch` and everything recorded against it, inside a transaction.
pub(crate) async fn load_execution(
    tx: &mut dyn Tx,
    batch: &str,
) -> Result<
    (
        BatchExecution,
        MasterRecord,
        Vec<StepRecord>,
        Vec<StepDeviation>,
    ),
    ServiceError,
> {
    let ex = tx
        .load::<BatchExecution>(batch)
        .await?
        .ok_or_else(|| ServiceError::NotFound {
            what: "batch execution (the batch was not started from a master batch record)",
            id: batch.to_string(),
        })?;
    let version = tx.must_load::<DocumentVersion>(&ex.master).await?;
    let master = version.master.ok_or_else(|| {
        DomainError::Rule(secretome_domain::Rule::MasterWithoutSteps {
            master: ex.master.to_string(),
        })
    })?;
    let mut records = tx
        .list::<StepRecord>(Some(("execution", ex.id.as_str())))
        .await?;
    records.sort_by_key(|r| r.seq);
    let mut deviations = tx
        .list::<StepDeviation>(Some(("execution", ex.id.as_str())))
        .await?;
    deviations.sort_by(|a, b| a.opened_at.cmp(&b.opened_at).then(a.id.cmp(&b.id)));
    Ok((ex, master, records, deviations))
}

impl Service {
    /// Starts `batch`'s execution against a master batch record `version`, which must be the
    /// effective version (a draft, an approved-not-yet-effective or a superseded one is refused);
    /// the batch follows that version to the end. Role: operator.
    pub async fn start_execution(
        &self,
        actor: &Actor,
        now: UtcTime,
        batch: &str,
        version: &str,
    ) -> Result<BatchExecution, ServiceError> {
        actor.require_to(
            Capability::Produce,
            "start a batch from a master batch record",
        )?;
        let id = BatchId::new(batch)?;
        let mut tx = self.store.begin().await?;
        let b = tx.must_load::<CultureBatch>(batch).await?;
        let v = master_version(&mut *tx, version, batch, b.cell_bank.as_str()).await?;
        if let Some(ex) = tx.load::<BatchExecution>(batch).await? {
            return Err(DomainError::Rule(secretome_domain::Rule::BatchStarted {
                batch: batch.to_string(),
                master: ex.master.to_string(),
            })
            .into());
        }
        let ex = BatchExecution::start(&id, &v, &actor.user, b.seeded_at)?;
        tx.insert_record(&ex, &ctx(actor, now, "execution.start", None))
            .await?;
        tx.commit().await?;
        Ok(ex)
    }

    /// Records a step of `batch` with its values (`(parameter, value)`), done at `performed_at`.
    /// The step must be the next in the master's order; a value outside its limits is recorded
    /// and opens a deviation naming the step, the parameter, the limit and the value (or is
    /// refused where the master says so). A step needing a second person waits for
    /// `verify_step`. A step the master binds to a use case (harvest, filling …) is recorded by
    /// that use case, not here (`guided`). Role: operator.
    #[allow(clippy::too_many_arguments)]
    pub async fn record_step(
        &self,
        actor: &Actor,
        now: UtcTime,
        batch: &str,
        step: &str,
        values: &[(String, f64)],
        performed_at: UtcTime,
        note: Option<String>,
    ) -> Result<StepOutcome, ServiceError> {
        let place = crate::facility::StepPlace::default();
        self.record_step_at(actor, now, batch, step, values, performed_at, note, &place)
            .await
    }

    /// Records a step as `record_step`, with the room/zone and the equipment it was done in/with.
    /// What was done is recorded as it happened: a grade A step by someone without the aseptic
    /// qualifications, or with equipment out of calibration, is not refused here but shown first
    /// in the review by exception until QA decides a deviation on it. Role: operator.
    #[allow(clippy::too_many_arguments)]
    pub async fn record_step_at(
        &self,
        actor: &Actor,
        now: UtcTime,
        batch: &str,
        step: &str,
        values: &[(String, f64)],
        performed_at: UtcTime,
        note: Option<String>,
        place: &crate::facility::StepPlace,
    ) -> Result<StepOutcome, ServiceError> {
        actor.require_to(Capability::Produce, "record a batch step")?;
        let (room, equipment) = place.parts();
        let mut tx = self.store.begin().await?;
        settle_observations(&mut *tx, actor, now, batch, Some(step), performed_at).await?;
        let (ex, master, records, deviations) = load_execution(&mut *tx, batch).await?;
        let (idx, s) = check_order(&master, &records, step)?;
        refuse_bound(s)?;
        let entered = evaluate(s, values)?;
        let out = record_in_tx(
            &mut *tx,
            actor,
            now,
            &ex,
            deviations.len(),
            (idx, s),
            entered,
            performed_at,
            note,
            At { room, equipment },
        )
        .await?;
        tx.commit().await?;
        Ok(out)
    }

    /// Skips the next step through a deviation stating why (QA decides it; filling waits for its
    /// approval). Steps are never skipped silently. Role: operator.
    pub async fn skip_step(
        &self,
        actor: &Actor,
        now: UtcTime,
        batch: &str,
        step: &str,
        reason: &str,
    ) -> Result<StepDeviation, ServiceError> {
        actor.require_to(Capability::Produce, "skip a batch step")?;
        let mut tx = self.store.begin().await?;
        settle_observations(&mut *tx, actor, now, batch, Some(step), now).await?;
        let (ex, master, records, deviations) = load_execution(&mut *tx, batch).await?;
        let (idx, s) = check_order(&master, &records, step)?;
        let d = StepDeviation::skip(&ex, s, deviations.len() + 1, reason, &actor.user, now)?;
        let record = StepRecord::skipped(&ex, idx, s, &actor.user, now);
        tx.insert_record(
            &record,
            &ctx(actor, now, "execution.skip", Some(reason.trim())),
        )
        .await?;
        tx.insert_record(&d, &ctx(actor, now, "execution.deviation", None))
            .await?;
        tx.commit().await?;
        Ok(d)
    }

    /// The second person's verification of a recorded step: `verifier` confirms with their own
    /// password; whoever recorded the step is refused (before the password is asked for). Roles:
    /// operator, qc or qa.
    pub async fn verify_step(
        &self,
        verifier: &Actor,
        now: UtcTime,
        batch: &str,
        step: &str,
        password: &str,
    ) -> Result<StepRecord, ServiceError> {
        verifier.require_to(Capability::VerifyStep, "verify a batch step")?;
        let id = format!("{batch}/{step}");
        let current =
            self.store
                .fetch::<StepRecord>(&id)
                .await?
                .ok_or_else(|| ServiceError::NotFound {
                    what: "step record",
                    id: id.clone(),
                })?;
        current.verify(&verifier.user, now)?;
        if password.is_empty() {
            return Err(DomainError::invalid(
                "password",
                secretome_domain::Why::said(
                    "enter your password to verify",
                    "パスワードを入力してください",
                ),
            )
            .into());
        }
        if !self.confirm_password(verifier, now, password).await? {
            return Err(DomainError::invalid(
                "password", secretome_domain::Why::said("the password is not correct (or the account is locked): nothing was verified", "パスワードが正しくありません (またはアカウントがロック中です)。何も確認・記録されていません"),
            )
            .into());
        }
        let mut tx = self.store.begin().await?;
        let r = tx
            .must_load::<StepRecord>(&id)
            .await?
            .verify(&verifier.user, now)?;
        tx.update_record(&r, &ctx(verifier, now, "execution.verify", None))
            .await?;
        tx.commit().await?;
        Ok(r)
    }

    /// QA's disposition of a step deviation: approved (the batch may go on) or rejected. Not by
    /// whoever opened it. Role: qa.
    pub async fn decide_step_deviation(
        &self,
        actor: &Actor,
        now: UtcTime,
        deviation: &str,
        approve: bool,
        reason: &str,
    ) -> Result<StepDeviation, ServiceError> {
        actor.require_to(Capability::AssureQuality, "decide a deviation")?;
        let mut tx = self.store.begin().await?;
        let d = tx.must_load::<StepDeviation>(deviation).await?.decide(
            approve,
            &actor.user,
            reason,
            now,
        )?;
        let action = if approve {
            "execution.deviation_approve"
        } else {
            "execution.deviation_reject"
        };
        tx.update_record(&d, &ctx(actor, now, action, Some(reason.trim())))
            .await?;
        tx.commit().await?;
        Ok(d)
    }

    /// A batch's execution for the operator's page, or None for a batch not started from a master.
    pub async fn execution(&self, batch: &str) -> Result<Option<ExecutionView>, ServiceError> {
        let Some(execution) = self.store.fetch::<BatchExecution>(batch).await? else {
            return Ok(None);
        };
        let version = self
            .store
            .fetch::<DocumentVersion>(&execution.master)
            .await?
            .ok_or_else(|| ServiceError::NotFound {
                what: "document version",
                id: execution.master.clone(),
            })?;
        let mut records = self
            .store
            .list::<StepRecord>(Some(("execution", batch)))
            .await?;
        records.sort_by_key(|r| r.seq);
        let mut deviations = self
            .store
            .list::<StepDeviation>(Some(("execution", batch)))
            .await?;
        deviations.sort_by(|a, b| a.opened_at.cmp(&b.opened_at).then(a.id.cmp(&b.id)));
        let (observing, next) = match version.master.as_ref() {
            Some(m) => next_for_page(m, &records),
            None => (None, None),
        };
        Ok(Some(ExecutionView {
            execution,
            version,
            records,
            deviations,
            next,
            observing,
        }))
    }
}

//! Amending a batch's record after the fact: correcting a recorded step's values (the reason and
//! the values replaced are kept, the new values are judged against the limits by the same rules —
//! a new breach opens its deviation, a refused value is refused — and a step needing a second
//! person waits for a new verification), and raising a deviation on a recorded step by hand (how
//! QA disposes of a step done by an unqualified person or with overdue equipment).

use crate::{Service, ServiceError, ctx, mbr::execution::load_execution};
use secretome_domain::Capability;
use secretome_domain::{
    Actor, DomainError, UtcTime,
    mbr::{StepDeviation, execution::evaluate},
};

fn step_of<'a>(
    master: &'a secretome_domain::mbr::MasterRecord,
    step: &str,
) -> Result<(usize, &'a secretome_domain::mbr::MasterStep), DomainError> {
    master.step(step).ok_or_else(|| {
        DomainError::invalid(
            "step",
            secretome_domain::Why::said(
                format!("{step:?} is not a step of this master"),
                format!("{step:?} はこの指図書の工程ではありません"),
            ),
        )
    })
}

impl Service {
    /// Corrects the values of a recorded step of `batch`, with the reason (required, kept with the
    /// values replaced and in the audit trail). Role: operator or qa.
    #[allow(clippy::too_many_arguments)]
    pub async fn correct_step(
        &self,
        actor: &Actor,
        now: UtcTime,
        batch: &str,
        step: &str,
        values: &[(String, f64)],
        reason: &str,
    ) -> Result<(secretome_domain::mbr::StepRecord, Vec<StepDeviation>), ServiceError> {
        actor.require_to(Capability::AuthorMasters, "correct a batch step")?;
        let mut tx = self.store.begin().await?;
        let (ex, master, records, deviations) = load_execution(&mut *tx, batch).await?;
        let (_, s) = step_of(&master, step)?;
        let current =
            records
                .iter()
                .find(|r| r.step == s.code)
                .ok_or_else(|| ServiceError::NotFound {
                    what: "step record",
                    id: format!("{batch}/{step}"),
                })?;
        let entered = evaluate(s, values)?;
        let corrected = current.correct(s, entered, reason, &actor.user, now)?;
        let was_out: Vec<&str> = current
            .entered
            .iter()
            .filter(|v| !v.within)
            .map(|v| v.parameter.as_str())
            .collect();
        let opened: Vec<StepDeviation> = corrected
            .entered
            .iter()
            .filter(|v| !v.within && !was_out.contains(&v.parameter.as_str()))
            .enumerate()
            .map(|(i, v)| {
                StepDeviation::breach(&ex, s, deviations.len() + i + 1, v, &actor.user, now)
            })
            .collect();
        tx.update_record(
            &corrected,
            &ctx(actor, now, "execution.correct", Some(reason.trim())),
        )
        .await?;
        for d in &opened {
            tx.insert_record(d, &ctx(actor, now, "execution.deviation", None))
                .await?;
        }
        tx.commit().await?;
        Ok((corrected, opened))
    }

    /// Raises a deviation on a recorded step of `batch` with what happened; QA decides it like any
    /// other. Role: operator or qa.
    pub async fn raise_step_deviation(
        &self,
        actor: &Actor,
        now: UtcTime,
        batch: &str,
        step: &str,
        description: &str,
    ) -> Result<StepDeviation, ServiceError> {
        actor.require_to(
            Capability::AuthorMasters,
            "raise a deviation on a batch step",
        )?;
        let mut tx = self.store.begin().await?;
        let (ex, master, records, deviations) = load_execution(&mut *tx, batch).await?;
        let (_, s) = step_of(&master, step)?;
        if !records.iter().any(|r| r.step == s.code) {
            return Err(DomainError::Rule(secretome_domain::Rule::StepNotRecorded {
                step: s.code.to_string(),
            })
            .into());
        }
        let d = StepDeviation::raised(&ex, s, deviations.len() + 1, description, &actor.user, now)?;
        tx.insert_record(&d, &ctx(actor, now, "execution.deviation", None))
            .await?;
        tx.commit().await?;
        Ok(d)
    }
}

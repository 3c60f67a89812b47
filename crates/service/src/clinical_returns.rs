//! Returned vials (返品) and QA's decision on them (issue 16 item 3): a vial returned unopened and
//! within temperature from the point of care waits in quarantine; QA lists the vials awaiting a
//! decision and puts each back in stock (available again: it can be dispensed again, under the
//! next dispensing id) or destroys it, always with a reason, in one audited transaction. Before
//! QA's decision the vial cannot be dispensed (it is in quarantine).

use crate::{Service, ServiceError, ctx};
use secretome_domain::Capability;
use secretome_domain::{
    Actor, DomainError, UtcTime,
    clinical::{Dispensing, care::ReturnDecision},
    ids::VialId,
    vial::Vial,
};
use secretome_store::{Cond, PageQuery, Tx};
use serde::Serialize;

/// Returned vials a QA page shows at most (oldest returns first).
pub const RETURNS_SHOWN: usize = 500;

/// A vial returned from the point of care and waiting for QA.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ReturnedVial {
    pub dispensing: Dispensing,
    pub vial: Vial,
}

/// The vial's latest dispensing (a vial put back in stock may have been dispensed again).
pub(crate) async fn current_dispensing(
    tx: &mut dyn Tx,
    v: &Vial,
) -> Result<Option<Dispensing>, ServiceError> {
    Ok(tx
        .list::<Dispensing>(Some(("vial", v.id.as_str())))
        .await?
        .into_iter()
        .max_by(|a, b| (a.dispensed_at, &a.id).cmp(&(b.dispensed_at, &b.id))))
}

impl Service {
    /// Vials returned unopened and not yet decided by QA, oldest return first. Role: qa.
    pub async fn returned_vials(&self, actor: &Actor) -> Result<Vec<ReturnedVial>, ServiceError> {
        actor.require_to(Capability::AssureQuality, "see returned vials")?;
        let q = PageQuery {
            conds: vec![Cond::Eq("ended", "returned".into())],
            order: "id",
            desc: false,
            cursor: None,
            limit: RETURNS_SHOWN,
        };
        let store = self.store();
        let mut waiting: Vec<Dispensing> = store
            .page_of::<Dispensing>(&q)
            .await?
            .rows
            .into_iter()
            .filter(Dispensing::awaits_qa)
            .collect();
        waiting.sort_by_key(|d| d.ended_at);
        let ids: Vec<String> = waiting.iter().map(|d| d.vial.to_string()).collect();
        let vials: Vec<Vial> = store
            .get_many(secretome_store::Table::Vial, &ids)
            .await?
            .iter()
            .map(|s| s.to_record::<Vial>())
            .collect::<Result<_, _>>()?;
        Ok(waiting
            .into_iter()
            .filter_map(|d| {
                let vial = vials.iter().find(|v| v.id == d.vial)?.clone();
                Some(ReturnedVial {
                    dispensing: d,
                    vial,
                })
            })
            .collect())
    }

    /// QA's decision on a returned vial: `Stock` makes it available again (it can be dispensed
    /// again), `Destroy` destroys it; the reason is required and kept on the dispensing and in the
    /// audit event. Refused for a vial not returned or already decided. Role: qa.
    pub async fn decide_returned_vial(
        &self,
        actor: &Actor,
        now: UtcTime,
        vial: &str,
        decision: ReturnDecision,
        reason: &str,
    ) -> Result<Dispensing, ServiceError> {
        actor.require_to(Capability::AssureQuality, "decide on a returned vial")?;
        let id = VialId::new(vial.trim()).map_err(|_| {
            DomainError::invalid(
                "vial",
                secretome_domain::Why::said(
                    format!("{vial:?} is not a vial id"),
                    format!("バイアル ID ではありません ({vial:?})"),
                ),
            )
        })?;
        let mut tx = self.store.begin().await?;
        let v = tx.must_load::<Vial>(id.as_str()).await?;
        let d = current_dispensing(&mut *tx, &v).await?.ok_or_else(|| {
            DomainError::Rule(secretome_domain::Rule::NeverDispensed {
                vial: v.id.to_string(),
            })
        })?;
        let decided = d.decide_return(decision, reason, actor.user.clone(), now)?;
        let next = match decision {
            ReturnDecision::Stock => v.make_available()?,
            ReturnDecision::Destroy => v.destroy()?,
        };
        let action = match decision {
            ReturnDecision::Stock => "vial.return_to_stock",
            ReturnDecision::Destroy => "vial.return_destroy",
        };
        let c = ctx(actor, now, action, decided.qa_reason.as_deref());
        tx.update_record(&next, &c).await?;
        tx.update_record(&decided, &c).await?;
        tx.commit().await?;
        Ok(decided)
    }
}

//! Adverse-event reports (疾病等報告, issue 16 item 4): recording the submission to the committee
//! and the authority; the dashboard of overdue and due-soon reports (a physician sees their site's,
//! QA every site's); and the manufacturer's view — serious, related events per lot, from which QA
//! can open a recall. Open reports are read by status (indexed); the per-lot view reads every report,
//! which grows with adverse events (rare beside vials), not with production.

use crate::{Service, ServiceError, ctx};
use secretome_domain::Capability;
use secretome_domain::{
    Actor, UtcTime,
    clinical::{AdverseEvent, AeReport, Patient, ReportStatus},
    ids::SiteCode,
};
use secretome_store::Cond;
use std::collections::BTreeMap;

/// A report is "due soon" within this many days of its deadline.
pub const DUE_SOON_DAYS: f64 = 3.0;

/// One report with its event and the patient's site.
#[derive(Debug, Clone, serde::Serialize, schemars::JsonSchema)]
pub struct ReportRow {
    pub report: AeReport,
    pub event: AdverseEvent,
    pub site: SiteCode,
}

/// Open reports by urgency at `now`, each list by deadline.
#[derive(Debug, Clone, serde::Serialize, schemars::JsonSchema)]
pub struct ReportDashboard {
    pub now: UtcTime,
    pub overdue: Vec<ReportRow>,
    pub due_soon: Vec<ReportRow>,
    pub later: Vec<ReportRow>,
}

/// Serious, related (or possibly related) events from one lot's vials.
#[derive(Debug, Clone, serde::Serialize, schemars::JsonSchema)]
pub struct LotSignal {
    pub lot: String,
    pub reports: Vec<ReportRow>,
}

impl Service {
    /// Records the report's submission to the committee and/or the authority, with the authority's
    /// reference. Role: physician (own site).
    pub async fn submit_ae_report(
        &self,
        actor: &Actor,
        now: UtcTime,
        report: &str,
        committee_at: Option<UtcTime>,
        authority_at: Option<UtcTime>,
        reference: Option<&str>,
    ) -> Result<AeReport, ServiceError> {
        actor.require_to(Capability::Treat, "record an adverse-event report")?;
        let scope = self.patient_scope(actor).await?;
        let mut tx = self.store.begin().await?;
        let r = tx.must_load::<AeReport>(report.trim()).await?;
        let p = tx.must_load::<Patient>(r.patient.as_str()).await?;
        scope.require(actor, &p)?;
        let next = r.submitted(
            committee_at,
            authority_at,
            reference,
            actor.user.clone(),
            now,
        )?;
        tx.update_record(&next, &ctx(actor, now, "ae_report.submit", None))
            .await?;
        tx.commit().await?;
        Ok(next)
    }

    /// The open reports `actor` may see, overdue / due within [`DUE_SOON_DAYS`] / later.
    /// Role: physician or QA.
    pub async fn ae_report_dashboard(
        &self,
        actor: &Actor,
        now: UtcTime,
    ) -> Result<ReportDashboard, ServiceError> {
        actor.require_to(
            Capability::ReportAdverseEvents,
            "read adverse-event reports",
        )?;
        let mut open = Vec::new();
        for status in [ReportStatus::Due, ReportStatus::Partial] {
            open.extend(
                self.store()
                    .list::<AeReport>(Some(("status", status.as_str())))
                    .await?,
            );
        }
        let mut rows = self.rows(actor, open).await?;
        rows.sort_by_key(|r| r.report.due_at);
        let mut d = ReportDashboard {
            now,
            overdue: Vec::new(),
            due_soon: Vec::new(),
            later: Vec::new(),
        };
        for r in rows {
            if r.report.overdue(now) {
                d.overdue.push(r);
            } else if r.report.due_soon(now, DUE_SOON_DAYS) {
                d.due_soon.push(r);
            } else {
                d.later.push(r);
            }
        }
        Ok(d)
    }

    /// Serious events judged related or possibly related, by the lot of the dose they followed
    /// (the manufacturer's notice). Role: qa.
    pub async fn serious_related_by_lot(
        &self,
        actor: &Actor,
    ) -> Result<Vec<LotSignal>, ServiceError> {
        actor.require_to(Capability::AssureQuality, "read adverse events per lot")?;
        // Only the serious related reports are read (a partial index of those), not every report.
        let all: Vec<AeReport> = self
            .every::<AeReport>(
                vec![Cond::Positive("serious"), Cond::Positive("related")],
                "id",
            )
            .await?
            .into_iter()
            .filter(|r| r.serious && r.related && r.lot.is_some())
            .collect();
        let mut by_lot: BTreeMap<String, Vec<ReportRow>> = BTreeMap::new();
        for row in self.rows(actor, all).await? {
            let lot = row.report.lot.clone().unwrap_or_default();
            by_lot.entry(lot).or_default().push(row);
        }
        Ok(by_lot
            .into_iter()
            .map(|(lot, reports)| LotSignal { lot, reports })
            .collect())
    }

    /// The reports of one patient (their page). Role: whoever may read the patient.
    pub async fn ae_reports_for(
        &self,
        actor: &Actor,
        patient: &str,
    ) -> Result<Vec<AeReport>, ServiceError> {
        self.readable_patient(actor, patient).await?;
        Ok(self.store().list(Some(("patient", patient.trim()))).await?)
    }

    /// The patient, if `actor` may read them (403 otherwise, 404 if unknown).
    pub(crate) async fn readable_patient(
        &self,
        actor: &Actor,
        patient: &str,
    ) -> Result<Patient, ServiceError> {
        let scope = self.patient_scope(actor).await?;
        let p: Patient =
            self.store()
                .fetch(patient.trim())
                .await?
                .ok_or_else(|| ServiceError::NotFound {
                    what: "patient",
                    id: patient.trim().to_string(),
                })?;
        scope.require(actor, &p)?;
        Ok(p)
    }

    /// Reports with their events, keeping those whose patient `actor` may read.
    async fn rows(
        &self,
        actor: &Actor,
        reports: Vec<AeReport>,
    ) -> Result<Vec<ReportRow>, ServiceError> {
        let scope = self.patient_scope(actor).await?;
        let mut patients: BTreeMap<String, Option<Patient>> = BTreeMap::new();
        let mut out = Vec::new();
        for report in reports {
            let key = report.patient.to_string();
            if !patients.contains_key(&key) {
                let p: Option<Patient> = self.store().fetch(&key).await?;
                patients.insert(key.clone(), p.filter(|p| scope.sees(p)));
            }
            let Some(Some(p)) = patients.get(&key) else {
                continue;
            };
            let event: AdverseEvent = self
                .store()
                .fetch(&report.adverse_event)
                .await?
                .ok_or_else(|| {
                    ServiceError::Internal(format!("report {} has no event", report.id))
                })?;
            out.push(ReportRow {
                report,
                event,
                site: p.site.clone(),
            });
        }
        Ok(out)
    }
}

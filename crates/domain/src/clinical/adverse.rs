//! Adverse events (有害事象) and their reports (疾病等報告). The term is chosen from the CTCAE v5.0
//! list (`ctcae.rs`) with a grade the term allows; the physician judges causality and the
//! seriousness criteria of the ordinance (`reporting.rs`) and says when they became aware. Each
//! event gets a report record whose deadline follows from its seriousness (7 days, 15 days, or the
//! periodic report), tracked to the certified committee and to the authority.

use super::{
    Administration, AeOutcome, Patient, choice, ctcae,
    reporting::{ReportDue, SeriousCriterion, report_deadline},
};
use crate::{
    DomainError, Invalids, UtcTime,
    ids::{PatientCode, UserName},
    plausible::{event_time, not_before},
    quantity::text,
};
use serde::{Deserialize, Serialize};

choice!(/// The physician's judgement of causality between the product and the event (因果関係).
    Causality, "causality" {
    Related => "related", "Related", "関連あり";
    Possibly => "possibly", "Possibly related", "関連の可能性あり";
    Unlikely => "unlikely", "Unlikely related", "関連の可能性低い";
    Unrelated => "unrelated", "Unrelated", "関連なし";
});

impl Causality {
    /// Related or possibly related: the manufacturer's QA follows it up per lot.
    pub fn is_related(self) -> bool {
        matches!(self, Causality::Related | Causality::Possibly)
    }
}

/// An adverse event, graded by CTCAE v5.0 (1 mild … 5 death).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AdverseEvent {
    pub id: String,
    pub patient: PatientCode,
    pub administration: Option<String>,
    /// The CTCAE term (free text on events recorded before the list was kept).
    pub term: String,
    pub grade: i64,
    /// Meets at least one seriousness criterion (or grade ≥ 4).
    pub serious: bool,
    pub onset_at: UtcTime,
    pub outcome: AeOutcome,
    pub reported_at: UtcTime,
    pub reported_by: UserName,
    /// MedDRA LLT code of the CTCAE term.
    #[serde(default)]
    pub meddra_code: Option<String>,
    #[serde(default)]
    pub causality: Option<Causality>,
    /// The seriousness criteria met (empty: not serious).
    #[serde(default)]
    pub criteria: Vec<SeriousCriterion>,
    /// When the physician became aware of it: the report deadline counts from that day (JST).
    #[serde(default)]
    pub aware_at: Option<UtcTime>,
}

/// What the physician reports about an event.
#[derive(Debug, Clone)]
pub struct AeFacts {
    /// A CTCAE term or its MedDRA code.
    pub term: String,
    pub grade: i64,
    /// Ticked "serious" without naming a criterion: counted as otherwise serious.
    pub serious: bool,
    pub criteria: Vec<SeriousCriterion>,
    pub causality: Causality,
    pub onset_at: UtcTime,
    /// None: aware when reporting.
    pub aware_at: Option<UtcTime>,
    pub outcome: AeOutcome,
}

impl AdverseEvent {
    /// The term must be a CTCAE term allowing `grade`; grade 5 goes with outcome fatal (and the
    /// criterion death), grade 4 (life-threatening by CTCAE's definition) with life-threatening;
    /// awareness is not before onset and neither is in the future.
    pub fn new(
        id: String,
        patient: &Patient,
        administration: Option<&Administration>,
        facts: AeFacts,
        by: UserName,
        now: UtcTime,
    ) -> Result<Self, DomainError> {
        // Every bad field at once.
        let mut all = Invalids::default();
        let term = all.take(ctcae::term(&facts.term));
        if let Some(term) = term {
            all.take(ctcae::check_grade(term, facts.grade));
        }
        if (facts.grade == 5) != (facts.outcome == AeOutcome::Fatal) {
            all.take::<()>(Err(DomainError::invalid(
                "outcome",
                crate::Why::said(
                    "grade 5 (death related to the event) and outcome \"fatal\" go together",
                    "グレード 5 と転帰「死亡」は対になります",
                ),
            )));
        }
        let onset = all.take(event_time("onset_at", facts.onset_at, None, now));
        let aware = all.take(event_time(
            "aware_at",
            facts.aware_at.unwrap_or(now),
            None,
            now,
        ));
        if let (Some(onset_at), Some(aware_at)) = (onset, aware) {
            all.take(not_before(
                "aware_at",
                aware_at,
                onset_at,
                ("the onset", "発現"),
            ));
        }
        if let Some(a) = administration {
            if a.patient != patient.id {
                all.take::<()>(Err(DomainError::invalid(
                    "administration",
                    crate::Why::said(
                        format!("{} was given to another patient", a.id),
                        format!("その投与は別の患者のものです ({})", a.id),
                    ),
                )));
            } else if let Some(onset_at) = onset {
                all.take(not_before(
                    "onset_at",
                    onset_at,
                    a.administered_at,
                    ("the dose", "投与"),
                ));
            }
        }
        let (Some(term), Some(onset_at), Some(aware_at), true) =
            (term, onset, aware, all.is_empty())
        else {
            return Err(all.into_error());
        };
        let mut criteria = facts.criteria.clone();
        if facts.grade == 5 {
            criteria.push(SeriousCriterion::Death);
        }
        if facts.grade == 4 {
            criteria.push(SeriousCriterion::LifeThreatening);
        }
        if facts.serious && criteria.is_empty() {
            criteria.push(SeriousCriterion::OtherSerious);
        }
        criteria.sort();
        criteria.dedup();
        Ok(AdverseEvent {
            id,
            patient: patient.id.clone(),
            administration: administration.map(|a| a.id.clone()),
            term: term.term.clone(),
            grade: facts.grade,
            serious: !criteria.is_empty(),
            onset_at,
            outcome: facts.outcome,
            reported_at: now,
            reported_by: by,
            meddra_code: Some(term.meddra_code.clone()),
            causality: Some(facts.causality),
            criteria,
            aware_at: Some(aware_at),
        })
    }

    /// The report's deadline (from awareness, or the reporting time for older records).
    pub fn report_due(&self) -> Option<ReportDue> {
        report_deadline(&self.criteria, self.aware_at.unwrap_or(self.reported_at))
    }
}

choice!(/// Where a report stands.
    ReportStatus, "status" {
    Due => "due", "Due", "未報告";
    Partial => "partial", "Reported to one of two", "一部報告済";
    Submitted => "submitted", "Submitted", "報告済";
    Periodic => "periodic", "In the periodic report", "定期報告";
});

/// The report of one adverse event (`{event}-RPT`): to the certified committee for regenerative
/// medicine (認定再生医療等委員会) and to the authority (厚生労働大臣), each with its date, and the
/// authority's reference. The manufacturer's QA sees it at once (the lot is kept for them).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AeReport {
    pub id: String,
    pub adverse_event: String,
    pub patient: PatientCode,
    /// The lot of the vial given with the dose the event followed, if any.
    pub lot: Option<String>,
    pub serious: bool,
    pub related: bool,
    /// 7 or 15 (calendar days in JST); none: periodic.
    pub days: Option<i64>,
    /// The last day (JST, `YYYY-MM-DD`) and the first instant after it.
    pub due_date: Option<String>,
    pub due_at: Option<UtcTime>,
    pub status: ReportStatus,
    pub committee_reported_at: Option<UtcTime>,
    pub authority_reported_at: Option<UtcTime>,
    pub reference: Option<String>,
    pub created_at: UtcTime,
    pub updated_at: UtcTime,
    pub updated_by: UserName,
}

impl AeReport {
    /// The report an event needs, its deadline computed from its seriousness and awareness.
    pub fn for_event(
        ae: &AdverseEvent,
        lot: Option<String>,
        by: UserName,
        now: UtcTime,
    ) -> Result<Self, DomainError> {
        let due = ae.report_due().ok_or_else(|| {
            DomainError::invalid(
                "aware_at",
                crate::Why::said("out of the calendar's range", "範囲外の日時です"),
            )
        })?;
        let (days, due_date, due_at, status) = match due {
            ReportDue::By { days, date, end } => (
                Some(days),
                Some(date.to_string()),
                Some(end),
                ReportStatus::Due,
            ),
            ReportDue::Periodic => (None, None, None, ReportStatus::Periodic),
        };
        Ok(AeReport {
            id: format!("{}-RPT", ae.id),
            adverse_event: ae.id.clone(),
            patient: ae.patient.clone(),
            lot,
            serious: ae.serious,
            related: ae.causality.is_some_and(Causality::is_related),
            days,
            due_date,
            due_at,
            status,
            committee_reported_at: None,
            authority_reported_at: None,
            reference: None,
            created_at: now,
            updated_at: now,
            updated_by: by,
        })
    }

    /// Records the submission to the committee and/or the authority (dates not in the future, not
    /// before the event was recorded); submitted once both are in.
    pub fn submitted(
        &self,
        committee_at: Option<UtcTime>,
        authority_at: Option<UtcTime>,
        reference: Option<&str>,
        by: UserName,
        now: UtcTime,
    ) -> Result<Self, DomainError> {
        if self.status == ReportStatus::Periodic {
            return Err(DomainError::Rule(crate::rule::Rule::NotSerious {
                event: self.adverse_event.to_string(),
            }));
        }
        let check = |field: &str, t: Option<UtcTime>| -> Result<Option<UtcTime>, DomainError> {
            t.map(|t| event_time(field, t, None, now)).transpose()
        };
        let committee =
            check("committee_reported_at", committee_at)?.or(self.committee_reported_at);
        let authority =
            check("authority_reported_at", authority_at)?.or(self.authority_reported_at);
        if committee.is_none() && authority.is_none() {
            return Err(DomainError::invalid(
                "committee_reported_at",
                crate::Why::said(
                    "give the date of the report to the committee or to the authority",
                    "委員会または厚生労働大臣への報告日時を入力してください",
                ),
            ));
        }
        let reference = match reference.map(str::trim).filter(|r| !r.is_empty()) {
            Some(r) => Some(text("reference", r)?),
            None => self.reference.clone(),
        };
        let status = if committee.is_some() && authority.is_some() {
            ReportStatus::Submitted
        } else {
            ReportStatus::Partial
        };
        Ok(AeReport {
            committee_reported_at: committee,
            authority_reported_at: authority,
            reference,
            status,
            updated_at: now,
            updated_by: by,
            ..self.clone()
        })
    }

    /// Not fully submitted and past its deadline at `now`.
    pub fn overdue(&self, now: UtcTime) -> bool {
        self.open() && self.due_at.is_some_and(|d| now >= d)
    }

    /// Not fully submitted, not overdue, due within `days` days.
    pub fn due_soon(&self, now: UtcTime, days: f64) -> bool {
        self.open()
            && self
                .due_at
                .is_some_and(|d| now < d && now.hours_until(d) <= days * 24.0)
    }

    /// Still waiting for a submission.
    pub fn open(&self) -> bool {
        matches!(self.status, ReportStatus::Due | ReportStatus::Partial)
    }
}

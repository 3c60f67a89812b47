//! Read models for the clinical pages and API: patients (optionally of one indication), a patient's
//! record in time order, and per indication the patients, doses, adverse events by CTCAE grade and
//! each outcome scale's series over days since the first dose with the change first → last.

use crate::{Service, ServiceError};
use secretome_domain::{
    UtcTime,
    clinical::{
        Administration, AdverseEvent, Dispensing, Indication, OutcomeMeasure, Patient, Scale,
    },
    ids::PatientCode,
    vial::Vial,
};
use secretome_store::{Cond, PageQuery, Read, Table, TallyKind, answers};
use serde::Serialize;
use std::collections::BTreeMap;

/// A patient with counts for the list.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct PatientSummary {
    pub patient: Patient,
    pub doses: usize,
    pub adverse_events: usize,
    pub last_visit: Option<UtcTime>,
    /// Recalls this patient was exposed to and not yet followed up (the list's recall flag).
    pub open_recalls: Vec<String>,
}

/// A dispensed vial with whether a dose has been recorded from it yet.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct DispensedVial {
    pub dispensing: Dispensing,
    pub din: Option<String>,
    pub fill_volume_ml: f64,
    pub administered: bool,
}

/// A patient's record: each list oldest first.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct PatientDetail {
    pub patient: Patient,
    pub dispensings: Vec<DispensedVial>,
    pub administrations: Vec<Administration>,
    pub adverse_events: Vec<AdverseEvent>,
    pub outcomes: Vec<OutcomeMeasure>,
    /// The first dose's time: outcome series count days from here.
    pub first_dose_at: Option<UtcTime>,
}

/// One patient's values of one scale.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct PatientSeries {
    pub patient: PatientCode,
    /// (days since the patient's first dose — or registration when no dose yet — value), in visit order.
    pub points: Vec<(f64, f64)>,
    /// Last value − first value (with two visits or more).
    pub change: Option<f64>,
}

/// One outcome scale over an indication's patients.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ScaleSeries {
    pub scale: Scale,
    pub higher_is_better: bool,
    pub patients: Vec<PatientSeries>,
    /// Mean of the patients' changes (None when no patient has two visits).
    pub mean_change: Option<f64>,
    /// Patients whose change is an improvement / a worsening (by `higher_is_better`).
    pub improved: usize,
    pub worsened: usize,
}

/// An indication's totals and one page of its patients with their outcomes.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct IndicationSummary {
    pub indication: Indication,
    /// All of the indication's patients.
    pub patients_total: usize,
    /// One page of them, newest first (`next`/`prev`: the neighbouring pages' cursors); the scale
    /// series and changes are over these patients.
    pub patients: Vec<PatientSummary>,
    pub next: Option<String>,
    pub prev: Option<String>,
    pub doses: usize,
    pub total_ml: f64,
    /// Adverse events by CTCAE grade: index 0 is grade 1 … index 4 grade 5.
    pub ae_by_grade: [usize; 5],
    pub serious: usize,
    pub scales: Vec<ScaleSeries>,
}

/// One row of the indications overview.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct IndicationRow {
    pub indication: Indication,
    pub patients: usize,
    pub doses: usize,
    pub adverse_events: usize,
}

/// Each patient's series of `scale` and the change first → last: days count from the patient's
/// first dose (`first_doses`), or their registration when none was given yet; `outcomes` are the
/// patients' measures by patient.
fn series(
    scale: Scale,
    patients: &[Patient],
    first_doses: &BTreeMap<String, UtcTime>,
    outcomes: &BTreeMap<&str, Vec<&OutcomeMeasure>>,
) -> ScaleSeries {
    let mut rows = Vec::new();
    for p in patients {
        let mut visits: Vec<&OutcomeMeasure> = outcomes
            .get(p.id.as_str())
            .into_iter()
            .flatten()
            .copied()
            .filter(|o| o.scale == scale)
            .collect();
        if visits.is_empty() {
            continue;
        }
        let start = first_doses
            .get(p.id.as_str())
            .copied()
            .unwrap_or(p.registered_at);
        visits.sort_by(|a, b| (a.visit_at, &a.id).cmp(&(b.visit_at, &b.id)));
        let points: Vec<(f64, f64)> = visits
            .iter()
            .map(|o| (start.hours_until(o.visit_at) / 24.0, o.value))
            .collect();
        let change = match (points.first(), points.last()) {
            (Some(a), Some(b)) if points.len() >= 2 => Some(b.1 - a.1),
            _ => None,
        };
        rows.push(PatientSeries {
            patient: p.id.clone(),
            points,
            change,
        });
    }
    let changes: Vec<f64> = rows.iter().filter_map(|r| r.change).collect();
    let better = |c: f64| {
        if scale.higher_is_better() {
            c > 0.0
        } else {
            c < 0.0
        }
    };
    ScaleSeries {
        scale,
        higher_is_better: scale.higher_is_better(),
        mean_change: (!changes.is_empty())
            .then(|| changes.iter().sum::<f64>() / changes.len() as f64),
        improved: changes.iter().filter(|c| better(**c)).count(),
        worsened: changes
            .iter()
            .filter(|c| **c != 0.0 && !better(**c))
            .count(),
        patients: rows,
    }
}

impl Service {
    /// A patient's dispensings, doses, adverse events and outcomes, each oldest first.
    pub async fn patient_detail(&self, id: &str) -> Result<PatientDetail, ServiceError> {
        let id = id.trim();
        let patient =
            self.store()
                .fetch::<Patient>(id)
                .await?
                .ok_or_else(|| ServiceError::NotFound {
                    what: "patient",
                    id: id.to_string(),
                })?;
        let by = Some(("patient", id));
        let mut administrations = self.store().list::<Administration>(by).await?;
        administrations.sort_by(|a, b| (a.administered_at, &a.id).cmp(&(b.administered_at, &b.id)));
        let mut adverse_events = self.store().list::<AdverseEvent>(by).await?;
        adverse_events.sort_by(|a, b| (a.onset_at, &a.id).cmp(&(b.onset_at, &b.id)));
        let mut outcomes = self.store().list::<OutcomeMeasure>(by).await?;
        outcomes.sort_by(|a, b| (a.visit_at, &a.id).cmp(&(b.visit_at, &b.id)));
        let mut dispensed = self.store().list::<Dispensing>(by).await?;
        dispensed.sort_by(|a, b| (a.dispensed_at, &a.id).cmp(&(b.dispensed_at, &b.id)));
        let mut dispensings = Vec::with_capacity(dispensed.len());
        for d in dispensed {
            let vial = self.store().fetch::<Vial>(d.vial.as_str()).await?;
            dispensings.push(DispensedVial {
                administered: administrations.iter().any(|a| a.vial == d.vial),
                din: vial.as_ref().and_then(|v| v.din.clone()),
                fill_volume_ml: vial.map(|v| v.fill_volume_ml).unwrap_or(0.0),
                dispensing: d,
            });
        }
        Ok(PatientDetail {
            first_dose_at: administrations.first().map(|a| a.administered_at),
            patient,
            dispensings,
            administrations,
            adverse_events,
            outcomes,
        })
    }

    /// Every indication with its counts of patients, doses and adverse events, read from the
    /// counters the store keeps with every write (`TallyKind::Indication*`): a few rows each.
    pub async fn indications_overview(&self) -> Result<Vec<IndicationRow>, ServiceError> {
        let st = self.store();
        let mut totals: BTreeMap<(TallyKind, String), usize> = BTreeMap::new();
        for kind in [
            TallyKind::IndicationPatients,
            TallyKind::IndicationDoses,
            TallyKind::IndicationAdverseEvents,
        ] {
            for t in st.tallies(kind, None, None).await? {
                *totals.entry((kind, t.subject)).or_default() += usize::try_from(t.n).unwrap_or(0);
            }
        }
        let get = |kind, i: Indication| {
            totals
                .get(&(kind, i.as_str().to_string()))
                .copied()
                .unwrap_or(0)
        };
        Ok(Indication::ALL
            .iter()
            .map(|i| IndicationRow {
                indication: *i,
                patients: get(TallyKind::IndicationPatients, *i),
                doses: get(TallyKind::IndicationDoses, *i),
                adverse_events: get(TallyKind::IndicationAdverseEvents, *i),
            })
            .collect())
    }

    /// An indication's first page of patients (see `indication_page`).
    pub async fn indication_summary(
        &self,
        indication: &str,
    ) -> Result<IndicationSummary, ServiceError> {
        self.indication_page(indication, None).await
    }

    /// An indication's totals — patients, doses (count and total mL), adverse events by grade and
    /// serious count, computed by the database — and one page of its patients (newest first) with,
    /// per scale followed, those patients' series and the change first → last.
    pub async fn indication_page(
        &self,
        indication: &str,
        cursor: Option<&str>,
    ) -> Result<IndicationSummary, ServiceError> {
        self.indication_page_at(indication, None, cursor).await
    }

    /// `indication_page` listing only the patients of `site` (when given); totals stay over all.
    /// The counters go with the page of patients and the outcomes with the patients' counts: two
    /// hand-overs to the database (`Service::patients_page_with`); each patient's first dose is
    /// `MIN(administered_at)` in SQL, not their administrations read.
    pub async fn indication_page_at(
        &self,
        indication: &str,
        site: Option<String>,
        cursor: Option<&str>,
    ) -> Result<IndicationSummary, ServiceError> {
        let indication = Indication::parse(indication)?;
        let of = |kind| Read::TalliesOf(kind, vec![indication.as_str().to_string()]);
        let counters = vec![
            of(TallyKind::IndicationPatients),
            of(TallyKind::IndicationDoses),
            of(TallyKind::IndicationAdverseEvents),
        ];
        let outcomes_of = |ids: &[String]| {
            vec![Read::Page(
                Table::OutcomeMeasure,
                PageQuery {
                    conds: vec![Cond::In("patient", ids.to_vec())],
                    order: "visit_at",
                    desc: false,
                    cursor: None,
                    limit: secretome_store::query::MAX_ROWS,
                },
            )]
        };
        let filter = crate::PatientFilter {
            indication: Some(indication.as_str().to_string()),
            site,
            ..Default::default()
        };
        let p = self
            .patients_page_with(&filter, cursor, None, counters, outcomes_of)
            .await?;
        let [patients_total, dose_total, aes] = answers(p.before)?;
        let patients_total: i64 = patients_total.tallies()?.iter().map(|t| t.n).sum();
        let dose_total = dose_total.tallies()?;
        let mut ae_by_grade = [0usize; 5];
        let mut serious = 0;
        for t in aes.tallies()? {
            let n = usize::try_from(t.n).unwrap_or(0);
            let (grade, is_serious) = t.key.split_once('/').unwrap_or((&t.key, "0"));
            let grade: i64 = grade.parse().unwrap_or(0);
            if let Some(slot) = usize::try_from(grade - 1)
                .ok()
                .and_then(|i| ae_by_grade.get_mut(i))
            {
                *slot += n;
            }
            if is_serious == "1" {
                serious += n;
            }
        }
        let [outcomes] = answers(p.after)?;
        let outcomes = outcomes
            .page()?
            .try_map(|r| r.to_record::<OutcomeMeasure>())?
            .rows;
        let mut by_patient: BTreeMap<&str, Vec<&OutcomeMeasure>> = BTreeMap::new();
        for o in &outcomes {
            by_patient.entry(o.patient.as_str()).or_default().push(o);
        }
        let page = p.page;
        let patients: Vec<Patient> = page.rows.iter().map(|r| r.patient.clone()).collect();
        let scales = indication
            .scales()
            .iter()
            .map(|s| series(*s, &patients, &p.first_doses, &by_patient))
            .collect();
        Ok(IndicationSummary {
            indication,
            patients_total: usize::try_from(patients_total).unwrap_or(0),
            doses: usize::try_from(dose_total.iter().map(|t| t.n).sum::<i64>()).unwrap_or(0),
            total_ml: dose_total.iter().map(|t| t.amount).sum(),
            serious,
            ae_by_grade,
            scales,
            next: page.next,
            prev: page.prev,
            patients: page.rows,
        })
    }
}

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
use serde::Serialize;

/// A patient with counts for the list.
#[derive(Debug, Clone, Serialize)]
pub struct PatientSummary {
    pub patient: Patient,
    pub doses: usize,
    pub adverse_events: usize,
    pub last_visit: Option<UtcTime>,
}

/// A dispensed vial with whether a dose has been recorded from it yet.
#[derive(Debug, Clone, Serialize)]
pub struct DispensedVial {
    pub dispensing: Dispensing,
    pub din: Option<String>,
    pub fill_volume_ml: f64,
    pub administered: bool,
}

/// A patient's record: each list oldest first.
#[derive(Debug, Clone, Serialize)]
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
#[derive(Debug, Clone, Serialize)]
pub struct PatientSeries {
    pub patient: PatientCode,
    /// (days since the patient's first dose — or registration when no dose yet — value), in visit order.
    pub points: Vec<(f64, f64)>,
    /// Last value − first value (with two visits or more).
    pub change: Option<f64>,
}

/// One outcome scale over an indication's patients.
#[derive(Debug, Clone, Serialize)]
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

/// An indication's patients, doses, adverse events and outcomes.
#[derive(Debug, Clone, Serialize)]
pub struct IndicationSummary {
    pub indication: Indication,
    pub patients: Vec<PatientSummary>,
    pub doses: usize,
    pub total_ml: f64,
    /// Adverse events by CTCAE grade: index 0 is grade 1 … index 4 grade 5.
    pub ae_by_grade: [usize; 5],
    pub serious: usize,
    pub scales: Vec<ScaleSeries>,
}

/// One row of the indications overview.
#[derive(Debug, Clone, Serialize)]
pub struct IndicationRow {
    pub indication: Indication,
    pub patients: usize,
    pub doses: usize,
    pub adverse_events: usize,
}

fn summaries(
    patients: Vec<Patient>,
    given: &[Administration],
    aes: &[AdverseEvent],
    outcomes: &[OutcomeMeasure],
) -> Vec<PatientSummary> {
    patients
        .into_iter()
        .map(|p| PatientSummary {
            doses: given.iter().filter(|a| a.patient == p.id).count(),
            adverse_events: aes.iter().filter(|a| a.patient == p.id).count(),
            last_visit: outcomes
                .iter()
                .filter(|o| o.patient == p.id)
                .map(|o| o.visit_at)
                .max(),
            patient: p,
        })
        .collect()
}

/// Each patient's series of `scale` and the change first → last.
fn series(
    scale: Scale,
    patients: &[Patient],
    given: &[Administration],
    outcomes: &[OutcomeMeasure],
) -> ScaleSeries {
    let mut rows = Vec::new();
    for p in patients {
        let start = given
            .iter()
            .filter(|a| a.patient == p.id)
            .map(|a| a.administered_at)
            .min()
            .unwrap_or(p.registered_at);
        let mut visits: Vec<&OutcomeMeasure> = outcomes
            .iter()
            .filter(|o| o.patient == p.id && o.scale == scale)
            .collect();
        if visits.is_empty() {
            continue;
        }
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
    /// Patients by pseudonym, optionally only those of one indication (`stroke`, …).
    pub async fn list_patients(
        &self,
        indication: Option<&str>,
    ) -> Result<Vec<PatientSummary>, ServiceError> {
        let filter = match indication {
            Some(i) => Some(Indication::parse(i)?.as_str()),
            None => None,
        };
        let patients = self
            .store()
            .list::<Patient>(filter.map(|i| ("indication", i)))
            .await?;
        let given = self.store().list::<Administration>(None).await?;
        let aes = self.store().list::<AdverseEvent>(None).await?;
        let outcomes = self.store().list::<OutcomeMeasure>(None).await?;
        Ok(summaries(patients, &given, &aes, &outcomes))
    }

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

    /// Every indication with its counts of patients, doses and adverse events.
    pub async fn indications_overview(&self) -> Result<Vec<IndicationRow>, ServiceError> {
        let patients = self.store().list::<Patient>(None).await?;
        let given = self.store().list::<Administration>(None).await?;
        let aes = self.store().list::<AdverseEvent>(None).await?;
        Ok(Indication::ALL
            .iter()
            .map(|i| {
                let of: Vec<&Patient> = patients.iter().filter(|p| p.indication == *i).collect();
                IndicationRow {
                    indication: *i,
                    patients: of.len(),
                    doses: given.iter().filter(|a| a.indication == *i).count(),
                    adverse_events: aes
                        .iter()
                        .filter(|e| of.iter().any(|p| p.id == e.patient))
                        .count(),
                }
            })
            .collect())
    }

    /// An indication's patients, doses (count and total mL), adverse events by grade and serious
    /// count, and per scale followed each patient's series with the change first → last.
    pub async fn indication_summary(
        &self,
        indication: &str,
    ) -> Result<IndicationSummary, ServiceError> {
        let indication = Indication::parse(indication)?;
        let patients = self
            .store()
            .list::<Patient>(Some(("indication", indication.as_str())))
            .await?;
        let given = self
            .store()
            .list::<Administration>(Some(("indication", indication.as_str())))
            .await?;
        let ours = |id: &PatientCode| patients.iter().any(|p| &p.id == id);
        let aes: Vec<AdverseEvent> = self
            .store()
            .list::<AdverseEvent>(None)
            .await?
            .into_iter()
            .filter(|e| ours(&e.patient))
            .collect();
        let outcomes: Vec<OutcomeMeasure> = self
            .store()
            .list::<OutcomeMeasure>(None)
            .await?
            .into_iter()
            .filter(|o| ours(&o.patient))
            .collect();
        let mut ae_by_grade = [0usize; 5];
        for e in &aes {
            if let Some(slot) = usize::try_from(e.grade - 1)
                .ok()
                .and_then(|i| ae_by_grade.get_mut(i))
            {
                *slot += 1;
            }
        }
        let scales = indication
            .scales()
            .iter()
            .map(|s| series(*s, &patients, &given, &outcomes))
            .collect();
        Ok(IndicationSummary {
            indication,
            doses: given.len(),
            total_ml: given.iter().map(|a| a.dose_ml).sum(),
            serious: aes.iter().filter(|e| e.serious).count(),
            ae_by_grade,
            scales,
            patients: summaries(patients, &given, &aes, &outcomes),
        })
    }
}

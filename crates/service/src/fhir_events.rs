//! The FHIR R4 resources of a patient's follow-up, for `fhir.rs`: each adverse event as an
//! AdverseEvent, each outcome value as an Observation.
//!
//! - The event is coded in MedDRA (`http://terminology.hl7.org/CodeSystem/mdr`, the CTCAE term's
//!   LLT code) and in CTCAE v5.0 as a local system (`urn:secretome:ctcae-v5.0`, the term as code:
//!   NCI's CTCAE has no code system URI of its own in FHIR R4).
//! - `severity` (required binding: mild | moderate | severe) maps CTCAE grade 1 → mild, 2 →
//!   moderate, 3–5 → severe; the CTCAE grade itself travels as a second coding
//!   (`urn:secretome:ctcae-grade`).
//! - `seriousness` uses HL7's adverse-event-seriousness codes for the gravest criterion met
//!   (or Non-serious), with every criterion of the ordinance as local codings.
//! - Causality is the physician's judgement in our four categories (local system, with text);
//!   it is not claimed to be a WHO-UMC assessment.
//! - Outcome values are Observations with the scale as a local code; numeric scales carry a
//!   `valueQuantity`, ASIA its letter grade as `valueString`.

use crate::fhir::{date_time, entry, local, reference};
use secretome_domain::clinical::{
    AdverseEvent, AeOutcome, OutcomeMeasure, Scale, reporting::SeriousCriterion,
};
use serde_json::{Value, json};

const MEDDRA: &str = "http://terminology.hl7.org/CodeSystem/mdr";
const SEVERITY: &str = "http://terminology.hl7.org/CodeSystem/adverse-event-severity";
const SERIOUSNESS: &str = "http://terminology.hl7.org/CodeSystem/adverse-event-seriousness";
const AE_OUTCOME: &str = "http://terminology.hl7.org/CodeSystem/adverse-event-outcome";
const UCUM: &str = "http://unitsofmeasure.org";

/// One adverse event.
pub(crate) fn adverse_event_entry(e: &AdverseEvent) -> Value {
    let mut event = vec![json!({
        "system": "urn:secretome:ctcae-v5.0",
        "code": e.term,
        "display": e.term,
    })];
    if let Some(code) = &e.meddra_code {
        event.insert(
            0,
            json!({ "system": MEDDRA, "code": code, "display": e.term }),
        );
    }
    let severity = match e.grade {
        1 => "mild",
        2 => "moderate",
        _ => "severe",
    };
    let (serious_code, serious_display) = seriousness(&e.criteria, e.serious);
    let mut serious_codings = vec![json!({
        "system": SERIOUSNESS,
        "code": serious_code,
        "display": serious_display,
    })];
    serious_codings.extend(e.criteria.iter().map(|c| {
        json!({
            "system": "urn:secretome:seriousness-criterion",
            "code": c.as_str(),
            "display": c.label_en(),
        })
    }));
    let (outcome, outcome_display) = match e.outcome {
        AeOutcome::Recovered => ("resolved", "Resolved"),
        AeOutcome::Recovering => ("recovering", "Recovering"),
        AeOutcome::NotRecovered => ("ongoing", "Ongoing"),
        AeOutcome::RecoveredWithSequelae => ("resolvedWithSequelae", "Resolved with Sequelae"),
        AeOutcome::Fatal => ("fatal", "Fatal"),
        AeOutcome::Unknown => ("unknown", "Unknown"),
    };
    let mut r = json!({
        "identifier": local("adverse-event", &e.id),
        "actuality": "actual",
        "event": { "coding": event, "text": e.term },
        "subject": reference("Patient", e.patient.as_str()),
        "date": date_time(e.onset_at),
        "recordedDate": date_time(e.reported_at),
        "recorder": reference("Practitioner", e.reported_by.as_str()),
        "seriousness": { "coding": serious_codings, "text": serious_display },
        "severity": {
            "coding": [
                { "system": SEVERITY, "code": severity },
                {
                    "system": "urn:secretome:ctcae-grade",
                    "code": e.grade.to_string(),
                    "display": format!("CTCAE grade {}", e.grade),
                },
            ],
            "text": format!("CTCAE grade {}", e.grade),
        },
        "outcome": {
            "coding": [{ "system": AE_OUTCOME, "code": outcome, "display": outcome_display }],
            "text": e.outcome.label_en(),
        },
    });
    if let Some(aware) = e.aware_at {
        r["detected"] = json!(date_time(aware));
    }
    if let Some(adm) = &e.administration {
        let mut suspect = json!({ "instance": reference("MedicationAdministration", adm) });
        if let Some(c) = e.causality {
            suspect["causality"] = json!([{
                "assessment": {
                    "coding": [{
                        "system": "urn:secretome:causality",
                        "code": c.as_str(),
                        "display": c.label_en(),
                    }],
                    "text": c.label_en(),
                },
                "author": reference("Practitioner", e.reported_by.as_str()),
            }]);
        }
        r["suspectEntity"] = json!([suspect]);
    }
    entry("AdverseEvent", &e.id, r)
}

/// HL7's seriousness code for the gravest criterion met.
fn seriousness(criteria: &[SeriousCriterion], serious: bool) -> (&'static str, &'static str) {
    use SeriousCriterion::*;
    let order = [
        (Death, "SeriousResultsInDeath", "Results in death"),
        (
            LifeThreatening,
            "SeriousIsLifeThreatening",
            "Is Life-threatening",
        ),
        (
            Hospitalisation,
            "SeriousResultsInHospitalization",
            "Requires or prolongs inpatient hospitalization",
        ),
        (
            Disability,
            "SeriousResultsInDisability",
            "Results in persistent or significant disability/incapacity",
        ),
        (
            CongenitalAnomaly,
            "SeriousIsBirthDefect",
            "Is a congenital anomaly/birth defect",
        ),
        (
            RiskOfDisability,
            "SeriousRequiresPreventImpairment",
            "Requires intervention to prevent permanent impairment",
        ),
    ];
    for (c, code, display) in order {
        if criteria.contains(&c) {
            return (code, display);
        }
    }
    if serious {
        ("Serious", "Serious")
    } else {
        ("Non-serious", "Non-serious")
    }
}

/// One outcome value at a visit.
pub(crate) fn observation_entry(m: &OutcomeMeasure) -> Value {
    let mut r = json!({
        "identifier": [local("outcome", &m.id)],
        "status": "final",
        "category": [{
            "coding": [{
                "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                "code": "survey",
                "display": "Survey",
            }],
        }],
        "code": {
            "coding": [{
                "system": "urn:secretome:scale",
                "code": m.scale.as_str(),
                "display": m.scale.label_en(),
            }],
            "text": m.scale.label_en(),
        },
        "subject": reference("Patient", m.patient.as_str()),
        "effectiveDateTime": date_time(m.visit_at),
        "issued": date_time(m.recorded_at),
        "performer": [reference("Practitioner", m.recorded_by.as_str())],
    });
    match m.scale {
        Scale::Asia => r["valueString"] = json!(m.scale.show(m.value)),
        s => {
            let (unit, code) = match s {
                Scale::VasPain => ("mm", "mm"),
                Scale::WoundArea => ("cm²", "cm2"),
                Scale::HairCount => ("/cm²", "/cm2"),
                _ => ("score", "{score}"),
            };
            r["valueQuantity"] =
                json!({ "value": m.value, "unit": unit, "system": UCUM, "code": code });
        }
    }
    entry("Observation", &m.id, r)
}

//! The demo's clinic: pseudonymised patients across the indications, each given one to three doses
//! from the released lots (dispensed by vial id, then administered), before the recall of
//! L-2026-002 — so that recall has patients to follow up; outcome visits and a few adverse events.
//! Every patient consents to their indication at registration (PT-000006 also to chronic pain);
//! PT-000009's wound infection is serious (hospitalisation), with its 15-day report.

use super::{Lcg, at};
use crate::{
    NewAdministration, NewAdverseEvent, NewConsent, NewOutcome, NewPatient, Service, ServiceError,
};
use secretome_domain::{
    Actor, UtcTime,
    clinical::{Administration, Patient, Scale},
    vial::{Vial, VialStatus},
};

pub(super) type DemoPatient = (
    &'static str,
    &'static str,
    &'static str,
    usize,
    i64,
    &'static str,
);

/// (patient, indication, route, doses, birth year, sex)
pub(super) const PATIENTS: &[DemoPatient] = &[
    ("PT-000001", "stroke", "iv_drip", 3, 1952, "male"),
    ("PT-000002", "stroke", "iv_drip", 2, 1960, "female"),
    ("PT-000003", "stroke", "iv_drip", 1, 1947, "male"),
    (
        "PT-000004",
        "spinal_cord_injury",
        "iv_drip",
        2,
        1988,
        "male",
    ),
    (
        "PT-000005",
        "spinal_cord_injury",
        "intranasal",
        2,
        1975,
        "female",
    ),
    (
        "PT-000006",
        "osteoarthritis",
        "local_injection",
        3,
        1956,
        "female",
    ),
    (
        "PT-000007",
        "osteoarthritis",
        "local_injection",
        2,
        1963,
        "male",
    ),
    (
        "PT-000008",
        "chronic_pain",
        "local_injection",
        1,
        1970,
        "female",
    ),
    ("PT-000009", "chronic_wound", "topical", 2, 1949, "male"),
    ("PT-000010", "hair_loss", "scalp_injection", 3, 1983, "male"),
    (
        "PT-000011",
        "hair_loss",
        "scalp_injection",
        2,
        1979,
        "female",
    ),
    ("PT-000012", "skin", "topical", 1, 1968, "female"),
];

/// The clinic's site, where the patients are registered.
pub(super) const CLINIC: &str = "CPC-TOKYO";

/// Registers the patients and gives their doses from `lots` (released), starting at `from`, one
/// visit every ~3 weeks, before `until`. Returns the number of doses given.
pub(super) async fn treat(
    svc: &Service,
    dr: &Actor,
    patients: &[DemoPatient],
    lots: &[&str],
    from: UtcTime,
    until: UtcTime,
    rng: &mut Lcg,
) -> Result<usize, ServiceError> {
    let mut vials: Vec<Vial> = Vec::new();
    for lot in lots {
        vials.extend(
            svc.store()
                .list::<Vial>(Some(("lot", lot)))
                .await?
                .into_iter()
                .filter(|v| v.status == VialStatus::Available),
        );
    }
    let mut next = vials.into_iter();
    let mut given = 0;
    for (i, (id, indication, route, doses, born, sex)) in patients.iter().enumerate() {
        let registered = at(from, i as f64 * 0.5)?;
        svc.register_patient(
            dr,
            registered,
            NewPatient {
                id: id.to_string(),
                site: CLINIC.into(),
                birth_year: *born,
                sex: sex.to_string(),
                indication: indication.to_string(),
                physician: None,
            },
        )
        .await?;
        let mut consented = vec![*indication];
        if *id == "PT-000006" {
            consented.push("chronic_pain");
        }
        for ind in consented {
            svc.record_consent(
                dr,
                registered,
                id,
                NewConsent {
                    indication: ind.into(),
                    document_version: format!("IC-{ind}-v1"),
                    explained_by: "田中 一郎".into(),
                    explained_at: registered,
                    consented_at: registered,
                },
            )
            .await?;
        }
        for d in 0..*doses {
            let t = at(registered, 1.0 + d as f64 * 21.0 + rng.around(1.0, 0.5))?;
            if t >= until {
                break;
            }
            let Some(v) = next.next() else {
                return Ok(given);
            };
            svc.dispense_vial(dr, t, v.id.as_str(), id).await?;
            let given_at = at(t, 0.05)?;
            svc.record_administration(
                dr,
                given_at,
                NewAdministration {
                    vial: v.id.to_string(),
                    route: route.to_string(),
                    dose_ml: match *route {
                        "iv_drip" => 2.0,
                        "intranasal" => 0.4,
                        _ => 1.0,
                    },
                    administered_at: given_at,
                    dose_reason: None,
                },
            )
            .await?;
            given += 1;
        }
    }
    Ok(given)
}

/// Each scale's course in the demo: baseline, then the change per monthly visit (improving).
fn course(scale: Scale) -> (f64, f64) {
    match scale {
        Scale::Mrs => (4.0, -1.0),
        Scale::Asia => (2.0, 1.0),
        Scale::VasPain => (72.0, -12.0),
        Scale::Womac => (58.0, -8.0),
        Scale::WoundArea => (14.0, -4.0),
        Scale::HairCount => (118.0, 11.0),
    }
}

/// Outcome visits (baseline at registration, then every 30 days before `until`) for every demo
/// patient, and a few adverse events of the kinds seen after such doses.
pub(super) async fn follow_up(
    svc: &Service,
    dr: &Actor,
    until: UtcTime,
    rng: &mut Lcg,
) -> Result<(), ServiceError> {
    for p in svc.store().list::<Patient>(None).await? {
        // Each patient starts a little apart and improves at their own pace.
        let shift = (rng.next() * 3.0).floor() - 1.0;
        let pace = rng.around(1.0, 0.35);
        for scale in p.indication.scales() {
            let (base, step) = course(*scale);
            for visit in 0..4 {
                let t = at(p.registered_at, visit as f64 * 30.0)?;
                if t >= until {
                    break;
                }
                let v = match scale {
                    Scale::Mrs => {
                        (base + shift + step * (visit as f64 * pace).floor()).clamp(0.0, 5.0)
                    }
                    Scale::Asia => {
                        (base + shift.min(0.0) + step * (visit as f64 * pace / 2.0).floor())
                            .clamp(1.0, 5.0)
                    }
                    Scale::HairCount => (base * (1.0 + 0.1 * shift) + step * visit as f64 * pace)
                        .round()
                        .max(0.0),
                    _ => {
                        let raw = base * (1.0 + 0.1 * shift) + step * visit as f64 * pace;
                        ((raw + rng.around(1.0, 0.8) - 1.0) * 10.0).round().max(0.0) / 10.0
                    }
                };
                svc.record_outcome(
                    dr,
                    t,
                    NewOutcome {
                        patient: p.id.to_string(),
                        scale: scale.as_str().into(),
                        value: scale.show(v),
                        visit_at: t,
                    },
                )
                .await?;
            }
        }
    }
    // (patient, CTCAE term, grade, outcome, days after the first dose, causality)
    let events: [(&str, &str, i64, &str, f64, &str); 5] = [
        ("PT-000001", "Headache", 1, "recovered", 0.2, "possibly"),
        ("PT-000004", "Fever", 2, "recovered", 0.5, "possibly"),
        (
            "PT-000006",
            "Injection site reaction",
            1,
            "recovered",
            0.1,
            "related",
        ),
        (
            "PT-000009",
            "Wound infection",
            3,
            "recovering",
            9.0,
            "possibly",
        ),
        ("PT-000010", "Pruritus", 1, "recovered", 0.3, "unlikely"),
    ];
    for (patient, term, grade, outcome, days, causality) in events {
        let given = svc
            .store()
            .list::<Administration>(Some(("patient", patient)))
            .await?;
        let Some(first) = given
            .iter()
            .min_by(|a, b| a.administered_at.cmp(&b.administered_at))
        else {
            continue;
        };
        let onset = at(first.administered_at, days)?;
        let aware = at(onset, 0.5)?;
        // The wound infection needed a hospital stay: serious, reported within 15 days.
        let serious = patient == "PT-000009";
        let ae = svc
            .report_adverse_event(
                dr,
                aware,
                NewAdverseEvent {
                    patient: patient.into(),
                    administration: Some(first.id.clone()),
                    term: term.into(),
                    grade,
                    serious: false,
                    criteria: if serious {
                        vec!["hospitalisation".into()]
                    } else {
                        vec![]
                    },
                    causality: causality.into(),
                    onset_at: onset,
                    aware_at: Some(aware),
                    outcome: outcome.into(),
                },
            )
            .await?;
        if serious {
            let committee = at(aware, 4.0)?;
            let authority = at(aware, 9.0)?;
            if authority < until {
                svc.submit_ae_report(
                    dr,
                    authority,
                    &format!("{}-RPT", ae.id),
                    Some(committee),
                    Some(authority),
                    Some("PMDA-DEMO-0001"),
                )
                .await?;
            } else if committee < until {
                svc.submit_ae_report(
                    dr,
                    committee,
                    &format!("{}-RPT", ae.id),
                    Some(committee),
                    None,
                    None,
                )
                .await?;
            }
        }
    }
    Ok(())
}

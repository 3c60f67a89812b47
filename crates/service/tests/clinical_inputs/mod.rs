//! Inputs the clinical service tests share: demo vials by lot and state, their DIN barcode data,
//! and the use cases' input structs with sensible values.

#![allow(dead_code)]

use secretome_domain::{
    UtcTime,
    isbt::{Din, ProductCode},
    vial::{Vial, VialStatus},
};
use secretome_service::{NewAdministration, NewAdverseEvent, NewOutcome, NewPatient, Service};

/// The first vial of `lot` in `status` (the demo's numbering may change; its states do not).
pub async fn vial(svc: &Service, lot: &str, status: VialStatus, skip: usize) -> Vial {
    svc.store()
        .list::<Vial>(Some(("lot", lot)))
        .await
        .unwrap()
        .into_iter()
        .filter(|v| v.status == status)
        .nth(skip)
        .unwrap_or_else(|| panic!("demo has a {status:?} vial in {lot}"))
}

/// The vial's DIN and product code barcodes as a scanner sends them, one after the other (the DIN
/// alone names the lot: its vials are divisions of one product).
pub fn barcode(v: &Vial) -> String {
    let din = Din::parse(v.din.as_deref().expect("filled vials carry a DIN")).unwrap();
    let code = ProductCode::parse(v.product_code.as_deref().expect("and a product code")).unwrap();
    format!("{}{}", din.barcode_data(), code.barcode_data())
}

pub fn patient(id: &str, indication: &str) -> NewPatient {
    NewPatient {
        id: id.into(),
        site: "CPC-TOKYO".into(),
        birth_year: 1961,
        sex: "female".into(),
        indication: indication.into(),
        physician: None,
    }
}

pub fn dose(vial: &str, ml: f64, at: UtcTime) -> NewAdministration {
    NewAdministration {
        vial: vial.into(),
        route: "iv_drip".into(),
        dose_ml: ml,
        administered_at: at,
        dose_reason: None,
    }
}

pub fn outcome(p: &str, scale: &str, value: &str, at: UtcTime) -> NewOutcome {
    NewOutcome {
        patient: p.into(),
        scale: scale.into(),
        value: value.into(),
        visit_at: at,
    }
}

pub fn ae(p: &str, adm: Option<&str>, grade: i64, outcome: &str, at: UtcTime) -> NewAdverseEvent {
    NewAdverseEvent {
        patient: p.into(),
        administration: adm.map(str::to_string),
        term: "Injection site reaction".into(),
        grade,
        serious: false,
        criteria: vec![],
        causality: "possibly".into(),
        onset_at: at,
        aware_at: None,
        outcome: outcome.into(),
    }
}

pub fn h(t: UtcTime, hours: f64) -> UtcTime {
    t.plus_hours(hours).unwrap()
}

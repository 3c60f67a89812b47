//! FHIR R4 export (issue 5): a patient's bundle, made from records written through the use cases on
//! both databases, validates against HL7's official R4 JSON schema (`tests/data/fhir/`); the
//! vial carries its ISBT 128 DIN and product code, the dose its route, volume, time, physician and
//! indication (SNOMED CT beside the local codes); the adverse event is an AdverseEvent coded in
//! MedDRA/CTCAE with its seriousness, the outcome value an Observation; a deliberately broken
//! bundle fails the same validation; only physician and qa may export; both backends give the
//! same bundle.

use crate::common;

use common::{refused, t};
use secretome_domain::{
    UtcTime,
    clinical::Patient,
    lot::{Lot, LotStatus},
    vial::{Vial, VialStatus},
};
use secretome_service::{
    ErrorKind, NewAdministration, NewAdverseEvent, NewOutcome, NewPatient, Service, demo,
    fhir::{CONTAINER_SYSTEM, DIN_SYSTEM, ISBT_SYSTEM},
};
use secretome_store::testing;
use serde_json::{Value, json};
use std::sync::Arc;

fn now() -> UtcTime {
    t("2026-11-20T03:00:00Z")
}

fn validator() -> jsonschema::Validator {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/fhir/fhir.schema.json"
    );
    let text = std::fs::read_to_string(path).expect("the R4 schema is in tests/data/fhir");
    let schema: Value = serde_json::from_str(&text).expect("schema is JSON");
    assert_eq!(schema["id"], "http://hl7.org/fhir/json-schema/4.0");
    jsonschema::draft6::new(&schema).expect("the R4 schema compiles as draft 6")
}

fn errors(v: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    v.iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

fn resources<'a>(bundle: &'a Value, kind: &str) -> Vec<&'a Value> {
    bundle["entry"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| &e["resource"])
        .filter(|r| r["resourceType"] == kind)
        .collect()
}

/// Two available vials of the demo's first released lot.
async fn two_vials(svc: &Service) -> (Vial, Vial) {
    let lot = svc
        .store()
        .list::<Lot>(None)
        .await
        .unwrap()
        .into_iter()
        .find(|l| l.status == LotStatus::Released)
        .expect("the demo has a released lot");
    let mut vials = svc
        .store()
        .list::<Vial>(Some(("lot", lot.id.as_str())))
        .await
        .unwrap()
        .into_iter()
        .filter(|v| v.status == VialStatus::Available);
    (vials.next().unwrap(), vials.next().unwrap())
}

#[tokio::test]
async fn a_patients_bundle_validates_against_the_r4_schema_on_both_backends() {
    let schema = validator();
    let mut bundles = Vec::new();
    for (backend, store) in testing::stores("fhir_bundle").await {
        let svc = Service::new(Arc::new(store));
        demo::build(&svc, now()).await.unwrap();
        let dr = svc.actor("physician").await.unwrap();
        let patient = NewPatient {
            id: "PT_2026/001".into(), // characters a FHIR id may not hold
            site: "CPC-TOKYO".into(),
            birth_year: 1961,
            sex: "male".into(),
            indication: "spinal_cord_injury".into(),
            physician: None,
        };
        svc.register_patient(&dr, now(), patient).await.unwrap();
        common::consent(&svc, &dr, "PT_2026/001", "spinal_cord_injury", now()).await;
        let (given, kept) = two_vials(&svc).await;
        for v in [&given, &kept] {
            svc.dispense_vial(&dr, now(), v.id.as_str(), "PT_2026/001")
                .await
                .unwrap();
        }
        let dose = NewAdministration {
            // scanned: the DIN, not the vial id
            // scanned as the label's DIN and product code (the DIN alone names the lot)
            vial: format!(
                "{}{}",
                given.din.clone().expect("filled vials have a DIN"),
                given.product_code.clone().expect("and a product code")
            ),
            route: "intranasal".into(),
            dose_ml: 0.5,
            administered_at: t("2026-11-20T04:30:00Z"),
            dose_reason: None,
        };
        let adm = svc
            .record_administration(&dr, t("2026-11-20T05:00:00Z"), dose)
            .await
            .unwrap();
        // A serious event after the dose (hospitalised), and a follow-up value.
        svc.report_adverse_event(
            &dr,
            t("2026-11-20T08:00:00Z"),
            NewAdverseEvent {
                patient: "PT_2026/001".into(),
                administration: Some(adm.id.clone()),
                term: "10028735".into(), // Nasal congestion, by its MedDRA code
                grade: 2,
                serious: false,
                criteria: vec!["hospitalisation".into()],
                causality: "possibly".into(),
                onset_at: t("2026-11-20T06:00:00Z"),
                aware_at: Some(t("2026-11-20T07:00:00Z")),
                outcome: "recovering".into(),
            },
        )
        .await
        .unwrap();
        svc.record_outcome(
            &dr,
            t("2026-11-20T08:00:00Z"),
            NewOutcome {
                patient: "PT_2026/001".into(),
                scale: "asia".into(),
                value: "C".into(),
                visit_at: t("2026-11-20T07:30:00Z"),
            },
        )
        .await
        .unwrap();

        // Every demo patient's bundle is valid too (read by QA, who may read every site's patients:
        // the demo's second clinic has a patient of its own).
        let qa = svc.actor("qa").await.unwrap();
        let demo_patients: Vec<Patient> = svc.store().list(None).await.unwrap();
        assert!(!demo_patients.is_empty(), "the demo treats patients");
        for p in &demo_patients {
            let b = svc.fhir_bundle(&qa, p.id.as_str()).await.unwrap();
            let errs = errors(&schema, &b);
            assert!(errs.is_empty(), "{backend:?} {}: {errs:#?}", p.id);
        }

        let bundle = svc.fhir_bundle(&dr, "PT_2026/001").await.unwrap();
        let errs = errors(&schema, &bundle);
        assert!(errs.is_empty(), "{backend:?}: {errs:#?}");
        assert_eq!(bundle["type"], "collection");

        let patients = resources(&bundle, "Patient");
        assert_eq!(patients.len(), 1);
        let p = patients[0];
        assert_eq!(p["identifier"][0]["value"], "PT_2026/001");
        assert_eq!(p["gender"], "male");
        assert_eq!(p["birthDate"], "1961");
        assert!(p.get("name").is_none(), "pseudonymised: no name");

        let products = resources(&bundle, "BiologicallyDerivedProduct");
        assert_eq!(products.len(), 2, "one per dispensed vial");
        let bdp = products
            .iter()
            .find(|r| r["identifier"][1]["value"] == given.id.as_str())
            .expect("the administered vial");
        assert_eq!(bdp["identifier"][0]["system"], DIN_SYSTEM);
        assert_eq!(bdp["identifier"][0]["value"], json!(given.din));
        // The two vials share their lot's DIN; the container identifier tells them apart.
        let container = |r: &Value| r["identifier"][2]["value"].clone();
        assert_eq!(bdp["identifier"][2]["system"], CONTAINER_SYSTEM);
        assert_eq!(
            container(bdp),
            json!(format!(
                "{}{}",
                given.din.as_deref().unwrap(),
                given.product_code.as_deref().unwrap()
            ))
        );
        assert_ne!(container(products[0]), container(products[1]));
        assert_eq!(bdp["productCode"]["coding"][0]["system"], ISBT_SYSTEM);
        assert_eq!(
            bdp["productCode"]["coding"][0]["code"],
            json!(given.product_code)
        );
        assert_eq!(bdp["parent"][0]["identifier"]["value"], given.lot.as_str());
        assert_eq!(bdp["storage"][0]["temperature"], json!(-80.0));
        assert_eq!(bdp["storage"][0]["scale"], "celsius");
        assert_eq!(bdp["status"], "unavailable", "administered");

        let doses = resources(&bundle, "MedicationAdministration");
        assert_eq!(doses.len(), 1, "one per administration");
        let a = doses[0];
        let route = &a["dosage"]["route"]["coding"];
        assert_eq!(
            (&route[0]["system"], &route[0]["code"]),
            (&json!("http://snomed.info/sct"), &json!("46713006")),
            "SNOMED CT nasal route first"
        );
        assert_eq!(route[1]["code"], "intranasal", "the local code kept");
        assert_eq!(a["dosage"]["dose"]["value"], json!(0.5));
        assert_eq!(a["dosage"]["dose"]["code"], "mL");
        assert_eq!(a["effectiveDateTime"], "2026-11-20T04:30:00.000000Z");
        assert_eq!(a["reasonCode"][0]["coding"][0]["code"], "90584004");
        assert_eq!(
            a["reasonCode"][0]["coding"][1]["code"],
            "spinal_cord_injury"
        );
        let full_url = |r: &Value| format!("urn:uuid:{}", r["id"].as_str().unwrap());
        assert_eq!(a["subject"]["reference"], full_url(p).as_str());
        assert_eq!(
            a["supportingInformation"][0]["reference"],
            full_url(bdp).as_str()
        );
        let events = resources(&bundle, "AdverseEvent");
        assert_eq!(events.len(), 1);
        let ae = events[0];
        assert_eq!(ae["actuality"], "actual");
        assert_eq!(
            ae["event"]["coding"][0],
            json!({"system": "http://terminology.hl7.org/CodeSystem/mdr", "code": "10028735", "display": "Nasal congestion"})
        );
        assert_eq!(
            ae["event"]["coding"][1]["system"],
            "urn:secretome:ctcae-v5.0"
        );
        assert_eq!(
            ae["seriousness"]["coding"][0]["code"],
            "SeriousResultsInHospitalization"
        );
        assert_eq!(ae["severity"]["coding"][0]["code"], "moderate");
        assert_eq!(ae["severity"]["coding"][1]["code"], "2");
        assert_eq!(ae["detected"], "2026-11-20T07:00:00.000000Z");
        assert_eq!(
            ae["suspectEntity"][0]["instance"]["reference"],
            full_url(a).as_str()
        );
        assert_eq!(
            ae["suspectEntity"][0]["causality"][0]["assessment"]["coding"][0]["code"],
            "possibly"
        );
        let obs = resources(&bundle, "Observation");
        assert_eq!(obs.len(), 1);
        assert_eq!(obs[0]["code"]["coding"][0]["code"], "asia");
        assert_eq!(obs[0]["valueString"], "C");
        assert_eq!(obs[0]["subject"]["reference"], full_url(p).as_str());
        let doctors = resources(&bundle, "Practitioner");
        assert_eq!(doctors.len(), 1);
        assert_eq!(doctors[0]["identifier"][0]["value"], "physician");
        assert_eq!(
            a["performer"][0]["actor"]["reference"],
            full_url(doctors[0]).as_str()
        );

        // The same bundle broken in a way a careless mapping would: the schema says no.
        for (kind, pointer, value) in [
            (
                "BiologicallyDerivedProduct",
                "/productCategory",
                json!("supernatant"),
            ),
            (
                "MedicationAdministration",
                "/dosage/dose/value",
                json!("0.5"),
            ),
            ("Patient", "/birthDate", json!(1961)),
            ("AdverseEvent", "/actuality", json!("maybe")),
            ("Observation", "/status", json!(true)),
        ] {
            let mut broken = bundle.clone();
            let entry = broken["entry"]
                .as_array_mut()
                .unwrap()
                .iter_mut()
                .find(|e| e["resource"]["resourceType"] == kind)
                .unwrap();
            *entry["resource"].pointer_mut(pointer).unwrap() = value;
            assert!(!errors(&schema, &broken).is_empty(), "{kind}{pointer}");
        }

        // Only physician and qa export; an unknown patient is not found.
        let qa = svc.actor("qa").await.unwrap();
        assert_eq!(svc.fhir_bundle(&qa, "PT_2026/001").await.unwrap(), bundle);
        let op = svc.actor("operator").await.unwrap();
        refused(
            &svc,
            svc.fhir_bundle(&op, "PT_2026/001"),
            ErrorKind::Forbidden,
            "physician",
        )
        .await;
        refused(
            &svc,
            svc.fhir_bundle(&dr, "PT-NOBODY"),
            ErrorKind::NotFound,
            "PT-NOBODY",
        )
        .await;
        bundles.push(bundle);
    }
    if let [a, b] = bundles.as_slice() {
        assert_eq!(a, b, "SQLite and PostgreSQL give the same bundle");
    }
}

#[tokio::test]
async fn the_schema_refuses_a_broken_bundle() {
    let schema = validator();
    let good = json!({
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{
            "fullUrl": "urn:uuid:00000000-0000-8000-8000-000000000001",
            "resource": {"resourceType": "Patient", "id": "p1", "gender": "female", "birthDate": "1958"}
        }]
    });
    assert!(
        errors(&schema, &good).is_empty(),
        "{:?}",
        errors(&schema, &good)
    );
    let broken = [
        ("/type", json!("pile")),                             // not a bundle type
        ("/entry/0/resource/gender", json!("f")),             // not an administrative gender
        ("/entry/0/resource/birthDate", json!("58")),         // not a FHIR date
        ("/entry/0/resource/id", json!("PT_2026/001")),       // not a FHIR id
        ("/entry/0/resource/name", json!("Hanako")),          // HumanName is an array of objects
        ("/entry/0/resource/resourceType", json!("Pateint")), // no such resource
    ];
    for (pointer, value) in broken {
        let mut doc = good.clone();
        let (parent, key) = pointer.rsplit_once('/').unwrap();
        doc.pointer_mut(parent).unwrap()[key] = value.clone();
        assert!(
            !errors(&schema, &doc).is_empty(),
            "{pointer} = {value} must fail"
        );
    }
}

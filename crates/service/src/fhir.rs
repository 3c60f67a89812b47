//! FHIR R4 export of one patient's treatment (DESIGN.md §5–6): a `collection` Bundle with the
//! pseudonymised Patient, one BiologicallyDerivedProduct per vial dispensed for them, the
//! physicians as Practitioners, one MedicationAdministration per dose given, one AdverseEvent per
//! adverse event and one Observation per outcome value (`fhir_events.rs`). Written by hand
//! with serde_json (no FHIR crate); the test validates it against HL7's R4 JSON schema.
//!
//! Choices a receiver should know:
//! - Resource ids and `fullUrl`s (`urn:uuid:…`) are derived from the record ids with SHA-256, so
//!   the same records always give the same bundle, and our ids (which may hold `_ / :`, not allowed
//!   in a FHIR id) travel unchanged in `identifier`s.
//! - Our own identifiers use the URN namespace `urn:secretome:<kind>`; the ISBT 128 DIN uses
//!   `urn:oid:2.16.840.1.113883.6.18.2.1`, an arc under 2.16.840.1.113883.6.18, the OID HL7
//!   registered for ISBT 128 (ICCBBA). The root is HL7's; the `.2.1` DIN arc follows ICCBBA's HL7
//!   usage as we understand it and could not be checked against ICCBBA's registry offline — it is
//!   one constant (`DIN_SYSTEM`) to change if a receiver expects another. The value is the
//!   13-character DIN data content, without flag and check characters (not the eye-readable form).
//! - Product codes use HL7's URI for ISBT 128, `http://terminology.hl7.org/CodeSystem/ib`.
//! - Indications and routes carry our local codes (`urn:secretome:indication|route`) and, where a
//!   concept fits, the SNOMED CT code beside them (`clinical/codes.rs`).

use crate::{Service, ServiceError};
use secretome_domain::Capability;
use secretome_domain::{
    Actor, DomainError,
    clinical::{Administration, AdverseEvent, Dispensing, OutcomeMeasure, Patient, codes::SNOMED},
    lot::Lot,
    qc::Product,
    site::User,
    vial::{Vial, VialStatus},
};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// OID of the ISBT 128 Donation Identification Number (see the module documentation).
pub const DIN_SYSTEM: &str = "urn:oid:2.16.840.1.113883.6.18.2.1";
/// HL7's code system URI for ISBT 128 (OID 2.16.840.1.113883.6.18).
pub const ISBT_SYSTEM: &str = "http://terminology.hl7.org/CodeSystem/ib";
/// The container's ISBT 128 identity: DIN followed by the product code with its division (21
/// characters). The vials of one lot share the DIN (the pool's), so this is what tells them apart
/// (docs/isbt128.md); a local system, since no published identifier system carries the pair.
pub const CONTAINER_SYSTEM: &str = "urn:secretome:isbt128:din-product-code";
const UCUM: &str = "http://unitsofmeasure.org";

/// A resource's logical id and the `fullUrl` that references it inside the bundle.
fn uuid(resource_type: &str, id: &str) -> String {
    let h = Sha256::digest(format!("secretome:{resource_type}/{id}").as_bytes());
    let mut b = [0u8; 16];
    b.copy_from_slice(&h[..16]);
    b[6] = (b[6] & 0x0f) | 0x80; // RFC 9562 version 8 (custom, name-derived)
    b[8] = (b[8] & 0x3f) | 0x80; // RFC 9562 variant
    let x = hex::encode(b);
    format!(
        "{}-{}-{}-{}-{}",
        &x[..8],
        &x[8..12],
        &x[12..16],
        &x[16..20],
        &x[20..]
    )
}

fn full_url(resource_type: &str, id: &str) -> String {
    format!("urn:uuid:{}", uuid(resource_type, id))
}

pub(crate) fn reference(resource_type: &str, id: &str) -> Value {
    json!({ "reference": full_url(resource_type, id) })
}

pub(crate) fn entry(resource_type: &str, id: &str, mut resource: Value) -> Value {
    resource["resourceType"] = json!(resource_type);
    resource["id"] = json!(uuid(resource_type, id));
    json!({ "fullUrl": full_url(resource_type, id), "resource": resource })
}

pub(crate) fn local(kind: &str, value: &str) -> Value {
    json!({ "system": format!("urn:secretome:{kind}"), "value": value })
}

/// FHIR `dateTime` (our stored form is already RFC 3339 UTC with microseconds).
pub(crate) fn date_time(t: secretome_domain::UtcTime) -> String {
    t.to_string()
}

impl Service {
    /// The FHIR R4 Bundle (type `collection`) of one patient's dispensed vials and administrations.
    /// Role: physician or qa.
    pub async fn fhir_bundle(&self, actor: &Actor, patient: &str) -> Result<Value, ServiceError> {
        actor.require_to(
            Capability::ReadClinical,
            "export a patient's record as FHIR",
        )?;
        let store = self.store();
        let p: Patient =
            store
                .fetch(patient.trim())
                .await?
                .ok_or_else(|| ServiceError::NotFound {
                    what: "patient",
                    id: patient.to_string(),
                })?;
        self.patient_scope(actor).await?.require(actor, &p)?;
        let key = p.id.as_str();
        let dispensed: Vec<Dispensing> = store.list(Some(("patient", key))).await?;
        let given: Vec<Administration> = store.list(Some(("patient", key))).await?;

        let mut entries = vec![patient_entry(&p)];
        let mut physicians = BTreeMap::new();
        physicians.insert(p.physician.to_string(), ());
        let mut products: BTreeMap<String, Option<Product>> = BTreeMap::new();
        for d in &dispensed {
            let vial: Vial = self.fetch_or_missing(d.vial.as_str(), "vial").await?;
            let lot: Lot = self.fetch_or_missing(vial.lot.as_str(), "lot").await?;
            if !products.contains_key(&lot.product) {
                let product: Option<Product> = store.fetch(&lot.product).await?;
                products.insert(lot.product.clone(), product);
            }
            let product = products.get(&lot.product).and_then(Option::as_ref);
            entries.push(product_entry(&vial, &lot, product, d)?);
        }
        for a in &given {
            physicians.insert(a.physician.to_string(), ());
            let vial: Vial = self.fetch_or_missing(a.vial.as_str(), "vial").await?;
            let lot: Lot = self.fetch_or_missing(vial.lot.as_str(), "lot").await?;
            let product = products.get(&lot.product).and_then(Option::as_ref);
            entries.push(administration_entry(a, &vial, product));
        }
        let events: Vec<AdverseEvent> = store.list(Some(("patient", key))).await?;
        for e in &events {
            physicians.insert(e.reported_by.to_string(), ());
            entries.push(crate::fhir_events::adverse_event_entry(e));
        }
        let measures: Vec<OutcomeMeasure> = store.list(Some(("patient", key))).await?;
        for m in &measures {
            physicians.insert(m.recorded_by.to_string(), ());
            entries.push(crate::fhir_events::observation_entry(m));
        }
        for name in physicians.keys() {
            let user: Option<User> = store.fetch(name).await?;
            entries.push(practitioner_entry(name, user.as_ref()));
        }
        Ok(json!({
            "resourceType": "Bundle",
            "id": uuid("Bundle", key),
            "identifier": local("fhir-export", key),
            "type": "collection",
            "entry": entries,
        }))
    }

    async fn fetch_or_missing<R: secretome_store::Record>(
        &self,
        id: &str,
        what: &'static str,
    ) -> Result<R, ServiceError> {
        self.store()
            .fetch(id)
            .await?
            .ok_or_else(|| ServiceError::NotFound {
                what,
                id: id.to_string(),
            })
    }
}

/// The patient: pseudonym as identifier, gender, birth year; never a name.
fn patient_entry(p: &Patient) -> Value {
    entry(
        "Patient",
        p.id.as_str(),
        json!({
            "identifier": [local("patient", p.id.as_str())],
            // our sexes are exactly FHIR's administrative genders
            "gender": p.sex.as_str(),
            "birthDate": format!("{:04}", p.birth_year),
            "managingOrganization": {
                "identifier": local("site", p.site.as_str()),
                "display": p.site.as_str(),
            },
            "generalPractitioner": [reference("Practitioner", p.physician.as_str())],
        }),
    )
}

fn practitioner_entry(name: &str, user: Option<&User>) -> Value {
    let mut r = json!({ "identifier": [local("user", name)], "active": true });
    if let Some(u) = user {
        r["active"] = json!(u.active);
        r["name"] = json!([{ "text": u.display_name }]);
    }
    entry("Practitioner", name, r)
}

/// One vial as a BiologicallyDerivedProduct. Category `biologicalAgent`: culture supernatant is a
/// cell-free mixture of secreted factors — not cells, tissue, an organ, or a body fluid.
fn product_entry(
    vial: &Vial,
    lot: &Lot,
    product: Option<&Product>,
    d: &Dispensing,
) -> Result<Value, ServiceError> {
    let mut identifiers = vec![local("vial", vial.id.as_str())];
    if let Some(din) = &vial.din {
        identifiers.insert(0, json!({ "system": DIN_SYSTEM, "value": din }));
        if let Some(pc) = &vial.product_code {
            identifiers.push(json!({ "system": CONTAINER_SYSTEM, "value": format!("{din}{pc}") }));
        }
    }
    let mut code = json!({ "text": product.map_or(lot.product.clone(), |p| p.name.clone()) });
    if let Some(pc) = &vial.product_code {
        code["coding"] = json!([{ "system": ISBT_SYSTEM, "code": pc }]);
    }
    let status = match vial.status {
        VialStatus::Dispensed => "available",
        _ => "unavailable",
    };
    let mut r = json!({
        "identifier": identifiers,
        "productCategory": "biologicalAgent",
        "productCode": code,
        "status": status,
        "quantity": 1,
        "parent": [{
            "identifier": local("lot", lot.id.as_str()),
            "display": format!("Lot {}", lot.id),
        }],
        "processing": [{
            "description": format!("filled {} mL", vial.fill_volume_ml),
            "timeDateTime": date_time(vial.filled_at),
        }],
    });
    if let Some(p) = product {
        if !p.storage_temperature_c.is_finite() {
            return Err(DomainError::invalid(
                "storage_temperature_c",
                secretome_domain::Why::said(
                    format!("product {} has no finite storage temperature", p.id),
                    format!("製品 {} の保管温度が登録されていません", p.id),
                ),
            )
            .into());
        }
        r["storage"] = json!([{
            "description": format!("stored frozen until dispensed (expires {})", vial.expires_at),
            "temperature": p.storage_temperature_c,
            "scale": "celsius",
            "duration": { "start": date_time(vial.filled_at), "end": date_time(d.dispensed_at) },
        }]);
    }
    Ok(entry("BiologicallyDerivedProduct", vial.id.as_str(), r))
}

/// One dose as a MedicationAdministration, not a Procedure. In R4 neither `Procedure.usedReference`
/// (Device | Medication | Substance) nor `MedicationAdministration.medication[x]` (Medication) may
/// point to a BiologicallyDerivedProduct — that came only with R5's `Procedure.used`. R4's
/// MedicationAdministration has `supportingInformation: Reference(Any)`, which may name the vial's
/// BiologicallyDerivedProduct, and it has the dose and route as first-class elements
/// (`dosage.route`, `dosage.dose`), which Procedure lacks; the product goes in
/// `medicationCodeableConcept` as its ISBT 128 product code.
fn administration_entry(a: &Administration, vial: &Vial, product: Option<&Product>) -> Value {
    let mut medication = json!({
        "text": product.map_or_else(|| format!("vial {}", vial.id), |p| p.name.clone()),
    });
    if let Some(pc) = &vial.product_code {
        medication["coding"] = json!([{ "system": ISBT_SYSTEM, "code": pc }]);
    }
    entry(
        "MedicationAdministration",
        &a.id,
        json!({
            "identifier": [local("administration", &a.id)],
            "status": "completed",
            "medicationCodeableConcept": medication,
            "subject": reference("Patient", a.patient.as_str()),
            "effectiveDateTime": date_time(a.administered_at),
            "performer": [{ "actor": reference("Practitioner", a.physician.as_str()) }],
            "reasonCode": [{
                "coding": with_snomed(
                    json!({
                        "system": "urn:secretome:indication",
                        "code": a.indication.as_str(),
                        "display": a.indication.label_en(),
                    }),
                    a.indication.snomed(),
                ),
                "text": a.indication.label_en(),
            }],
            "supportingInformation": [reference("BiologicallyDerivedProduct", vial.id.as_str())],
            "dosage": {
                "route": {
                    "coding": with_snomed(
                        json!({
                            "system": "urn:secretome:route",
                            "code": a.route.as_str(),
                            "display": a.route.label_en(),
                        }),
                        a.route.snomed(),
                    ),
                    "text": a.route.label_en(),
                },
                "dose": { "value": a.dose_ml, "unit": "mL", "system": UCUM, "code": "mL" },
            },
        }),
    )
}

/// The SNOMED CT coding (if any) first, then the local one.
fn with_snomed(local: Value, snomed: Option<(&str, &str)>) -> Value {
    match snomed {
        Some((code, display)) => {
            json!([{ "system": SNOMED, "code": code, "display": display }, local])
        }
        None => json!([local]),
    }
}

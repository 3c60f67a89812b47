//! Traceability in the browser (DESIGN.md §6): the trace of any record — donor, raw-material lot,
//! lot, vial, patient, … — forward or backward as an SVG graph (`/trace`) and as JSON
//! (`/api/v1/trace`, the shape `secretome trace` prints); and the FHIR R4 export of a patient's
//! administrations (`/api/v1/patients/{id}/fhir`), the record that travels with the patient.
//!
//! Roles: every signed-in role reads traces (operator, qc, qa, admin, physician); the FHIR export,
//! which carries clinical data, is for physicians and QA.

mod graph;
mod pages;
mod text;

use crate::registry::{Routes, get};
use crate::{auth::ANY, guarded};
use secretome_domain::Capability;

const CLINICAL: Capability = Capability::ReadClinical;

/// Navigation entries (href, catalogue key, roles that see it).
pub const NAV: &[(&str, &str, Capability)] = &[("/trace", "tr.nav", ANY)];

/// This module's texts (key, 日本語, English).
pub const TEXT: &[(&str, &str, &str)] = text::TEXT;

pub fn routes(mut r: Routes) -> Routes {
    use crate::openapi::{FhirBundle, TraceQuery, op};
    use secretome_service::trace::Trace;
    r = guarded(r, "/trace", get(pages::show), ANY);
    r = guarded(r, "/api/v1/trace", get(pages::api).doc(op("trace", "trace", "Trace a donor, raw-material lot, lot, vial or patient forward or backward: {root, nodes, edges} as `secretome trace` prints").query::<TraceQuery>().ok::<Trace>()), ANY);
    r = guarded(r, "/api/v1/patients/{id}/fhir", get(pages::fhir).doc(op("patientFhir", "clinical", "A patient's dispensed vials and administrations as a FHIR R4 Bundle (role physician or qa)").answers::<FhirBundle>(200, "application/fhir+json")), CLINICAL);
    r
}

/// This module in the registry (`crate::registry`).
pub const MODULE: crate::registry::Module = crate::registry::Module {
    routes,
    nav: NAV,
    texts: &[TEXT],
    tags: &[("trace", "Genealogy: forward and backward traces")],
};

//! What the document describes that has no Rust type of its own in a handler: the queries read as
//! a map (`em-results?room=`, `trace?id=&dir=`) and the FHIR Bundle the service builds as a JSON
//! value. Every request body is the handler's own `kit::Input<T>` type.

use schemars::JsonSchema;

/// `GET /api/v1/em-results?room=`.
#[derive(JsonSchema)]
pub struct EmResultsQuery {
    pub room: String,
}

/// The way a trace goes.
#[derive(JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TraceDirection {
    /// Everything the record reached.
    Forward,
    /// Everything upstream of it (the default).
    Backward,
}

/// `GET /api/v1/trace?id=&dir=`.
#[derive(JsonSchema)]
pub struct TraceQuery {
    /// A donor, raw-material lot, lot, vial or patient.
    pub id: String,
    pub dir: Option<TraceDirection>,
}

/// A FHIR R4 Bundle of type `collection` (built as a JSON value by the service): Patient, a
/// BiologicallyDerivedProduct per vial (ISBT 128 DIN, product code), a MedicationAdministration
/// per dose.
#[derive(JsonSchema)]
pub struct FhirBundle {
    /// `Bundle`.
    #[serde(rename = "resourceType")]
    pub resource_type: String,
    /// `collection`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The resources, each `{"fullUrl", "resource"}`.
    pub entry: Vec<serde_json::Value>,
}

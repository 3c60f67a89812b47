//! The request bodies and queries of the API handlers that still read their JSON field by field
//! (`json::object`, `kit::json_fields`) instead of a typed `kit::Input<T>`: described here as Rust
//! types so the document's schemas are still generated. Each goes when its handler takes its own
//! typed input (the handler's type is then documented directly).

use schemars::JsonSchema;

/// `POST /api/v1/lots/{id}/results`: a result of one of the specification's tests.
#[derive(JsonSchema)]
pub struct ResultBody {
    /// The test's code.
    pub test: String,
    /// A quantitative result.
    pub value: Option<f64>,
    /// A qualitative result (e.g. `negative`).
    pub outcome: Option<String>,
    pub unit: Option<String>,
    /// The assay run (plate) it came from.
    pub assay_run: Option<String>,
    /// The value as typed (kept for the record).
    pub typed: Option<String>,
}

/// Correction of a wrong entry or a retest.
#[derive(JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Correction,
    Retest,
}

/// `POST /api/v1/lots/{id}/results/revise`.
#[derive(JsonSchema)]
pub struct RevisionBody {
    pub test: String,
    pub change: ChangeKind,
    pub value: Option<f64>,
    pub outcome: Option<String>,
    pub unit: Option<String>,
    pub typed: Option<String>,
    /// Why the result is corrected or retested (required).
    pub reason: String,
}

/// `POST /api/v1/batches/{id}/execution/steps`: the master's next step with its values.
#[derive(JsonSchema)]
pub struct StepRecordBody {
    /// The step's code in the master batch record.
    pub step: String,
    /// The step's parameters by name.
    pub values: Option<std::collections::BTreeMap<String, f64>>,
    /// RFC 3339; absent: now.
    pub performed_at: Option<String>,
    pub note: Option<String>,
}

/// `POST /api/v1/dispensed/{vial}/{action}`: `at` for every action, `reason` to discard,
/// `unopened` and `within_temperature` to return.
#[derive(JsonSchema)]
pub struct CareBody {
    /// RFC 3339; absent: now.
    pub at: Option<String>,
    pub reason: Option<String>,
    pub unopened: Option<bool>,
    pub within_temperature: Option<bool>,
}

/// `POST /api/v1/rooms`.
#[derive(JsonSchema)]
pub struct RoomBody {
    pub id: String,
    pub name: String,
    /// `room`, `cabinet` or `isolator`.
    pub kind: String,
    /// `A`, `B`, `C` or `D`.
    pub grade: String,
    /// The room a cabinet or isolator stands in.
    pub parent: Option<String>,
}

/// `POST /api/v1/em-results`.
#[derive(JsonSchema)]
pub struct EmResultBody {
    pub room: String,
    pub point: Option<String>,
    pub sample_type: String,
    pub value: f64,
    /// RFC 3339 or a local time in the facility's zone.
    pub sampled_at: String,
}

/// `GET /api/v1/em-results?room=`.
#[derive(JsonSchema)]
pub struct EmResultsQuery {
    pub room: String,
}

/// `POST /api/v1/equipment`.
#[derive(JsonSchema)]
pub struct EquipmentBody {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub room: Option<String>,
    pub freezer: Option<String>,
    /// A date (YYYY-MM-DD).
    pub calibration_due: Option<String>,
    pub qualification_due: Option<String>,
}

/// `POST /api/v1/equipment/{id}/calibration`.
#[derive(JsonSchema)]
pub struct CalibrationBody {
    pub calibration_due: Option<String>,
    pub qualification_due: Option<String>,
    pub reason: String,
}

/// `POST /api/v1/qualifications`.
#[derive(JsonSchema)]
pub struct QualificationBody {
    /// The operator's user name.
    pub operator: String,
    /// `training`, `gowning` or `aseptic`.
    pub kind: String,
    pub sop: String,
    pub sop_version: String,
    pub trained_at: String,
    pub expires_at: Option<String>,
}

/// `POST /api/v1/media-fills`.
#[derive(JsonSchema)]
pub struct MediaFillBody {
    pub product: String,
    pub room: String,
    pub performed_at: String,
    pub units_filled: u32,
    pub units_positive: u32,
    /// The participants' user names, comma-separated.
    pub participants: Option<String>,
}

/// `POST /api/v1/media-fills/close`.
#[derive(JsonSchema)]
pub struct CloseMediaFillBody {
    pub id: String,
    pub reason: String,
}

/// `POST /api/v1/filtrations`.
#[derive(JsonSchema)]
pub struct FiltrationBody {
    pub lot: String,
    pub filter_maker: String,
    pub filter_model: String,
    pub filter_lot: String,
    pub pore_um: f64,
    pub sterilising_grade: bool,
    pub room: Option<String>,
    pub performed_at: Option<String>,
}

/// `POST /api/v1/integrity-tests`.
#[derive(JsonSchema)]
pub struct IntegrityTestBody {
    pub filtration: String,
    /// `pre_use` or `post_use`.
    pub stage: String,
    pub method: String,
    pub maker_limit: f64,
    pub measured: f64,
    pub unit: String,
    pub tested_at: Option<String>,
}

/// `POST /api/v1/em-limits`: a change of one grade × sample type limit under change control.
#[derive(JsonSchema)]
pub struct LimitChangeBody {
    /// `A`, `B`, `C` or `D`.
    pub grade: String,
    pub sample_type: String,
    pub alert_limit: Option<f64>,
    pub action_limit: f64,
    pub effective_from: Option<String>,
    pub reason: String,
}

/// QA's decision on a returned vial.
#[derive(JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReturnDecisionKind {
    Stock,
    Destroy,
}

/// `POST /api/v1/returns/{vial}/decision`.
#[derive(JsonSchema)]
pub struct ReturnDecisionBody {
    pub decision: ReturnDecisionKind,
    pub reason: String,
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

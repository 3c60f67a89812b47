//! The consent, point-of-care, adverse-event report and CTCAE term operations under `/api/v1`
//! (issue 16), through the same service functions as the pages. Times are RFC 3339 (UTC);
//! omitted means now.

use super::inputs::{PointOfCare, RecordConsent, SubmitReport, Withdraw};
use crate::json::{actor, ok, tri};
use crate::kit::Input;
use crate::{AppState, auth::Viewer, auth::now};
use axum::{
    Extension, Json,
    extract::{Path, Query, State},
    http::StatusCode,
    response::Response,
};
use secretome_domain::clinical::ctcae;

/// POST …/patients/{id}/consents: `{"indication", "document_version", "explained_by",
/// "explained_at"?, "consented_at"?}` → 201.
pub async fn consent(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
    input: Input<RecordConsent>,
) -> Response {
    let (a, new) = tri!(input.acting_api(&v));
    ok(
        StatusCode::CREATED,
        st.service.record_consent(&a, now(), &id, new).await,
    )
}

/// GET …/patients/{id}/consents → the patient's consents.
pub async fn consents(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
) -> Response {
    let a = tri!(actor(&v));
    ok(StatusCode::OK, st.service.consents_for(&a, &id).await)
}

/// POST …/consents/{consent}/withdraw: `{"reason", "withdrawn_at"?}` → 200.
pub async fn withdraw(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(consent): Path<String>,
    input: Input<Withdraw>,
) -> Response {
    let (a, (at, reason)) = tri!(input.acting_api(&v));
    ok(
        StatusCode::OK,
        st.service
            .withdraw_consent(&a, now(), &consent, at, &reason)
            .await,
    )
}

/// POST …/dispensed/{vial}/{action}: thaw `{"at"?}`, discard `{"reason", "at"?}`, return
/// `{"unopened", "within_temperature", "at"?}` → 200 with the dispensing.
pub async fn care(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path((vial, action)): Path<(String, String)>,
    input: Input<PointOfCare>,
) -> Response {
    let input = input.with(|c| (c.vial, c.action) = (vial, action));
    let (a, care) = tri!(input.acting_api(&v));
    ok(StatusCode::OK, super::care::cared(&st, &a, care).await)
}

/// GET …/ae-reports → `{"now", "overdue", "due_soon", "later"}`, each a list of
/// `{report, event, site}`.
pub async fn dashboard(State(st): State<AppState>, Extension(v): Extension<Viewer>) -> Response {
    let a = tri!(actor(&v));
    ok(
        StatusCode::OK,
        st.service.ae_report_dashboard(&a, now()).await,
    )
}

/// GET …/ae-reports/by-lot → `[{"lot", "reports"}]` (QA).
pub async fn by_lot(State(st): State<AppState>, Extension(v): Extension<Viewer>) -> Response {
    let a = tri!(actor(&v));
    ok(StatusCode::OK, st.service.serious_related_by_lot(&a).await)
}

/// POST …/ae-reports/{id}/submit: `{"committee_reported_at"?, "authority_reported_at"?,
/// "reference"?}` → 200.
pub async fn submit(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
    input: Input<SubmitReport>,
) -> Response {
    let (a, (committee, authority, reference)) = tri!(input.acting_api(&v));
    let r = st
        .service
        .submit_ae_report(&a, now(), &id, committee, authority, reference.as_deref());
    ok(StatusCode::OK, r.await)
}

/// `?q=`: English words or a MedDRA code.
#[derive(serde::Deserialize, schemars::JsonSchema)]
pub struct CtcaeQuery {
    #[serde(default)]
    pub q: String,
}

/// A CTCAE term found, with the grades it allows.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct CtcaeHit {
    pub term: String,
    pub meddra_code: String,
    pub soc: String,
    pub grades: Vec<i64>,
}

/// The terms found and the CTCAE version.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct CtcaeAnswer {
    pub version: &'static str,
    pub terms: Vec<CtcaeHit>,
}

/// GET …/ctcae?q= → up to 20 CTCAE v5.0 terms matching English words or a MedDRA code, each
/// with the grades it allows.
pub async fn terms(Query(q): Query<CtcaeQuery>) -> Json<CtcaeAnswer> {
    let terms = ctcae::search(&q.q, 20)
        .into_iter()
        .map(|t| CtcaeHit {
            grades: t.allowed_grades(),
            term: t.term.clone(),
            meddra_code: t.meddra_code.clone(),
            soc: t.soc.clone(),
        })
        .collect();
    Json(CtcaeAnswer {
        version: ctcae::VERSION,
        terms,
    })
}

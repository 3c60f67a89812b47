//! The clinical operations under `/api/v1`, through the same service functions as the pages:
//! patients, a patient's record, dispensing (vial id, DIN or barcode data), the dose given, adverse
//! events, outcomes and an indication's summary. Times are RFC 3339 (UTC); omitted means now.

use super::inputs::{Administer, Dispense, RecordOutcome, RegisterPatient, ReportAdverseEvent};
use crate::json::{ok, tri};
use crate::kit::Input;
use crate::{AppState, auth::Viewer, auth::now};
use axum::{
    Extension,
    extract::{Path, Query, State},
    http::StatusCode,
    response::Response,
};
use secretome_service::{NewAdverseEvent, NewOutcome};

/// GET patients: a page, newest registration first (`?indication=&site=&pseudonym=` filter,
/// `?cursor=&limit=` page).
pub async fn list(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Query(filter): Query<secretome_service::PatientFilter>,
    Query(p): Query<crate::paging::PageParams>,
) -> Response {
    let a = crate::kit::tri!(crate::kit::actor(&v));
    ok(
        StatusCode::OK,
        st.service
            .patients_page_for(&a, &filter, p.cursor(), p.limit)
            .await,
    )
}

pub async fn show(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
) -> Response {
    let a = crate::kit::tri!(crate::kit::actor(&v));
    ok(StatusCode::OK, st.service.patient_detail_for(&a, &id).await)
}

/// GET an indication's totals and a page of its patients (`?cursor=`).
pub async fn indication(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(ind): Path<String>,
    Query(p): Query<crate::paging::PageParams>,
) -> Response {
    let a = crate::kit::tri!(crate::kit::actor(&v));
    ok(
        StatusCode::OK,
        st.service.indication_page_for(&a, &ind, p.cursor()).await,
    )
}

/// POST patients: `{"id", "site", "birth_year", "sex", "indication", "physician"?}` → 201.
pub async fn register(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    input: Input<RegisterPatient>,
) -> Response {
    let (a, new) = tri!(input.acting_api(&v));
    let r = st.service.register_patient(&a, now(), new).await;
    ok(StatusCode::CREATED, r)
}

/// POST …/dispense: `{"vial"}` — the vial id, its DIN, or the DIN barcode data → 201.
pub async fn dispense(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
    input: Input<Dispense>,
) -> Response {
    let (a, (vial, indication)) = tri!(input.acting_api(&v));
    let r = st
        .service
        .dispense_vial_for(&a, now(), &vial, &id, indication.as_deref());
    ok(StatusCode::CREATED, r.await)
}

/// POST …/administrations: `{"vial", "route", "dose_ml", "administered_at"?}` → 201.
pub async fn administer(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
    input: Input<Administer>,
) -> Response {
    let (a, new) = tri!(input.acting_api(&v));
    let r = st.service.record_administration_for(&a, now(), &id, new);
    ok(StatusCode::CREATED, r.await)
}

/// POST …/adverse-events: `{"term", "grade", "outcome", "serious"?, "onset_at"?,
/// "administration"?}` → 201.
pub async fn adverse_event(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
    input: Input<ReportAdverseEvent>,
) -> Response {
    let (a, new) = tri!(input.acting_api(&v));
    let new = NewAdverseEvent { patient: id, ..new };
    ok(
        StatusCode::CREATED,
        st.service.report_adverse_event(&a, now(), new).await,
    )
}

/// POST …/outcomes: `{"scale", "value", "visit_at"?}` (value a string or number) → 201.
pub async fn outcome(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
    input: Input<RecordOutcome>,
) -> Response {
    let (a, new) = tri!(input.acting_api(&v));
    let new = NewOutcome { patient: id, ..new };
    ok(
        StatusCode::CREATED,
        st.service.record_outcome(&a, now(), new).await,
    )
}

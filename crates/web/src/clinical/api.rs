//! The clinical operations under `/api/v1`, through the same service functions as the pages:
//! patients, a patient's record, dispensing (vial id, DIN or barcode data), the dose given, adverse
//! events, outcomes and an indication's summary. Times are RFC 3339 (UTC); omitted means now.

use super::inputs::{Administer, Dispense, RecordOutcome, RegisterPatient, ReportAdverseEvent};
use crate::json::{actor, bad, ok, text, tri};
use crate::kit::{Action, Input};
use crate::{AppState, auth::Viewer, auth::now};
use axum::{
    Extension,
    extract::{Path, Query, State},
    http::StatusCode,
    response::Response,
};
use secretome_domain::{Actor, UtcTime};
use secretome_service::{NewAdverseEvent, NewOutcome};
use serde_json::{Map, Value};

type Refused = Box<Response>;

/// An RFC 3339 time; omitted means `default`.
pub(super) fn time(
    m: &Map<String, Value>,
    field: &str,
    default: UtcTime,
) -> Result<UtcTime, Refused> {
    match text(m, field)? {
        None => Ok(default),
        Some(s) => {
            UtcTime::parse(field, &s).map_err(|_| Box::new(bad(field, "expected an RFC 3339 time")))
        }
    }
}

pub(super) fn flag(m: &Map<String, Value>, field: &str) -> Result<bool, Refused> {
    match m.get(field) {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        Some(_) => Err(Box::new(bad(field, "expected true or false"))),
    }
}

/// GET patients: a page, newest registration first (`?indication=&site=&pseudonym=` filter,
/// `?cursor=&limit=` page).
pub async fn list(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Query(filter): Query<secretome_service::PatientFilter>,
    Query(p): Query<crate::paging::PageParams>,
) -> Response {
    let a = match crate::kit::actor(&v) {
        Ok(a) => a,
        Err(r) => return *r,
    };
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
    let a = match crate::kit::actor(&v) {
        Ok(a) => a,
        Err(r) => return *r,
    };
    ok(StatusCode::OK, st.service.patient_detail_for(&a, &id).await)
}

/// GET an indication's totals and a page of its patients (`?cursor=`).
pub async fn indication(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(ind): Path<String>,
    Query(p): Query<crate::paging::PageParams>,
) -> Response {
    let a = match crate::kit::actor(&v) {
        Ok(a) => a,
        Err(r) => return *r,
    };
    ok(
        StatusCode::OK,
        st.service.indication_page_for(&a, &ind, p.cursor()).await,
    )
}

/// The acting user and the input's command, or the refusal as JSON (401, 422).
fn command<T: Action>(v: &Viewer, input: &Input<T>) -> Result<(Actor, T::Command), Refused> {
    let a = actor(v)?;
    Ok((a, input.command(v).map_err(|r| Box::new(r.json()))?))
}

/// POST patients: `{"id", "site", "birth_year", "sex", "indication", "physician"?}` → 201.
pub async fn register(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    input: Input<RegisterPatient>,
) -> Response {
    let (a, new) = tri!(command(&v, &input));
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
    let (a, (vial, indication)) = tri!(command(&v, &input));
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
    let (a, new) = tri!(command(&v, &input));
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
    let (a, new) = tri!(command(&v, &input));
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
    let (a, new) = tri!(command(&v, &input));
    let new = NewOutcome { patient: id, ..new };
    ok(
        StatusCode::CREATED,
        st.service.record_outcome(&a, now(), new).await,
    )
}

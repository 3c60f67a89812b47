//! The facility operations under `/api/v1`, through the same service functions and the same typed
//! inputs (`inputs`, `kit::Input`) as the pages: a bad value is refused naming the same field
//! (422), a broken rule with 409. Times are RFC 3339 (a time without offset is read as UTC). The
//! particle counter import takes the CSV file itself as the body.

use super::inputs::{
    AddRoom, Calibrate, CloseMediaFill, ImportEm, RecordEm, RecordFiltration, RecordIntegrityTest,
    RecordMediaFill, RecordQualification, RegisterEquipment,
};
use crate::kit::{Input, Refusal};
use crate::{AppState, auth::Viewer, auth::now, forms::FieldErrors};
use axum::{
    Extension, Json,
    extract::{Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use secretome_domain::facility::{IntegrityTest, SterileFiltration};
use secretome_service::ServiceError;
use serde::Serialize;
use std::collections::BTreeMap;

fn answer<T: Serialize>(status: StatusCode, res: Result<T, Refusal>) -> Response {
    match res {
        Ok(v) => (status, Json(v)).into_response(),
        Err(r) => r.json(),
    }
}

fn read<T: Serialize>(res: Result<T, ServiceError>) -> Response {
    answer(StatusCode::OK, res.map_err(Refusal::from))
}

/// Defines a POST handler: the actor and the typed input's command, then `$body` → 201.
macro_rules! create {
    ($name:ident, $input:ty, |$st:ident, $a:ident, $n:ident, $t:ident| $body:expr) => {
        pub async fn $name(
            State($st): State<AppState>,
            Extension(v): Extension<Viewer>,
            input: $input,
        ) -> Response {
            let res = async {
                let ($a, $n) = input.acting(&v)?;
                let $t = now();
                Ok::<_, Refusal>($body.await?)
            }
            .await;
            answer(StatusCode::CREATED, res)
        }
    };
}

pub async fn rooms(State(st): State<AppState>) -> Response {
    read(st.service.rooms().await)
}

create!(add_room, Input<AddRoom>, |st, a, n, t| st
    .service
    .add_room(&a, t, n));

pub async fn em_results(
    State(st): State<AppState>,
    Query(q): Query<BTreeMap<String, String>>,
) -> Response {
    let Some(room) = q.get("room").filter(|r| !r.trim().is_empty()) else {
        return answer::<()>(
            StatusCode::UNPROCESSABLE_ENTITY,
            Err(FieldErrors::one("room", secretome_domain::Why::Empty).into()),
        );
    };
    read(st.service.em_results(room.trim()).await)
}

create!(record_em, Input<RecordEm>, |st, a, n, t| st
    .service
    .record_em_result(&a, t, n));

// POST: the particle counter's CSV export as the body (`text/csv`) → 201 every result recorded.
create!(import_em, Input<ImportEm>, |st, a, csv, t| st
    .service
    .import_particle_csv(&a, t, &csv));

pub async fn equipment(State(st): State<AppState>) -> Response {
    read(st.service.equipment_register(now()).await)
}

create!(
    register_equipment,
    Input<RegisterEquipment>,
    |st, a, n, t| st.service.register_equipment(&a, t, n)
);

/// POST …/equipment/{id}/calibration: `{"calibration_due"?, "qualification_due"?, "reason"}`.
pub async fn calibrate(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
    input: Input<Calibrate>,
) -> Response {
    let input = input.with(|c| c.id = id);
    let res = async {
        let (a, c) = input.acting(&v)?;
        let (due, requal) = (c.calibration_due, c.qualification_due);
        let r = st
            .service
            .calibrate_equipment(&a, now(), &c.id, due, requal, &c.reason);
        Ok::<_, Refusal>(r.await?)
    }
    .await;
    answer(StatusCode::OK, res)
}

pub async fn qualifications(State(st): State<AppState>) -> Response {
    read(st.service.qualifications().await)
}

create!(
    record_qualification,
    Input<RecordQualification>,
    |st, a, n, t| st.service.record_qualification(&a, t, n)
);

pub async fn media_fills(State(st): State<AppState>) -> Response {
    read(st.service.media_fills().await)
}

create!(record_media_fill, Input<RecordMediaFill>, |st, a, n, t| st
    .service
    .record_media_fill(&a, t, n));

/// POST …/media-fills/close: `{"id", "reason"}` → 200 the closed media fill.
pub async fn close_media_fill(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    input: Input<CloseMediaFill>,
) -> Response {
    let res = async {
        let (a, (id, reason)) = input.acting(&v)?;
        Ok::<_, Refusal>(st.service.close_media_fill(&a, now(), &id, &reason).await?)
    }
    .await;
    answer(StatusCode::OK, res)
}

/// A lot's sterilising filtrations and the integrity tests of its filters.
#[derive(Serialize, schemars::JsonSchema)]
pub struct LotFiltrations {
    pub filtrations: Vec<SterileFiltration>,
    pub integrity_tests: Vec<IntegrityTest>,
}

pub async fn lot_filtrations(State(st): State<AppState>, Path(id): Path<String>) -> Response {
    let res = st.service.lot_filtrations(&id).await;
    read(res.map(|(filtrations, integrity_tests)| LotFiltrations {
        filtrations,
        integrity_tests,
    }))
}

create!(record_filtration, Input<RecordFiltration>, |st, a, n, t| st
    .service
    .record_sterile_filtration(&a, t, n));

create!(
    record_integrity_test,
    Input<RecordIntegrityTest>,
    |st, a, n, t| st.service.record_integrity_test(&a, t, n)
);

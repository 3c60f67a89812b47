//! The facility operations under `/api/v1`, through the same service functions and the same typed
//! inputs (`inputs`) as the pages: a JSON body is flattened to the page's field names, so a bad
//! value is refused naming the same field (422), a broken rule with 409. Times are RFC 3339 (a
//! time without offset is read as UTC). The particle counter import takes the CSV file itself as
//! the body.

use super::inputs;
use crate::kit::{Refusal, json_fields};
use crate::{AppState, auth::Viewer, auth::now, forms::FieldErrors};
use axum::{
    Extension, Json,
    body::Bytes,
    extract::{Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use secretome_domain::Actor;
use secretome_domain::facility::{IntegrityTest, SterileFiltration};
use secretome_service::ServiceError;
use serde::Serialize;
use std::collections::BTreeMap;

const ZONE: &str = "UTC";

fn answer<T: Serialize>(status: StatusCode, res: Result<T, Refusal>) -> Response {
    match res {
        Ok(v) => (status, Json(v)).into_response(),
        Err(r) => r.json(),
    }
}

fn read<T: Serialize>(res: Result<T, ServiceError>) -> Response {
    answer(StatusCode::OK, res.map_err(Refusal::from))
}

fn who(v: &Viewer) -> Result<Actor, Refusal> {
    v.session.as_ref().map(|s| s.actor.clone()).ok_or_else(|| {
        Refusal::Fields(
            FieldErrors::one("", "sign-in required"),
            StatusCode::UNAUTHORIZED,
        )
    })
}

/// Defines a POST handler: the actor and the body's fields, then `$body` → 201.
macro_rules! create {
    ($name:ident, |$st:ident, $a:ident, $f:ident, $t:ident| $body:expr) => {
        pub async fn $name(
            State($st): State<AppState>,
            Extension(v): Extension<Viewer>,
            body: Bytes,
        ) -> Response {
            let res = async {
                let $a = who(&v)?;
                let $f = json_fields(&body)?;
                let $t = now();
                $body
            }
            .await;
            answer(StatusCode::CREATED, res)
        }
    };
}

pub async fn rooms(State(st): State<AppState>) -> Response {
    read(st.service.rooms().await)
}

create!(add_room, |st, a, f, t| {
    Ok::<_, Refusal>(st.service.add_room(&a, t, inputs::room(&f)?).await?)
});

pub async fn em_results(
    State(st): State<AppState>,
    Query(q): Query<BTreeMap<String, String>>,
) -> Response {
    let Some(room) = q.get("room").filter(|r| !r.trim().is_empty()) else {
        return answer::<()>(
            StatusCode::UNPROCESSABLE_ENTITY,
            Err(FieldErrors::one("room", "required").into()),
        );
    };
    read(st.service.em_results(room.trim()).await)
}

create!(record_em, |st, a, f, t| {
    let n = inputs::em_result(&f, ZONE, t)?;
    Ok::<_, Refusal>(st.service.record_em_result(&a, t, n).await?)
});

/// POST: the particle counter's CSV export as the body → 201 every result recorded.
pub async fn import_em(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    body: Bytes,
) -> Response {
    let res = async {
        let a = who(&v)?;
        let text = std::str::from_utf8(&body)
            .map_err(|_| FieldErrors::one("file", "the CSV is not UTF-8 text"))?;
        Ok::<_, Refusal>(st.service.import_particle_csv(&a, now(), text).await?)
    }
    .await;
    answer(StatusCode::CREATED, res)
}

pub async fn equipment(State(st): State<AppState>) -> Response {
    read(st.service.equipment_register(now()).await)
}

create!(register_equipment, |st, a, f, t| {
    let n = inputs::equipment(&f, ZONE, t)?;
    Ok::<_, Refusal>(st.service.register_equipment(&a, t, n).await?)
});

/// POST …/equipment/{id}/calibration: `{"calibration_due"?, "qualification_due"?, "reason"}`.
pub async fn calibrate(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let res = async {
        let a = who(&v)?;
        let t = now();
        let c = inputs::calibration(&json_fields(&body)?.with("id", &id), ZONE, t)?;
        Ok::<_, Refusal>(
            st.service
                .calibrate_equipment(
                    &a,
                    t,
                    &c.id,
                    c.calibration_due,
                    c.qualification_due,
                    &c.reason,
                )
                .await?,
        )
    }
    .await;
    answer(StatusCode::OK, res)
}

pub async fn qualifications(State(st): State<AppState>) -> Response {
    read(st.service.qualifications().await)
}

create!(record_qualification, |st, a, f, t| {
    let n = inputs::qualification(&f, ZONE, t)?;
    Ok::<_, Refusal>(st.service.record_qualification(&a, t, n).await?)
});

pub async fn media_fills(State(st): State<AppState>) -> Response {
    read(st.service.media_fills().await)
}

create!(record_media_fill, |st, a, f, t| {
    let n = inputs::media_fill(&f, ZONE, t)?;
    Ok::<_, Refusal>(st.service.record_media_fill(&a, t, n).await?)
});

/// POST …/media-fills/close: `{"id", "reason"}` → 200 the closed media fill.
pub async fn close_media_fill(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    body: Bytes,
) -> Response {
    let res = async {
        let a = who(&v)?;
        let (id, reason) = inputs::closure(&json_fields(&body)?)?;
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

create!(record_filtration, |st, a, f, t| {
    let n = inputs::filtration(&f, ZONE, t)?;
    Ok::<_, Refusal>(st.service.record_sterile_filtration(&a, t, n).await?)
});

create!(record_integrity_test, |st, a, f, t| {
    let n = inputs::integrity(&f, ZONE, t)?;
    Ok::<_, Refusal>(st.service.record_integrity_test(&a, t, n).await?)
});

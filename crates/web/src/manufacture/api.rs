//! The manufacturing operations as JSON under /api/v1, through the same service functions and the
//! same typed inputs as the forms (`inputs.rs`, read by `kit::Input`), so a bad value is refused
//! with the same field name (422), a broken rule or taken identifier with 409. Times are RFC 3339
//! (a time without offset is read as UTC).

use super::inputs::{CollectTissue, CreateBank, ReceiveMaterial, RegisterDonor, Screening};
use crate::kit::{Input, Refusal};
use crate::paging::PageParams;
use crate::{AppState, auth::Viewer, auth::now};
use axum::{
    Extension, Json,
    extract::{Path, Query, State},
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};
use secretome_service::{DonorFilter, MaterialFilter, NewTissue, ServiceError};
use serde::Serialize;

fn ok<T: Serialize>(res: Result<T, Refusal>) -> Response {
    match res {
        Ok(v) => Json(v).into_response(),
        Err(r) => r.json(),
    }
}

/// 201 with the record and its location.
fn created<T: Serialize>(res: Result<T, Refusal>, location: impl FnOnce(&T) -> String) -> Response {
    match res {
        Ok(v) => (
            StatusCode::CREATED,
            [(header::LOCATION, location(&v))],
            Json(v),
        )
            .into_response(),
        Err(r) => r.json(),
    }
}

fn read<T: Serialize>(res: Result<T, ServiceError>) -> Response {
    ok(res.map_err(Refusal::from))
}

mod process;
pub use process::*;

/// A page of donors by code, filtered like the donor list (`status`, `source`, `code`).
pub async fn donors(
    State(st): State<AppState>,
    Query(filter): Query<DonorFilter>,
    Query(p): Query<PageParams>,
) -> Response {
    read(st.service.donors_page(&filter, p.cursor(), p.limit).await)
}

pub async fn donor(State(st): State<AppState>, Path(id): Path<String>) -> Response {
    read(st.service.donor_detail(&id).await)
}

pub async fn register_donor(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    input: Input<RegisterDonor>,
) -> Response {
    let res = async {
        let (a, d) = input.acting(&v)?;
        st.service
            .register_donor(
                &a,
                now(),
                &d.code,
                &d.source,
                &d.consent_form,
                d.consented_at,
            )
            .await
            .map_err(|e| Refusal::service(e, &[("donor", &d.code)]))
    }
    .await;
    created(res, |d| format!("/api/v1/donors/{}", d.id))
}

/// `{"hbv": "negative", …}` or `{"results": [{"marker": "hbv", "outcome": "negative"}, …]}`.
pub async fn screening(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
    input: Input<Screening>,
) -> Response {
    let res = async {
        let (a, results) = input.acting(&v)?;
        st.service
            .record_screening(&a, now(), &id, results)
            .await
            .map_err(|e| Refusal::service(e, &[]))
    }
    .await;
    ok(res)
}

pub async fn tissue(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
    input: Input<CollectTissue>,
) -> Response {
    let res = async {
        let (a, new) = input.acting(&v)?;
        let new = NewTissue { donor: id, ..new };
        let tid = new.id.clone();
        st.service
            .collect_tissue(&a, now(), new)
            .await
            .map_err(|e| Refusal::service(e, &[("tissue", &tid)]))
    }
    .await;
    created(res, |x| format!("/api/v1/donors/{}", x.donor))
}

pub async fn bank(State(st): State<AppState>, Path(id): Path<String>) -> Response {
    read(st.service.bank_detail(&id).await)
}

/// `{"cell_bank", "from", "working": false|true, …}`: master from tissue, working from master.
pub async fn create_bank(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    input: Input<CreateBank>,
) -> Response {
    let res = async {
        let (a, new) = input.acting(&v)?;
        let (id, from) = (new.id.clone(), new.from.clone());
        st.service
            .create_cell_bank(&a, now(), new)
            .await
            .map_err(|e| Refusal::service(e, &[("cell_bank", &id), ("from", &from)]))
    }
    .await;
    created(res, |b| format!("/api/v1/banks/{}", b.id))
}

/// A page of raw-material lots by id, filtered like the list (`category`, `lot`).
pub async fn materials(
    State(st): State<AppState>,
    Query(filter): Query<MaterialFilter>,
    Query(p): Query<PageParams>,
) -> Response {
    read(
        st.service
            .materials_page(&filter, p.cursor(), p.limit)
            .await,
    )
}

pub async fn material(State(st): State<AppState>, Path(id): Path<String>) -> Response {
    read(st.service.material_detail(&id).await)
}

pub async fn receive(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    input: Input<ReceiveMaterial>,
) -> Response {
    let res = async {
        let (a, new) = input.acting(&v)?;
        let id = new.id.clone();
        st.service
            .receive_material(&a, now(), new)
            .await
            .map_err(|e| Refusal::service(e, &[("material_lot", &id)]))
    }
    .await;
    created(res, |m| format!("/api/v1/materials/{}", m.id))
}

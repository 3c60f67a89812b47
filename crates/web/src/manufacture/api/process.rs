//! The culture-batch and lot operations of the API: seeding, observations, material use,
//! conditioning, harvest, harvests to pool, pooling, processing steps and filling.

use super::{created, ok, read};
use crate::kit::Input;
use crate::kit::{Refusal, who};
use crate::manufacture::inputs::{
    Condition, Fill, Harvest, Observe, Pool, SeedBatch, Step, UseMaterial,
};
use crate::manufacture::lots;
use crate::paging::PageParams;
use crate::{AppState, auth::Viewer, auth::now};
use axum::{
    Extension,
    extract::{Path, Query, State},
    response::Response,
};
use secretome_service::{BatchFilter, HarvestFilter, NewObservation};

/// A page of batches, newest seeding first, filtered like the list (`status`, `cell_bank`).
pub async fn batches(
    State(st): State<AppState>,
    Query(filter): Query<BatchFilter>,
    Query(p): Query<PageParams>,
) -> Response {
    read(st.service.batches_page(&filter, p.cursor(), p.limit).await)
}

pub async fn batch(State(st): State<AppState>, Path(id): Path<String>) -> Response {
    read(st.service.batch_detail(&id).await)
}

pub async fn seed(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    input: Input<SeedBatch>,
) -> Response {
    let res = async {
        let (a, new) = input.acting(&v)?;
        let (id, bank) = (new.id.clone(), new.cell_bank.clone());
        st.service
            .seed_batch(&a, now(), new)
            .await
            .map_err(|e| Refusal::service(e, &[("batch", &id), ("cell_bank", &bank)]))
    }
    .await;
    created(res, |b| format!("/api/v1/batches/{}", b.id))
}

pub async fn observation(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
    input: Input<Observe>,
) -> Response {
    let res = async {
        let (a, new) = input.acting(&v)?;
        let new = NewObservation { batch: id, ..new };
        let r = st.service.record_observation(&a, now(), new).await;
        r.map_err(|e| Refusal::service(e, &[]))
    }
    .await;
    created(res, |o| format!("/api/v1/batches/{}", o.batch))
}

pub async fn material_use(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
    input: Input<UseMaterial>,
) -> Response {
    let res = async {
        let (a, u) = input.acting(&v)?;
        let r =
            st.service
                .record_material_use(&a, now(), &id, &u.lot, u.quantity, &u.unit, u.used_at);
        r.await
            .map_err(|e| Refusal::service(e, &[("material_lot", &u.lot)]))
    }
    .await;
    created(res, |u| format!("/api/v1/batches/{}", u.batch))
}

pub async fn conditioning(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
    input: Input<Condition>,
) -> Response {
    let res = async {
        let (a, c) = input.acting(&v)?;
        let r = st.service.start_conditioning(
            &a,
            now(),
            &id,
            &c.medium,
            c.hours,
            c.hypoxia,
            c.started_at,
        );
        r.await
            .map_err(|e| Refusal::service(e, &[("medium_lot", &c.medium)]))
    }
    .await;
    ok(res)
}

pub async fn harvest(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
    input: Input<Harvest>,
) -> Response {
    let res = async {
        let (a, h) = input.acting(&v)?;
        let dev = h.deviation.as_deref();
        let r = st
            .service
            .harvest(&a, now(), &id, &h.id, h.volume_ml, h.harvested_at, dev);
        r.await
            .map_err(|e| Refusal::service(e, &[("harvest", &h.id)]))
    }
    .await;
    created(res, |h| format!("/api/v1/batches/{}", h.batch))
}

/// A page of harvests, newest first (`open=true`: those with volume left; `batch`).
pub async fn harvests(
    State(st): State<AppState>,
    Query(filter): Query<HarvestFilter>,
    Query(p): Query<PageParams>,
) -> Response {
    read(st.service.harvests_page(&filter, p.cursor(), p.limit).await)
}

/// `{"lot", "product", "harvests": [{"harvest": "H-…", "volume_ml": 500}, …]}`.
pub async fn pool(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    input: Input<Pool>,
) -> Response {
    let res = async {
        let a = who(&v)?;
        lots::pool_lot(&st, &a, input.command(&v)).await
    }
    .await;
    created(res, |l| format!("/api/v1/lots/{}", l.id))
}

/// `{"kind": "centrifugation", "g_force": 2000, "minutes": 10, "performed_at": …}`.
pub async fn step(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
    input: Input<Step>,
) -> Response {
    let res = async {
        let (a, (kind, at)) = input.acting(&v)?;
        let r = st.service.record_processing_step(&a, now(), &id, kind, at);
        r.await.map_err(|e| Refusal::service(e, &[]))
    }
    .await;
    created(res, |s| format!("/api/v1/lots/{}", s.lot))
}

/// `{"count", "fill_volume_ml", "expires_at", "freezer"?, "rack"?}`: the vials made.
pub async fn fill(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
    input: Input<Fill>,
) -> Response {
    let res = async {
        let (a, (count, volume, expires, place)) = input.acting(&v)?;
        let r = st
            .service
            .fill_vials(&a, now(), &id, count, volume, expires, place.as_ref());
        r.await.map_err(|e| Refusal::service(e, &[]))
    }
    .await;
    created(res, |_| format!("/api/v1/lots/{id}"))
}

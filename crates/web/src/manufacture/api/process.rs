//! The culture-batch and lot operations of the API: seeding, observations, material use,
//! conditioning, harvest, harvests to pool, pooling, processing steps and filling.

use super::{ZONE, created, input, ok, read, refused};
use crate::manufacture::{lots, support::Refusal};
use crate::{AppState, auth::Viewer, auth::now};
use axum::{
    Extension,
    body::Bytes,
    extract::{Path, State},
    response::Response,
};
use secretome_service::{NewBatch, NewObservation};

pub async fn batches(State(st): State<AppState>) -> Response {
    read(st.service.list_batches().await)
}

pub async fn batch(State(st): State<AppState>, Path(id): Path<String>) -> Response {
    read(st.service.batch_detail(&id).await)
}

pub async fn seed(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    body: Bytes,
) -> Response {
    let (a, f) = take!(v, body);
    let t = now();
    let res = async {
        let new = NewBatch {
            id: f.text("batch"),
            cell_bank: f.text("cell_bank"),
            vessel: f.text("vessel"),
            vessel_count: f.integer("vessel_count")?,
            seeding_density: f.number("seeding_density")?,
            seeded_at: f.time("seeded_at", ZONE, t)?,
        };
        let (id, bank) = (new.id.clone(), new.cell_bank.clone());
        st.service
            .seed_batch(&a, t, new)
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
    body: Bytes,
) -> Response {
    let (a, f) = take!(v, body);
    let t = now();
    let res = async {
        let note = f.text("note");
        let new = NewObservation {
            batch: id.clone(),
            observed_at: f.time("observed_at", ZONE, t)?,
            cell_count: f.number("cell_count")?,
            viability_pct: f.number("viability_pct")?,
            confluence_pct: f.number("confluence_pct")?,
            note: (!note.is_empty()).then_some(note),
        };
        st.service
            .record_observation(&a, t, new)
            .await
            .map_err(|e| Refusal::service(e, &[]))
    }
    .await;
    created(res, |o| format!("/api/v1/batches/{}", o.batch))
}

pub async fn material_use(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let (a, f) = take!(v, body);
    let t = now();
    let res = async {
        let lot = f.text("material_lot");
        let (qty, at) = (f.number("quantity")?, f.time("used_at", ZONE, t)?);
        st.service
            .record_material_use(&a, t, &id, &lot, qty, &f.text("unit"), at)
            .await
            .map_err(|e| Refusal::service(e, &[("material_lot", &lot)]))
    }
    .await;
    created(res, |u| format!("/api/v1/batches/{}", u.batch))
}

pub async fn conditioning(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let (a, f) = take!(v, body);
    let t = now();
    let res = async {
        let medium = f.text("medium_lot");
        let hypoxia = matches!(f.get("hypoxia"), "true" | "yes");
        let (hours, at) = (f.number("hours")?, f.time("started_at", ZONE, t)?);
        st.service
            .start_conditioning(&a, t, &id, &medium, hours, hypoxia, at)
            .await
            .map_err(|e| Refusal::service(e, &[("medium_lot", &medium)]))
    }
    .await;
    ok(res)
}

pub async fn harvest(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let (a, f) = take!(v, body);
    let t = now();
    let res = async {
        let hid = f.text("harvest");
        let deviation = f.opt("deviation");
        let (volume, at) = (f.number("volume_ml")?, f.time("harvested_at", ZONE, t)?);
        st.service
            .harvest(&a, t, &id, &hid, volume, at, deviation.as_deref())
            .await
            .map_err(|e| Refusal::service(e, &[("harvest", &hid)]))
    }
    .await;
    created(res, |h| format!("/api/v1/batches/{}", h.batch))
}

pub async fn harvests(State(st): State<AppState>) -> Response {
    read(st.service.list_harvests().await)
}

/// `{"lot", "product", "harvests": [{"harvest": "H-…", "volume_ml": 500}, …]}`.
pub async fn pool(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    body: Bytes,
) -> Response {
    let (a, mut f) = take!(v, body);
    for i in 0..64 {
        let h = f.text(&format!("harvests[{i}].harvest"));
        if !h.is_empty() {
            f = f.with(&format!("harvests[{i}]"), &h);
        }
    }
    let res = async {
        let parts = lots::pool_parts(&f)?;
        let lot = f.text("lot");
        let refs: Vec<(String, String)> = parts
            .iter()
            .enumerate()
            .map(|(i, (h, _))| (format!("harvests[{i}]"), h.clone()))
            .collect();
        let mut named: Vec<(&str, &str)> =
            refs.iter().map(|(k, h)| (k.as_str(), h.as_str())).collect();
        named.push(("lot", &lot));
        st.service
            .pool_lot(&a, now(), &lot, &f.text("product"), &parts)
            .await
            .map_err(|e| Refusal::service(e, &named))
    }
    .await;
    created(res, |l| format!("/api/v1/lots/{}", l.id))
}

/// `{"kind": "centrifugation", "g_force": 2000, "minutes": 10, "performed_at": …}`.
pub async fn step(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let (a, f) = take!(v, body);
    let t = now();
    let res = async {
        let kind = lots::step_kind(&f)?;
        let at = f.time("performed_at", ZONE, t)?;
        st.service
            .record_processing_step(&a, t, &id, kind, at)
            .await
            .map_err(|e| Refusal::service(e, &[]))
    }
    .await;
    created(res, |s| format!("/api/v1/lots/{}", s.lot))
}

/// `{"count", "fill_volume_ml", "expires_at", "freezer"?, "rack"?}`: the vials made.
pub async fn fill(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let (a, f) = take!(v, body);
    let t = now();
    let res = async {
        let (count, volume, expires, place) = lots::fill_input(&f, ZONE, t)?;
        st.service
            .fill_vials(&a, t, &id, count, volume, expires, place.as_ref())
            .await
            .map_err(|e| Refusal::service(e, &[]))
    }
    .await;
    created(res, |_| format!("/api/v1/lots/{id}"))
}

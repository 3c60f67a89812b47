//! Culture-batch pages: the batch list with seeding (播種), and a batch's page with observations
//! and the growth plot, raw-material use, conditioning (馴化培養) and harvest (上清回収).

use super::support::{Fields, Refusal, actor, page_error, path, render, see_other};
use crate::{AppState, auth::Viewer, auth::now, ctx::PageCtx, forms::FieldErrors};
use askama::Template;
use axum::{
    Extension,
    body::Bytes,
    extract::{Path, Query, State},
    http::StatusCode,
    response::Response,
};
use secretome_domain::{Role, UtcTime, batch::VesselKind, culture::CellBank};
use secretome_service::{
    NewBatch, NewObservation, ServiceError,
    manufacture_queries::{BatchDetail, BatchSummary, MaterialSummary},
};

#[derive(Template)]
#[template(path = "manufacture/batches.html")]
struct BatchesPage {
    c: PageCtx,
    rows: Vec<BatchSummary>,
    banks: Vec<CellBank>,
    vessels: Vec<&'static str>,
    f: Fields,
    e: FieldErrors,
    can_write: bool,
}

#[derive(Template)]
#[template(path = "manufacture/batch.html")]
struct BatchPage {
    c: PageCtx,
    d: BatchDetail,
    plot: Option<String>,
    materials: Vec<MaterialSummary>,
    f: Fields,
    e: FieldErrors,
    can_write: bool,
}

async fn batches_page(
    st: &AppState,
    v: &Viewer,
    f: Fields,
    e: FieldErrors,
    status: StatusCode,
) -> Response {
    let load = async {
        Ok::<_, ServiceError>((
            st.service.list_batches().await?,
            st.service.list_cell_banks().await?,
        ))
    };
    match load.await {
        Ok((rows, banks)) => {
            let vessels = VesselKind::ALL.iter().map(|k| k.as_str()).collect();
            let page = BatchesPage {
                c: PageCtx::new(v, "/batches"),
                rows,
                banks,
                vessels,
                f,
                e,
                can_write: v.has_any(&[Role::Operator]),
            };
            render(status, &page)
        }
        Err(err) => page_error(v, err),
    }
}

async fn batch_page(
    st: &AppState,
    v: &Viewer,
    id: &str,
    f: Fields,
    e: FieldErrors,
    status: StatusCode,
) -> Response {
    let load = async {
        Ok::<_, ServiceError>((
            st.service.batch_detail(id).await?,
            st.service.list_materials().await?,
        ))
    };
    match load.await {
        Ok((d, materials)) => {
            let c = PageCtx::new(v, &path("/batches/", id, ""));
            let pts: Vec<(UtcTime, f64)> = d
                .observations
                .iter()
                .map(|o| (o.observed_at, o.cell_count))
                .collect();
            let plot = super::plot::growth_svg(
                d.batch.seeded_at,
                &pts,
                c.t("mf.plot.x"),
                c.t("mf.plot.y"),
            );
            let page = BatchPage {
                c,
                d,
                plot,
                materials,
                f,
                e,
                can_write: v.has_any(&[Role::Operator]),
            };
            render(status, &page)
        }
        Err(err) => page_error(v, err),
    }
}

/// GET /batches (`?bank=` from a cell bank's page: the seeding form has that bank chosen).
pub async fn list(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Query(q): Query<std::collections::HashMap<String, String>>,
) -> Response {
    let mut f = Fields::default()
        .with("vessel", "multilayer5")
        .with("vessel_count", "1");
    if let Some(bank) = q.get("bank") {
        f = f.with("cell_bank", bank.trim());
    }
    batches_page(&st, &v, f, FieldErrors::default(), StatusCode::OK).await
}

pub async fn show(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
) -> Response {
    let f = Fields::default().with("unit", "mL").with("hours", "48");
    batch_page(&st, &v, &id, f, FieldErrors::default(), StatusCode::OK).await
}

/// Runs one form of a batch page: `op` reads the fields and calls the use case; success goes to the
/// batch's page, a refusal shows the page again with the errors next to their fields.
async fn on_batch<Fut>(
    st: &AppState,
    v: &Viewer,
    id: &str,
    f: Fields,
    op: impl FnOnce(Fields) -> Fut,
) -> Response
where
    Fut: std::future::Future<Output = Result<(), Refusal>>,
{
    match op(f.clone()).await {
        Ok(()) => see_other(&path("/batches/", id, "")),
        Err(r) => batch_page(st, v, id, f, r.errors(v.lang), r.status()).await,
    }
}

/// POST /batches: seeds a culture batch from a cell bank.
pub async fn seed(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    body: Bytes,
) -> Response {
    let f = Fields::parse(&body);
    let Some(a) = actor(&v) else {
        return see_other("/login");
    };
    let zone = PageCtx::new(&v, "").zone_name;
    let t = now();
    let res = async {
        let mut r = f.reader();
        let new = NewBatch {
            id: f.text("batch"),
            cell_bank: f.text("cell_bank"),
            vessel: f.text("vessel"),
            vessel_count: r.integer("vessel_count"),
            seeding_density: r.number("seeding_density"),
            seeded_at: r.time("seeded_at", &zone, t),
        };
        r.done()?;
        let (id, bank) = (new.id.clone(), new.cell_bank.clone());
        st.service
            .seed_batch(&a, t, new)
            .await
            .map_err(|e| Refusal::service(e, &[("batch", &id), ("cell_bank", &bank)]))
    }
    .await;
    match res {
        Ok(b) => see_other(&path("/batches/", b.id.as_str(), "")),
        Err(r) => batches_page(&st, &v, f, r.errors(v.lang), r.status()).await,
    }
}

/// POST /batches/{id}/observations: a count / viability / confluence observation.
pub async fn observation(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let Some(a) = actor(&v) else {
        return see_other("/login");
    };
    let zone = PageCtx::new(&v, "").zone_name;
    let svc = st.service.clone();
    let batch = id.clone();
    on_batch(&st, &v, &id, Fields::parse(&body), |f| async move {
        let t = now();
        let note = f.text("note");
        let mut r = f.reader();
        let new = NewObservation {
            batch,
            observed_at: r.time("observed_at", &zone, t),
            cell_count: r.number("cell_count"),
            viability_pct: r.number("viability_pct"),
            confluence_pct: r.number("confluence_pct"),
            note: (!note.is_empty()).then_some(note),
        };
        r.done()?;
        svc.record_observation(&a, t, new)
            .await
            .map(|_| ())
            .map_err(|e| Refusal::service(e, &[]))
    })
    .await
}

/// POST /batches/{id}/materials: the batch used a raw-material lot.
pub async fn material_use(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let Some(a) = actor(&v) else {
        return see_other("/login");
    };
    let zone = PageCtx::new(&v, "").zone_name;
    let svc = st.service.clone();
    let batch = id.clone();
    on_batch(&st, &v, &id, Fields::parse(&body), |f| async move {
        let t = now();
        let lot = f.text("material_lot");
        let mut r = f.reader();
        let (qty, used_at) = (r.number("quantity"), r.time("used_at", &zone, t));
        r.done()?;
        svc.record_material_use(&a, t, &batch, &lot, qty, &f.text("unit"), used_at)
            .await
            .map(|_| ())
            .map_err(|e| Refusal::service(e, &[("material_lot", &lot)]))
    })
    .await
}

/// POST /batches/{id}/conditioning: switches the batch to serum-free conditioning medium.
pub async fn conditioning(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let Some(a) = actor(&v) else {
        return see_other("/login");
    };
    let zone = PageCtx::new(&v, "").zone_name;
    let svc = st.service.clone();
    let batch = id.clone();
    on_batch(&st, &v, &id, Fields::parse(&body), |f| async move {
        let t = now();
        let medium = f.text("medium_lot");
        let hypoxia = f.get("hypoxia") == "yes";
        let mut r = f.reader();
        let (hours, at) = (r.number("hours"), r.time("started_at", &zone, t));
        r.done()?;
        svc.start_conditioning(&a, t, &batch, &medium, hours, hypoxia, at)
            .await
            .map(|_| ())
            .map_err(|e| Refusal::service(e, &[("medium_lot", &medium)]))
    })
    .await
}

/// POST /batches/{id}/harvest: harvests the conditioned medium.
pub async fn harvest(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let Some(a) = actor(&v) else {
        return see_other("/login");
    };
    let zone = PageCtx::new(&v, "").zone_name;
    let svc = st.service.clone();
    let batch = id.clone();
    on_batch(&st, &v, &id, Fields::parse(&body), |f| async move {
        let t = now();
        let hid = f.text("harvest");
        let deviation = f.opt("deviation");
        let mut r = f.reader();
        let (volume, at) = (r.number("volume_ml"), r.time("harvested_at", &zone, t));
        r.done()?;
        svc.harvest(&a, t, &batch, &hid, volume, at, deviation.as_deref())
            .await
            .map(|_| ())
            .map_err(|e| Refusal::service(e, &[("harvest", &hid)]))
    })
    .await
}

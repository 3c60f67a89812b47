//! Culture-batch pages: the batch list with seeding (播種), and a batch's page with observations
//! and the growth plot, raw-material use, conditioning (馴化培養) and harvest (上清回収).

use super::inputs::{Condition, Harvest, Observe, SeedBatch, UseMaterial};
use crate::kit::{
    Action, Errors, Fields, Input, Refusal, fail, page as render, path, see_other, signed_in,
};
use crate::paging::{PageParams, Pager};
use crate::{AppState, auth::Viewer, auth::now, ctx::PageCtx};
use askama::Template;
use axum::{
    Extension,
    extract::{Path, Query, State},
    http::StatusCode,
    response::Response,
};
use secretome_domain::Capability;
use secretome_domain::material::{MaterialCategory, RawMaterialLot};
use secretome_domain::{Actor, UtcTime, batch::VesselKind, culture::CellBank};
use secretome_service::{
    BatchFilter, NewObservation, ServiceError,
    manufacture_queries::{BatchDetail, BatchSummary},
};

/// The batch states, for the list's filter.
pub const STATES: [&str; 3] = ["culturing", "conditioning", "harvested"];

#[derive(Template)]
#[template(path = "manufacture/batches.html")]
struct BatchesPage {
    c: PageCtx,
    rows: Vec<BatchSummary>,
    filter: BatchFilter,
    pager: Pager,
    /// Suggestions for the seeding form's bank (the newest; any bank may be typed).
    banks: Vec<CellBank>,
    vessels: Vec<VesselKind>,
    f: Fields,
    e: Errors,
    can_write: bool,
}

#[derive(Template)]
#[template(path = "manufacture/batch.html")]
struct BatchPage {
    c: PageCtx,
    d: BatchDetail,
    plot: Option<String>,
    /// The material lots in date, soonest expiry first (the use and conditioning forms' choices).
    materials: Vec<RawMaterialLot>,
    /// The media in date, soonest expiry first (the conditioning form's choices).
    media: Vec<RawMaterialLot>,
    f: Fields,
    e: Errors,
    can_write: bool,
}

/// The batch list at `filter` and `p` (newest seeding first), with the seeding form.
async fn batches_page(
    st: &AppState,
    v: &Viewer,
    (filter, p): (BatchFilter, PageParams),
    f: Fields,
    e: Errors,
    status: StatusCode,
) -> Response {
    let load = async {
        Ok::<_, ServiceError>((
            st.service
                .batches_page(&filter, p.cursor(), p.limit)
                .await?,
            st.service.newest_banks().await?,
        ))
    };
    match load.await {
        Ok((page, banks)) => {
            let pager = Pager::new(
                "/batches",
                &[
                    ("status", filter.status.as_deref()),
                    ("cell_bank", filter.cell_bank.as_deref()),
                ],
                &page,
            );
            let vessels = VesselKind::ALL.to_vec();
            let page = BatchesPage {
                c: PageCtx::new(v, "/batches"),
                rows: page.rows,
                filter,
                pager,
                banks,
                vessels,
                f,
                e,
                can_write: v.can(Capability::Produce),
            };
            render(status, &page)
        }
        Err(err) => fail(v, err),
    }
}

async fn batch_page(
    st: &AppState,
    v: &Viewer,
    id: &str,
    f: Fields,
    e: Errors,
    status: StatusCode,
) -> Response {
    let load = async {
        Ok::<_, ServiceError>((
            st.service.batch_detail(id).await?,
            st.service.materials_in_date(now(), None).await?,
            st.service
                .materials_in_date(now(), Some(MaterialCategory::Medium))
                .await?,
        ))
    };
    match load.await {
        Ok((d, materials, media)) => {
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
                media,
                f,
                e,
                can_write: v.can(Capability::Produce),
            };
            render(status, &page)
        }
        Err(err) => fail(v, err),
    }
}

/// GET /batches: newest seeding first, a page at a time, filtered by state and bank (`?bank=`
/// from a cell bank's page: the seeding form has that bank filled in).
pub async fn list(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Query(q): Query<std::collections::HashMap<String, String>>,
    Query(filter): Query<BatchFilter>,
    Query(p): Query<PageParams>,
) -> Response {
    let mut f = Fields::default()
        .with("vessel", "multilayer5")
        .with("vessel_count", "1");
    if let Some(bank) = q.get("bank") {
        f = f.with("cell_bank", bank.trim());
    }
    batches_page(&st, &v, (filter, p), f, Errors::default(), StatusCode::OK).await
}

pub async fn show(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
) -> Response {
    let f = Fields::default().with("unit", "mL").with("hours", "48");
    batch_page(&st, &v, &id, f, Errors::default(), StatusCode::OK).await
}

/// Runs one form of a batch page: `op` calls the use case with the input's command; success goes
/// to the batch's page, a refusal shows the page again with the errors next to their fields.
async fn on_batch<T: Action, Fut>(
    st: &AppState,
    v: &Viewer,
    id: &str,
    input: Input<T>,
    op: impl FnOnce(Actor, T::Command) -> Fut,
) -> Response
where
    Fut: std::future::Future<Output = Result<(), Refusal>>,
{
    let Some(a) = signed_in(v) else {
        return see_other("/login");
    };
    let res = match input.command(v) {
        Ok(cmd) => op(a, cmd).await,
        Err(r) => Err(r),
    };
    match res {
        Ok(()) => see_other(&path("/batches/", id, "")),
        Err(r) => batch_page(st, v, id, input.fields, r.errors(v.lang), r.status()).await,
    }
}

/// POST /batches: seeds a culture batch from a cell bank.
pub async fn seed(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    input: Input<SeedBatch>,
) -> Response {
    let Some(a) = signed_in(&v) else {
        return see_other("/login");
    };
    let res = async {
        let new = input.command(&v)?;
        let (id, bank) = (new.id.clone(), new.cell_bank.clone());
        st.service
            .seed_batch(&a, now(), new)
            .await
            .map_err(|e| Refusal::service(e, &[("batch", &id), ("cell_bank", &bank)]))
    }
    .await;
    match res {
        Ok(b) => see_other(&path("/batches/", b.id.as_str(), "")),
        Err(r) => {
            let first = Default::default();
            batches_page(&st, &v, first, input.fields, r.errors(v.lang), r.status()).await
        }
    }
}

/// POST /batches/{id}/observations: a count / viability / confluence observation.
pub async fn observation(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
    input: Input<Observe>,
) -> Response {
    let (svc, batch) = (st.service.clone(), id.clone());
    on_batch(&st, &v, &id, input, |a, new| async move {
        let new = NewObservation { batch, ..new };
        let r = svc.record_observation(&a, now(), new).await;
        r.map(|_| ()).map_err(|e| Refusal::service(e, &[]))
    })
    .await
}

/// POST /batches/{id}/materials: the batch used a raw-material lot.
pub async fn material_use(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
    input: Input<UseMaterial>,
) -> Response {
    let (svc, batch) = (st.service.clone(), id.clone());
    on_batch(&st, &v, &id, input, |a, u| async move {
        let r = svc.record_material_use(&a, now(), &batch, &u.lot, u.quantity, &u.unit, u.used_at);
        let refs = [("material_lot", u.lot.as_str())];
        r.await.map(|_| ()).map_err(|e| Refusal::service(e, &refs))
    })
    .await
}

/// POST /batches/{id}/conditioning: switches the batch to serum-free conditioning medium.
pub async fn conditioning(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
    input: Input<Condition>,
) -> Response {
    let (svc, batch) = (st.service.clone(), id.clone());
    on_batch(&st, &v, &id, input, |a, c| async move {
        let r = svc.start_conditioning(
            &a,
            now(),
            &batch,
            &c.medium,
            c.hours,
            c.hypoxia,
            c.started_at,
        );
        let refs = [("medium_lot", c.medium.as_str())];
        r.await.map(|_| ()).map_err(|e| Refusal::service(e, &refs))
    })
    .await
}

/// POST /batches/{id}/harvest: harvests the conditioned medium.
pub async fn harvest(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
    input: Input<Harvest>,
) -> Response {
    let (svc, batch) = (st.service.clone(), id.clone());
    on_batch(&st, &v, &id, input, |a, h| async move {
        let dev = h.deviation.as_deref();
        let r = svc.harvest(&a, now(), &batch, &h.id, h.volume_ml, h.harvested_at, dev);
        let refs = [("harvest", h.id.as_str())];
        r.await.map(|_| ()).map_err(|e| Refusal::service(e, &refs))
    })
    .await
}

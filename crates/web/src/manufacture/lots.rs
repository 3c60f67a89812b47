//! Lot pages on the manufacturing side: harvests and pooling them into a new lot (プール), the lot's
//! processing record (遠心分離, ろ過, 限外ろ過, 滅菌) and filling vials (充填).

use super::inputs::{Fill, Pool, Pooling, Step};
use crate::kit::{
    Errors, Fields, Input, Refusal, fail, page as render, path, see_other, signed_in,
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
use secretome_domain::{Actor, batch::Harvest, lot::Lot};
use secretome_service::{HarvestFilter, LotDetail, ServiceError};

/// Rows of the pooling form.
pub const POOL_ROWS: [usize; 4] = [0, 1, 2, 3];
pub const STEP_KINDS: [&str; 4] = [
    "centrifugation",
    "filtration",
    "ultrafiltration",
    "sterilisation",
];

#[derive(Template)]
#[template(path = "manufacture/harvests.html")]
struct HarvestsPage {
    c: PageCtx,
    rows: Vec<Harvest>,
    filter: HarvestFilter,
    pager: Pager,
    /// The pooling form's choices: the newest harvests with volume left (and the one asked for).
    open: Vec<Harvest>,
    f: Fields,
    e: Errors,
    can_write: bool,
}

#[derive(Template)]
#[template(path = "manufacture/processing.html")]
struct ProcessingPage {
    c: PageCtx,
    d: LotDetail,
    f: Fields,
    e: Errors,
    can_write: bool,
}

impl HarvestsPage {
    fn field(&self, i: &usize, suffix: &str) -> String {
        format!("harvests[{i}]{suffix}")
    }
}

/// The harvest list at `filter` and `p` (newest first), with the pooling form; `asked` (a harvest
/// the form names) is among the form's choices even when older than the newest open ones.
async fn harvests_page(
    st: &AppState,
    v: &Viewer,
    (filter, p): (HarvestFilter, PageParams),
    asked: Option<Harvest>,
    (f, e): (Fields, Errors),
    status: StatusCode,
) -> Response {
    let load = async {
        Ok::<_, ServiceError>((
            st.service
                .harvests_page(&filter, p.cursor(), p.limit)
                .await?,
            st.service.harvests_to_pool().await?,
        ))
    };
    match load.await {
        Ok((page, mut open)) => {
            if let Some(h) = asked.filter(|h| h.remaining_ml > 0.0)
                && !open.iter().any(|o| o.id == h.id)
            {
                open.insert(0, h);
            }
            let open_filter = filter.open.filter(|o| *o).map(|_| "true");
            let pager = Pager::new(
                "/harvests",
                &[("open", open_filter), ("batch", filter.batch.as_deref())],
                &page,
            );
            render(
                status,
                &HarvestsPage {
                    c: PageCtx::new(v, "/harvests"),
                    rows: page.rows,
                    filter,
                    pager,
                    open,
                    f,
                    e,
                    can_write: v.can(Capability::Produce),
                },
            )
        }
        Err(err) => fail(v, err),
    }
}

async fn processing_page(
    st: &AppState,
    v: &Viewer,
    id: &str,
    f: Fields,
    e: Errors,
    status: StatusCode,
) -> Response {
    match st.service.lot_detail(id).await {
        Ok(d) => {
            let c = PageCtx::new(v, &path("/lots/", id, "/processing"));
            render(
                status,
                &ProcessingPage {
                    c,
                    d,
                    f,
                    e,
                    can_write: v.can(Capability::Produce),
                },
            )
        }
        Err(err) => fail(v, err),
    }
}

/// GET /harvests: newest first, a page at a time, filtered to those with volume left (`open`) and
/// by batch (`?harvest=` from a harvested batch's page: the pooling form's first row has that
/// harvest and its remaining volume).
pub async fn harvests(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Query(q): Query<std::collections::BTreeMap<String, String>>,
    Query(filter): Query<HarvestFilter>,
    Query(p): Query<PageParams>,
) -> Response {
    let mut f = Fields::default().with("product", "MSC-CM-01");
    let mut asked = None;
    if let Some(h) = q.get("harvest").map(|h| h.trim()) {
        f = f.with("harvests[0]", h);
        if let Ok(Some(row)) = st.service.find_harvest(h).await {
            f = f.with(
                "harvests[0].volume_ml",
                &secretome_domain::quantity::display_number(row.remaining_ml),
            );
            asked = Some(row);
        }
    }
    let fe = (f, Errors::default());
    harvests_page(&st, &v, (filter, p), asked, fe, StatusCode::OK).await
}

pub async fn processing(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
) -> Response {
    let f = Fields::default().with("kind", "centrifugation");
    processing_page(&st, &v, &id, f, Errors::default(), StatusCode::OK).await
}

/// POST /lots: pools harvests into a new lot, then to the lot's processing record.
pub async fn pool(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    input: Input<Pool>,
) -> Response {
    let Some(a) = signed_in(&v) else {
        return see_other("/login");
    };
    let res = pool_lot(&st, &a, input.command(&v)).await;
    match res {
        Ok(l) => see_other(&path("/lots/", l.id.as_str(), "/processing")),
        Err(r) => {
            let fe = (input.fields, r.errors(v.lang));
            harvests_page(&st, &v, Default::default(), None, fe, r.status()).await
        }
    }
}

/// Pools a lot; a harvest or lot id the service refuses is named on its field.
pub async fn pool_lot(
    st: &AppState,
    a: &Actor,
    cmd: Result<Pooling, Refusal>,
) -> Result<Lot, Refusal> {
    let (lot, product, parts) = cmd?;
    let refs: Vec<(String, String)> = parts
        .iter()
        .enumerate()
        .map(|(i, (h, _))| (format!("harvests[{i}]"), h.clone()))
        .collect();
    let mut named: Vec<(&str, &str)> = refs.iter().map(|(k, h)| (k.as_str(), h.as_str())).collect();
    named.push(("lot", &lot));
    let r = st.service.pool_lot(a, now(), &lot, &product, &parts).await;
    r.map_err(|e| Refusal::service(e, &named))
}

/// POST /lots/{id}/steps: records a processing step, then back to the processing record.
pub async fn step(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
    input: Input<Step>,
) -> Response {
    let Some(a) = signed_in(&v) else {
        return see_other("/login");
    };
    let res = async {
        let (kind, at) = input.command(&v)?;
        let r = st.service.record_processing_step(&a, now(), &id, kind, at);
        r.await.map_err(|e| Refusal::service(e, &[]))
    }
    .await;
    match res {
        Ok(_) => see_other(&path("/lots/", &id, "/processing")),
        Err(r) => processing_page(&st, &v, &id, input.fields, r.errors(v.lang), r.status()).await,
    }
}

/// POST /lots/{id}/fill: fills vials; the lot goes to quarantine. Then to the lot's page.
pub async fn fill(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
    input: Input<Fill>,
) -> Response {
    let Some(a) = signed_in(&v) else {
        return see_other("/login");
    };
    let res = async {
        let (count, volume, expires, place) = input.command(&v)?;
        let r = st
            .service
            .fill_vials(&a, now(), &id, count, volume, expires, place.as_ref());
        r.await.map_err(|e| Refusal::service(e, &[]))
    }
    .await;
    match res {
        Ok(_) => see_other(&path("/lots/", &id, "")),
        Err(r) => processing_page(&st, &v, &id, input.fields, r.errors(v.lang), r.status()).await,
    }
}

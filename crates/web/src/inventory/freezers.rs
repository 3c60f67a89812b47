//! The freezers list (with the registration form for an admin and the expiry sweep for operators
//! and QA) and one freezer's map: per rack, per box, the grid of positions, each occupied cell
//! coloured by its vial's state, past-expiry vials flagged, and linked to the vial's page.

use crate::kit::{Errors, Fields, actor, fail, page, see_other, seg, tri};
use crate::{
    AppState,
    auth::{Viewer, now},
    ctx::PageCtx,
    forms::{FieldErrors, integer, number, status_of},
};
use askama::Template;
use axum::{
    Extension,
    body::Bytes,
    extract::{Path, State},
    http::StatusCode,
    response::Response,
};
use secretome_domain::Capability;
use secretome_domain::vial::VialStatus;
use secretome_service::{
    NewFreezer,
    inventory_queries::{FreezerMap, FreezerSummary},
};

#[derive(Template)]
#[template(path = "inventory/freezers.html")]
struct FreezersPage {
    c: PageCtx,
    freezers: Vec<FreezerSummary>,
    can_create: bool,
    can_expire: bool,
    f: Fields,
    e: Errors,
    /// The vials the sweep just marked expired, when it ran.
    swept: Option<Vec<String>>,
}

async fn freezers_page(
    st: &AppState,
    v: &Viewer,
    f: Fields,
    e: Errors,
    swept: Option<Vec<String>>,
    status: StatusCode,
) -> Response {
    match st.service.freezers(now()).await {
        Ok(freezers) => page(
            status,
            &FreezersPage {
                c: PageCtx::new(v, "/freezers"),
                freezers,
                can_create: v.can(Capability::Administer),
                can_expire: v.can(Capability::ExpireVials),
                f,
                e,
                swept,
            },
        ),
        Err(err) => fail(v, err),
    }
}

pub async fn list(State(st): State<AppState>, Extension(v): Extension<Viewer>) -> Response {
    freezers_page(
        &st,
        &v,
        Fields::default(),
        Errors::default(),
        None,
        StatusCode::OK,
    )
    .await
}

/// The registration form read into the use case's input; errors name the field.
fn new_freezer(f: &Fields) -> Result<NewFreezer, FieldErrors> {
    Ok(NewFreezer {
        id: f.text("id"),
        name: f.text("name"),
        site: f.text("site"),
        temperature_c: number("temperature_c", f.get("temperature_c"))?,
        box_rows: integer("box_rows", f.get("box_rows"))?,
        box_cols: integer("box_cols", f.get("box_cols"))?,
    })
}

/// POST /freezers: registers a freezer, then its (empty) map.
pub async fn create(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    body: Bytes,
) -> Response {
    let a = tri!(actor(&v));
    let f = Fields::parse(&body);
    let new = match new_freezer(&f) {
        Ok(n) => n,
        Err(e) => {
            let s = StatusCode::UNPROCESSABLE_ENTITY;
            return freezers_page(&st, &v, f, e.shown(v.lang), None, s).await;
        }
    };
    match st.service.create_freezer(&a, now(), new).await {
        Ok(fr) => see_other(&format!("/freezers/{}", seg(fr.id.as_str()))),
        Err(err) => {
            let s = status_of(&err);
            freezers_page(&st, &v, f, crate::kit::refused_in(v.lang, &err), None, s).await
        }
    }
}

/// POST /inventory/expire: the expiry sweep; the list again with the vials it marked.
pub async fn expire(State(st): State<AppState>, Extension(v): Extension<Viewer>) -> Response {
    let a = tri!(actor(&v));
    match st.service.expire_vials(&a, now()).await {
        Ok(vials) => {
            let ids = vials.into_iter().map(|v| v.id.to_string()).collect();
            let (f, e) = (Fields::default(), Errors::default());
            freezers_page(&st, &v, f, e, Some(ids), StatusCode::OK).await
        }
        Err(err) => fail(&v, err),
    }
}

#[derive(Template)]
#[template(path = "inventory/freezer.html")]
struct MapPage {
    c: PageCtx,
    m: FreezerMap,
    legend: Vec<VialStatus>,
    pager: crate::paging::Pager,
}

/// The short label of a cell: the vial's sequence within its lot (`L-2026-001-0007` → `0007`).
pub fn short(id: &str) -> &str {
    id.rsplit('-').next().unwrap_or(id)
}

/// GET /freezers/{id}: the map.
pub async fn map(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
    axum::extract::Query(p): axum::extract::Query<crate::paging::PageParams>,
) -> Response {
    match st.service.freezer_map_page(&id, now(), p.cursor()).await {
        Ok(m) => {
            let c = PageCtx::new(&v, &format!("/freezers/{}", seg(&id)));
            let pager = crate::paging::Pager::from_cursors(&c.path, &[], m.next.as_deref(), None);
            page(
                StatusCode::OK,
                &MapPage {
                    c,
                    m,
                    legend: VialStatus::ALL.to_vec(),
                    pager,
                },
            )
        }
        Err(err) => fail(&v, err),
    }
}

//! Raw-material pages (原材料ロット): the list with expiry badges and receiving a lot, and a lot's
//! page with every batch that used it (so a recalled medium traces forward).

use super::inputs::ReceiveMaterial;
use crate::kit::{
    Errors, Fields, Input, Refusal, fail, material_state, page as render, path, see_other,
    signed_in,
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
use secretome_domain::material::MaterialCategory;
use secretome_service::MaterialFilter;
use secretome_service::manufacture_queries::{MaterialDetail, MaterialSummary};

#[derive(Template)]
#[template(path = "manufacture/materials.html")]
struct MaterialsPage {
    c: PageCtx,
    rows: Vec<(MaterialSummary, &'static str)>,
    filter: MaterialFilter,
    pager: Pager,
    categories: Vec<&'static str>,
    f: Fields,
    e: Errors,
    can_write: bool,
}

#[derive(Template)]
#[template(path = "manufacture/material.html")]
struct MaterialPage {
    c: PageCtx,
    d: MaterialDetail,
    state: &'static str,
}

/// The material list at `filter` and `p` (a page of lots by id), with the receiving form.
async fn materials_page(
    st: &AppState,
    v: &Viewer,
    (filter, p): (MaterialFilter, PageParams),
    f: Fields,
    e: Errors,
    status: StatusCode,
) -> Response {
    match st
        .service
        .materials_page(&filter, p.cursor(), p.limit)
        .await
    {
        Ok(page) => {
            let pager = Pager::new(
                "/materials",
                &[
                    ("category", filter.category.as_deref()),
                    ("lot", filter.lot.as_deref()),
                ],
                &page,
            );
            let t = now();
            let rows = page
                .rows
                .into_iter()
                .map(|m| (material_state(&m.lot.expires_at, &t), m))
                .map(|(s, m)| (m, s))
                .collect();
            let categories = MaterialCategory::ALL.iter().map(|k| k.as_str()).collect();
            let page = MaterialsPage {
                c: PageCtx::new(v, "/materials"),
                rows,
                filter,
                pager,
                categories,
                f,
                e,
                can_write: v.can(Capability::Produce),
            };
            render(status, &page)
        }
        Err(err) => fail(v, err),
    }
}

/// GET /materials: lots by id, a page at a time, filtered by category and lot prefix.
pub async fn list(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Query(filter): Query<MaterialFilter>,
    Query(p): Query<PageParams>,
) -> Response {
    materials_page(
        &st,
        &v,
        (filter, p),
        Fields::default().with("category", "medium"),
        Errors::default(),
        StatusCode::OK,
    )
    .await
}

pub async fn show(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
) -> Response {
    match st.service.material_detail(&id).await {
        Ok(d) => {
            let state = material_state(&d.lot.expires_at, &now());
            render(
                StatusCode::OK,
                &MaterialPage {
                    c: PageCtx::new(&v, &path("/materials/", &id, "")),
                    d,
                    state,
                },
            )
        }
        Err(err) => fail(&v, err),
    }
}

/// POST /materials: receives a raw-material lot, then to its page.
pub async fn receive(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    input: Input<ReceiveMaterial>,
) -> Response {
    let Some(a) = signed_in(&v) else {
        return see_other("/login");
    };
    let res = async {
        let new = input.command(&v)?;
        let id = new.id.clone();
        st.service
            .receive_material(&a, now(), new)
            .await
            .map_err(|e| Refusal::service(e, &[("material_lot", &id)]))
    }
    .await;
    match res {
        Ok(m) => see_other(&path("/materials/", m.id.as_str(), "")),
        Err(r) => {
            let first = Default::default();
            materials_page(&st, &v, first, input.fields, r.errors(v.lang), r.status()).await
        }
    }
}

//! The vial list (issue 19): every vial a page at a time in id order, filtered by lot, state and
//! location prefix (`FRZ-1/`, `FRZ-1/R2/` …) — each filter pushed into SQL and served by an index
//! (a location prefix is a range, never `LIKE`) — with links to the next and previous page; and the
//! same page as JSON at `/api/v1/vials`, documented in the OpenAPI.

use crate::kit::{fail, page};
use crate::paging::{PageParams, Pager};
use crate::{AppError, AppState, auth::Viewer, ctx::PageCtx};
use askama::Template;
use axum::{
    Extension, Json,
    extract::{Query, State},
    http::{StatusCode, Uri},
    response::Response,
};
use secretome_domain::vial::{Vial, VialStatus};
use secretome_service::{Page, VialFilter};

#[derive(Template)]
#[template(path = "inventory/vials.html")]
struct VialsPage {
    c: PageCtx,
    rows: Vec<Vial>,
    filter: VialFilter,
    pager: Pager,
}

impl VialsPage {
    fn statuses(&self) -> &'static [VialStatus] {
        &VialStatus::ALL
    }
    fn is(&self, v: &Option<String>, s: &str) -> bool {
        v.as_deref() == Some(s)
    }
    fn val<'a>(&self, v: &'a Option<String>) -> &'a str {
        v.as_deref().unwrap_or("")
    }
}

/// GET /vials: a page of vials, filtered.
pub async fn list(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    uri: Uri,
    Query(filter): Query<VialFilter>,
    Query(p): Query<PageParams>,
) -> Response {
    let rows = match st.service.vials_page(&filter, p.cursor(), p.limit).await {
        Ok(r) => r,
        Err(e) => return fail(&v, e),
    };
    let pager = Pager::new(
        uri.path(),
        &[
            ("lot", filter.lot.as_deref()),
            ("status", filter.status.as_deref()),
            ("location", filter.location.as_deref()),
        ],
        &rows,
    );
    page(
        StatusCode::OK,
        &VialsPage {
            c: PageCtx::new(&v, uri.path()),
            rows: rows.rows,
            filter,
            pager,
        },
    )
}

/// GET /api/v1/vials: the same page as JSON (`rows`, `next`, `prev`).
pub async fn api(
    State(st): State<AppState>,
    Query(filter): Query<VialFilter>,
    Query(p): Query<PageParams>,
) -> Result<Json<Page<Vial>>, AppError> {
    Ok(Json(
        st.service.vials_page(&filter, p.cursor(), p.limit).await?,
    ))
}

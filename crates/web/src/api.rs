//! JSON API, version 1: the same read models the pages show.

use crate::paging::PageParams;
use crate::{AppError, AppState};
use axum::{
    Json,
    extract::{Path, Query, State},
};
use secretome_service::{LotDetail, LotFilter, LotSummary, Page};

/// A page of lots, newest first, filtered like the lot list (`status`, `product`, `from`, `to`).
pub async fn lots(
    State(st): State<AppState>,
    Query(filter): Query<LotFilter>,
    Query(p): Query<PageParams>,
) -> Result<Json<Page<LotSummary>>, AppError> {
    Ok(Json(
        st.service.lots_page(&filter, p.cursor(), p.limit).await?,
    ))
}

pub async fn lot(
    State(st): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<LotDetail>, AppError> {
    Ok(Json(st.service.lot_detail(&id).await?))
}

/// GET /api/v1/openapi.json: the document assembled from the registration (`crate::openapi`).
pub async fn openapi_json() -> Json<serde_json::Value> {
    Json(crate::registry::openapi())
}

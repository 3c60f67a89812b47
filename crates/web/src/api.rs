//! JSON API, version 1: the same read models the pages show.

use crate::{AppError, AppState};
use axum::{
    Json,
    extract::{Path, State},
};
use secretome_service::{LotDetail, LotSummary};

pub async fn lots(State(st): State<AppState>) -> Result<Json<Vec<LotSummary>>, AppError> {
    Ok(Json(st.service.list_lots().await?))
}

pub async fn lot(
    State(st): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<LotDetail>, AppError> {
    Ok(Json(st.service.lot_detail(&id).await?))
}

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

fn lot_params() -> serde_json::Value {
    let mut ps = vec![
        serde_json::json!({"name": "status", "in": "query", "required": false, "schema": {"type": "string", "enum": ["in_process", "quarantine", "released", "rejected", "recalled"]}}),
        serde_json::json!({"name": "product", "in": "query", "required": false, "schema": {"type": "string"}}),
        serde_json::json!({"name": "from", "in": "query", "required": false, "schema": {"type": "string", "format": "date"}, "description": "made on or after (facility zone)"}),
        serde_json::json!({"name": "to", "in": "query", "required": false, "schema": {"type": "string", "format": "date"}, "description": "made on or before (facility zone)"}),
    ];
    if let serde_json::Value::Array(more) = crate::paging::openapi_params() {
        ps.extend(more);
    }
    serde_json::Value::Array(ps)
}

/// The core's `/api/v1` paths (the lots).
pub fn openapi_paths() -> serde_json::Value {
    serde_json::json!({
        "/api/v1/lots": {"get": {"summary": "A page of lots, newest first, with their state and vial counts", "tags": ["lots"],
            "parameters": lot_params(),
            "responses": {"200": {"description": "a page of lots", "content": {"application/json": {"schema": crate::paging::openapi_page("lots with `vials` and `by_status` counts")}}},
                "401": {"description": "no session or token"}, "422": {"description": "a filter is not valid (named)"}}}},
        "/api/v1/lots/{id}": {"get": {"summary": "A lot with genealogy, steps, vials and audit history", "tags": ["lots"],
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
            "responses": {"200": {"description": "the lot"}, "401": {"description": "no session or token"}, "404": {"description": "no such lot"}}}}
    })
}

/// The OpenAPI 3.1 document of `/api/v1`: every registered module's paths.
pub fn openapi() -> serde_json::Value {
    let mut paths = serde_json::json!({});
    // Merged per path *and method*: a module adding POST to a path the core serves with GET keeps both.
    for part in crate::registry::MODULES.iter().map(|m| (m.openapi)()) {
        let (Some(all), serde_json::Value::Object(more)) = (paths.as_object_mut(), part) else {
            continue;
        };
        for (path, methods) in more {
            match (all.get_mut(&path).and_then(|v| v.as_object_mut()), methods) {
                (Some(existing), serde_json::Value::Object(m)) => existing.extend(m),
                (_, m) => {
                    all.insert(path, m);
                }
            }
        }
    }
    serde_json::json!({
        "openapi": "3.1.0",
        "info": {"title": "secretome API", "version": "1", "description":
            "Production, QC and traceability of stem-cell culture supernatant. Authenticate with a session cookie or `Authorization: Bearer stk_…` (an API token made by an administrator). Errors: 401 unauthenticated, 403 wrong role, 404 not found, 409 illegal transition (with the reason), 422 bad input (naming the field)."},
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}, "session": {"type": "apiKey", "in": "cookie", "name": "secretome_session"}}},
        "security": [{"bearer": []}, {"session": []}],
        "paths": paths
    })
}

pub async fn openapi_json() -> Json<serde_json::Value> {
    Json(openapi())
}

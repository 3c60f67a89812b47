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

/// The OpenAPI 3.1 document of `/api/v1`: the core's paths and each page module's.
pub fn openapi() -> serde_json::Value {
    let mut paths = serde_json::json!({
        "/api/v1/lots": {"get": {"summary": "Lots with their state and vial counts", "tags": ["lots"],
            "responses": {"200": {"description": "lots"}, "401": {"description": "no session or token"}}}},
        "/api/v1/lots/{id}": {"get": {"summary": "A lot with genealogy, steps, vials and audit history", "tags": ["lots"],
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
            "responses": {"200": {"description": "the lot"}, "401": {"description": "no session or token"}, "404": {"description": "no such lot"}}}}
    });
    // Merged per path *and method*: a module adding POST to a path the core serves with GET keeps both.
    for part in [
        crate::manufacture::openapi_paths(),
        crate::quality::openapi_paths(),
        crate::admin::openapi_paths(),
        crate::clinical::openapi_paths(),
        crate::recall::openapi_paths(),
        crate::trace::openapi_paths(),
    ] {
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

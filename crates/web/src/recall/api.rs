//! The recall operations under `/api/v1`, through the same service functions as the pages:
//! list, open (`{"target", "reason", "password"}`, role qa: an e-signature like the page's) and one
//! recall's report with its exposures.

use super::input::OpenRecall;
use crate::json::{actor, ok, tri};
use crate::kit::Input;
use crate::{AppState, auth::Viewer, auth::now};
use axum::{
    Extension,
    extract::{Path, State},
    http::StatusCode,
    response::Response,
};
use serde_json::{Value, json};

pub async fn list(State(st): State<AppState>) -> Response {
    ok(StatusCode::OK, st.service.list_recalls().await)
}

pub async fn show(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
) -> Response {
    let a = tri!(actor(&v));
    ok(StatusCode::OK, st.service.recall_report(&a, &id).await)
}

/// POST: `{"target", "reason", "password"}` → 201 the recall with the patients to follow up. The
/// password is re-entered: opening a recall is signed (meaning "recalled") as on the page.
pub async fn open(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    input: Input<OpenRecall>,
) -> Response {
    let a = tri!(actor(&v));
    let (target, reason, password) = match input.command(&v) {
        Ok(cmd) => cmd,
        Err(r) => return r.json(),
    };
    ok(
        StatusCode::CREATED,
        st.service
            .open_recall_signed(&a, now(), &target, &reason, &password)
            .await,
    )
}

/// The OpenAPI `paths` of these operations.
pub fn openapi_paths() -> Value {
    let auth = json!({"401": {"description": "no session or token"}});
    json!({
        "/api/v1/recalls": {
            "get": {"summary": "Recalls, newest first", "tags": ["recall"], "responses": {"200": {"description": "recalls"}, "401": auth["401"]}},
            "post": {"summary": "Open a recall on a lot, raw-material lot or donor (role qa): every vial it reaches is blocked in the same transaction; exposed patients are listed", "tags": ["recall"],
                "description": "An electronic signature (meaning recalled): the QA user's password is re-entered, and a wrong one counts towards lock-out.",
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "properties": {"target": {"type": "string"}, "reason": {"type": "string"}, "password": {"type": "string", "format": "password"}}, "required": ["target", "reason", "password"]}}}},
                "responses": {"201": {"description": "the recall and its exposures"}, "401": auth["401"], "403": {"description": "wrong role"}, "409": {"description": "nothing to recall, with the reason"}, "422": {"description": "bad input, or the signature's password is missing or wrong (`field`: password): `field` names it"}}}
        },
        "/api/v1/recalls/{id}": {"get": {"summary": "A recall: lots reached, vials blocked, patients to follow up with their physician", "tags": ["recall"],
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
            "responses": {"200": {"description": "the recall"}, "401": auth["401"], "404": {"description": "no such recall"}}}}
    })
}

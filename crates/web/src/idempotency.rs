//! `Idempotency-Key` on API writes: a POST under `/api/v1` carrying the header runs once per key
//! and user; a retry gets the first answer again (with `Idempotent-Replayed: true`), a retry while
//! the first is still running gets 409 with `Retry-After: 1`, and a key reused for another request
//! 422. Answers of 5xx are not kept (the key is released, so a retry runs again). Without the
//! header nothing changes. The rule lives in `secretome_service::idempotency`; this layer only
//! carries bytes.

use crate::{AppError, AppState, auth::Viewer, auth::now};
use axum::{
    body::{Body, to_bytes},
    extract::{Request, State},
    http::{HeaderValue, Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use secretome_service::idempotency::Idempotency;

pub const HEADER: &str = "idempotency-key";
/// Largest request or answer body kept under a key.
const LIMIT: usize = 32 << 20;

/// The layer (inside `auth::context`, which has put the `Viewer` in place).
pub async fn layer(State(st): State<AppState>, req: Request, next: Next) -> Response {
    let key = req
        .headers()
        .get(HEADER)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_string());
    let actor = req
        .extensions()
        .get::<Viewer>()
        .and_then(|v| v.session.as_ref())
        .map(|s| s.actor.clone());
    let (Some(key), Some(actor)) = (key, actor) else {
        return next.run(req).await;
    };
    if req.method() != Method::POST || !req.uri().path().starts_with("/api/v1/") {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let Ok(bytes) = to_bytes(body, LIMIT).await else {
        let body = serde_json::json!({"error": "request body too large", "status": 413});
        return (StatusCode::PAYLOAD_TOO_LARGE, axum::Json(body)).into_response();
    };
    let path = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_default();
    let claim = match st
        .service
        .idempotency_begin(&actor, now(), &key, parts.method.as_str(), &path, &bytes)
        .await
    {
        Ok(Idempotency::Run { claim }) => claim,
        Ok(Idempotency::Replay {
            status,
            content_type,
            body,
        }) => return replay(status, content_type, body),
        Ok(Idempotency::InProgress) => {
            let body = serde_json::json!({
                "error": "a request with this Idempotency-Key is still running: retry shortly",
                "status": 409
            });
            let mut res = (StatusCode::CONFLICT, axum::Json(body)).into_response();
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            return res;
        }
        Err(e) => return AppError(e).into_response(),
    };
    let res = next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await;
    let status = res.status();
    let (rparts, rbody) = res.into_parts();
    let kept = match to_bytes(rbody, LIMIT).await {
        Ok(b) => b,
        Err(_) => {
            let _ = st.service.idempotency_release(&claim).await;
            let body = serde_json::json!({"error": "answer too large", "status": 500});
            return (StatusCode::INTERNAL_SERVER_ERROR, axum::Json(body)).into_response();
        }
    };
    let text = std::str::from_utf8(&kept).ok();
    let stored = match text {
        Some(t) if !status.is_server_error() => {
            let ct = rparts
                .headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok());
            st.service
                .idempotency_finish(&claim, status.as_u16(), ct, t)
                .await
        }
        _ => st.service.idempotency_release(&claim).await,
    };
    if let Err(e) = stored {
        tracing::error!(error = %e, "idempotency key not kept");
    }
    Response::from_parts(rparts, Body::from(kept))
}

fn replay(status: u16, content_type: Option<String>, body: String) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    let mut res = (status, body).into_response();
    let h = res.headers_mut();
    if let Some(ct) = content_type.and_then(|c| HeaderValue::from_str(&c).ok()) {
        h.insert(header::CONTENT_TYPE, ct);
    }
    h.insert("idempotent-replayed", HeaderValue::from_static("true"));
    res
}

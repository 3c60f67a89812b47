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

//! Server-rendered pages: the lot list and a lot's page (genealogy to the donor, steps, vials, audit).
//! Handlers only turn service read models into display rows; templates live in `templates/`.

use crate::{AppError, AppState, view};
use askama::Template;
use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::{Html, IntoResponse, Redirect, Response},
};
use secretome_domain::genealogy::NodeKind;

/// A page that failed: the same status as the API, shown as HTML.
pub struct PageError(AppError);

impl<E: Into<AppError>> From<E> for PageError {
    fn from(e: E) -> Self {
        PageError(e.into())
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    status: u16,
    message: String,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let status = self.0.status();
        let page = ErrorPage {
            status: status.as_u16(),
            message: self.0.message(),
        };
        (status, render(&page)).into_response()
    }
}

fn render<T: Template>(t: &T) -> Html<String> {
    Html(t.render().unwrap_or_else(|e| {
        tracing::error!(error = %e, "template failed");
        "template error".into()
    }))
}

pub async fn home() -> Redirect {
    Redirect::to("/lots")
}

struct LotRow {
    id: String,
    product: String,
    state: &'static str,
    state_ja: &'static str,
    badge: &'static str,
    volume: String,
    vials: usize,
    available: usize,
    created: String,
    expires: String,
}

#[derive(Template)]
#[template(path = "lots.html")]
struct LotsPage {
    rows: Vec<LotRow>,
}

pub async fn lots(State(st): State<AppState>) -> Result<Html<String>, PageError> {
    let rows = st
        .service
        .list_lots()
        .await?
        .into_iter()
        .map(|s| LotRow {
            id: s.lot.id.to_string(),
            product: s.lot.product.clone(),
            state: s.lot.status.as_str(),
            state_ja: s.lot.status.name_ja(),
            badge: view::lot_badge(s.lot.status),
            volume: format!("{:.0}", s.lot.volume_ml),
            vials: s.vials,
            available: s.by_status.get("available").copied().unwrap_or(0),
            created: view::time(&s.lot.created_at),
            expires: view::opt_time(&s.lot.expires_at),
        })
        .collect();
    Ok(render(&LotsPage { rows }))
}

struct NodeRow {
    kind: &'static str,
    kind_ja: &'static str,
    id: String,
    label: String,
}
struct StepRow {
    seq: i64,
    name: &'static str,
    name_ja: &'static str,
    summary: String,
    at: String,
}
struct VialRow {
    id: String,
    state: &'static str,
    state_ja: &'static str,
    badge: &'static str,
    fill: f64,
    location: String,
    expires: String,
}
struct EventRow {
    seq: i64,
    at: String,
    actor: String,
    action: String,
    reason: String,
}

#[derive(Template)]
#[template(path = "lot.html")]
struct LotPage {
    id: String,
    product: String,
    state: &'static str,
    state_ja: &'static str,
    badge: &'static str,
    volume: String,
    created: String,
    filled: String,
    expires: String,
    decision: String,
    upstream: Vec<NodeRow>,
    steps: Vec<StepRow>,
    vials: Vec<VialRow>,
    events: Vec<EventRow>,
}

fn kind_ja(k: NodeKind) -> &'static str {
    match k {
        NodeKind::Donor => "ドナー",
        NodeKind::Tissue => "組織採取",
        NodeKind::CellBank => "セルバンク",
        NodeKind::MaterialLot => "原材料ロット",
        NodeKind::Batch => "培養バッチ",
        NodeKind::Harvest => "上清回収",
        NodeKind::Lot => "ロット",
        NodeKind::Vial => "バイアル",
    }
}

pub async fn lot(
    State(st): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let d = st.service.lot_detail(&id).await?;
    let l = &d.lot;
    let decision = match (&l.decided_by, &l.decided_at) {
        (Some(by), Some(at)) => format!(
            "{} — {} ({}) {}",
            l.status.name_ja(),
            by,
            view::time(at),
            l.decision_reason.clone().unwrap_or_default()
        ),
        _ => "—".into(),
    };
    let page = LotPage {
        id: l.id.to_string(),
        product: l.product.clone(),
        state: l.status.as_str(),
        state_ja: l.status.name_ja(),
        badge: view::lot_badge(l.status),
        volume: format!("{:.0}", l.volume_ml),
        created: view::time(&l.created_at),
        filled: view::opt_time(&l.filled_at),
        expires: view::opt_time(&l.expires_at),
        decision,
        upstream: d
            .upstream
            .iter()
            .map(|n| NodeRow {
                kind: n.kind.as_str(),
                kind_ja: kind_ja(n.kind),
                id: n.id.clone(),
                label: n.label.clone(),
            })
            .collect(),
        steps: d
            .steps
            .iter()
            .map(|s| StepRow {
                seq: s.seq,
                name: s.step.name(),
                name_ja: s.step.name_ja(),
                summary: s.step.summary(),
                at: view::time(&s.performed_at),
            })
            .collect(),
        vials: d
            .vials
            .iter()
            .map(|v| VialRow {
                id: v.id.to_string(),
                state: v.status.as_str(),
                state_ja: view::vial_ja(v.status),
                badge: view::vial_badge(v.status),
                fill: v.fill_volume_ml,
                location: v.location.clone().unwrap_or_else(|| "—".into()),
                expires: view::time(&v.expires_at),
            })
            .collect(),
        events: d
            .events
            .iter()
            .map(|e| EventRow {
                seq: e.seq,
                at: secretome_domain::UtcTime::parse("at", &e.at)
                    .map(|t| view::time(&t))
                    .unwrap_or_else(|_| e.at.clone()),
                actor: e.actor.clone(),
                action: e.action.clone(),
                reason: e.reason.clone().unwrap_or_default(),
            })
            .collect(),
    };
    Ok((StatusCode::OK, render(&page)).into_response())
}

//! The trace page (`/trace?id=…&dir=forward|backward`: a form, the counts by kind and the graph),
//! the same trace as JSON (`/api/v1/trace`, the shape `secretome trace` prints), and a patient's
//! FHIR R4 Bundle (`/api/v1/patients/{id}/fhir`, `application/fhir+json`).

use super::graph::{self, Column, Labels};
use crate::kit::{Errors, actor, page, seg, tri};
use crate::{
    AppState,
    auth::Viewer,
    ctx::PageCtx,
    forms::status_of,
    i18n::Lang,
    json::{bad, error},
};
use askama::Template;
use axum::{
    Extension, Json,
    extract::{Path, Query, State},
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};
use secretome_domain::genealogy::NodeKind;
use secretome_domain::{Capability, Why};
use secretome_service::ServiceError;
use secretome_service::trace::{Direction, Trace};
use std::collections::BTreeMap;

type Params = Query<BTreeMap<String, String>>;

/// `dir` as typed; None for anything but forward/backward.
fn direction(dir: &str) -> Option<Direction> {
    match dir.trim() {
        "" | "backward" => Some(Direction::Backward),
        "forward" => Some(Direction::Forward),
        _ => None,
    }
}

fn kind_label(lang: Lang, kind: NodeKind) -> String {
    lang.t(&format!("tr.kind.{}", kind.as_str())).to_string()
}

#[derive(Template)]
#[template(path = "trace/graph.html")]
struct TracePage {
    c: PageCtx,
    id: String,
    forward: bool,
    e: Errors,
    /// (kind label, records) per column; empty before a search.
    counts: Vec<(String, usize)>,
    svg: String,
    json_href: String,
    edges: usize,
    /// Patients in the trace this reader may not see (counted, not shown).
    withheld: usize,
}

fn counts(lang: Lang, cols: &[Column]) -> Vec<(String, usize)> {
    cols.iter()
        .map(|c| (kind_label(lang, c.kind), c.shown.len() + c.hidden))
        .collect()
}

/// GET /trace: the form; with `id`, the trace as a graph.
pub async fn show(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    q: Params,
) -> Response {
    let id = q
        .get("id")
        .map(|s| s.trim().to_string())
        .unwrap_or_default();
    let dir_text = q.get("dir").map(String::as_str).unwrap_or("");
    let mut p = TracePage {
        c: PageCtx::new(&v, "/trace"),
        forward: dir_text.trim() == "forward",
        json_href: format!(
            "/api/v1/trace?id={}&dir={}",
            seg(&id),
            if dir_text.trim() == "forward" {
                "forward"
            } else {
                "backward"
            }
        ),
        id,
        e: Errors::default(),
        counts: Vec::new(),
        svg: String::new(),
        edges: 0,
        withheld: 0,
    };
    let Some(dir) = direction(dir_text) else {
        p.e = Errors::one("dir", v.lang.t("tr.err.dir"));
        return page(StatusCode::UNPROCESSABLE_ENTITY, &p);
    };
    if p.id.is_empty() {
        return page(StatusCode::OK, &p);
    }
    let a = crate::kit::tri!(crate::kit::actor(&v));
    match st.service.trace_for(&a, dir, &p.id).await {
        Ok(t) => {
            let lang = v.lang;
            let kind = move |k: NodeKind| kind_label(lang, k);
            let more = move |n: usize, k: NodeKind| {
                lang.t("tr.more")
                    .replace("{n}", &n.to_string())
                    .replace("{kind}", &kind_label(lang, k))
            };
            // Patients' pages are for clinical roles: other roles see the pseudonym, no link.
            let clinical = v.can(Capability::ReadPatients);
            let may_open = move |k: NodeKind| k != NodeKind::Patient || clinical;
            let labels = Labels {
                kind: &kind,
                more: &more,
                may_open: &may_open,
            };
            p.svg = graph::svg(&t, &labels);
            p.counts = counts(lang, &graph::columns(&t));
            p.edges = t.edges.len();
            p.withheld = t.patients_withheld;
            page(StatusCode::OK, &p)
        }
        Err(err) => {
            let s = status_of(&err);
            let m = match &err {
                ServiceError::Scan(e) => crate::kit::scan_message(v.lang, e),
                _ => crate::messages::tell(&err).text(v.lang).to_string(),
            };
            p.e = Errors::one("id", &m);
            page(s, &p)
        }
    }
}

/// GET /api/v1/trace?id=…&dir=forward|backward → `{"root", "nodes", "edges"}`.
pub async fn api(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    q: Params,
) -> Response {
    let a = crate::kit::tri!(crate::kit::actor(&v));
    let id = q.get("id").map(|s| s.trim()).unwrap_or("");
    if id.is_empty() {
        return bad("id", Why::Empty);
    }
    let Some(dir) = direction(q.get("dir").map(String::as_str).unwrap_or("")) else {
        return bad("dir", Why::Choose);
    };
    match st.service.trace_for(&a, dir, id).await {
        Ok(t) => (StatusCode::OK, Json::<Trace>(t)).into_response(),
        Err(e) => error(e),
    }
}

/// GET /api/v1/patients/{id}/fhir → the FHIR R4 Bundle as `application/fhir+json`.
pub async fn fhir(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
) -> Response {
    let a = tri!(actor(&v));
    match st.service.fhir_bundle(&a, &id).await {
        Ok(bundle) => {
            let body = serde_json::to_vec(&bundle).unwrap_or_default();
            let disposition = format!("inline; filename=\"{}.fhir.json\"", seg(&id));
            (
                [
                    (header::CONTENT_TYPE, "application/fhir+json".to_string()),
                    (header::CONTENT_DISPOSITION, disposition),
                ],
                body,
            )
                .into_response()
        }
        Err(e) => error(e),
    }
}

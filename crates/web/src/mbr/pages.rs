//! The master batch record pages: the list of controlled documents with QA's form for a new one,
//! and a document's page — its versions with their status and change-control reasons, the steps of
//! the newest version with targets and limits, and QA's actions: a new version (the steps through
//! a form per step and per parameter, `steps_form`, prefilled from the newest version), submit for
//! review, signed approval (refused to the author), put in force.

use crate::kit::{Errors, Fields, actor, fail, page, see_other, seg, tri};
use crate::{
    AppState,
    auth::{Viewer, now},
    ctx::PageCtx,
    forms::{FieldErrors, status_of},
};
use askama::Template;
use axum::{
    Extension,
    body::Bytes,
    extract::{Path, State},
    http::StatusCode,
    response::Response,
};
use secretome_domain::{Capability, Why};
use secretome_domain::{
    donor::TissueSource,
    mbr::{DocumentKind, DocumentVersion, MasterStep},
};
use secretome_service::mbr::{DocumentSummary, NewDocument};

use super::steps_form::{self, StepRow};

#[derive(Template)]
#[template(path = "mbr/list.html")]
struct ListPage {
    c: PageCtx,
    docs: Vec<DocumentSummary>,
    can_write: bool,
    rows: Vec<StepRow>,
    stages: Vec<&'static str>,
    use_cases: Vec<&'static str>,
    step_errors: Vec<String>,
    f: Fields,
    e: Errors,
}

#[derive(Template)]
#[template(path = "mbr/document.html")]
struct DocPage {
    c: PageCtx,
    d: DocumentSummary,
    /// The newest version, whose steps are shown.
    latest: Option<DocumentVersion>,
    rows: Vec<StepRow>,
    stages: Vec<&'static str>,
    use_cases: Vec<&'static str>,
    step_errors: Vec<String>,
    can_write: bool,
    can_approve: bool,
    f: Fields,
    e: Errors,
}

/// The fields of the document forms themselves; any other error not on a step field is a master
/// rule (stage order, limits, a use case's values) and is listed above the steps.
const OWN: &[&str] = &[
    "",
    "code",
    "kind",
    "title",
    "title_ja",
    "product",
    "cell_source",
    "change_reason",
    "password",
    "reason",
];

fn step_errors(e: &Errors) -> Vec<String> {
    e.0.iter()
        .filter(|(k, _)| {
            let step_field = k.starts_with('s') && k[1..].starts_with(|c: char| c.is_ascii_digit());
            !(OWN.contains(&k.as_str()) || step_field)
        })
        .map(|(k, m)| format!("{k}: {m}"))
        .collect()
}

/// The step blocks to show: as posted after a refusal, else from `steps`.
fn rows(f: &Fields, steps: &[MasterStep]) -> Vec<StepRow> {
    if f.0.contains_key("s0.code") {
        steps_form::rows_posted(f)
    } else {
        steps_form::rows_of(steps)
    }
}

async fn list_page(st: &AppState, v: &Viewer, f: Fields, e: Errors, s: StatusCode) -> Response {
    match st.service.documents().await {
        Ok(docs) => page(
            s,
            &ListPage {
                c: PageCtx::new(v, "/masters"),
                docs,
                can_write: v.can(Capability::AuthorMasters),
                rows: rows(&f, &[]),
                stages: steps_form::stages(),
                use_cases: steps_form::use_cases(),
                step_errors: step_errors(&e),
                f,
                e,
            },
        ),
        Err(err) => fail(v, err),
    }
}

pub async fn list(State(st): State<AppState>, Extension(v): Extension<Viewer>) -> Response {
    list_page(
        &st,
        &v,
        Fields::default(),
        Errors::default(),
        StatusCode::OK,
    )
    .await
}

/// POST /masters: a new document and its draft version 1.
pub async fn create(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    body: Bytes,
) -> Response {
    let a = tri!(actor(&v));
    let f = Fields::parse(&body);
    let steps = match steps_form::parse(&f) {
        Ok(s) => s,
        Err(e) => {
            let e = e.shown(v.lang);
            return list_page(&st, &v, f, e, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    let kind = if f.is("kind", "sop") {
        DocumentKind::Sop
    } else {
        DocumentKind::MasterBatchRecord
    };
    let cell_source = match f.opt("cell_source") {
        None => None,
        Some(s) => match serde_json::from_value::<TissueSource>(serde_json::Value::String(s)) {
            Ok(x) => Some(x),
            Err(_) => {
                let e = FieldErrors::one("cell_source", Why::Choose).shown(v.lang);
                return list_page(&st, &v, f, e, StatusCode::UNPROCESSABLE_ENTITY).await;
            }
        },
    };
    let new = NewDocument {
        code: f.text("code"),
        kind,
        title: f.text("title"),
        title_ja: f.text("title_ja"),
        product: f.opt("product"),
        cell_source,
    };
    match st
        .service
        .create_document(&a, now(), new, &f.text("change_reason"), steps)
        .await
    {
        Ok(ver) => see_other(&format!("/masters/{}", seg(&ver.document))),
        Err(err) => {
            let s = status_of(&err);
            let e = crate::kit::refused_in(v.lang, &err);
            list_page(&st, &v, f, e, s).await
        }
    }
}

async fn show_page(
    st: &AppState,
    v: &Viewer,
    id: &str,
    f: Fields,
    e: Errors,
    s: StatusCode,
) -> Response {
    match st.service.document(id).await {
        Ok(d) => {
            let latest = d.versions.first().cloned();
            let steps: &[MasterStep] = latest
                .as_ref()
                .and_then(|l| l.master.as_ref())
                .map_or(&[], |m| m.steps.as_slice());
            let rows = rows(&f, steps);
            // The versions' authors and approvers, by display name.
            let people: Vec<String> = d
                .versions
                .iter()
                .flat_map(|x| {
                    std::iter::once(x.author.to_string())
                        .chain(x.approved_by.iter().map(|a| a.to_string()))
                })
                .collect();
            let names = match st.service.names(people).await {
                Ok(n) => n,
                Err(err) => return fail(v, err),
            };
            page(
                s,
                &DocPage {
                    c: PageCtx::new(v, &format!("/masters/{}", seg(id))).with_names(names),
                    d,
                    latest,
                    rows,
                    stages: steps_form::stages(),
                    use_cases: steps_form::use_cases(),
                    step_errors: step_errors(&e),
                    can_write: v.can(Capability::AuthorMasters),
                    can_approve: v.can(Capability::AssureQuality),
                    f,
                    e,
                },
            )
        }
        Err(err) => fail(v, err),
    }
}

pub async fn show(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
) -> Response {
    show_page(
        &st,
        &v,
        &id,
        Fields::default(),
        Errors::default(),
        StatusCode::OK,
    )
    .await
}

/// POST …/revise: the next version under change control.
pub async fn revise(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let a = tri!(actor(&v));
    let f = Fields::parse(&body);
    let steps = match steps_form::parse(&f) {
        Ok(s) => s,
        Err(e) => {
            let e = e.shown(v.lang);
            return show_page(&st, &v, &id, f, e, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    match st
        .service
        .revise_document(&a, now(), &id, &f.text("change_reason"), steps)
        .await
    {
        Ok(_) => see_other(&format!("/masters/{}", seg(&id))),
        Err(err) => {
            let s = status_of(&err);
            let e = crate::kit::refused_in(v.lang, &err);
            show_page(&st, &v, &id, f, e, s).await
        }
    }
}

/// Submit, approve (signed) and put in force share this: the version is `<id>/v<n>`.
async fn act(st: &AppState, v: &Viewer, id: &str, n: &str, what: &str, body: &Bytes) -> Response {
    let a = tri!(actor(v));
    let f = Fields::parse(body);
    let version = format!("{id}/v{}", n.trim_start_matches('v'));
    let t = now();
    let r = match what {
        "submit" => st.service.submit_version(&a, t, &version).await,
        "approve" => {
            st.service
                .approve_version(&a, t, &version, f.get("password"), &f.text("reason"))
                .await
        }
        _ => st.service.make_effective(&a, t, &version).await,
    };
    match r {
        Ok(_) => see_other(&format!("/masters/{}", seg(id))),
        Err(err) => {
            let s = status_of(&err);
            let e = crate::kit::refused_in(v.lang, &err);
            show_page(st, v, id, f.with("password", ""), e, s).await
        }
    }
}

pub async fn submit(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path((id, n)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    act(&st, &v, &id, &n, "submit", &body).await
}

pub async fn approve(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path((id, n)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    act(&st, &v, &id, &n, "approve", &body).await
}

pub async fn effective(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path((id, n)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    act(&st, &v, &id, &n, "effective", &body).await
}

//! The recall pages: the list with QA's form to open a recall, and one recall's report with the
//! patients to follow up and the follow-up form per patient.

use super::input::OpenRecall;
use crate::kit::{Errors, Fields, Input, actor, fail, page, see_other, seg, tri};
use crate::{
    AppState,
    auth::{Viewer, now},
    ctx::PageCtx,
    forms::status_of,
};
use askama::Template;
use axum::{
    Extension,
    body::Bytes,
    extract::{Path, State},
    http::StatusCode,
    response::Response,
};
use secretome_domain::Capability;
use secretome_domain::recall::Recall;
use secretome_service::recall::{RecallPreview, RecallReport};

#[derive(Template)]
#[template(path = "recall/list.html")]
struct ListPage {
    c: PageCtx,
    recalls: Vec<Recall>,
    can_open: bool,
    /// What the recall typed in would block, shown before QA signs it.
    preview: Option<RecallPreview>,
    f: Fields,
    e: Errors,
}

#[derive(Template)]
#[template(path = "recall/show.html")]
struct ShowPage {
    c: PageCtx,
    r: RecallReport,
    can_follow: bool,
    /// The exposure whose follow-up form was refused, and why.
    e_for: String,
    e: Errors,
}

async fn list_page(st: &AppState, v: &Viewer, f: Fields, e: Errors, s: StatusCode) -> Response {
    list_page_with(st, v, None, f, e, s).await
}

async fn list_page_with(
    st: &AppState,
    v: &Viewer,
    preview: Option<RecallPreview>,
    f: Fields,
    e: Errors,
    s: StatusCode,
) -> Response {
    let recalls = match st.service.list_recalls().await {
        Ok(r) => r,
        Err(err) => return fail(v, err),
    };
    match st
        .service
        .names(recalls.iter().map(|r| r.opened_by.to_string()))
        .await
    {
        Ok(names) => page(
            s,
            &ListPage {
                c: PageCtx::new(v, "/recalls").with_names(names),
                recalls,
                can_open: v.can(Capability::AssureQuality),
                preview,
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

/// POST /recalls: without `confirm`, shows the preview (lots, vials by state, patients exposed)
/// and the signature form, writing nothing; with `confirm`, opens the recall signed with the
/// password re-entered and shows its report.
pub async fn open(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    input: Input<OpenRecall>,
) -> Response {
    let a = tri!(actor(&v));
    let f = input.fields.clone();
    let (target, reason, password) = match input.command(&v) {
        Ok(cmd) => cmd,
        Err(r) => return list_page(&st, &v, f, r.errors(v.lang), r.status()).await,
    };
    let preview = match st.service.preview_recall(&a, now(), &target, &reason).await {
        Ok(p) => p,
        Err(err) => {
            let s = status_of(&err);
            let e = crate::kit::refused_in(v.lang, &err);
            return list_page(&st, &v, f, e, s).await;
        }
    };
    if !input.input().is_ok_and(|i| i.confirm) {
        return list_page_with(&st, &v, Some(preview), f, Errors::default(), StatusCode::OK).await;
    }
    match st
        .service
        .open_recall_signed(&a, now(), &target, &reason, &password)
        .await
    {
        Ok(r) => see_other(&format!("/recalls/{}", seg(&r.recall.id))),
        Err(err) => {
            let s = status_of(&err);
            let e = crate::kit::refused_in(v.lang, &err);
            let f = f.with("password", "");
            list_page_with(&st, &v, Some(preview), f, e, s).await
        }
    }
}

async fn show_page(
    st: &AppState,
    v: &Viewer,
    id: &str,
    e_for: String,
    e: Errors,
    s: StatusCode,
) -> Response {
    let a = tri!(actor(v));
    let r = match st.service.recall_report(&a, id).await {
        Ok(r) => r,
        Err(err) => return fail(v, err),
    };
    let people = std::iter::once(r.recall.opened_by.to_string()).chain(
        r.exposures
            .iter()
            .filter_map(|x| x.exposure.followed_up_by.as_ref().map(|u| u.to_string())),
    );
    match st.service.names(people).await {
        Ok(names) => page(
            s,
            &ShowPage {
                c: PageCtx::new(v, "/recalls").with_names(names),
                r,
                can_follow: v.can(Capability::FollowRecall),
                e_for,
                e,
            },
        ),
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
        String::new(),
        Errors::default(),
        StatusCode::OK,
    )
    .await
}

/// POST …/exposures/{exposure}/follow-up: records that the patient was contacted.
pub async fn follow_up(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path((id, exposure)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let a = tri!(actor(&v));
    let f = Fields::parse(&body);
    match st
        .service
        .follow_up_exposure(&a, now(), &exposure, &f.text("note"))
        .await
    {
        Ok(_) => see_other(&format!("/recalls/{}", seg(&id))),
        Err(err) => {
            let s = status_of(&err);
            show_page(
                &st,
                &v,
                &id,
                exposure,
                crate::kit::refused_in(v.lang, &err),
                s,
            )
            .await
        }
    }
}

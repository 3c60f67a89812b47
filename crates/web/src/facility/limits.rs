//! The site's EM limits under change control (`/facility/limits`, `/api/v1/em-limits`): every
//! grade × sample type with its Annex 1 default and the limit in force now, each change with the
//! value it replaced, who set it, when, from when and why; QA's form to change one (the reason is
//! required). Page and API read the same typed input (`inputs::ChangeLimit`), so a bad value is refused
//! naming the same field on both.

use super::inputs::ChangeLimit;
use crate::kit::{Errors, Fields, Input, Refusal, fail, page, see_other};
use crate::{
    AppState,
    auth::{Viewer, now},
    ctx::PageCtx,
};
use askama::Template;
use axum::{
    Extension, Json,
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Response},
};
use secretome_domain::Capability;
use secretome_domain::facility::EmSampleType;
use secretome_service::facility::LimitRow;

#[derive(Template)]
#[template(path = "facility/limits.html")]
struct LimitsPage {
    c: PageCtx,
    rows: Vec<LimitRow>,
    types: Vec<&'static str>,
    is_qa: bool,
    f: Fields,
    e: Errors,
}

async fn limits_page(
    st: &AppState,
    v: &Viewer,
    f: Fields,
    e: Errors,
    status: StatusCode,
) -> Response {
    let rows = match st.service.em_limits(now()).await {
        Ok(r) => r,
        Err(e) => return fail(v, e),
    };
    let people: Vec<String> = rows
        .iter()
        .flat_map(|r| r.changes.iter().map(|c| c.set_by.to_string()))
        .collect();
    let names = match st.service.names(people).await {
        Ok(n) => n,
        Err(e) => return fail(v, e),
    };
    page(
        status,
        &LimitsPage {
            c: PageCtx::new(v, "/facility/limits").with_names(names),
            rows,
            types: EmSampleType::ALL.iter().map(|t| t.as_str()).collect(),
            is_qa: v.can(Capability::AssureQuality),
            f,
            e,
        },
    )
}

pub async fn show(State(st): State<AppState>, Extension(v): Extension<Viewer>) -> Response {
    limits_page(
        &st,
        &v,
        Fields::default(),
        Errors::default(),
        StatusCode::OK,
    )
    .await
}

/// POST /facility/limits: QA's change; back to the page, or the form again with its errors.
pub async fn change(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    input: Input<ChangeLimit>,
) -> Response {
    let res = async {
        let (a, n) = input.acting(&v)?;
        st.service.set_em_limit(&a, now(), n).await?;
        Ok::<_, Refusal>(())
    };
    match res.await {
        Ok(()) => see_other("/facility/limits#limits"),
        Err(r) => {
            let (e, s) = (r.errors(v.lang), r.status());
            limits_page(&st, &v, input.fields, e, s).await
        }
    }
}

/// GET /api/v1/em-limits: every grade × sample type with default, limit in force and changes.
pub async fn api_list(State(st): State<AppState>) -> Response {
    match st.service.em_limits(now()).await {
        Ok(rows) => (StatusCode::OK, Json(rows)).into_response(),
        Err(e) => Refusal::from(e).json(),
    }
}

/// POST /api/v1/em-limits: `{grade, sample_type, alert_limit?, action_limit, effective_from?,
/// reason}` → 201 the change.
pub async fn api_change(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    input: Input<ChangeLimit>,
) -> Response {
    let res = async {
        let (a, n) = input.acting(&v)?;
        Ok::<_, Refusal>(st.service.set_em_limit(&a, now(), n).await?)
    };
    match res.await {
        Ok(l) => (StatusCode::CREATED, Json(l)).into_response(),
        Err(r) => r.json(),
    }
}

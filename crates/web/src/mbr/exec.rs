//! The operator's page of a batch made against a master batch record: the next step with its
//! instructions and targets and the value form (values outside their limits are recorded with a
//! deviation, or refused where the master says so), the steps recorded so far, the second
//! person's verification (their user name and password, at the same workstation), skipping a step
//! through a deviation, and QA's disposition of the step deviations. A batch not yet started shows
//! the effective master records to start it from.

use super::inputs::RecordStep;
use crate::kit::{Errors, Fields, Input, actor, fail, page, see_other, seg, tri};
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
use secretome_domain::mbr::DocumentVersion;
use secretome_domain::{Capability, Why};
use secretome_service::mbr::ExecutionView;

#[derive(Template)]
#[template(path = "mbr/execute.html")]
struct ExecPage {
    c: PageCtx,
    batch: String,
    x: Option<ExecutionView>,
    /// Effective master batch record versions a batch not yet started may start from.
    masters: Vec<DocumentVersion>,
    can_record: bool,
    can_verify: bool,
    can_decide: bool,
    f: Fields,
    e: Errors,
}

async fn exec_page(
    st: &AppState,
    v: &Viewer,
    batch: &str,
    f: Fields,
    e: Errors,
    s: StatusCode,
) -> Response {
    let x = match st.service.execution(batch).await {
        Ok(x) => x,
        Err(err) => return fail(v, err),
    };
    let masters = if x.is_none() {
        match st.service.documents().await {
            Ok(docs) => docs
                .iter()
                .filter_map(|d| d.effective().filter(|v| v.master.is_some()).cloned())
                .collect(),
            Err(err) => return fail(v, err),
        }
    } else {
        Vec::new()
    };
    // The people who recorded and verified the steps, by display name.
    let people: Vec<String> = x
        .iter()
        .flat_map(|x| x.records.iter())
        .flat_map(|r| {
            std::iter::once(r.recorded_by.to_string())
                .chain(r.verified_by.iter().map(|u| u.to_string()))
        })
        .collect();
    let names = match st.service.names(people).await {
        Ok(n) => n,
        Err(err) => return fail(v, err),
    };
    page(
        s,
        &ExecPage {
            c: PageCtx::new(v, &format!("/batches/{}/execute", seg(batch))).with_names(names),
            batch: batch.to_string(),
            x,
            masters,
            can_record: v.can(Capability::Produce),
            can_verify: v.can(Capability::VerifyStep),
            can_decide: v.can(Capability::AssureQuality),
            f,
            e,
        },
    )
}

pub async fn show(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
) -> Response {
    exec_page(
        &st,
        &v,
        &id,
        Fields::default(),
        Errors::default(),
        StatusCode::OK,
    )
    .await
}

/// After a use case: back to the page, or the page again with the refusal by its field.
async fn after<T>(
    st: &AppState,
    v: &Viewer,
    batch: &str,
    f: Fields,
    r: Result<T, secretome_service::ServiceError>,
) -> Response {
    match r {
        Ok(_) => see_other(&format!("/batches/{}/execute", seg(batch))),
        Err(err) => {
            let s = status_of(&err);
            let e = crate::kit::refused_in(v.lang, &err);
            exec_page(st, v, batch, f.with("password", ""), e, s).await
        }
    }
}

pub async fn start(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let a = tri!(actor(&v));
    let f = Fields::parse(&body);
    let r = st
        .service
        .start_execution(&a, now(), &id, &f.text("master"))
        .await;
    after(&st, &v, &id, f, r).await
}

/// POST …/step: the values come as `p.<parameter>` fields (`inputs::RecordStep`).
pub async fn step(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
    input: Input<RecordStep>,
) -> Response {
    let (a, (step, values, at, note)) = match input.acting(&v) {
        Ok(x) => x,
        Err(r) => {
            let (e, s) = (r.errors(v.lang), r.status());
            return exec_page(&st, &v, &id, input.fields, e, s).await;
        }
    };
    let r = st
        .service
        .record_step(&a, now(), &id, &step, &values, at, note);
    after(&st, &v, &id, input.fields, r.await).await
}

pub async fn skip(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let a = tri!(actor(&v));
    let f = Fields::parse(&body);
    let r = st
        .service
        .skip_step(&a, now(), &id, &f.text("step"), &f.text("reason"))
        .await;
    after(&st, &v, &id, f, r).await
}

/// POST …/verify: the second person types their user name and password here; they must hold an
/// operator, qc or qa role and not be the person who recorded the step.
pub async fn verify(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let f = Fields::parse(&body);
    let who = f.text("verifier");
    if who.is_empty() {
        let e = FieldErrors::one("verifier", Why::Empty).shown(v.lang);
        return exec_page(&st, &v, &id, f, e, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let verifier = match st.service.actor(&who).await {
        Ok(a) => a,
        Err(_) => {
            let e = FieldErrors::one("verifier", Why::NotFound(who)).shown(v.lang);
            return exec_page(&st, &v, &id, f, e, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    let r = st
        .service
        .verify_step(&verifier, now(), &id, &f.text("step"), f.get("password"))
        .await;
    after(&st, &v, &id, f, r).await
}

pub async fn decide(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let a = tri!(actor(&v));
    let f = Fields::parse(&body);
    let approve = f.is("decision", "approve");
    let r = st
        .service
        .decide_step_deviation(&a, now(), &f.text("deviation"), approve, &f.text("reason"))
        .await;
    after(&st, &v, &id, f, r).await
}

//! QC pages: the overview (lots awaiting the release decision, deviations not yet closed) and a lot's
//! results against its specification (test, criterion, value, verdict) with result entry (qc), the
//! plate-import form (qc) and its deviations — opened by qc, qa or operators, assessed by qc,
//! approved or rejected by qa — each shown with its state.

use super::inputs::{Assess, Decide, OpenDeviation, RecordResult, ReviseResult, revise_fields};
use crate::kit::{
    Action, Errors, Fields, Input, Refusal, actor, dev_no, fail, page, see_other, seg, tri,
};
use crate::{AppState, auth::Viewer, auth::now, ctx::PageCtx, forms::FieldErrors};
use askama::Template;
use axum::{
    Extension,
    extract::{Path, State},
    http::StatusCode,
    response::Response,
};
use secretome_domain::Capability;
use secretome_domain::{
    Actor,
    lot::LotStatus,
    qc::{Acceptance, Deviation, TestResult},
};
use secretome_service::{LotQc, LotSummary, NewResult, ServiceError, batch_record::Signature};

pub struct DevView {
    pub d: Deviation,
    pub n: String,
    /// The error of this deviation's assess or decide form, if it was the one posted.
    pub error: String,
}

#[derive(Template)]
#[template(path = "quality/lot_qc.html")]
struct LotQcPage {
    c: PageCtx,
    q: LotQc,
    devs: Vec<DevView>,
    /// Tests still without a result: (code, name, numeric).
    pending: Vec<(String, String, bool)>,
    /// Tests with a result, which can be corrected or retested: (code, name).
    entered: Vec<(String, String)>,
    sigs: Vec<Signature>,
    f: Fields,
    e: Errors,
    can_qc: bool,
    can_qa: bool,
    can_open: bool,
    quarantine: bool,
}

#[derive(Template)]
#[template(path = "quality/overview.html")]
struct OverviewPage {
    c: PageCtx,
    lots: Vec<LotSummary>,
    deviations: Vec<Deviation>,
}

pub async fn overview(State(st): State<AppState>, Extension(v): Extension<Viewer>) -> Response {
    let quarantine = secretome_service::LotFilter {
        status: Some(LotStatus::Quarantine.as_str().to_string()),
        ..Default::default()
    };
    let lots = match st
        .service
        .lots_page(
            &quarantine,
            None,
            Some(secretome_service::paging::MAX_PAGE_SIZE),
        )
        .await
    {
        Ok(p) => p.rows,
        Err(e) => return fail(&v, e),
    };
    let deviations = match st.service.open_deviations().await {
        Ok(d) => d,
        Err(e) => return fail(&v, e),
    };
    let people = deviations
        .iter()
        .flat_map(secretome_service::names::deviation_people);
    match st.service.names(people).await {
        Ok(names) => page(
            StatusCode::OK,
            &OverviewPage {
                c: PageCtx::new(&v, "/qc").with_names(names),
                lots,
                deviations,
            },
        ),
        Err(e) => fail(&v, e),
    }
}

/// The lot's QC page; `dev` names the deviation whose form the errors belong to.
pub async fn lot_page(
    st: &AppState,
    v: &Viewer,
    lot: &str,
    f: Fields,
    e: FieldErrors,
    dev: Option<&str>,
    status: StatusCode,
) -> Response {
    let e = e.shown(v.lang);
    let q = match st.service.lot_qc(lot).await {
        Ok(q) => q,
        Err(err) => return fail(v, err),
    };
    let sigs = match st.service.lot_signatures(lot).await {
        Ok(s) => s,
        Err(err) => return fail(v, err),
    };
    let names = match st.service.names(q.people()).await {
        Ok(n) => n,
        Err(err) => return fail(v, err),
    };
    let ja = v.lang == crate::i18n::Lang::Ja;
    let pending = q
        .rows
        .iter()
        .filter(|r| r.result.is_none())
        .map(|r| {
            let name = if ja {
                r.test.name_ja.clone()
            } else {
                r.test.name.clone()
            };
            (
                r.test.code.to_string(),
                name,
                !matches!(r.test.acceptance, Acceptance::PassFail { .. }),
            )
        })
        .collect();
    let entered = q
        .rows
        .iter()
        .filter(|r| r.result.is_some())
        .map(|r| {
            let name = if ja { &r.test.name_ja } else { &r.test.name };
            (r.test.code.to_string(), name.clone())
        })
        .collect();
    let devs = q
        .deviations
        .iter()
        .map(|d| {
            let n = dev_no(&d.id).to_string();
            let error = if dev == Some(n.as_str()) {
                e.0.values().next().cloned().unwrap_or_default()
            } else {
                String::new()
            };
            DevView {
                d: d.clone(),
                n,
                error,
            }
        })
        .collect();
    let matched = dev.is_some_and(|n| q.deviations.iter().any(|d| dev_no(&d.id) == n));
    let e = if matched { Errors::default() } else { e };
    let quarantine = q.lot.status == LotStatus::Quarantine;
    let page_ = LotQcPage {
        c: PageCtx::new(v, &format!("/lots/{}/qc", seg(lot))).with_names(names),
        q,
        devs,
        pending,
        entered,
        sigs,
        f,
        e,
        can_qc: v.can(Capability::TestQuality),
        can_qa: v.can(Capability::AssureQuality),
        can_open: v.can(Capability::OpenDeviation),
        quarantine,
    };
    page(status, &page_)
}

pub async fn show(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
) -> Response {
    lot_page(
        &st,
        &v,
        &id,
        Fields::default(),
        FieldErrors::default(),
        None,
        StatusCode::OK,
    )
    .await
}

fn refused(e: &ServiceError) -> (FieldErrors, StatusCode) {
    (FieldErrors::from_service(e), crate::forms::status_of(e))
}

/// POST /lots/{id}/results: QC enters a result; the verdict is computed against the criterion.
pub async fn record(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
    input: Input<RecordResult>,
) -> Response {
    let res = async {
        let (a, n) = input.acting(&v)?;
        let n = NewResult {
            lot: id.clone(),
            ..n
        };
        Ok::<_, Refusal>(st.service.record_result(&a, now(), n).await?)
    };
    let res = res.await.map_err(raw);
    after_result(&st, &v, &id, input.fields, res).await
}

/// POST /lots/{id}/results/revise: QC corrects a wrong entry or records a retest of a test that
/// has a result, giving the reason; the earlier result stays visible with the new one. Fields are
/// `rtest`, `change` (`correction` | `retest`), `rvalue` / `routcome`, `reason`.
pub async fn revise(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
    input: Input<ReviseResult>,
) -> Response {
    let res = async {
        let (a, (n, change, reason)) = input.acting(&v)?;
        let n = NewResult {
            lot: id.clone(),
            ..n
        };
        let r = st.service.revise_result(&a, now(), n, change, &reason);
        Ok::<_, Refusal>(r.await?)
    };
    let res = res.await.map_err(|r| {
        let (e, s) = raw(r);
        (revise_fields(e), s)
    });
    after_result(&st, &v, &id, input.fields, res).await
}

/// After a result's form: to the result, or the lot page again with the errors.
async fn after_result(
    st: &AppState,
    v: &Viewer,
    id: &str,
    f: Fields,
    res: Result<TestResult, (FieldErrors, StatusCode)>,
) -> Response {
    match res {
        Ok(r) => see_other(&format!(
            "/lots/{}/qc#result-{}",
            seg(id),
            seg(r.test.as_str())
        )),
        Err((e, status)) => lot_page(st, v, id, f, e, None, status).await,
    }
}

/// POST /lots/{id}/deviations: opens a deviation (the form's test is `dev_test`).
pub async fn open_deviation(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
    input: Input<OpenDeviation>,
) -> Response {
    let a = tri!(actor(&v));
    let res = match input.command(&v) {
        Err(r) => Err(raw(r)),
        Ok((test, description)) => st
            .service
            .open_deviation(&a, now(), &id, test.as_deref(), &description)
            .await
            .map_err(|e| {
                let (fe, s) = refused(&e);
                (fe.moved("test", "dev_test"), s)
            }),
    };
    match res {
        Ok(d) => see_other(&format!("/lots/{}/qc#dev-{}", seg(&id), dev_no(&d.id))),
        Err((e, status)) => lot_page(&st, &v, &id, input.fields, e, None, status).await,
    }
}

/// A refused input's errors, typed (the lot page says them in its language), and its status.
fn raw(r: Refusal) -> (FieldErrors, StatusCode) {
    match r {
        Refusal::Fields(f, s) => (f, s),
        Refusal::Service(e) => refused(&e),
    }
}

/// Runs one step of a deviation's form: success back to the deviation, a refusal shows the lot
/// page again with the error on that deviation.
async fn on_deviation<T: Action<Command = String>, Fut>(
    (st, v, id, n): (AppState, Viewer, String, String),
    input: Input<T>,
    step: impl FnOnce(Actor, String, String) -> Fut,
) -> Response
where
    Fut: std::future::Future<Output = Result<Deviation, ServiceError>>,
{
    let a = tri!(actor(&v));
    let res = match input.command(&v) {
        Err(r) => Err(raw(r)),
        Ok(text) => step(a, format!("{id}/{n}"), text)
            .await
            .map_err(|e| refused(&e)),
    };
    match res {
        Ok(_) => see_other(&format!("/lots/{}/qc#dev-{}", seg(&id), seg(&n))),
        Err((e, status)) => lot_page(&st, &v, &id, input.fields, e, Some(&n), status).await,
    }
}

pub async fn assess(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path((id, n)): Path<(String, String)>,
    input: Input<Assess>,
) -> Response {
    let svc = st.service.clone();
    on_deviation((st, v, id, n), input, |a, dev, text| async move {
        svc.assess_deviation(&a, now(), &dev, &text).await
    })
    .await
}

pub async fn approve(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path((id, n)): Path<(String, String)>,
    input: Input<Decide>,
) -> Response {
    let svc = st.service.clone();
    on_deviation((st, v, id, n), input, |a, dev, text| async move {
        svc.approve_deviation(&a, now(), &dev, &text).await
    })
    .await
}

pub async fn reject(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path((id, n)): Path<(String, String)>,
    input: Input<Decide>,
) -> Response {
    let svc = st.service.clone();
    on_deviation((st, v, id, n), input, |a, dev, text| async move {
        svc.reject_deviation(&a, now(), &dev, &text).await
    })
    .await
}

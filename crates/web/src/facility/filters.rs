//! The sterilising filtration page (`/facility/filtrations?lot=`): a lot's filtrations with their
//! filter (maker, model, lot, pore size, rating) and each filter's pre- and post-use integrity
//! tests against the maker's limit, with the operator's forms to record both.

use super::inputs::{RecordFiltration, RecordIntegrityTest};
use crate::kit::{Errors, Fields, Input, Refusal, fail, page, see_other, seg};
use crate::{
    AppState,
    auth::{Viewer, now},
    ctx::PageCtx,
};
use askama::Template;
use axum::{
    Extension,
    extract::{Query, State},
    http::StatusCode,
    response::Response,
};
use secretome_domain::Capability;
use secretome_domain::facility::{IntegrityTest, SterileFiltration};
use std::collections::BTreeMap;

#[derive(Template)]
#[template(path = "facility/filtrations.html")]
struct FiltrationPage {
    c: PageCtx,
    lot: String,
    filtrations: Vec<SterileFiltration>,
    tests: Vec<IntegrityTest>,
    can_record: bool,
    /// Which form was refused ("filtration" or "test"), its input and errors.
    which: String,
    f: Fields,
    e: Errors,
}

impl FiltrationPage {
    fn tests_of(&self, filtration: &str) -> Vec<&IntegrityTest> {
        self.tests
            .iter()
            .filter(|t| t.filtration == filtration)
            .collect()
    }
    /// The refused form's fields, or empty ones (with the lot) for the other form.
    fn fields(&self, form: &str) -> Fields {
        if self.which == form {
            self.f.clone()
        } else {
            Fields::default().with("lot", &self.lot)
        }
    }
    fn errors(&self, form: &str) -> Errors {
        if self.which == form {
            self.e.clone()
        } else {
            Errors::default()
        }
    }
}

async fn filtration_page(
    st: &AppState,
    v: &Viewer,
    lot: String,
    refused: Option<(&str, Fields, Errors)>,
    status: StatusCode,
) -> Response {
    let (filtrations, tests) = if lot.is_empty() {
        (Vec::new(), Vec::new())
    } else {
        match st.service.lot_filtrations(&lot).await {
            Ok(x) => x,
            Err(e) => return fail(v, e),
        }
    };
    let (which, f, e) = refused
        .map(|(w, f, e)| (w.to_string(), f, e))
        .unwrap_or_default();
    page(
        status,
        &FiltrationPage {
            c: PageCtx::new(v, "/facility/filtrations"),
            lot,
            filtrations,
            tests,
            can_record: v.can(Capability::Produce),
            which,
            f,
            e,
        },
    )
}

pub async fn show(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Query(q): Query<BTreeMap<String, String>>,
) -> Response {
    let lot = q
        .get("lot")
        .map(|s| s.trim().to_string())
        .unwrap_or_default();
    filtration_page(&st, &v, lot, None, StatusCode::OK).await
}

async fn after(
    st: &AppState,
    v: &Viewer,
    which: &str,
    lot: String,
    f: Fields,
    res: Result<(), Refusal>,
) -> Response {
    match res {
        Ok(()) => see_other(&format!("/facility/filtrations?lot={}", seg(&lot))),
        Err(r) => {
            let (e, s) = (r.errors(v.lang), r.status());
            filtration_page(st, v, lot, Some((which, f, e)), s).await
        }
    }
}

pub async fn record_filtration(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    input: Input<RecordFiltration>,
) -> Response {
    let res = async {
        let (a, n) = input.acting(&v)?;
        st.service.record_sterile_filtration(&a, now(), n).await?;
        Ok(())
    };
    let res = res.await;
    let lot = input.fields.text("lot");
    after(&st, &v, "filtration", lot, input.fields, res).await
}

pub async fn record_test(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    input: Input<RecordIntegrityTest>,
) -> Response {
    let res = async {
        let (a, n) = input.acting(&v)?;
        st.service.record_integrity_test(&a, now(), n).await?;
        Ok(())
    };
    let res = res.await;
    // The filtration id begins with its lot (`L-2026-005/SF-01`).
    let filtration = input.fields.text("filtration");
    let lot = filtration.split("/SF-").next().unwrap_or("").to_string();
    after(&st, &v, "test", lot, input.fields, res).await
}

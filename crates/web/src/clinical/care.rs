//! The consent, point-of-care and adverse-event report pages (issue 16): on the patient's page the
//! consent form and its withdrawal, and one point-of-care form (thaw, discard with the reason,
//! return unopened within temperature); the report dashboard `/ae-reports` — overdue, due soon and
//! other open reports, each with the form to record its submission — and, for QA, the serious
//! related events per lot with a link to open a recall of the lot.

use super::inputs::{Care, PointOfCare, RecordConsent, SubmitReport, Withdraw, care_fields};
use super::patients::{errors, label, physician};
use super::record::{Form, answer, on_patient};
use crate::kit::{
    Errors, Fields, Input, Refusal, fail, page as render, path, see_other, signed_in,
};
use crate::{AppState, auth::Viewer, auth::now, ctx::PageCtx};
use askama::Template;
use axum::{
    Extension,
    extract::{Path, State},
    http::StatusCode,
    response::Response,
};
use secretome_domain::Capability;
use secretome_domain::clinical::{
    Causality, Dispensing, ReportStatus, reporting::SeriousCriterion,
};
use secretome_domain::{Actor, UtcTime};
use secretome_service::ServiceError;
use secretome_service::ae_reports::{LotSignal, ReportDashboard, ReportRow};

/// POST /patients/{id}/consents: the explanation and consent for an indication.
pub async fn consent(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
    input: Input<RecordConsent>,
) -> Response {
    let (svc, pid) = (st.service.clone(), id.clone());
    on_patient(
        &st,
        &v,
        &id,
        input,
        Form::Consent,
        "#consents",
        move |a, new| async move { svc.record_consent(a, now(), &pid, new).await },
    )
    .await
}

/// POST /patients/{id}/consents/{consent}/withdraw: the patient withdrew it (reason required).
pub async fn withdraw(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path((id, consent)): Path<(String, String)>,
    input: Input<Withdraw>,
) -> Response {
    let svc = st.service.clone();
    on_patient(
        &st,
        &v,
        &id,
        input,
        Form::Consent,
        "#consents",
        move |a, (at, reason)| async move {
            svc.withdraw_consent(a, now(), &consent, at, &reason).await
        },
    )
    .await
}

/// POST /patients/{id}/point-of-care: `do` = thaw | discard | return for the chosen vial.
pub async fn point_of_care(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
    input: Input<PointOfCare>,
) -> Response {
    let res = async {
        let (a, care) = input.acting(&v).map_err(|r| match r {
            Refusal::Fields(e, s) => Refusal::Fields(care_fields(e), s),
            r => r,
        })?;
        Ok(cared(&st, &a, care).await?)
    };
    let res = res.await;
    answer(&st, &v, &id, input.fields, Form::Care, res, "#dispensings").await
}

/// Records the point of care of a dispensed vial, for the page and the API alike.
pub(super) async fn cared(
    st: &AppState,
    a: &Actor,
    (vial, at, care): (String, UtcTime, Care),
) -> Result<Dispensing, ServiceError> {
    let (svc, t) = (&st.service, now());
    match care {
        Care::Thaw => svc.record_thaw(a, t, &vial, at).await,
        Care::Discard { reason } => svc.discard_dispensed(a, t, &vial, at, &reason).await,
        Care::Return {
            unopened,
            within_temperature,
        } => {
            let r = svc.return_dispensed(a, t, &vial, at, unopened, within_temperature);
            r.await
        }
    }
}

#[derive(Template)]
#[template(path = "clinical/ae_reports.html")]
struct ReportsPage {
    c: PageCtx,
    d: ReportDashboard,
    /// QA: serious related events per lot (empty for physicians).
    lots: Vec<LotSignal>,
    is_qa: bool,
    can_write: bool,
    /// The report whose submission was refused, with what was typed.
    refused: String,
    f: Fields,
    e: Errors,
}

impl ReportsPage {
    fn status(&self, s: &ReportStatus) -> &'static str {
        label(self.c.lang, s.label_ja(), s.label_en())
    }
    fn causality(&self, r: &ReportRow) -> &'static str {
        r.event.causality.map_or("—", |k: Causality| {
            label(self.c.lang, k.label_ja(), k.label_en())
        })
    }
    fn criteria(&self, r: &ReportRow) -> String {
        r.event
            .criteria
            .iter()
            .map(|k: &SeriousCriterion| label(self.c.lang, k.label_ja(), k.label_en()))
            .collect::<Vec<_>>()
            .join(", ")
    }
    fn patient_href(&self, r: &ReportRow) -> String {
        path("/patients/", r.report.patient.as_str(), "#adverse-events")
    }
    fn action(&self, r: &ReportRow) -> String {
        path("/ae-reports/", &r.report.id, "/submit")
    }
    fn errors_for(&self, r: &ReportRow) -> Errors {
        if self.refused == r.report.id {
            self.e.clone()
        } else {
            Errors::default()
        }
    }
    fn typed(&self, r: &ReportRow, field: &str) -> String {
        if self.refused == r.report.id {
            self.f.text(field)
        } else {
            String::new()
        }
    }
    /// (anchor, heading key, rows) of the three lists.
    fn sections(&self) -> Vec<(&'static str, &'static str, &[ReportRow])> {
        vec![
            ("overdue", "cl.reports.overdue", self.d.overdue.as_slice()),
            (
                "due-soon",
                "cl.reports.due_soon",
                self.d.due_soon.as_slice(),
            ),
            ("later", "cl.reports.later", self.d.later.as_slice()),
        ]
    }
}

async fn reports_page(
    st: &AppState,
    v: &Viewer,
    refused: &str,
    f: Fields,
    e: Errors,
    s: StatusCode,
) -> Response {
    let a = crate::kit::tri!(crate::kit::actor(v));
    let d = match st.service.ae_report_dashboard(&a, now()).await {
        Ok(d) => d,
        Err(err) => return fail(v, err),
    };
    let is_qa = v.can(Capability::AssureQuality);
    let lots = if is_qa {
        match st.service.serious_related_by_lot(&a).await {
            Ok(l) => l,
            Err(err) => return fail(v, err),
        }
    } else {
        Vec::new()
    };
    render(
        s,
        &ReportsPage {
            c: PageCtx::new(v, "/ae-reports"),
            d,
            lots,
            is_qa,
            can_write: physician(v),
            refused: refused.to_string(),
            f,
            e,
        },
    )
}

/// GET /ae-reports: the report dashboard.
pub async fn reports(State(st): State<AppState>, Extension(v): Extension<Viewer>) -> Response {
    reports_page(
        &st,
        &v,
        "",
        Fields::default(),
        Errors::default(),
        StatusCode::OK,
    )
    .await
}

/// POST /ae-reports/{id}/submit: dates of the report to the committee and/or the authority.
pub async fn submit(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
    input: Input<SubmitReport>,
) -> Response {
    let f = input.fields.clone();
    let Some(a) = signed_in(&v) else {
        return see_other("/login");
    };
    let res: Result<_, Refusal> = async {
        let (committee, authority, reference) = input.command(&v)?;
        let r =
            st.service
                .submit_ae_report(&a, now(), &id, committee, authority, reference.as_deref());
        Ok(r.await?)
    }
    .await;
    match res {
        Ok(_) => see_other("/ae-reports"),
        Err(r) => {
            let e = errors(&r, v.lang);
            reports_page(&st, &v, &id, f, e, r.status()).await
        }
    }
}

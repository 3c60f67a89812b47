//! A patient's record page (診療記録): dispensings, doses, adverse events and outcomes in time order,
//! with the dispensing box — one text field that takes a scanned barcode or a typed vial id / DIN,
//! focused on load — and the dose, adverse-event and outcome forms. A refused form is shown again
//! with what was typed and the reason next to its field or above the form.

use super::inputs::{Administer, Dispense, RecordOutcome, ReportAdverseEvent};
use super::patients::{errors, label, physician};
use crate::kit::{Action, Errors, Fields, Input, Refusal, fail, page as render, path, see_other};
use crate::{AppState, auth::Viewer, auth::now, ctx::PageCtx};
use askama::Template;
use axum::{
    Extension,
    extract::{Path, State},
    http::StatusCode,
    response::Response,
};
use secretome_domain::{
    Actor, UtcTime,
    clinical::{
        AdverseEvent, AeOutcome, AeReport, Causality, Consent, Indication, OutcomeMeasure,
        ReportStatus, Route, Scale, Sex, VialEnd, consent::consented_indications, ctcae,
        reporting::SeriousCriterion,
    },
};
use secretome_service::{
    NewAdverseEvent, NewOutcome, ServiceError, clinical_queries::PatientDetail,
};

#[derive(Template)]
#[template(path = "clinical/patient.html")]
struct ShowPage {
    c: PageCtx,
    d: PatientDetail,
    /// Recalls with an open exposure of this patient (not yet followed up): an alert on the page
    /// and next to the dispensing form.
    recalls: Vec<String>,
    can_write: bool,
    /// The patient's consents and adverse-event reports.
    consents: Vec<Consent>,
    reports: Vec<AeReport>,
    now: UtcTime,
    f: Fields,
    /// Errors of the consent, dispensing, point-of-care, dose, adverse-event and outcome forms
    /// (only the refused one).
    e_cn: Errors,
    e_care: Errors,
    e_dsp: Errors,
    e_adm: Errors,
    e_ae: Errors,
    e_oc: Errors,
}

impl ShowPage {
    fn ind(&self, i: &Indication) -> &'static str {
        label(self.c.lang, i.label_ja(), i.label_en())
    }
    fn sex(&self, s: &Sex) -> &'static str {
        label(self.c.lang, s.label_ja(), s.label_en())
    }
    fn route(&self, r: &Route) -> &'static str {
        label(self.c.lang, r.label_ja(), r.label_en())
    }
    fn ae_outcome(&self, o: &AeOutcome) -> &'static str {
        label(self.c.lang, o.label_ja(), o.label_en())
    }
    fn scale(&self, s: &Scale) -> &'static str {
        label(self.c.lang, s.label_ja(), s.label_en())
    }
    fn routes(&self) -> &'static [Route] {
        Route::ALL
    }
    fn indications(&self) -> &'static [Indication] {
        Indication::ALL
    }
    /// The dispensing form's indication: as typed, else the registered one if consented, else
    /// the first consented one.
    fn dispense_for(&self, i: &Indication) -> bool {
        if !self.f.get("indication").is_empty() {
            return self.f.is("indication", i.as_str());
        }
        let ok = consented_indications(&self.consents, self.now);
        let pick = if ok.contains(&self.d.patient.indication) || ok.is_empty() {
            self.d.patient.indication
        } else {
            ok[0]
        };
        *i == pick
    }
    fn end(&self, e: &VialEnd) -> &'static str {
        label(self.c.lang, e.label_ja(), e.label_en())
    }
    fn causality(&self, k: &Causality) -> &'static str {
        label(self.c.lang, k.label_ja(), k.label_en())
    }
    fn causalities(&self) -> &'static [Causality] {
        Causality::ALL
    }
    fn criterion(&self, k: &SeriousCriterion) -> &'static str {
        label(self.c.lang, k.label_ja(), k.label_en())
    }
    fn all_criteria(&self) -> &'static [SeriousCriterion] {
        SeriousCriterion::ALL
    }
    fn checked(&self, k: &SeriousCriterion) -> bool {
        self.f.is(&format!("criterion_{}", k.as_str()), "on")
    }
    fn criteria_of(&self, x: &AdverseEvent) -> String {
        x.criteria
            .iter()
            .map(|k| self.criterion(k))
            .collect::<Vec<_>>()
            .join(", ")
    }
    fn terms(&self) -> &'static [ctcae::Term] {
        ctcae::terms()
    }
    fn report_of(&self, ae: &str) -> Option<&AeReport> {
        self.reports.iter().find(|r| r.adverse_event == ae)
    }
    fn status(&self, s: &ReportStatus) -> &'static str {
        label(self.c.lang, s.label_ja(), s.label_en())
    }
    fn ae_outcomes(&self) -> &'static [AeOutcome] {
        AeOutcome::ALL
    }
    fn scales(&self) -> &'static [Scale] {
        self.d.patient.indication.scales()
    }
    /// Vials dispensed for the patient and not given yet.
    fn pending(&self) -> Vec<&str> {
        self.d
            .dispensings
            .iter()
            .filter(|x| !x.administered && x.dispensing.ended.is_none())
            .map(|x| x.dispensing.vial.as_str())
            .collect()
    }
    /// An outcome value as people read it (`C` for ASIA 3).
    fn shown(&self, o: &OutcomeMeasure) -> String {
        o.scale.show(o.value)
    }
    /// Days since the first dose (empty before any dose).
    fn day(&self, t: &UtcTime) -> String {
        self.d
            .first_dose_at
            .map(|f| format!("{:.0}", f.hours_until(*t) / 24.0))
            .unwrap_or_default()
    }
    fn base(&self) -> String {
        path("/patients/", self.d.patient.id.as_str(), "")
    }
}

/// Which form of the patient page a refusal belongs to.
#[derive(Clone, Copy)]
pub(super) enum Form {
    None,
    Consent,
    Care,
    Dispense,
    Administer,
    AdverseEvent,
    Outcome,
}

async fn show_page(
    st: &AppState,
    v: &Viewer,
    id: &str,
    f: Fields,
    form: Form,
    e: Errors,
    s: StatusCode,
) -> Response {
    let a = crate::kit::tri!(crate::kit::actor(v));
    let d = match st.service.patient_detail_for(&a, id).await {
        Ok(d) => d,
        Err(err) => return fail(v, err),
    };
    let recalls = match st.service.open_exposures(&[d.patient.id.to_string()]).await {
        Ok(mut m) => m.remove(d.patient.id.as_str()).unwrap_or_default(),
        Err(err) => return fail(v, err),
    };
    let people = std::iter::once(d.patient.physician.to_string())
        .chain(
            d.dispensings
                .iter()
                .map(|x| x.dispensing.dispensed_by.to_string()),
        )
        .chain(d.administrations.iter().map(|a| a.physician.to_string()))
        .chain(d.adverse_events.iter().map(|a| a.reported_by.to_string()))
        .chain(d.outcomes.iter().map(|o| o.recorded_by.to_string()));
    let names = match st.service.names(people).await {
        Ok(n) => n,
        Err(err) => return fail(v, err),
    };
    let consents = match st.service.consents_for(&a, id).await {
        Ok(c) => c,
        Err(err) => return fail(v, err),
    };
    let reports = match st.service.ae_reports_for(&a, id).await {
        Ok(r) => r,
        Err(err) => return fail(v, err),
    };
    let f = if f.get("route").is_empty() {
        f.with("route", usual_route(d.patient.indication).as_str())
    } else {
        f
    };
    let pick = |which: fn(Form) -> bool| {
        if which(form) {
            e.clone()
        } else {
            Errors::default()
        }
    };
    render(
        s,
        &ShowPage {
            c: PageCtx::new(v, &path("/patients/", id, "")).with_names(names),
            can_write: physician(v),
            recalls,
            consents,
            reports,
            now: now(),
            f,
            e_cn: pick(|f| matches!(f, Form::Consent)),
            e_care: pick(|f| matches!(f, Form::Care)),
            e_dsp: pick(|f| matches!(f, Form::Dispense)),
            e_adm: pick(|f| matches!(f, Form::Administer)),
            e_ae: pick(|f| matches!(f, Form::AdverseEvent)),
            e_oc: pick(|f| matches!(f, Form::Outcome)),
            d,
        },
    )
}

/// How a dose is usually given for an indication (the form's first choice).
fn usual_route(i: Indication) -> Route {
    match i {
        Indication::Stroke | Indication::SpinalCordInjury | Indication::AgeingCare => Route::IvDrip,
        Indication::Osteoarthritis | Indication::ChronicPain => Route::LocalInjection,
        Indication::ChronicWound | Indication::Skin => Route::Topical,
        Indication::HairLoss => Route::ScalpInjection,
    }
}

/// The blank forms (the route is chosen by indication when the page is shown).
fn blank() -> Fields {
    Fields::default()
        .with("grade", "1")
        .with("outcome", "recovering")
        .with("causality", "possibly")
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
        blank(),
        Form::None,
        Errors::default(),
        StatusCode::OK,
    )
    .await
}

/// Runs one form's use case: 303 back to the patient's page, or the page again with the refusal.
pub(super) async fn answer<T>(
    st: &AppState,
    v: &Viewer,
    id: &str,
    f: Fields,
    form: Form,
    res: Result<T, Refusal>,
    anchor: &str,
) -> Response {
    match res {
        Ok(_) => see_other(&path("/patients/", id, anchor)),
        Err(r) => {
            let e = errors(&r, v.lang);
            let f = if matches!(form, Form::Dispense) {
                blank().with("vial", f.get("vial"))
            } else {
                f
            };
            show_page(st, v, id, f, form, e, r.status()).await
        }
    }
}

/// POST /patients/{id}/dispense: the scanned or typed vial.
pub async fn dispense(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
    input: Input<Dispense>,
) -> Response {
    let (svc, pid) = (st.service.clone(), id.clone());
    on_patient(
        &st,
        &v,
        &id,
        input,
        Form::Dispense,
        "#dispensings",
        move |a, (vial, ind)| async move {
            svc.dispense_vial_for(a, now(), &vial, &pid, ind.as_deref())
                .await
        },
    )
    .await
}

/// POST /patients/{id}/administrations: the dose given from a vial dispensed for this patient.
pub async fn administer(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
    input: Input<Administer>,
) -> Response {
    let (svc, pid) = (st.service.clone(), id.clone());
    on_patient(
        &st,
        &v,
        &id,
        input,
        Form::Administer,
        "#administrations",
        move |a, new| async move { svc.record_administration_for(a, now(), &pid, new).await },
    )
    .await
}

/// POST /patients/{id}/adverse-events.
pub async fn adverse_event(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
    input: Input<ReportAdverseEvent>,
) -> Response {
    let (svc, pid) = (st.service.clone(), id.clone());
    on_patient(
        &st,
        &v,
        &id,
        input,
        Form::AdverseEvent,
        "#adverse-events",
        move |a, new| async move {
            let new = NewAdverseEvent {
                patient: pid.clone(),
                ..new
            };
            svc.report_adverse_event(a, now(), new).await
        },
    )
    .await
}

/// POST /patients/{id}/outcomes: one scale's value at a visit.
pub async fn outcome(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
    input: Input<RecordOutcome>,
) -> Response {
    let (svc, pid) = (st.service.clone(), id.clone());
    on_patient(
        &st,
        &v,
        &id,
        input,
        Form::Outcome,
        "#outcomes",
        move |a, new| async move {
            let new = NewOutcome {
                patient: pid.clone(),
                ..new
            };
            svc.record_outcome(a, now(), new).await
        },
    )
    .await
}

/// Runs one form of a patient's page: the input's command to `op` (the use case), then the
/// patient's page at `anchor`, or the page again with the refusal next to its fields.
pub(super) async fn on_patient<'a, T: Action, R, Fut>(
    st: &AppState,
    v: &'a Viewer,
    id: &str,
    input: Input<T>,
    form: Form,
    anchor: &str,
    op: impl FnOnce(&'a Actor, T::Command) -> Fut,
) -> Response
where
    Fut: std::future::Future<Output = Result<R, ServiceError>>,
{
    let Some(a) = v.session.as_ref().map(|s| &s.actor) else {
        return see_other("/login");
    };
    let res = match input.command(v) {
        Ok(cmd) => op(a, cmd).await.map_err(Refusal::from),
        Err(r) => Err(r),
    };
    answer(st, v, id, input.fields, form, res, anchor).await
}

//! Patient pages: the list (optionally of one indication) with the registration form (患者登録), and
//! a patient's record with the dispensing box — one text field that takes a scanned barcode or a
//! typed vial id / DIN, focused on load — and the dose, adverse-event and outcome forms. A refused
//! form is shown again with what was typed and the reason next to its field or above the form.

use super::text::ERRORS;
use crate::manufacture::support::{
    Fields, Refusal, actor, localise, page_error, path, render, see_other,
};
use crate::{AppState, auth::Viewer, auth::now, ctx::PageCtx, forms::FieldErrors, i18n::Lang};
use askama::Template;
use axum::{
    Extension,
    body::Bytes,
    extract::{Path, Query, State},
    http::StatusCode,
    response::Response,
};
use secretome_domain::{
    Role, UtcTime,
    clinical::{AeOutcome, Indication, Route, Scale, Sex},
};
use secretome_service::{
    NewAdministration, NewAdverseEvent, NewOutcome, NewPatient,
    clinical_queries::{PatientDetail, PatientSummary},
};
use std::collections::BTreeMap;

#[derive(Template)]
#[template(path = "clinical/patients.html")]
struct ListPage {
    c: PageCtx,
    rows: Vec<PatientSummary>,
    /// The indication the list is filtered on (empty: all).
    filter: String,
    can_write: bool,
    f: Fields,
    e: FieldErrors,
}

#[derive(Template)]
#[template(path = "clinical/patient.html")]
struct ShowPage {
    c: PageCtx,
    d: PatientDetail,
    can_write: bool,
    f: Fields,
    /// Errors of the dispensing, dose, adverse-event and outcome forms (only the refused one).
    e_dsp: FieldErrors,
    e_adm: FieldErrors,
    e_ae: FieldErrors,
    e_oc: FieldErrors,
}

/// A label in the page's language.
pub fn label(lang: Lang, ja: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Ja => ja,
        Lang::En => en,
    }
}

/// A refusal's errors in the viewer's language: the clinical messages first, then the shared ones.
pub fn errors(r: &Refusal, lang: Lang) -> FieldErrors {
    let raw = r.errors(Lang::En);
    if lang == Lang::En {
        return raw;
    }
    FieldErrors(
        raw.0
            .into_iter()
            .map(|(k, m)| {
                let ja = match ERRORS.iter().find(|(part, _)| m.contains(part)) {
                    Some((_, key)) => format!("{} ({m})", lang.t(key)),
                    None => localise(lang, &m),
                };
                (k, ja)
            })
            .collect(),
    )
}

fn physician(v: &Viewer) -> bool {
    v.has_any(&[Role::Physician])
}

impl ListPage {
    fn indications(&self) -> &'static [Indication] {
        Indication::ALL
    }
    fn sexes(&self) -> &'static [Sex] {
        Sex::ALL
    }
    fn ind(&self, i: &Indication) -> &'static str {
        label(self.c.lang, i.label_ja(), i.label_en())
    }
    fn sex(&self, s: &Sex) -> &'static str {
        label(self.c.lang, s.label_ja(), s.label_en())
    }
    fn href(&self, id: &str) -> String {
        path("/patients/", id, "")
    }
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
            .filter(|x| !x.administered)
            .map(|x| x.dispensing.vial.as_str())
            .collect()
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

async fn list_page(
    st: &AppState,
    v: &Viewer,
    filter: String,
    f: Fields,
    e: FieldErrors,
    s: StatusCode,
) -> Response {
    let only = Some(filter.as_str()).filter(|i| !i.is_empty());
    match st.service.list_patients(only).await {
        Ok(rows) => render(
            s,
            &ListPage {
                c: PageCtx::new(v, "/patients"),
                rows,
                filter,
                can_write: physician(v),
                f,
                e,
            },
        ),
        Err(err) => page_error(v, err),
    }
}

pub async fn list(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Query(q): Query<BTreeMap<String, String>>,
) -> Response {
    let filter = q.get("indication").cloned().unwrap_or_default();
    let f = Fields::default()
        .with("sex", "unknown")
        .with("indication", "stroke");
    list_page(&st, &v, filter, f, FieldErrors::default(), StatusCode::OK).await
}

/// POST /patients: registers a patient, then to their page.
pub async fn register(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    body: Bytes,
) -> Response {
    let f = Fields::parse(&body);
    let Some(a) = actor(&v) else {
        return see_other("/login");
    };
    let res = async {
        let new = NewPatient {
            id: f.text("id"),
            site: f.text("site"),
            birth_year: f.integer("birth_year")?,
            sex: f.text("sex"),
            indication: f.text("indication"),
            physician: Some(f.text("physician")).filter(|p| !p.is_empty()),
        };
        let refs = [
            ("site", new.site.clone()),
            ("physician", f.text("physician")),
        ];
        st.service
            .register_patient(&a, now(), new)
            .await
            .map_err(|e| {
                let refs: Vec<(&str, &str)> = refs.iter().map(|(k, v)| (*k, v.as_str())).collect();
                Refusal::service(e, &refs)
            })
    }
    .await;
    match res {
        Ok(p) => see_other(&path("/patients/", p.id.as_str(), "")),
        Err(r) => {
            let e = errors(&r, v.lang);
            list_page(&st, &v, String::new(), f, e, r.status()).await
        }
    }
}

/// Which form of the patient page a refusal belongs to.
#[derive(Clone, Copy)]
enum Form {
    None,
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
    e: FieldErrors,
    s: StatusCode,
) -> Response {
    let d = match st.service.patient_detail(id).await {
        Ok(d) => d,
        Err(err) => return page_error(v, err),
    };
    let pick = |which: fn(Form) -> bool| {
        if which(form) {
            e.clone()
        } else {
            FieldErrors::default()
        }
    };
    render(
        s,
        &ShowPage {
            c: PageCtx::new(v, &path("/patients/", id, "")),
            can_write: physician(v),
            f,
            e_dsp: pick(|f| matches!(f, Form::Dispense)),
            e_adm: pick(|f| matches!(f, Form::Administer)),
            e_ae: pick(|f| matches!(f, Form::AdverseEvent)),
            e_oc: pick(|f| matches!(f, Form::Outcome)),
            d,
        },
    )
}

/// The blank forms: dose route by indication, no adverse event ticked as serious.
fn blank() -> Fields {
    Fields::default()
        .with("route", "iv_drip")
        .with("grade", "1")
        .with("outcome", "recovering")
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
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await
}

/// Runs one form's use case: 303 back to the patient's page, or the page again with the refusal.
async fn answer<T>(
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

fn zone(v: &Viewer) -> String {
    PageCtx::new(v, "").zone_name
}

/// POST /patients/{id}/dispense: the scanned or typed vial.
pub async fn dispense(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let f = Fields::parse(&body);
    let Some(a) = actor(&v) else {
        return see_other("/login");
    };
    let res = async {
        let typed = f.text("vial");
        if typed.is_empty() {
            return Err(Refusal::bad(FieldErrors::one("vial", "must not be empty")));
        }
        Ok(st.service.dispense_vial(&a, now(), &typed, &id).await?)
    }
    .await;
    answer(&st, &v, &id, f, Form::Dispense, res, "#dispensings").await
}

/// POST /patients/{id}/administrations: the dose given from a vial dispensed for this patient.
pub async fn administer(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let f = Fields::parse(&body);
    let Some(a) = actor(&v) else {
        return see_other("/login");
    };
    let t = now();
    let res = async {
        let new = NewAdministration {
            vial: f.text("given_vial"),
            route: f.text("route"),
            dose_ml: f.number("dose_ml")?,
            administered_at: f.time("administered_at", &zone(&v), t)?,
        };
        Ok(st
            .service
            .record_administration_for(&a, t, &id, new)
            .await?)
    }
    .await;
    answer(&st, &v, &id, f, Form::Administer, res, "#administrations").await
}

/// POST /patients/{id}/adverse-events.
pub async fn adverse_event(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let f = Fields::parse(&body);
    let Some(a) = actor(&v) else {
        return see_other("/login");
    };
    let t = now();
    let res = async {
        let new = NewAdverseEvent {
            patient: id.clone(),
            administration: Some(f.text("administration")).filter(|s| !s.is_empty()),
            term: f.text("term"),
            grade: f.integer("grade")?,
            serious: f.is("serious", "on"),
            onset_at: f.time("onset_at", &zone(&v), t)?,
            outcome: f.text("outcome"),
        };
        Ok(st.service.report_adverse_event(&a, t, new).await?)
    }
    .await;
    answer(&st, &v, &id, f, Form::AdverseEvent, res, "#adverse-events").await
}

/// POST /patients/{id}/outcomes: one scale's value at a visit.
pub async fn outcome(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let f = Fields::parse(&body);
    let Some(a) = actor(&v) else {
        return see_other("/login");
    };
    let t = now();
    let res = async {
        let new = NewOutcome {
            patient: id.clone(),
            scale: f.text("scale"),
            value: f.text("value"),
            visit_at: f.time("visit_at", &zone(&v), t)?,
        };
        Ok(st.service.record_outcome(&a, t, new).await?)
    }
    .await;
    answer(&st, &v, &id, f, Form::Outcome, res, "#outcomes").await
}

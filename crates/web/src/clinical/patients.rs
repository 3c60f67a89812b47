//! The patient list (optionally of one indication) with the registration form (患者登録), and what
//! the clinical pages share: labels in the page's language, refusals in Japanese or English, and
//! who may write. A refused form is shown again with what was typed and the reason.

use super::inputs::RegisterPatient;
use crate::kit::{
    Errors, Fields, Input, Refusal, fail, page as render, path, scan_message, see_other, signed_in,
};
use crate::paging::Pager;
use crate::{AppState, auth::Viewer, auth::now, ctx::PageCtx, i18n::Lang};
use askama::Template;
use axum::{
    Extension,
    extract::{Query, State},
    http::StatusCode,
    response::Response,
};
use secretome_domain::Capability;
use secretome_domain::{
    DomainError,
    clinical::{Indication, Sex},
};
use secretome_service::ServiceError;
use secretome_service::{PatientFilter, clinical_queries::PatientSummary};
use std::collections::BTreeMap;

#[derive(Template)]
#[template(path = "clinical/patients.html")]
struct ListPage {
    c: PageCtx,
    rows: Vec<PatientSummary>,
    /// The indication the list is filtered on (empty: all).
    filter: String,
    /// Site and pseudonym-prefix filters as typed.
    site: String,
    pseudonym: String,
    pager: Pager,
    can_write: bool,
    f: Fields,
    e: Errors,
}

/// A label in the page's language.
pub fn label(lang: Lang, ja: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Ja => ja,
        Lang::En => en,
    }
}

/// A refusal's errors in the viewer's language: the clinical messages first, then the shared ones.
pub fn errors(r: &Refusal, lang: Lang) -> Errors {
    if let Refusal::Service(ServiceError::Scan(e)) = r {
        return Errors::one("vial", &scan_message(lang, e));
    }
    if let Refusal::Service(ServiceError::Domain(DomainError::NoConsent { indication, .. })) = r {
        let ind =
            Indication::parse(indication).map_or("", |i| label(lang, i.label_ja(), i.label_en()));
        return Errors::one(
            "indication",
            &format!("{ind}: {}", lang.t("cl.err.no_consent")),
        );
    }
    // A field's `Why` or a coded refusal (`messages.rs`), in `lang`.
    r.errors(lang)
}

pub fn physician(v: &Viewer) -> bool {
    v.can(Capability::Treat)
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

async fn list_page(
    st: &AppState,
    v: &Viewer,
    filter: PatientFilter,
    cursor: Option<&str>,
    f: Fields,
    e: Errors,
    s: StatusCode,
) -> Response {
    let a = crate::kit::tri!(crate::kit::actor(v));
    let page = match st
        .service
        .patients_page_for(&a, &filter, cursor, None)
        .await
    {
        Ok(p) => p,
        Err(err) => return fail(v, err),
    };
    let names = st
        .service
        .names(page.rows.iter().map(|r| r.patient.physician.to_string()))
        .await;
    match names {
        Ok(names) => render(
            s,
            &ListPage {
                c: PageCtx::new(v, "/patients").with_names(names),
                pager: Pager::new(
                    "/patients",
                    &[
                        ("indication", filter.indication.as_deref()),
                        ("site", filter.site.as_deref()),
                        ("pseudonym", filter.pseudonym.as_deref()),
                    ],
                    &page,
                ),
                rows: page.rows,
                filter: filter.indication.unwrap_or_default(),
                site: filter.site.unwrap_or_default(),
                pseudonym: filter.pseudonym.unwrap_or_default(),
                can_write: physician(v),
                f,
                e,
            },
        ),
        Err(err) => fail(v, err),
    }
}

pub async fn list(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Query(q): Query<BTreeMap<String, String>>,
) -> Response {
    let filter = PatientFilter {
        indication: q.get("indication").cloned(),
        site: q.get("site").cloned(),
        pseudonym: q.get("pseudonym").cloned(),
    };
    let start = filter
        .indication
        .as_deref()
        .filter(|i| Indication::parse(i).is_ok())
        .unwrap_or("stroke")
        .to_string();
    let f = Fields::default()
        .with("sex", "unknown")
        .with("indication", &start);
    let cursor = q
        .get("cursor")
        .map(String::as_str)
        .filter(|c| !c.is_empty());
    list_page(
        &st,
        &v,
        filter,
        cursor,
        f,
        Errors::default(),
        StatusCode::OK,
    )
    .await
}

/// POST /patients: registers a patient, then to their page.
pub async fn register(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    input: Input<RegisterPatient>,
) -> Response {
    let f = input.fields.clone();
    let Some(a) = signed_in(&v) else {
        return see_other("/login");
    };
    let res = async {
        let new = input.command(&v)?;
        let refs = [
            ("site", new.site.clone()),
            ("physician", new.physician.clone().unwrap_or_default()),
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
            let all = PatientFilter::default();
            list_page(&st, &v, all, None, f, e, r.status()).await
        }
    }
}

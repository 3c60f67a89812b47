//! Donor pages: the donor list with registration (ドナー登録), a donor's page with the
//! infectious-disease screen (適格性判定), tissue collections (組織採取) and master cell banks.

use super::support::{Fields, Refusal, actor, page_error, path, render, see_other};
use crate::{AppState, auth::Viewer, auth::now, ctx::PageCtx, forms::FieldErrors};
use askama::Template;
use axum::{
    Extension,
    body::Bytes,
    extract::{Path, State},
    http::StatusCode,
    response::Response,
};
use secretome_domain::{
    Role,
    donor::{Marker, ScreenOutcome, ScreenResult, TissueSource},
};
use secretome_service::{
    NewBank, NewTissue,
    manufacture_queries::{DonorDetail, DonorSummary},
};

/// The screen's markers as (form field, marker).
pub const MARKERS: [(&str, Marker); 6] = [
    ("hbv", Marker::Hbv),
    ("hcv", Marker::Hcv),
    ("hiv", Marker::Hiv),
    ("htlv1", Marker::Htlv1),
    ("syphilis", Marker::Syphilis),
    ("parvovirus_b19", Marker::ParvovirusB19),
];

pub const OUTCOMES: [(&str, ScreenOutcome); 3] = [
    ("negative", ScreenOutcome::Negative),
    ("positive", ScreenOutcome::Positive),
    ("indeterminate", ScreenOutcome::Indeterminate),
];

pub fn marker_key(m: &Marker) -> &'static str {
    MARKERS
        .iter()
        .find(|(_, x)| x == m)
        .map(|(k, _)| *k)
        .unwrap_or("")
}

pub fn outcome_key(o: &ScreenOutcome) -> &'static str {
    OUTCOMES
        .iter()
        .find(|(_, x)| x == o)
        .map(|(k, _)| *k)
        .unwrap_or("")
}

pub fn sources() -> Vec<&'static str> {
    TissueSource::ALL.iter().map(|s| s.as_str()).collect()
}

#[derive(Template)]
#[template(path = "manufacture/donors.html")]
struct DonorsPage {
    c: PageCtx,
    rows: Vec<DonorSummary>,
    f: Fields,
    e: FieldErrors,
    can_write: bool,
    sources: Vec<&'static str>,
}

#[derive(Template)]
#[template(path = "manufacture/donor.html")]
struct DonorPage {
    c: PageCtx,
    d: DonorDetail,
    f: Fields,
    e: FieldErrors,
    can_write: bool,
}

fn operator(v: &Viewer) -> bool {
    v.has_any(&[Role::Operator])
}

async fn donors_page(
    st: &AppState,
    v: &Viewer,
    f: Fields,
    e: FieldErrors,
    status: StatusCode,
) -> Response {
    match st.service.list_donors().await {
        Ok(rows) => {
            let page = DonorsPage {
                c: PageCtx::new(v, "/donors"),
                rows,
                f,
                e,
                can_write: operator(v),
                sources: sources(),
            };
            render(status, &page)
        }
        Err(err) => page_error(v, err),
    }
}

async fn donor_page(
    st: &AppState,
    v: &Viewer,
    code: &str,
    f: Fields,
    e: FieldErrors,
    status: StatusCode,
) -> Response {
    match st.service.donor_detail(code).await {
        Ok(d) => {
            let page = DonorPage {
                c: PageCtx::new(v, &path("/donors/", code, "")),
                d,
                f,
                e,
                can_write: operator(v),
            };
            render(status, &page)
        }
        Err(err) => page_error(v, err),
    }
}

pub async fn list(State(st): State<AppState>, Extension(v): Extension<Viewer>) -> Response {
    donors_page(
        &st,
        &v,
        Fields::default().with("source", "adipose"),
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await
}

pub async fn show(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(code): Path<String>,
) -> Response {
    let f = Fields::default().with("amount_unit", "g");
    donor_page(&st, &v, &code, f, FieldErrors::default(), StatusCode::OK).await
}

/// POST /donors: registers a donor, then to the donor's page.
pub async fn register(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    body: Bytes,
) -> Response {
    let f = Fields::parse(&body);
    let Some(a) = actor(&v) else {
        return see_other("/login");
    };
    let zone = PageCtx::new(&v, "").zone_name;
    let t = now();
    let res = async {
        let consented_at = f.time("consented_at", &zone, t)?;
        let code = f.text("donor");
        st.service
            .register_donor(
                &a,
                t,
                &code,
                &f.text("source"),
                f.get("consent_form"),
                consented_at,
            )
            .await
            .map_err(|e| Refusal::service(e, &[("donor", &code)]))
    }
    .await;
    match res {
        Ok(d) => see_other(&path("/donors/", d.id.as_str(), "")),
        Err(r) => donors_page(&st, &v, f, r.errors(v.lang), r.status()).await,
    }
}

/// Reads the screening form: one outcome per marker, all required.
pub fn screen_results(f: &Fields) -> Result<Vec<ScreenResult>, Refusal> {
    let mut out = Vec::new();
    let mut errors = FieldErrors::default();
    for (field, marker) in MARKERS {
        match OUTCOMES.iter().find(|(k, _)| *k == f.get(field)) {
            Some((_, outcome)) => out.push(ScreenResult {
                marker,
                outcome: *outcome,
            }),
            None => {
                errors.0.insert(
                    field.to_string(),
                    "choose negative, positive or indeterminate".to_string(),
                );
            }
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(Refusal::bad(errors))
    }
}

/// POST /donors/{id}/screening: records the screen; the donor becomes eligible or ineligible.
pub async fn screening(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(code): Path<String>,
    body: Bytes,
) -> Response {
    let f = Fields::parse(&body);
    let Some(a) = actor(&v) else {
        return see_other("/login");
    };
    let res = async {
        let results = screen_results(&f)?;
        st.service
            .record_screening(&a, now(), &code, results)
            .await
            .map_err(|e| Refusal::service(e, &[]))
    }
    .await;
    match res {
        Ok(d) => see_other(&path("/donors/", d.id.as_str(), "")),
        Err(r) => donor_page(&st, &v, &code, f, r.errors(v.lang), r.status()).await,
    }
}

/// POST /donors/{id}/tissues: records a tissue collection from this donor.
pub async fn tissue(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(code): Path<String>,
    body: Bytes,
) -> Response {
    let f = Fields::parse(&body);
    let Some(a) = actor(&v) else {
        return see_other("/login");
    };
    let zone = PageCtx::new(&v, "").zone_name;
    let t = now();
    let res = async {
        let mut r = f.reader();
        let new = NewTissue {
            id: f.text("tissue"),
            donor: code.clone(),
            collected_at: r.time("collected_at", &zone, t),
            amount: r.number("amount"),
            amount_unit: f.text("amount_unit"),
        };
        r.done()?;
        let id = new.id.clone();
        st.service
            .collect_tissue(&a, t, new)
            .await
            .map_err(|e| Refusal::service(e, &[("tissue", &id)]))
    }
    .await;
    match res {
        Ok(_) => see_other(&path("/donors/", &code, "")),
        Err(r) => donor_page(&st, &v, &code, f, r.errors(v.lang), r.status()).await,
    }
}

/// Reads a cell-bank form (master or working).
pub fn new_bank(
    f: &Fields,
    from: String,
    working: bool,
    zone: &str,
    t: secretome_domain::UtcTime,
) -> Result<NewBank, Refusal> {
    let mut r = f.reader();
    let bank = NewBank {
        id: f.text("cell_bank"),
        from,
        working,
        passage: r.integer("passage"),
        population_doublings: r.number("population_doublings"),
        vials_frozen: r.integer("vials_frozen"),
        cells_per_vial: r.number("cells_per_vial"),
        banked_at: r.time("banked_at", zone, t),
    };
    r.done()?;
    Ok(bank)
}

/// POST /donors/{id}/banks: establishes a master cell bank from one of this donor's tissues.
pub async fn master_bank(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(code): Path<String>,
    body: Bytes,
) -> Response {
    let f = Fields::parse(&body);
    let Some(a) = actor(&v) else {
        return see_other("/login");
    };
    let zone = PageCtx::new(&v, "").zone_name;
    let t = now();
    let res = async {
        let tissue = f.text("from");
        let mine = st
            .service
            .donor_detail(&code)
            .await?
            .tissues
            .iter()
            .any(|x| x.id.as_str() == tissue);
        if !mine {
            return Err(Refusal::bad(FieldErrors::one(
                "from",
                "choose one of this donor's tissue collections",
            )));
        }
        let new = new_bank(&f, tissue.clone(), false, &zone, t)?;
        let id = new.id.clone();
        st.service
            .create_cell_bank(&a, t, new)
            .await
            .map_err(|e| Refusal::service(e, &[("cell_bank", &id), ("from", &tissue)]))
    }
    .await;
    match res {
        Ok(b) => see_other(&path("/banks/", b.id.as_str(), "")),
        Err(r) => donor_page(&st, &v, &code, f, r.errors(v.lang), r.status()).await,
    }
}

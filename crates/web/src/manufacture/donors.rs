//! Donor pages: the donor list with registration (ドナー登録), a donor's page with the
//! infectious-disease screen (適格性判定), tissue collections (組織採取) and master cell banks.

use super::inputs::{CollectTissue, CreateBank, RegisterDonor, Screening};
use crate::kit::{
    Errors, Fields, Input, Refusal, fail, page as render, path, see_other, signed_in,
};
use crate::paging::{PageParams, Pager};
use crate::{AppState, auth::Viewer, auth::now, ctx::PageCtx, forms::FieldErrors};
use askama::Template;
use axum::{
    Extension,
    extract::{Path, Query, State},
    http::StatusCode,
    response::Response,
};
use secretome_domain::Capability;
use secretome_domain::donor::{Marker, ScreenOutcome, TissueSource};
use secretome_service::{
    DonorFilter, NewBank, NewTissue,
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
    filter: DonorFilter,
    pager: Pager,
    f: Fields,
    e: Errors,
    can_write: bool,
    sources: Vec<&'static str>,
}

#[derive(Template)]
#[template(path = "manufacture/donor.html")]
struct DonorPage {
    c: PageCtx,
    d: DonorDetail,
    f: Fields,
    e: Errors,
    can_write: bool,
}

fn operator(v: &Viewer) -> bool {
    v.can(Capability::Produce)
}

/// The donor list at `filter` and `p` (a page of donors by code), with the registration form.
async fn donors_page(
    st: &AppState,
    v: &Viewer,
    (filter, p): (DonorFilter, PageParams),
    f: Fields,
    e: Errors,
    status: StatusCode,
) -> Response {
    match st.service.donors_page(&filter, p.cursor(), p.limit).await {
        Ok(page) => {
            let pager = Pager::new(
                "/donors",
                &[
                    ("status", filter.status.as_deref()),
                    ("source", filter.source.as_deref()),
                    ("code", filter.code.as_deref()),
                ],
                &page,
            );
            let page = DonorsPage {
                c: PageCtx::new(v, "/donors"),
                rows: page.rows,
                filter,
                pager,
                f,
                e,
                can_write: operator(v),
                sources: sources(),
            };
            render(status, &page)
        }
        Err(err) => fail(v, err),
    }
}

async fn donor_page(
    st: &AppState,
    v: &Viewer,
    code: &str,
    f: Fields,
    e: Errors,
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
        Err(err) => fail(v, err),
    }
}

/// GET /donors: donors by code, a page at a time, filtered by state, source and code prefix.
pub async fn list(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Query(filter): Query<DonorFilter>,
    Query(p): Query<PageParams>,
) -> Response {
    donors_page(
        &st,
        &v,
        (filter, p),
        Fields::default().with("source", "adipose"),
        Errors::default(),
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
    donor_page(&st, &v, &code, f, Errors::default(), StatusCode::OK).await
}

/// POST /donors: registers a donor, then to the donor's page.
pub async fn register(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    input: Input<RegisterDonor>,
) -> Response {
    let Some(a) = signed_in(&v) else {
        return see_other("/login");
    };
    let res = async {
        let d = input.command(&v)?;
        st.service
            .register_donor(
                &a,
                now(),
                &d.code,
                &d.source,
                &d.consent_form,
                d.consented_at,
            )
            .await
            .map_err(|e| Refusal::service(e, &[("donor", &d.code)]))
    }
    .await;
    match res {
        Ok(d) => see_other(&path("/donors/", d.id.as_str(), "")),
        Err(r) => {
            let first = Default::default();
            donors_page(&st, &v, first, input.fields, r.errors(v.lang), r.status()).await
        }
    }
}

/// POST /donors/{id}/screening: records the screen; the donor becomes eligible or ineligible.
pub async fn screening(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(code): Path<String>,
    input: Input<Screening>,
) -> Response {
    let Some(a) = signed_in(&v) else {
        return see_other("/login");
    };
    let res = async {
        let results = input.command(&v)?;
        st.service
            .record_screening(&a, now(), &code, results)
            .await
            .map_err(|e| Refusal::service(e, &[]))
    }
    .await;
    match res {
        Ok(d) => see_other(&path("/donors/", d.id.as_str(), "")),
        Err(r) => donor_page(&st, &v, &code, input.fields, r.errors(v.lang), r.status()).await,
    }
}

/// POST /donors/{id}/tissues: records a tissue collection from this donor.
pub async fn tissue(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(code): Path<String>,
    input: Input<CollectTissue>,
) -> Response {
    let Some(a) = signed_in(&v) else {
        return see_other("/login");
    };
    let res = async {
        let new = NewTissue {
            donor: code.clone(),
            ..input.command(&v)?
        };
        let id = new.id.clone();
        st.service
            .collect_tissue(&a, now(), new)
            .await
            .map_err(|e| Refusal::service(e, &[("tissue", &id)]))
    }
    .await;
    match res {
        Ok(_) => see_other(&path("/donors/", &code, "")),
        Err(r) => donor_page(&st, &v, &code, input.fields, r.errors(v.lang), r.status()).await,
    }
}

/// POST /donors/{id}/banks: establishes a master cell bank from one of this donor's tissues.
pub async fn master_bank(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(code): Path<String>,
    input: Input<CreateBank>,
) -> Response {
    let Some(a) = signed_in(&v) else {
        return see_other("/login");
    };
    let res = async {
        let new = NewBank {
            working: false,
            ..input.command(&v)?
        };
        let detail = st.service.donor_detail(&code).await?;
        if !detail.tissues.iter().any(|x| x.id.as_str() == new.from) {
            let why = secretome_domain::Why::NotFound(new.from.clone());
            return Err(Refusal::bad(FieldErrors::one("from", why)));
        }
        let (id, tissue) = (new.id.clone(), new.from.clone());
        st.service
            .create_cell_bank(&a, now(), new)
            .await
            .map_err(|e| Refusal::service(e, &[("cell_bank", &id), ("from", &tissue)]))
    }
    .await;
    match res {
        Ok(b) => see_other(&path("/banks/", b.id.as_str(), "")),
        Err(r) => donor_page(&st, &v, &code, input.fields, r.errors(v.lang), r.status()).await,
    }
}

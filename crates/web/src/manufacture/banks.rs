//! Cell-bank pages: a bank's page (its tissue and donor, the working banks made from a master bank,
//! the batches seeded from it) and establishing a working cell bank from a master bank.

use super::inputs::CreateBank;
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
use secretome_service::{NewBank, manufacture_queries::BankDetail};

#[derive(Template)]
#[template(path = "manufacture/bank.html")]
struct BankPage {
    c: PageCtx,
    d: BankDetail,
    f: Fields,
    e: Errors,
    can_write: bool,
}

async fn bank_page(
    st: &AppState,
    v: &Viewer,
    id: &str,
    f: Fields,
    e: Errors,
    status: StatusCode,
) -> Response {
    match st.service.bank_detail(id).await {
        Ok(d) => {
            let page = BankPage {
                c: PageCtx::new(v, &path("/banks/", id, "")),
                d,
                f,
                e,
                can_write: v.can(Capability::Produce),
            };
            render(status, &page)
        }
        Err(err) => fail(v, err),
    }
}

pub async fn show(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
) -> Response {
    bank_page(
        &st,
        &v,
        &id,
        Fields::default(),
        Errors::default(),
        StatusCode::OK,
    )
    .await
}

/// POST /banks/{id}/working: a working cell bank expanded from this master bank.
pub async fn working(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
    input: Input<CreateBank>,
) -> Response {
    let Some(a) = signed_in(&v) else {
        return see_other("/login");
    };
    let res = async {
        let new = NewBank {
            from: id.clone(),
            working: true,
            ..input.command(&v)?
        };
        let new_id = new.id.clone();
        st.service
            .create_cell_bank(&a, now(), new)
            .await
            .map_err(|e| Refusal::service(e, &[("cell_bank", &new_id)]))
    }
    .await;
    match res {
        Ok(b) => see_other(&path("/banks/", b.id.as_str(), "")),
        Err(r) => bank_page(&st, &v, &id, input.fields, r.errors(v.lang), r.status()).await,
    }
}

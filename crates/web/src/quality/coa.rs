//! The certificate of analysis (試験成績書) of a released lot: a printable HTML page in Japanese and
//! English (product, lot, specification version, every test with method, criterion, result with its
//! unit and verdict, and the electronic signatures with meaning, printed name and time); the PDF/A
//! certificate is made by the service (`Service::certificate_of_analysis`) and only passed on here.
//! Only released (or since recalled) lots have one; anything else is 409.

use crate::kit::{fail, page};
use crate::{AppState, auth::Viewer, ctx::PageCtx};
use askama::Template;
use axum::{
    Extension,
    extract::{Path, State},
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};
use secretome_domain::{DomainError, lot::Lot, lot::LotStatus};
use secretome_service::{LotQc, Service, ServiceError, batch_record::Signature};

/// What a certificate shows.
pub struct Coa {
    pub lot: Lot,
    pub qc: LotQc,
    pub sigs: Vec<Signature>,
    pub product_name: String,
    pub product_name_ja: String,
    pub storage: String,
}

impl Coa {
    pub async fn load(svc: &Service, lot: &str) -> Result<Coa, ServiceError> {
        let qc = svc.lot_qc(lot).await?;
        if !matches!(qc.lot.status, LotStatus::Released | LotStatus::Recalled) {
            return Err(DomainError::Rule(secretome_domain::Rule::CoaNotReleased {
                lot: lot.to_string(),
                status: qc.lot.status.as_str().to_string(),
            })
            .into());
        }
        let product = svc
            .products()
            .await?
            .into_iter()
            .find(|p| p.id.as_str() == qc.lot.product);
        let sigs = svc.lot_signatures(lot).await?;
        Ok(Coa {
            lot: qc.lot.clone(),
            product_name: product
                .as_ref()
                .map(|p| p.name.clone())
                .unwrap_or_else(|| qc.lot.product.clone()),
            product_name_ja: product
                .as_ref()
                .map(|p| p.name_ja.clone())
                .unwrap_or_else(|| qc.lot.product.clone()),
            storage: product
                .as_ref()
                .map(|p| format!("{} °C", p.storage_temperature_c))
                .unwrap_or_default(),
            qc,
            sigs,
        })
    }
}

#[derive(Template)]
#[template(path = "quality/coa.html")]
struct CoaPage {
    c: PageCtx,
    coa: Coa,
}

pub async fn html(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
) -> Response {
    let coa = match Coa::load(&st.service, &id).await {
        Ok(coa) => coa,
        Err(e) => return fail(&v, e),
    };
    match st.service.names(coa.qc.people()).await {
        Ok(names) => page(
            StatusCode::OK,
            &CoaPage {
                c: PageCtx::new(&v, &format!("/lots/{}/coa", crate::kit::seg(&id)))
                    .with_names(names),
                coa,
            },
        ),
        Err(e) => fail(&v, e),
    }
}

pub async fn pdf(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
) -> Response {
    match st
        .service
        .certificate_of_analysis(&id, crate::auth::now())
        .await
    {
        Ok(bytes) => {
            let name = format!(
                "inline; filename=\"CoA-{}.pdf\"",
                id.replace(|c: char| !c.is_ascii_alphanumeric() && c != '-', "_")
            );
            (
                [
                    (header::CONTENT_TYPE, "application/pdf".to_string()),
                    (header::CONTENT_DISPOSITION, name),
                ],
                bytes,
            )
                .into_response()
        }
        Err(e) => fail(&v, e),
    }
}

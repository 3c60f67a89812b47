//! The certificate of analysis (試験成績書) of a released lot: a printable HTML page in Japanese and
//! English (product, lot, specification version, every test with method, criterion, result with its
//! unit and verdict, and the electronic signatures with meaning, printed name and time) and the same
//! as PDF (`pdf.rs`). Only released (or since recalled) lots have one; anything else is 409.

use super::support::{fail, page};
use crate::{AppState, auth::Viewer, ctx::PageCtx};
use askama::Template;
use axum::{
    Extension,
    extract::{Path, State},
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};
use secretome_domain::{DomainError, UtcTime, lot::Lot, lot::LotStatus};
use secretome_service::{LotQc, Service, ServiceError, batch_record::Signature};

/// What a certificate shows.
pub struct Coa {
    pub lot: Lot,
    pub qc: LotQc,
    pub sigs: Vec<Signature>,
    pub product_name: String,
    pub product_name_ja: String,
    pub storage: String,
    pub site: String,
}

impl Coa {
    pub async fn load(svc: &Service, lot: &str) -> Result<Coa, ServiceError> {
        let qc = svc.lot_qc(lot).await?;
        if !matches!(qc.lot.status, LotStatus::Released | LotStatus::Recalled) {
            return Err(DomainError::Rule(format!(
                "lot {lot} is {}: a certificate of analysis is issued for released lots only",
                qc.lot.status.as_str()
            ))
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
            site: "secretome CPC".into(),
            qc,
            sigs,
        })
    }
    pub fn spec_label(&self) -> String {
        match &self.qc.specification {
            Some(s) => format!(
                "{} (version {}, effective {})",
                s.id,
                s.version,
                self.time(&s.effective_from)
            ),
            None => "-".into(),
        }
    }
    /// A time in UTC for the PDF (`2026-11-25 13:00 UTC`).
    pub fn time(&self, t: &Option<UtcTime>) -> String {
        t.as_ref()
            .map(|t| self.time_text(&t.to_string()))
            .unwrap_or_else(|| "-".into())
    }
    pub fn time_text(&self, s: &str) -> String {
        let short: String = s.chars().take(16).collect();
        format!("{} UTC", short.replace('T', " "))
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
    match Coa::load(&st.service, &id).await {
        Ok(coa) => page(
            StatusCode::OK,
            &CoaPage {
                c: PageCtx::new(&v, &format!("/lots/{}/coa", super::support::seg(&id))),
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
    match Coa::load(&st.service, &id).await {
        Ok(coa) => {
            let bytes = super::pdf::render(&coa);
            let name = format!("inline; filename=\"CoA-{}.pdf\"", coa.lot.id);
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

//! Vial labels (ラベル): the label data of one vial — product names, ISBT 128 DIN and product code,
//! lot, volume, storage temperature, expiry — read from its records, and the label rendered by
//! `secretome-label` as SVG (screen) or PDF/A (label printer, through `secretome-document`). A vial
//! filled before the facility's FIN was configured has no DIN: it is refused with that reason,
//! never given a blank label. A label is made only for a vial that is or was fit for use
//! (available, dispensed, administered): one in quarantine (not yet released), recalled,
//! destroyed or expired — by its state or by its expiry time having passed — is refused with the
//! reason, so no ordinary label can be printed for it.

use crate::{Service, ServiceError};
use secretome_domain::{
    DomainError, UtcTime,
    isbt::{Din, ProductCode},
    lot::Lot,
    qc::Product,
    site::SETTING_LANGUAGE,
    vial::{Vial, VialStatus},
};
use secretome_label::{LabelData, LabelError, LabelLanguage, render_pdf, render_svg};

/// The zone the expiry date on a label is in (labels are shared by every reader; the demo
/// facility and the default site are in Tokyo).
const LABEL_ZONE: &str = "Asia/Tokyo";

impl Service {
    /// The label data of a vial, found by its id or its DIN (eye-readable or scanned).
    pub async fn vial_label(&self, vial: &str, now: UtcTime) -> Result<LabelData, ServiceError> {
        let v = find_vial(self, vial).await?;
        let lot: Lot =
            self.store
                .fetch(v.lot.as_str())
                .await?
                .ok_or_else(|| ServiceError::NotFound {
                    what: "lot",
                    id: v.lot.to_string(),
                })?;
        let product: Option<Product> = self.store.fetch(&lot.product).await?;
        let mut label = label_data(&v, &lot, product.as_ref(), now)?;
        // Printed in the facility's language: English only where the facility chose English
        // (Japanese indications otherwise, as a Japanese facility's labels carry).
        if self.setting(SETTING_LANGUAGE).await?.as_deref() == Some("en") {
            label.language = LabelLanguage::English;
        }
        Ok(label)
    }

    /// The vial's label as a standalone SVG document (50 × 30 mm).
    pub async fn vial_label_svg(&self, vial: &str, now: UtcTime) -> Result<String, ServiceError> {
        render_svg(&self.vial_label(vial, now).await?).map_err(label_error)
    }

    /// The vial's label as a one-page PDF/A (50 × 30 mm) for a label printer, made at `now`.
    pub async fn vial_label_pdf(&self, vial: &str, now: UtcTime) -> Result<Vec<u8>, ServiceError> {
        render_pdf(&self.vial_label(vial, now).await?, now.timestamp()).map_err(label_error)
    }
}

/// A label-rendering refusal as a service error (the field it names kept).
fn label_error(e: LabelError) -> ServiceError {
    match e {
        LabelError::Invalid { field, message } => DomainError::invalid(field, message).into(),
        LabelError::Isbt(e) => DomainError::from(e).into(),
        LabelError::Document(e) => crate::documents::document_error(e),
        other => DomainError::Rule(secretome_domain::Rule::LabelFailed {
            detail: other.to_string(),
        })
        .into(),
    }
}

/// What the label of `v` shows. Refused, saying why, for a vial without a DIN or product code,
/// or whose product is not in the product master.
///
/// The printed expiry is a date, and ISBT 128 reads a date as "usable to the end of that day";
/// so the date printed is the last day that ends before the vial's expiry time (in the
/// facility's zone): a label never promises more than the record allows.
pub(crate) fn label_data(
    v: &Vial,
    lot: &Lot,
    product: Option<&Product>,
    now: UtcTime,
) -> Result<LabelData, ServiceError> {
    use secretome_domain::Rule;
    let refuse = |why: Rule| ServiceError::from(DomainError::Rule(why));
    let state = match v.status {
        VialStatus::Available | VialStatus::Dispensed | VialStatus::Administered => None,
        VialStatus::Quarantine => Some(("出荷判定待ち", "in quarantine (not released)")),
        VialStatus::Recalled => Some(("回収", "recalled")),
        VialStatus::Destroyed => Some(("廃棄", "destroyed")),
        VialStatus::Expired => Some(("期限切れ", "expired")),
    };
    let state = state.or_else(|| (v.expires_at <= now).then_some(("期限切れ", "expired")));
    if let Some((ja, en)) = state {
        return Err(refuse(Rule::NoLabelInState {
            vial: v.id.to_string(),
            state_en: en.to_string(),
            state_ja: ja.to_string(),
        }));
    }
    let din = v.din.as_deref().ok_or_else(|| {
        refuse(Rule::VialWithoutDin {
            vial: v.id.to_string(),
        })
    })?;
    let code = v.product_code.as_deref().ok_or_else(|| {
        refuse(Rule::VialWithoutProductCode {
            vial: v.id.to_string(),
        })
    })?;
    let product = product.ok_or_else(|| {
        refuse(Rule::ProductNotInMaster {
            product: lot.product.to_string(),
            lot: lot.id.to_string(),
        })
    })?;
    let tz = jiff::tz::TimeZone::get(LABEL_ZONE)
        .unwrap_or_else(|_| jiff::tz::TimeZone::fixed(jiff::tz::offset(9)));
    let expiry = v
        .expires_at
        .timestamp()
        .to_zoned_datetime(tz)
        .date()
        .yesterday()
        .map_err(|e| ServiceError::Internal(format!("vial {} expiry out of range: {e}", v.id)))?;
    let storage = product.storage_temperature_c.round();
    if !(f64::from(i16::MIN)..=f64::from(i16::MAX)).contains(&storage) {
        return Err(DomainError::invalid(
            "storage_temperature_c",
            secretome_domain::Why::said(
                format!("{storage} °C cannot be printed"),
                format!("その保管温度はラベルに印刷できません ({storage} °C)"),
            ),
        )
        .into());
    }
    Ok(LabelData {
        language: LabelLanguage::Japanese,
        product_name_en: product.name.clone(),
        product_name_ja: Some(product.name_ja.clone()).filter(|n| !n.trim().is_empty()),
        din: Din::parse(din).map_err(DomainError::from)?,
        product_code: ProductCode::parse(code).map_err(DomainError::from)?,
        lot: lot.id.clone(),
        volume_ml: v.fill_volume_ml,
        storage_max_celsius: storage as i16,
        expiry,
        vial: v.id.clone(),
    })
}

/// The vial someone typed or scanned: its id, or its DIN (13 or 14 characters eye-readable, or
/// the barcode data `=…`). A read: no transaction is held.
pub(crate) async fn find_vial(svc: &Service, typed: &str) -> Result<Vial, ServiceError> {
    crate::clinical::find_vial_in(crate::clinical::VialRows::Store(svc.store()), typed).await
}

//! Read models of shipments (issue 16) for the pages and the API: a page of shipments, newest
//! packed first, filtered by state, destination, vial or lot (the last two through the
//! `shipment_item` rows, never by reading every shipment); and one shipment with its vials and
//! the storage temperature of their products (the limits its temperature plot shows).

use crate::{Service, ServiceError};
use secretome_domain::{
    DomainError,
    lot::Lot,
    qc::Product,
    shipment::{Shipment, ShipmentItem, ShipmentStatus},
    vial::Vial,
};
use secretome_store::{Cond, Page, PageQuery, Table, query::MAX_ROWS};
use serde::{Deserialize, Serialize};

/// The shipment list's filters (`?status=&site=&vial=&lot=`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct ShipmentFilter {
    pub status: Option<String>,
    /// Destination site.
    pub site: Option<String>,
    /// Shipments that carried this vial.
    pub vial: Option<String>,
    /// Shipments that carried a vial of this lot.
    pub lot: Option<String>,
}

/// A product among a shipment's vials and its storage temperature (°C).
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct ProductLimit {
    pub product: String,
    pub name: String,
    pub name_ja: String,
    pub storage_c: f64,
}

/// One shipment as its page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct ShipmentDetail {
    pub shipment: Shipment,
    /// Its vials as they are now, in packing order.
    pub vials: Vec<Vial>,
    pub products: Vec<ProductLimit>,
}

fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

impl Service {
    /// A page of shipments, newest packed first (default 50 rows, at most 200).
    pub async fn shipments_page(
        &self,
        filter: &ShipmentFilter,
        cursor: Option<&str>,
        n: Option<usize>,
    ) -> Result<Page<Shipment>, ServiceError> {
        let mut q = PageQuery::newest("packed_at", n.unwrap_or(50).clamp(1, 200)).at(cursor);
        if let Some(s) = given(&filter.status) {
            q.conds.push(Cond::Eq(
                "status",
                ShipmentStatus::parse(s)?.as_str().into(),
            ));
        }
        if let Some(s) = given(&filter.site) {
            q.conds.push(Cond::Eq("to_site", s.to_string()));
        }
        let item_conds = match (given(&filter.vial), given(&filter.lot)) {
            (Some(v), _) => Some(vec![Cond::Eq("vial", v.to_string())]),
            (None, Some(l)) => Some(vec![Cond::InSelect {
                column: "vial",
                table: Table::Vial,
                conds: vec![Cond::Eq("lot", l.to_string())],
            }]),
            (None, None) => None,
        };
        if let Some(conds) = item_conds {
            let mut iq = PageQuery::newest("packed_at", MAX_ROWS);
            iq.conds = conds;
            let mut ids: Vec<String> = self
                .store()
                .page_of::<ShipmentItem>(&iq)
                .await?
                .rows
                .into_iter()
                .map(|i| i.shipment)
                .collect();
            ids.sort();
            ids.dedup();
            q.conds.push(Cond::In("id", ids));
        }
        Ok(self.store().page_of::<Shipment>(&q).await?)
    }

    /// A shipment with its vials and their products' storage temperatures.
    pub async fn shipment_detail(&self, id: &str) -> Result<ShipmentDetail, ServiceError> {
        let shipment = self.shipment(id).await?;
        let ids: Vec<String> = shipment.vials.iter().map(|v| v.to_string()).collect();
        let mut vials = Vec::with_capacity(ids.len());
        for s in self.store().get_many(Table::Vial, &ids).await? {
            vials.push(s.to_record::<Vial>()?);
        }
        vials.sort_by_key(|v| ids.iter().position(|i| i == v.id.as_str()));
        let mut products: Vec<ProductLimit> = Vec::new();
        let mut lots: Vec<&str> = vials.iter().map(|v| v.lot.as_str()).collect();
        lots.sort();
        lots.dedup();
        for lot in lots {
            let lot = self.store().fetch::<Lot>(lot).await?.ok_or_else(|| {
                DomainError::invalid(
                    "lot",
                    secretome_domain::Why::said(
                        format!("lot {lot} is missing"),
                        format!("ロット {lot} が見つかりません"),
                    ),
                )
            })?;
            if products.iter().any(|p| p.product == lot.product) {
                continue;
            }
            if let Some(p) = self.store().fetch::<Product>(&lot.product).await? {
                products.push(ProductLimit {
                    product: p.id.to_string(),
                    name: p.name,
                    name_ja: p.name_ja,
                    storage_c: p.storage_temperature_c,
                });
            }
        }
        Ok(ShipmentDetail {
            shipment,
            vials,
            products,
        })
    }
}

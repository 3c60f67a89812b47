//! secretome's use cases: one function per user action. Each takes the acting user and the time,
//! checks the role, applies the domain's rules and writes through the store in one transaction
//! (with its audit events). The web application and the CLI both call these; neither touches the store.

mod admin;
pub mod admin_queries;
pub mod auth;
pub mod batch_record;
mod clinical;
pub mod clinical_queries;
mod clinical_records;
pub mod demo;
pub mod documents;
mod error;
pub mod esign;
pub mod fhir;
pub mod generate;
mod inventory;
pub mod inventory_queries;
mod labels;
mod lots;
mod manufacture;
pub mod manufacture_queries;
pub mod planning;
mod qc;
mod queries;
pub mod recall;
pub mod trace;

pub use clinical::{NewAdministration, NewPatient};
pub use clinical_records::{NewAdverseEvent, NewOutcome};
pub use error::{ErrorKind, ServiceError};
pub use inventory::NewFreezer;
pub use lots::Placement;
pub use manufacture::{NewBank, NewBatch, NewMaterialLot, NewObservation, NewTissue};
pub use qc::{LotQc, NewProduct, NewResult, NewTest, ResultRow};
pub use queries::{LotDetail, LotSummary, Node};
pub use secretome_label::LabelData;

use secretome_domain::genealogy::{Edge, NodeKind, Relation};
use secretome_domain::{Actor, UtcTime, ids::UserName, site::User};
pub(crate) use secretome_store::AuditCtx;
use secretome_store::{Store, Tx, VerifyOutcome};
use std::sync::Arc;

/// The service layer over one store.
#[derive(Clone)]
pub struct Service {
    store: Arc<dyn Store>,
}

impl Service {
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self { store }
    }

    pub fn store(&self) -> &dyn Store {
        &*self.store
    }

    /// Resolves a sign-in name to an actor with the roles the user holds now; inactive users are refused.
    pub async fn actor(&self, user: &str) -> Result<Actor, ServiceError> {
        let id = UserName::new(user)?;
        let u: User =
            self.store
                .fetch(id.as_str())
                .await?
                .ok_or_else(|| ServiceError::NotFound {
                    what: "user",
                    id: user.to_string(),
                })?;
        if !u.active {
            return Err(ServiceError::Inactive(user.to_string()));
        }
        Ok(Actor::new(u.id, u.roles))
    }

    /// Re-walks the audit chain and checks every audited row against its latest event.
    pub async fn verify_audit(&self) -> Result<VerifyOutcome, ServiceError> {
        Ok(self.store.verify().await?)
    }
}

/// Records a genealogy edge parent → child inside the caller's transaction (once: an edge that
/// already exists, e.g. a second use of the same material lot by a batch, is left as it is).
pub(crate) async fn link(
    tx: &mut dyn Tx,
    parent: (NodeKind, &str),
    child: (NodeKind, &str),
    relation: Relation,
    quantity: Option<f64>,
    c: &AuditCtx,
) -> Result<(), ServiceError> {
    let e = Edge::new(parent, child, relation, quantity);
    if tx.get(secretome_store::Table::Edge, &e.id).await?.is_none() {
        tx.insert_record(&e, c).await?;
    }
    Ok(())
}

/// The audit context of one action.
pub(crate) fn ctx(actor: &Actor, now: UtcTime, action: &str, reason: Option<&str>) -> AuditCtx {
    AuditCtx {
        actor: actor.user.to_string(),
        at: now.to_string(),
        action: action.to_string(),
        reason: reason.map(str::to_string),
    }
}

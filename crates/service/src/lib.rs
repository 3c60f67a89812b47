//! secretome's use cases: one function per user action. Each takes the acting user and the time,
//! checks the role, applies the domain's rules and writes through the store in one transaction
//! (with its audit events). The web application and the CLI both call these; neither touches the store.

mod admin;
pub mod admin_queries;
pub mod ae_reports;
pub mod auth;
pub mod batch_record;
mod clinical;
mod clinical_care;
pub mod clinical_queries;
mod clinical_records;
pub mod clinical_returns;
pub mod demo;
pub mod documents;
mod error;
pub mod esign;
pub mod facility;
pub mod fhir;
mod fhir_events;
pub mod generate;
mod hashing;
pub mod idempotency;
mod inventory;
pub mod inventory_queries;
mod labels;
mod lots;
mod manufacture;
pub mod manufacture_pages;
pub mod manufacture_queries;
pub mod mbr;
pub mod names;
pub mod paging;
pub mod planning;
pub mod plates;
mod qc;
mod queries;
pub mod recall;
pub mod scan;
pub mod shipment_queries;
mod shipments;
pub mod throttle;
pub mod trace;
pub mod visibility;

pub use clinical::{NewAdministration, NewPatient};
pub use clinical_care::NewConsent;
pub use clinical_records::{NewAdverseEvent, NewOutcome};
pub use error::{ErrorKind, ServiceError};
pub use inventory::NewFreezer;
pub use lots::Placement;
pub use manufacture::{NewBank, NewBatch, NewMaterialLot, NewObservation, NewTissue};
pub use manufacture_pages::{BatchFilter, DonorFilter, HarvestFilter, MaterialFilter};
pub use paging::{LotFilter, PatientFilter, VialFilter};
pub use qc::{LotQc, NewProduct, NewResult, NewTest, ResultRow};
pub use queries::{LOT_VIALS, LotDetail, LotSummary, Node};
pub use secretome_label::LabelData;
pub use secretome_store::Page;
/// The storage failures a `ServiceError::Store` carries (typed: `Duplicate { table, id }` …).
pub use secretome_store::StoreError;
pub use shipment_queries::{ShipmentDetail, ShipmentFilter};
pub use shipments::NewShipment;

use secretome_domain::genealogy::{Edge, NodeKind, Relation};
use secretome_domain::{Actor, UtcTime, ids::UserName, site::User};
pub(crate) use secretome_store::AuditCtx;
use secretome_store::{Store, Tx, VerifyOutcome};
use std::sync::Arc;

/// The service layer over one store.
#[derive(Clone)]
pub struct Service {
    store: Arc<dyn Store>,
    /// Signed checkpoints of the audit chain, written at every release signature (if configured).
    checkpoints: Option<Arc<secretome_store::checkpoint::Checkpointer>>,
    hashing: auth::PasswordHashing,
    doors: Arc<Doors>,
    /// The planning page's state, kept until the audit chain moves (`planning_state`).
    planning: Arc<planning::PlanningCache>,
}

/// Sign-in state shared by clones of one `Service`: the throttle, the dummy hash that unknown names
/// are verified against, a count of verifications, and the password hashing threads.
#[derive(Default)]
struct Doors {
    throttle: throttle::Throttle,
    dummy: std::sync::OnceLock<String>,
    verifications: std::sync::atomic::AtomicU64,
    /// At most half the cores hash passwords at once (at least one), at a low priority: a burst
    /// of sign-ins queues there instead of taking the cores from the other requests. Started at
    /// the first hash.
    hashing: std::sync::OnceLock<hashing::HashingPool>,
}

impl Doors {
    fn hashing(&self) -> &hashing::HashingPool {
        self.hashing.get_or_init(|| {
            let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
            hashing::HashingPool::new(cores / 2)
        })
    }
}

impl Service {
    /// The service with production password hashing (`PasswordHashing::production`).
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self {
            store,
            checkpoints: None,
            hashing: auth::PasswordHashing::production(),
            doors: Arc::default(),
            planning: Arc::default(),
        }
    }

    /// Writes a signed checkpoint of the chain head after every release signature.
    pub fn with_checkpoints(mut self, c: Arc<secretome_store::checkpoint::Checkpointer>) -> Self {
        self.checkpoints = Some(c);
        self
    }

    /// Anchors the chain now (if checkpoints are configured). The decision is already committed,
    /// so a failure to write the checkpoint is logged, not returned: the next one covers it.
    pub(crate) async fn checkpoint(&self, now: UtcTime) {
        if let Some(c) = &self.checkpoints
            && let Err(e) = c.write(&now.to_string(), false).await
        {
            tracing::error!("audit checkpoint not written: {e}");
        }
    }

    /// The same service hashing new passwords under `hashing` (tests: `cheap_for_tests`).
    pub fn with_password_hashing(mut self, hashing: auth::PasswordHashing) -> Self {
        self.hashing = hashing;
        self.doors = Arc::default();
        self
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

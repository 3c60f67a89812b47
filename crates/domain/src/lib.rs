//! secretome's domain core: the entities of a cell processing facility, from donor to vial, their
//! identifiers (valid by construction), their state machines (DESIGN.md §3) and the rules between them.
//!
//! No IO, no async, no SQL, no clock: the time and the acting user are always parameters.

pub mod batch;
pub mod capability;
pub mod clinical;
pub mod culture;
pub mod donor;
pub mod error;
pub mod facility;
pub mod genealogy;
pub mod ids;
pub mod inventory;
pub mod isbt;
pub mod lot;
pub mod material;
pub mod mbr;
pub mod plausible;
pub mod processing;
pub mod qc;
pub mod quantity;
pub mod recall;
pub mod role;
pub mod rule;
pub mod shipment;
pub mod site;
pub mod time;
pub mod vial;
pub mod why;

pub use capability::Capability;
pub use error::{DomainError, Invalids, TransitionError};
pub use role::{Actor, Role};
pub use rule::Rule;
pub use time::UtcTime;
pub use why::Why;

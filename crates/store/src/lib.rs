//! secretome's storage: the `Store` trait the service layer writes through, its SQL implementation
//! for SQLite and PostgreSQL (one dialect, one migration source, both tested), and the hash-chained
//! audit trail that every write appends to in the same transaction.

pub mod audit;
pub mod canonical;
pub mod checkpoint;
pub mod decode;
pub mod error;
pub mod query;
pub mod records;
pub mod row;
pub mod schema;
pub mod sql;
pub mod store;
pub mod tally;
pub mod testing;

pub use audit::{
    Anchor, AuditCtx, AuditEvent, EventRef, FindingGroup, FindingKind, VerifyOptions,
    VerifyOutcome, VerifyReport,
};
pub use decode::RawRow;
pub use error::StoreError;
pub use query::{Aggregate, Cond, Cursor, Group, Page, PageQuery};
pub use records::Record;
pub use row::Snapshot;
pub use schema::Table;
pub use sql::SqlStore;
pub use store::{
    Answer, Backend, Direction, Filter, IdempotentRow, Read, SessionRow, Store, Tx, answers,
};
pub use tally::{Tally, TallyKind};

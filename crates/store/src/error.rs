//! Typed storage errors: what the database refused, named by table and key, plus tamper findings.

use thiserror::Error;

#[derive(Debug, Error)]
pub enum StoreError {
    #[error("{table} {id} not found")]
    NotFound { table: &'static str, id: String },
    #[error("{table} {id} already exists")]
    Duplicate { table: &'static str, id: String },
    #[error("{table}: a referenced record does not exist ({detail})")]
    Dangling { table: &'static str, detail: String },
    #[error("{table}: value refused by a database constraint ({detail})")]
    Constraint { table: &'static str, detail: String },
    #[error("{table}.{column}: {message}")]
    Invalid {
        table: &'static str,
        column: String,
        message: String,
    },
    #[error("a reason is required for {action}")]
    ReasonRequired { action: String },
    #[error("unsupported database URL {0:?} (expected sqlite://PATH or postgres://…)")]
    BadUrl(String),
    #[error("stored {table} {id} cannot be read: {detail}")]
    Corrupt {
        table: &'static str,
        id: String,
        detail: String,
    },
    #[error("migration {version} ({name}) failed: {source}")]
    Migration {
        version: i64,
        name: &'static str,
        source: sqlx::Error,
    },
    /// A write in this transaction failed, so it can only be rolled back: committing the rest could
    /// leave a row without its audit event or a gap in the chain.
    #[error("a write in this transaction failed earlier: it was rolled back, nothing was written")]
    Poisoned,
    /// A write through a read-only transaction (`Store::begin_read`): a bug, refused unsent.
    #[error("a read-only transaction cannot write")]
    ReadOnly,
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
}

impl StoreError {
    /// Classifies a database error raised while writing `table` row `id`.
    pub fn from_write(table: &'static str, id: &str, e: sqlx::Error) -> StoreError {
        use sqlx::error::ErrorKind;
        if let sqlx::Error::Database(db) = &e {
            let detail = db.message().to_string();
            return match db.kind() {
                ErrorKind::UniqueViolation => StoreError::Duplicate {
                    table,
                    id: id.to_string(),
                },
                ErrorKind::ForeignKeyViolation => StoreError::Dangling { table, detail },
                ErrorKind::CheckViolation | ErrorKind::NotNullViolation => {
                    StoreError::Constraint { table, detail }
                }
                _ => StoreError::Db(e),
            };
        }
        StoreError::Db(e)
    }
}

//! Idempotency keys: claim a key (insert it "in progress" unless it is there), record the answer,
//! or release the key when the request failed so that a retry runs again. One statement each,
//! the same on SQLite and PostgreSQL (`ON CONFLICT DO NOTHING` decides between two concurrent
//! claims: exactly one inserts).

use crate::{StoreError, store::IdempotentRow};
use sqlx::{AnyPool, Row};

pub(super) async fn claim(
    pool: &AnyPool,
    r: &IdempotentRow,
) -> Result<Option<IdempotentRow>, StoreError> {
    let inserted = sqlx::query(
        "INSERT INTO idempotency_key (id, user_id, request_hash, status, content_type, body, created_at) \
         VALUES ($1, $2, $3, 0, NULL, NULL, $4) ON CONFLICT (id) DO NOTHING",
    )
    .bind(r.id.clone())
    .bind(r.user_id.clone())
    .bind(r.request_hash.clone())
    .bind(r.created_at.clone())
    .execute(pool)
    .await?
    .rows_affected();
    if inserted == 1 {
        return Ok(None);
    }
    let row = sqlx::query(
        "SELECT id, user_id, request_hash, status, content_type, body, created_at \
         FROM idempotency_key WHERE id = $1",
    )
    .bind(r.id.clone())
    .fetch_optional(pool)
    .await?;
    row.map(|x| {
        Ok(IdempotentRow {
            id: x.try_get(0)?,
            user_id: x.try_get(1)?,
            request_hash: x.try_get(2)?,
            status: x.try_get(3)?,
            content_type: x.try_get(4)?,
            body: x.try_get(5)?,
            created_at: x.try_get(6)?,
        })
    })
    .transpose()
}

pub(super) async fn finish(
    pool: &AnyPool,
    id: &str,
    status: i64,
    content_type: Option<&str>,
    body: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE idempotency_key SET status = $1, content_type = $2, body = $3 WHERE id = $4",
    )
    .bind(status)
    .bind(content_type.map(str::to_string))
    .bind(body.to_string())
    .bind(id.to_string())
    .execute(pool)
    .await?;
    Ok(())
}

pub(super) async fn release(pool: &AnyPool, id: &str) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM idempotency_key WHERE id = $1 AND status = 0")
        .bind(id.to_string())
        .execute(pool)
        .await?;
    Ok(())
}

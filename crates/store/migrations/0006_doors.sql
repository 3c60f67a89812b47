-- Idempotency keys of API writes (issue 18): the first answer to a POST carrying an
-- `Idempotency-Key`, replayed to a retry with the same key. Technical state like web sessions, not
-- records: not audited (the write it answered is), and old keys may be purged.
-- `id` is the SHA-256 of the user and the key; `status` 0 while the first request runs.

CREATE TABLE idempotency_key (
    id TEXT NOT NULL PRIMARY KEY,
    user_id TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status BIGINT NOT NULL,
    content_type TEXT,
    body TEXT,
    created_at TEXT NOT NULL
);

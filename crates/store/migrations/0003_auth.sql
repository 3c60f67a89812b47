-- Sign-in: per-user preferences, credentials (audited; the hash appears in the trail only as a
-- digest) and web sessions (technical state, not records: not audited, deleted on sign-out/expiry).

ALTER TABLE app_user ADD COLUMN language TEXT;
ALTER TABLE app_user ADD COLUMN time_zone TEXT;

CREATE TABLE credential (
    id TEXT NOT NULL PRIMARY KEY REFERENCES app_user (id),
    password_hash TEXT NOT NULL,
    failed_attempts BIGINT NOT NULL CHECK (failed_attempts >= 0),
    locked_until TEXT,
    changed_at TEXT NOT NULL
);

CREATE TABLE web_session (
    id TEXT NOT NULL PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES app_user (id),
    csrf TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_seen TEXT NOT NULL
);

CREATE INDEX web_session_user ON web_session (user_id);

CREATE TABLE api_token (
    id TEXT NOT NULL PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('operator', 'qc', 'qa', 'physician', 'admin')),
    secret_hash TEXT NOT NULL,
    created_by TEXT NOT NULL REFERENCES app_user (id),
    created_at TEXT NOT NULL,
    revoked_at TEXT
);

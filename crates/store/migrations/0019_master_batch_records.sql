-- Issue 15: controlled documents (SOPs, master batch records) and their versions under change
-- control; a master's instructions (stages, steps, parameters and limits) are kept with the
-- version they belong to, as JSON, since an approved version never changes. Batches executed
-- against a fixed master version, their step records (values judged against the limits, second
-- person's verification) and the deviations a breach or a skipped step opens.

CREATE TABLE controlled_document (
    id TEXT NOT NULL PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('sop', 'master_batch_record')),
    title TEXT NOT NULL,
    title_ja TEXT NOT NULL,
    product TEXT REFERENCES product (id),
    cell_source TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL REFERENCES app_user (id)
);

CREATE TABLE document_version (
    id TEXT NOT NULL PRIMARY KEY,
    document TEXT NOT NULL REFERENCES controlled_document (id),
    version BIGINT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('draft', 'in_review', 'approved', 'effective', 'superseded')),
    change_reason TEXT NOT NULL,
    master TEXT,
    author TEXT NOT NULL REFERENCES app_user (id),
    created_at TEXT NOT NULL,
    submitted_at TEXT,
    approved_at TEXT,
    approved_by TEXT REFERENCES app_user (id),
    signature TEXT,
    effective_at TEXT,
    superseded_at TEXT,
    UNIQUE (document, version)
);
CREATE INDEX document_version_document ON document_version (document);

CREATE TABLE batch_execution (
    id TEXT NOT NULL PRIMARY KEY,
    batch TEXT NOT NULL UNIQUE REFERENCES culture_batch (id),
    master TEXT NOT NULL REFERENCES document_version (id),
    started_at TEXT NOT NULL,
    started_by TEXT NOT NULL REFERENCES app_user (id)
);

CREATE TABLE execution_step (
    id TEXT NOT NULL PRIMARY KEY,
    execution TEXT NOT NULL REFERENCES batch_execution (id),
    step TEXT NOT NULL,
    seq BIGINT NOT NULL,
    stage TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('awaiting_verification', 'complete', 'skipped')),
    entered TEXT NOT NULL,
    performed_at TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL REFERENCES app_user (id),
    verified_at TEXT,
    verified_by TEXT REFERENCES app_user (id),
    note TEXT
);
CREATE INDEX execution_step_execution ON execution_step (execution);

CREATE TABLE step_deviation (
    id TEXT NOT NULL PRIMARY KEY,
    execution TEXT NOT NULL REFERENCES batch_execution (id),
    step TEXT NOT NULL,
    parameter TEXT,
    description TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'assessed', 'approved', 'rejected')),
    opened_at TEXT NOT NULL,
    opened_by TEXT NOT NULL REFERENCES app_user (id),
    decided_at TEXT,
    decided_by TEXT REFERENCES app_user (id),
    decision_reason TEXT
);
CREATE INDEX step_deviation_execution ON step_deviation (execution);

-- secretome schema, version 2: quality control and assurance — products, versioned specifications,
-- test results and deviations — and the specification version a lot was filled under.
-- Same rules as 0001: only TEXT, BIGINT and DOUBLE PRECISION; JSON as TEXT; times as fixed-form UTC
-- TEXT; each statement ends with ';' at the end of a line.

CREATE TABLE product (
    id TEXT NOT NULL PRIMARY KEY,
    name TEXT NOT NULL,
    name_ja TEXT NOT NULL,
    shelf_life_days BIGINT NOT NULL CHECK (shelf_life_days > 0),
    storage_temperature_c DOUBLE PRECISION NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE specification (
    id TEXT NOT NULL PRIMARY KEY,
    product TEXT NOT NULL REFERENCES product (id),
    version BIGINT NOT NULL CHECK (version > 0),
    status TEXT NOT NULL CHECK (status IN ('draft', 'effective', 'superseded')),
    effective_from TEXT,
    superseded_at TEXT,
    tests TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (product, version)
);

CREATE TABLE test_result (
    id TEXT NOT NULL PRIMARY KEY,
    lot TEXT NOT NULL REFERENCES lot (id),
    specification TEXT NOT NULL REFERENCES specification (id),
    test TEXT NOT NULL,
    value DOUBLE PRECISION,
    outcome TEXT,
    unit TEXT,
    source TEXT NOT NULL CHECK (source IN ('manual', 'assay_run')),
    assay_run TEXT,
    verdict TEXT NOT NULL CHECK (verdict IN ('pass', 'fail', 'reported')),
    entered_at TEXT NOT NULL,
    entered_by TEXT NOT NULL REFERENCES app_user (id),
    CHECK (value IS NOT NULL OR outcome IS NOT NULL),
    UNIQUE (lot, test)
);

CREATE TABLE deviation (
    id TEXT NOT NULL PRIMARY KEY,
    lot TEXT NOT NULL REFERENCES lot (id),
    test TEXT,
    description TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'assessed', 'approved', 'rejected')),
    opened_at TEXT NOT NULL,
    opened_by TEXT NOT NULL REFERENCES app_user (id),
    assessment TEXT,
    assessed_at TEXT,
    assessed_by TEXT REFERENCES app_user (id),
    decided_at TEXT,
    decided_by TEXT REFERENCES app_user (id),
    decision_reason TEXT
);

ALTER TABLE lot ADD COLUMN specification TEXT REFERENCES specification (id);

CREATE INDEX specification_product ON specification (product);
CREATE INDEX test_result_lot ON test_result (lot);
CREATE INDEX deviation_lot ON deviation (lot);

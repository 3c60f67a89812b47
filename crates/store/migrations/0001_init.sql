-- secretome schema, version 1. One source for SQLite and PostgreSQL: only TEXT, BIGINT and
-- DOUBLE PRECISION columns, CHECK / UNIQUE / FOREIGN KEY constraints that both engines enforce.
-- Times are TEXT in one fixed UTC form (see secretome_domain::time); booleans are BIGINT 0/1;
-- JSON values are TEXT. Each statement ends with ';' at the end of a line.

CREATE TABLE site (
    id TEXT NOT NULL PRIMARY KEY,
    name TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE app_user (
    id TEXT NOT NULL PRIMARY KEY,
    display_name TEXT NOT NULL,
    site TEXT NOT NULL REFERENCES site (id),
    roles TEXT NOT NULL,
    active BIGINT NOT NULL CHECK (active IN (0, 1)),
    created_at TEXT NOT NULL
);

CREATE TABLE donor (
    id TEXT NOT NULL PRIMARY KEY,
    source TEXT NOT NULL CHECK (source IN ('bone_marrow', 'adipose', 'umbilical_cord', 'dental_pulp', 'other')),
    consent_form TEXT NOT NULL,
    consented_at TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('screening', 'eligible', 'ineligible')),
    screening TEXT NOT NULL,
    ineligible_reason TEXT,
    registered_at TEXT NOT NULL
);

CREATE TABLE tissue (
    id TEXT NOT NULL PRIMARY KEY,
    donor TEXT NOT NULL REFERENCES donor (id),
    kind TEXT NOT NULL CHECK (kind IN ('bone_marrow', 'adipose', 'umbilical_cord', 'dental_pulp', 'other')),
    collected_at TEXT NOT NULL,
    amount DOUBLE PRECISION NOT NULL CHECK (amount > 0),
    amount_unit TEXT NOT NULL
);

CREATE TABLE cell_bank (
    id TEXT NOT NULL PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('master', 'working')),
    tissue TEXT NOT NULL REFERENCES tissue (id),
    parent TEXT REFERENCES cell_bank (id),
    passage BIGINT NOT NULL CHECK (passage >= 0),
    population_doublings DOUBLE PRECISION NOT NULL CHECK (population_doublings >= 0),
    vials_frozen BIGINT NOT NULL CHECK (vials_frozen > 0),
    cells_per_vial DOUBLE PRECISION NOT NULL CHECK (cells_per_vial > 0),
    banked_at TEXT NOT NULL
);

CREATE TABLE material_lot (
    id TEXT NOT NULL PRIMARY KEY,
    material TEXT NOT NULL,
    category TEXT NOT NULL CHECK (category IN ('medium', 'supplement', 'reagent', 'filter', 'consumable')),
    supplier TEXT NOT NULL,
    supplier_lot TEXT NOT NULL,
    received_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);

CREATE TABLE culture_batch (
    id TEXT NOT NULL PRIMARY KEY,
    cell_bank TEXT NOT NULL REFERENCES cell_bank (id),
    vessel TEXT NOT NULL,
    vessel_count BIGINT NOT NULL CHECK (vessel_count > 0),
    passage BIGINT NOT NULL CHECK (passage >= 0),
    seeding_density DOUBLE PRECISION NOT NULL CHECK (seeding_density > 0),
    seeded_at TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('culturing', 'conditioning', 'harvested')),
    conditioning_started_at TEXT,
    conditioning_medium TEXT REFERENCES material_lot (id),
    conditioning_hours DOUBLE PRECISION,
    hypoxia BIGINT CHECK (hypoxia IN (0, 1))
);

CREATE TABLE observation (
    id TEXT NOT NULL PRIMARY KEY,
    batch TEXT NOT NULL REFERENCES culture_batch (id),
    observed_at TEXT NOT NULL,
    cell_count DOUBLE PRECISION NOT NULL CHECK (cell_count >= 0),
    viability_pct DOUBLE PRECISION NOT NULL CHECK (viability_pct >= 0 AND viability_pct <= 100),
    confluence_pct DOUBLE PRECISION NOT NULL CHECK (confluence_pct >= 0 AND confluence_pct <= 100),
    note TEXT
);

CREATE TABLE material_use (
    id TEXT NOT NULL PRIMARY KEY,
    batch TEXT NOT NULL REFERENCES culture_batch (id),
    material_lot TEXT NOT NULL REFERENCES material_lot (id),
    quantity DOUBLE PRECISION NOT NULL CHECK (quantity > 0),
    unit TEXT NOT NULL,
    used_at TEXT NOT NULL
);

CREATE TABLE harvest (
    id TEXT NOT NULL PRIMARY KEY,
    batch TEXT NOT NULL UNIQUE REFERENCES culture_batch (id),
    harvested_at TEXT NOT NULL,
    volume_ml DOUBLE PRECISION NOT NULL CHECK (volume_ml > 0),
    remaining_ml DOUBLE PRECISION NOT NULL CHECK (remaining_ml >= 0)
);

CREATE TABLE lot (
    id TEXT NOT NULL PRIMARY KEY,
    product TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('in_process', 'quarantine', 'released', 'rejected', 'recalled')),
    volume_ml DOUBLE PRECISION NOT NULL CHECK (volume_ml > 0),
    created_at TEXT NOT NULL,
    filled_at TEXT,
    expires_at TEXT,
    decided_at TEXT,
    decided_by TEXT REFERENCES app_user (id),
    decision_reason TEXT
);

CREATE TABLE processing_step (
    id TEXT NOT NULL PRIMARY KEY,
    lot TEXT NOT NULL REFERENCES lot (id),
    seq BIGINT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('centrifugation', 'filtration', 'ultrafiltration', 'sterilisation')),
    g_force DOUBLE PRECISION,
    minutes DOUBLE PRECISION,
    pore_um DOUBLE PRECISION,
    cutoff_kda DOUBLE PRECISION,
    concentration_factor DOUBLE PRECISION,
    method TEXT,
    performed_at TEXT NOT NULL,
    UNIQUE (lot, seq)
);

CREATE TABLE vial (
    id TEXT NOT NULL PRIMARY KEY,
    lot TEXT NOT NULL REFERENCES lot (id),
    seq BIGINT NOT NULL,
    fill_volume_ml DOUBLE PRECISION NOT NULL CHECK (fill_volume_ml > 0),
    status TEXT NOT NULL CHECK (status IN ('quarantine', 'available', 'dispensed', 'administered', 'expired', 'destroyed', 'recalled')),
    location TEXT,
    expires_at TEXT NOT NULL,
    filled_at TEXT NOT NULL,
    UNIQUE (lot, seq)
);

CREATE TABLE genealogy_edge (
    id TEXT NOT NULL PRIMARY KEY,
    parent_kind TEXT NOT NULL,
    parent_id TEXT NOT NULL,
    child_kind TEXT NOT NULL,
    child_id TEXT NOT NULL,
    relation TEXT NOT NULL CHECK (relation IN ('derived', 'used', 'pooled', 'split')),
    quantity DOUBLE PRECISION
);

CREATE INDEX genealogy_edge_child ON genealogy_edge (child_kind, child_id);
CREATE INDEX genealogy_edge_parent ON genealogy_edge (parent_kind, parent_id);
CREATE INDEX vial_lot ON vial (lot);
CREATE INDEX observation_batch ON observation (batch);

CREATE TABLE audit_event (
    seq BIGINT NOT NULL PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    entity_table TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    before TEXT,
    after TEXT,
    reason TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE
);

CREATE INDEX audit_event_entity ON audit_event (entity_table, entity_id);

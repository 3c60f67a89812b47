-- Issue 5: ISBT 128 identifiers on vials, settings, inventory (freezers and moves), clinical
-- records (patients, dispensing, administration, adverse events, outcomes) and recalls.

CREATE TABLE setting (
    id TEXT NOT NULL PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE din_sequence (
    id TEXT NOT NULL PRIMARY KEY,
    next BIGINT NOT NULL CHECK (next >= 1 AND next <= 1000000)
);

ALTER TABLE product ADD COLUMN isbt_code TEXT;
ALTER TABLE vial ADD COLUMN din TEXT;
ALTER TABLE vial ADD COLUMN product_code TEXT;
CREATE UNIQUE INDEX vial_din ON vial (din);
CREATE UNIQUE INDEX vial_location ON vial (location);
CREATE INDEX vial_status ON vial (status);

-- A vial dispensed for a patient is a genealogy edge vial → patient: the relation list grows,
-- and a CHECK cannot be altered on SQLite, so the table is rebuilt (same rows, same ids).
CREATE TABLE genealogy_edge_v4 (
    id TEXT NOT NULL PRIMARY KEY,
    parent_kind TEXT NOT NULL,
    parent_id TEXT NOT NULL,
    child_kind TEXT NOT NULL,
    child_id TEXT NOT NULL,
    relation TEXT NOT NULL CHECK (relation IN ('derived', 'used', 'pooled', 'split', 'dispensed')),
    quantity DOUBLE PRECISION
);
INSERT INTO genealogy_edge_v4 (id, parent_kind, parent_id, child_kind, child_id, relation, quantity)
    SELECT id, parent_kind, parent_id, child_kind, child_id, relation, quantity FROM genealogy_edge;
DROP TABLE genealogy_edge;
ALTER TABLE genealogy_edge_v4 RENAME TO genealogy_edge;
CREATE INDEX genealogy_edge_child ON genealogy_edge (child_kind, child_id);
CREATE INDEX genealogy_edge_parent ON genealogy_edge (parent_kind, parent_id);

CREATE TABLE freezer (
    id TEXT NOT NULL PRIMARY KEY,
    name TEXT NOT NULL,
    site TEXT NOT NULL REFERENCES site (id),
    temperature_c DOUBLE PRECISION NOT NULL,
    box_rows BIGINT NOT NULL CHECK (box_rows >= 1 AND box_rows <= 26),
    box_cols BIGINT NOT NULL CHECK (box_cols >= 1 AND box_cols <= 99),
    created_at TEXT NOT NULL
);

CREATE TABLE vial_move (
    id TEXT NOT NULL PRIMARY KEY,
    vial TEXT NOT NULL REFERENCES vial (id),
    from_location TEXT,
    to_location TEXT,
    moved_at TEXT NOT NULL,
    moved_by TEXT NOT NULL REFERENCES app_user (id),
    reason TEXT
);
CREATE INDEX vial_move_vial ON vial_move (vial);

CREATE TABLE patient (
    id TEXT NOT NULL PRIMARY KEY,
    site TEXT NOT NULL REFERENCES site (id),
    birth_year BIGINT NOT NULL CHECK (birth_year >= 1900),
    sex TEXT NOT NULL CHECK (sex IN ('female', 'male', 'other', 'unknown')),
    indication TEXT NOT NULL CHECK (indication IN ('stroke', 'spinal_cord_injury', 'osteoarthritis', 'chronic_pain', 'chronic_wound', 'skin', 'hair_loss', 'ageing_care')),
    physician TEXT NOT NULL REFERENCES app_user (id),
    registered_at TEXT NOT NULL
);
CREATE INDEX patient_indication ON patient (indication);

CREATE TABLE dispensing (
    id TEXT NOT NULL PRIMARY KEY,
    vial TEXT NOT NULL UNIQUE REFERENCES vial (id),
    patient TEXT NOT NULL REFERENCES patient (id),
    dispensed_at TEXT NOT NULL,
    dispensed_by TEXT NOT NULL REFERENCES app_user (id)
);
CREATE INDEX dispensing_patient ON dispensing (patient);

CREATE TABLE administration (
    id TEXT NOT NULL PRIMARY KEY,
    vial TEXT NOT NULL UNIQUE REFERENCES vial (id),
    patient TEXT NOT NULL REFERENCES patient (id),
    indication TEXT NOT NULL CHECK (indication IN ('stroke', 'spinal_cord_injury', 'osteoarthritis', 'chronic_pain', 'chronic_wound', 'skin', 'hair_loss', 'ageing_care')),
    route TEXT NOT NULL CHECK (route IN ('iv_drip', 'intranasal', 'local_injection', 'scalp_injection', 'topical')),
    dose_ml DOUBLE PRECISION NOT NULL CHECK (dose_ml > 0),
    administered_at TEXT NOT NULL,
    physician TEXT NOT NULL REFERENCES app_user (id),
    recorded_at TEXT NOT NULL
);
CREATE INDEX administration_patient ON administration (patient);

CREATE TABLE adverse_event (
    id TEXT NOT NULL PRIMARY KEY,
    patient TEXT NOT NULL REFERENCES patient (id),
    administration TEXT REFERENCES administration (id),
    term TEXT NOT NULL,
    grade BIGINT NOT NULL CHECK (grade >= 1 AND grade <= 5),
    serious BIGINT NOT NULL CHECK (serious IN (0, 1)),
    onset_at TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('recovered', 'recovering', 'not_recovered', 'recovered_with_sequelae', 'fatal', 'unknown')),
    reported_at TEXT NOT NULL,
    reported_by TEXT NOT NULL REFERENCES app_user (id)
);
CREATE INDEX adverse_event_patient ON adverse_event (patient);

CREATE TABLE outcome_measure (
    id TEXT NOT NULL PRIMARY KEY,
    patient TEXT NOT NULL REFERENCES patient (id),
    scale TEXT NOT NULL CHECK (scale IN ('mrs', 'asia', 'vas_pain', 'womac', 'wound_area', 'hair_count')),
    value DOUBLE PRECISION NOT NULL,
    visit_at TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL REFERENCES app_user (id)
);
CREATE INDEX outcome_measure_patient ON outcome_measure (patient);

CREATE TABLE recall (
    id TEXT NOT NULL PRIMARY KEY,
    target_kind TEXT NOT NULL CHECK (target_kind IN ('lot', 'material_lot', 'donor')),
    target_id TEXT NOT NULL,
    reason TEXT NOT NULL,
    opened_at TEXT NOT NULL,
    opened_by TEXT NOT NULL REFERENCES app_user (id),
    lots TEXT NOT NULL,
    vials_blocked BIGINT NOT NULL CHECK (vials_blocked >= 0)
);

CREATE TABLE recall_exposure (
    id TEXT NOT NULL PRIMARY KEY,
    recall TEXT NOT NULL REFERENCES recall (id),
    patient TEXT NOT NULL REFERENCES patient (id),
    vials TEXT NOT NULL,
    administered BIGINT NOT NULL CHECK (administered IN (0, 1)),
    physician TEXT NOT NULL REFERENCES app_user (id),
    followed_up_at TEXT,
    followed_up_by TEXT REFERENCES app_user (id),
    note TEXT
);
CREATE INDEX recall_exposure_recall ON recall_exposure (recall);
CREATE UNIQUE INDEX recall_exposure_patient ON recall_exposure (recall, patient);

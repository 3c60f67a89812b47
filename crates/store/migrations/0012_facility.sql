-- Issue 14: sterility assurance and facility control. Rooms and grade A zones; environmental
-- monitoring results judged against their limits; sterilising filtrations and their filter
-- integrity tests; the equipment register; training and aseptic-process qualification; media
-- fills. Processing steps record their room/zone, equipment and operator.

CREATE TABLE room (
    id TEXT NOT NULL PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('room', 'cabinet', 'isolator')),
    grade TEXT NOT NULL CHECK (grade IN ('A', 'B', 'C', 'D')),
    parent TEXT REFERENCES room (id),
    created_at TEXT NOT NULL
);

CREATE TABLE em_result (
    id TEXT NOT NULL PRIMARY KEY,
    room TEXT NOT NULL REFERENCES room (id),
    point TEXT,
    sample_type TEXT NOT NULL,
    value DOUBLE PRECISION NOT NULL,
    alert_limit DOUBLE PRECISION,
    action_limit DOUBLE PRECISION,
    outcome TEXT NOT NULL CHECK (outcome IN ('within', 'alert', 'action')),
    sampled_at TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL
);
CREATE INDEX em_result_room ON em_result (room, sampled_at);

CREATE TABLE sterile_filtration (
    id TEXT NOT NULL PRIMARY KEY,
    lot TEXT NOT NULL REFERENCES lot (id),
    filter_maker TEXT NOT NULL,
    filter_model TEXT NOT NULL,
    filter_lot TEXT NOT NULL,
    pore_um DOUBLE PRECISION NOT NULL,
    sterilising_grade BIGINT NOT NULL,
    room TEXT REFERENCES room (id),
    performed_at TEXT NOT NULL,
    performed_by TEXT NOT NULL
);
CREATE INDEX sterile_filtration_lot ON sterile_filtration (lot);

CREATE TABLE integrity_test (
    id TEXT NOT NULL PRIMARY KEY,
    filtration TEXT NOT NULL REFERENCES sterile_filtration (id),
    lot TEXT NOT NULL REFERENCES lot (id),
    stage TEXT NOT NULL CHECK (stage IN ('pre_use', 'post_use')),
    method TEXT NOT NULL CHECK (method IN ('bubble_point', 'diffusion', 'pressure_hold')),
    maker_limit DOUBLE PRECISION NOT NULL,
    measured DOUBLE PRECISION NOT NULL,
    unit TEXT NOT NULL,
    passed BIGINT NOT NULL,
    tested_at TEXT NOT NULL,
    tested_by TEXT NOT NULL
);
CREATE INDEX integrity_test_lot ON integrity_test (lot);

CREATE TABLE equipment (
    id TEXT NOT NULL PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    room TEXT REFERENCES room (id),
    freezer TEXT REFERENCES freezer (id),
    calibration_due TEXT,
    qualification_due TEXT,
    created_at TEXT NOT NULL
);

CREATE TABLE qualification (
    id TEXT NOT NULL PRIMARY KEY,
    operator TEXT NOT NULL REFERENCES app_user (id),
    kind TEXT NOT NULL CHECK (kind IN ('sop', 'gowning', 'aseptic_process')),
    sop TEXT NOT NULL,
    sop_version TEXT NOT NULL,
    trained_at TEXT NOT NULL,
    assessed_by TEXT NOT NULL,
    expires_at TEXT
);
CREATE INDEX qualification_user ON qualification (operator);

CREATE TABLE media_fill (
    id TEXT NOT NULL PRIMARY KEY,
    product TEXT NOT NULL REFERENCES product (id),
    room TEXT NOT NULL REFERENCES room (id),
    performed_at TEXT NOT NULL,
    units_filled BIGINT NOT NULL,
    units_positive BIGINT NOT NULL,
    passed BIGINT NOT NULL,
    participants TEXT NOT NULL,
    closed_at TEXT,
    closed_by TEXT,
    closure TEXT,
    recorded_by TEXT NOT NULL
);
CREATE INDEX media_fill_product ON media_fill (product);

ALTER TABLE processing_step ADD COLUMN room TEXT;
ALTER TABLE processing_step ADD COLUMN equipment TEXT;
ALTER TABLE processing_step ADD COLUMN operator TEXT;
CREATE INDEX processing_step_room ON processing_step (room, performed_at);

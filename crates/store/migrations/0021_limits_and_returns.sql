-- Issue 14 item 2: the site's own environmental monitoring limits under change control — one row
-- per change of a grade × sample type limit (who, when, why, from when, and the value replaced);
-- the Annex 1 defaults hold where none is set.
-- Issue 16 item 3: a vial returned unopened goes to QA, who puts it back in stock or destroys it
-- (decision, reason, who, when on its dispensing); a vial back in stock may be dispensed again, so
-- `dispensing.vial` is no longer unique (rebuilt as in 0004, same columns in the same order, the
-- QA columns appended and declared in `Table::added_later`).

CREATE TABLE em_limit (
    id TEXT NOT NULL PRIMARY KEY,
    grade TEXT NOT NULL CHECK (grade IN ('A', 'B', 'C', 'D')),
    sample_type TEXT NOT NULL,
    alert_limit DOUBLE PRECISION,
    action_limit DOUBLE PRECISION NOT NULL,
    previous_alert DOUBLE PRECISION,
    previous_action DOUBLE PRECISION,
    effective_from TEXT NOT NULL,
    reason TEXT NOT NULL,
    set_by TEXT NOT NULL REFERENCES app_user (id),
    set_at TEXT NOT NULL
);
CREATE INDEX em_limit_grade ON em_limit (grade, sample_type, effective_from);

CREATE TABLE dispensing_v21 (
    id TEXT NOT NULL PRIMARY KEY,
    vial TEXT NOT NULL REFERENCES vial (id),
    patient TEXT NOT NULL REFERENCES patient (id),
    dispensed_at TEXT NOT NULL,
    dispensed_by TEXT NOT NULL REFERENCES app_user (id),
    indication TEXT CHECK (indication IN ('stroke', 'spinal_cord_injury', 'osteoarthritis', 'chronic_pain', 'chronic_wound', 'skin', 'hair_loss', 'ageing_care')),
    thawed_at TEXT,
    use_by TEXT,
    ended TEXT CHECK (ended IN ('administered', 'discarded', 'returned')),
    ended_at TEXT,
    ended_by TEXT REFERENCES app_user (id),
    end_reason TEXT,
    qa_decision TEXT CHECK (qa_decision IN ('stock', 'destroy')),
    qa_reason TEXT,
    qa_decided_at TEXT,
    qa_decided_by TEXT REFERENCES app_user (id)
);
INSERT INTO dispensing_v21 (id, vial, patient, dispensed_at, dispensed_by, indication, thawed_at, use_by, ended, ended_at, ended_by, end_reason)
    SELECT id, vial, patient, dispensed_at, dispensed_by, indication, thawed_at, use_by, ended, ended_at, ended_by, end_reason FROM dispensing;
DROP TABLE dispensing;
ALTER TABLE dispensing_v21 RENAME TO dispensing;
CREATE INDEX dispensing_patient ON dispensing (patient);
CREATE INDEX dispensing_vial ON dispensing (vial, dispensed_at);
CREATE INDEX dispensing_ended ON dispensing (ended, qa_decision);

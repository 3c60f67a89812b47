-- Issue 16 items 2–5: the patient's explanation and consent per indication (説明・同意); the point
-- of care on a dispensing (what it is for, thawed at, use-by, how the vial ended); a dose above the
-- route's maximum keeps its reason; adverse events carry the CTCAE term's MedDRA code, causality,
-- the seriousness criteria and when the physician became aware; and each event's report
-- (疾病等報告) with its deadline and submissions. Columns added to audited tables are listed in
-- `Table::added_later`, so trails written before still verify.

CREATE TABLE consent (
    id TEXT NOT NULL PRIMARY KEY,
    patient TEXT NOT NULL REFERENCES patient (id),
    indication TEXT NOT NULL CHECK (indication IN ('stroke', 'spinal_cord_injury', 'osteoarthritis', 'chronic_pain', 'chronic_wound', 'skin', 'hair_loss', 'ageing_care')),
    document_version TEXT NOT NULL,
    explained_by TEXT NOT NULL,
    explained_at TEXT NOT NULL,
    consented_at TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL REFERENCES app_user (id),
    withdrawn_at TEXT,
    withdrawal_reason TEXT,
    withdrawn_by TEXT REFERENCES app_user (id)
);
CREATE INDEX consent_patient ON consent (patient);

ALTER TABLE dispensing ADD COLUMN indication TEXT CHECK (indication IN ('stroke', 'spinal_cord_injury', 'osteoarthritis', 'chronic_pain', 'chronic_wound', 'skin', 'hair_loss', 'ageing_care'));
ALTER TABLE dispensing ADD COLUMN thawed_at TEXT;
ALTER TABLE dispensing ADD COLUMN use_by TEXT;
ALTER TABLE dispensing ADD COLUMN ended TEXT CHECK (ended IN ('administered', 'discarded', 'returned'));
ALTER TABLE dispensing ADD COLUMN ended_at TEXT;
ALTER TABLE dispensing ADD COLUMN ended_by TEXT REFERENCES app_user (id);
ALTER TABLE dispensing ADD COLUMN end_reason TEXT;

ALTER TABLE administration ADD COLUMN dose_reason TEXT;

ALTER TABLE adverse_event ADD COLUMN meddra_code TEXT;
ALTER TABLE adverse_event ADD COLUMN causality TEXT CHECK (causality IN ('related', 'possibly', 'unlikely', 'unrelated'));
ALTER TABLE adverse_event ADD COLUMN criteria TEXT;
ALTER TABLE adverse_event ADD COLUMN aware_at TEXT;

CREATE TABLE ae_report (
    id TEXT NOT NULL PRIMARY KEY,
    adverse_event TEXT NOT NULL UNIQUE REFERENCES adverse_event (id),
    patient TEXT NOT NULL REFERENCES patient (id),
    lot TEXT REFERENCES lot (id),
    serious BIGINT NOT NULL CHECK (serious IN (0, 1)),
    related BIGINT NOT NULL CHECK (related IN (0, 1)),
    days BIGINT CHECK (days IN (7, 15)),
    due_date TEXT,
    due_at TEXT,
    status TEXT NOT NULL CHECK (status IN ('due', 'partial', 'submitted', 'periodic')),
    committee_reported_at TEXT,
    authority_reported_at TEXT,
    reference TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL REFERENCES app_user (id)
);
CREATE INDEX ae_report_status ON ae_report (status, due_at);
CREATE INDEX ae_report_lot ON ae_report (lot);
CREATE INDEX ae_report_patient ON ae_report (patient);

-- Issue 12 item 3: a plate run is a record. The raw plate-reader export is kept as uploaded
-- (base64), content-addressed by the SHA-256 of its bytes; audit events carry the SHA-256 of the
-- stored text instead of the bytes. A run names the file, the layout used (when the export had
-- none), each plate's fit and acceptance, and the sample means adopted as the lot's results, all
-- written in one transaction with those results.

CREATE TABLE plate_file (
    id TEXT NOT NULL PRIMARY KEY,
    name TEXT NOT NULL,
    size BIGINT NOT NULL CHECK (size > 0),
    content TEXT NOT NULL,
    stored_at TEXT NOT NULL,
    stored_by TEXT NOT NULL
);

CREATE TABLE plate_run (
    id TEXT NOT NULL PRIMARY KEY,
    lot TEXT NOT NULL REFERENCES lot (id),
    file TEXT NOT NULL REFERENCES plate_file (id),
    file_name TEXT NOT NULL,
    format TEXT NOT NULL,
    layout_source TEXT NOT NULL CHECK (layout_source IN ('embedded', 'file', 'grid')),
    layout TEXT,
    fits TEXT NOT NULL,
    adopted TEXT NOT NULL,
    accepted_at TEXT NOT NULL,
    accepted_by TEXT NOT NULL
);
CREATE INDEX plate_run_lot ON plate_run (lot);

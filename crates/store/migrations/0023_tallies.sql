-- Counters kept in the same transaction as the writes they count (issue 19): freezer occupancy by
-- state, the unused vials of a freezer by expiry time, and per indication its patients, doses
-- (count and mL) and adverse events by grade and seriousness. Not audited: derived from audited
-- rows by the store on every insert/update of a vial, patient, administration or adverse event
-- (`sql/tally.rs`), so the pages that show them read a handful of rows, however large the history.
-- kind: what is counted; subject: a freezer id or an indication; key: a vial state, an expiry
-- time, a `grade/serious` pair or ''; n: how many; amount: a sum (doses: mL).
CREATE TABLE tally (
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    key TEXT NOT NULL,
    n BIGINT NOT NULL,
    amount DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (kind, subject, key)
);
-- Backfill from the rows already there (a location is in freezer F when it starts with `F/`: the
-- range F/ .. F0 on the location index, as the freezer pages read it).
INSERT INTO tally (kind, subject, key, n, amount)
SELECT 'freezer_vials', f.id, v.status, COUNT(*), 0
FROM freezer f JOIN vial v ON v.location >= f.id || '/' AND v.location < f.id || '0'
GROUP BY f.id, v.status;
INSERT INTO tally (kind, subject, key, n, amount)
SELECT 'freezer_unused_expiry', f.id, v.expires_at, COUNT(*), 0
FROM freezer f JOIN vial v ON v.location >= f.id || '/' AND v.location < f.id || '0'
WHERE v.status IN ('quarantine', 'available') AND v.expires_at IS NOT NULL
GROUP BY f.id, v.expires_at;
INSERT INTO tally (kind, subject, key, n, amount)
SELECT 'indication_patients', indication, '', COUNT(*), 0
FROM patient WHERE indication IS NOT NULL
GROUP BY indication;
INSERT INTO tally (kind, subject, key, n, amount)
SELECT 'indication_doses', indication, '', COUNT(*), COALESCE(SUM(dose_ml), 0)
FROM administration WHERE indication IS NOT NULL
GROUP BY indication;
INSERT INTO tally (kind, subject, key, n, amount)
SELECT 'indication_adverse_events', p.indication,
       CAST(a.grade AS TEXT) || '/' || CAST(a.serious AS TEXT), COUNT(*), 0
FROM adverse_event a JOIN patient p ON p.id = a.patient
WHERE p.indication IS NOT NULL AND a.grade IS NOT NULL AND a.serious IS NOT NULL
GROUP BY p.indication, a.grade, a.serious;

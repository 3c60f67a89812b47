-- A lot's vials by state, kept with every vial write as the other counters are (issue 19): the lot
-- list counts the vials of 50 lots (≈ 20,000 index entries at ~400 vials a lot) on every request
-- otherwise. kind 'lot_vials'; subject: the lot; key: the vial state.
INSERT INTO tally (kind, subject, key, n, amount)
SELECT 'lot_vials', lot, status, COUNT(*), 0
FROM vial
GROUP BY lot, status;

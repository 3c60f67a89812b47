-- Indexes for bounded reads (issue 19). The planner: calibration reads the newest harvests, the
-- planning page the batches still in culture or conditioning, newest seeded first.
CREATE INDEX harvest_harvested ON harvest (harvested_at, id);
CREATE INDEX culture_batch_status_seeded ON culture_batch (status, seeded_at, id);
-- The QC page's open deviations (open or assessed), oldest first.
CREATE INDEX deviation_status_opened ON deviation (status, opened_at, id);

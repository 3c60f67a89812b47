-- Indexes for the planner's bounded reads (issue 19): calibration reads the newest harvests, the
-- planning page the batches still in culture or conditioning, newest seeded first.
CREATE INDEX harvest_harvested ON harvest (harvested_at, id);
CREATE INDEX culture_batch_status_seeded ON culture_batch (status, seeded_at, id);

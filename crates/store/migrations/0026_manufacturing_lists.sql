-- Indexes for the paged manufacturing lists (issue 19) and the reads by one parent they link to.
-- Donors by code, filtered by state; a donor's tissues; the banks of a donor's tissues, a master
-- bank's working banks, the newest banks (the seeding form's suggestions).
CREATE INDEX donor_status ON donor (status, id);
CREATE INDEX tissue_donor ON tissue (donor);
CREATE INDEX cell_bank_tissue ON cell_bank (tissue);
CREATE INDEX cell_bank_parent ON cell_bank (parent);
CREATE INDEX cell_bank_banked ON cell_bank (banked_at, id);
-- Batches newest seeded first, whole or of one bank; batches conditioned in a medium lot.
CREATE INDEX culture_batch_seeded ON culture_batch (seeded_at, id);
CREATE INDEX culture_batch_bank ON culture_batch (cell_bank, seeded_at, id);
CREATE INDEX culture_batch_medium ON culture_batch (conditioning_medium);
-- The latest observation of each batch on a page; material use by batch and by material lot.
CREATE INDEX observation_batch_observed ON observation (batch, observed_at);
CREATE INDEX material_use_batch ON material_use (batch, used_at);
CREATE INDEX material_use_lot ON material_use (material_lot, used_at);
-- Material lots by category; in date, soonest expiry first, of one category or any (the batch
-- page's choices).
CREATE INDEX material_lot_category ON material_lot (category, id);
CREATE INDEX material_lot_expires ON material_lot (expires_at, id);
CREATE INDEX material_lot_category_expires ON material_lot (category, expires_at, id);
-- Harvests with volume left to pool, newest first (the pooling form's choices).
CREATE INDEX harvest_open ON harvest (harvested_at, id) WHERE remaining_ml > 0;
-- The serious related adverse-event reports (QA's signal per lot), not every report.
CREATE INDEX ae_report_serious_related ON ae_report (id) WHERE serious > 0 AND related > 0;

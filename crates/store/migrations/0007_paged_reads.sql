-- Indexes that serve the paged, filtered reads and the aggregates of the pages and API lists
-- (issue 19): each list's keyset order `(…, order, id)` and the filters pushed into SQL.
CREATE INDEX lot_created ON lot (created_at, id);
CREATE INDEX lot_status_created ON lot (status, created_at, id);
CREATE INDEX lot_product_created ON lot (product, created_at, id);
CREATE INDEX vial_lot_status ON vial (lot, status);
CREATE INDEX vial_status_expires ON vial (status, expires_at);
CREATE INDEX patient_registered ON patient (registered_at, id);
CREATE INDEX patient_indication_registered ON patient (indication, registered_at, id);
CREATE INDEX patient_site_registered ON patient (site, registered_at, id);
CREATE INDEX administration_indication ON administration (indication);
CREATE INDEX outcome_measure_scale_patient ON outcome_measure (scale, patient);
CREATE INDEX recall_opened ON recall (opened_at, id);

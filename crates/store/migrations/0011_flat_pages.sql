-- Indexes that make the remaining growing pages flat (issue 19): each serves its read from the
-- index alone (a covering index), on both engines, so no table row is visited.
-- /freezers: vials per freezer by state, and the unused ones past expiry — one range of the
-- location (a prefix as a range, never LIKE) with state and expiry in the index.
CREATE INDEX vial_location_status ON vial (location, status, expires_at);
-- The vial list filtered by state, in id order (keyset), and by state within a location range.
CREATE INDEX vial_status_id ON vial (status, id);
CREATE INDEX vial_status_location ON vial (status, location);
-- /indications/<x>: doses counted and summed per indication; adverse events of an indication's
-- patients (a semi-join through patient) grouped by grade and seriousness.
CREATE INDEX administration_indication_dose ON administration (indication, dose_ml);
CREATE INDEX adverse_event_patient_grade ON adverse_event (patient, grade, serious);

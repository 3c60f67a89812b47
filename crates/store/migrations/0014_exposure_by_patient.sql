-- A patient's open recall exposures are read by patient (the patient list's recall flag, the
-- patient page and the dispensing form's alert): an index led by patient serves them, where
-- (recall, patient) could not.
CREATE INDEX recall_exposure_by_patient ON recall_exposure (patient, followed_up_at);

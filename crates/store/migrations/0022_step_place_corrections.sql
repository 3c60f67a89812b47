-- Issue 15: training records refer to the controlled document version trained on, when the SOP is
-- under document control. A batch step records where it was done (room/zone) and with which equipment when the
-- use case executing it names them, and the corrections made to its values afterwards (JSON:
-- who, when, why, the values replaced). Declared in `Table::added_later`: step records and audit
-- events written before stay verifiable while these are NULL.

ALTER TABLE execution_step ADD COLUMN room TEXT;
ALTER TABLE execution_step ADD COLUMN equipment TEXT;
ALTER TABLE execution_step ADD COLUMN corrections TEXT;
ALTER TABLE qualification ADD COLUMN document_version TEXT REFERENCES document_version (id);

-- Issue 14 item 3: harvests and fills record where they were done, with what and by whom, like
-- processing steps (0012). Declared in `Table::added_later`: rows and audit events written before
-- keep verifying while these are NULL.

ALTER TABLE harvest ADD COLUMN room TEXT;
ALTER TABLE harvest ADD COLUMN equipment TEXT;
ALTER TABLE harvest ADD COLUMN operator TEXT;
CREATE INDEX harvest_room ON harvest (room, harvested_at);

ALTER TABLE lot ADD COLUMN fill_room TEXT;
ALTER TABLE lot ADD COLUMN fill_equipment TEXT;
ALTER TABLE lot ADD COLUMN filled_by TEXT;
CREATE INDEX lot_fill_room ON lot (fill_room, filled_at);

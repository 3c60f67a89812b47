-- Issue 12: records an inspector would accept. A harvest outside the conditioning window carries
-- its deviation (why, and the operator's reason); the batch record flags it.

ALTER TABLE harvest ADD COLUMN deviation TEXT;

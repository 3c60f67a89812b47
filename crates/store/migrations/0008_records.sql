-- Issue 12: records an inspector would accept. A harvest outside the conditioning window carries
-- its deviation (why, and the operator's reason); the batch record flags it. A test result may be
-- censored (`<` below the LOQ, `>` above the ULOQ) and keeps the results it replaced (corrections
-- and retests, JSON) so the original stays visible.

ALTER TABLE harvest ADD COLUMN deviation TEXT;
ALTER TABLE test_result ADD COLUMN censor TEXT CHECK (censor IN ('<', '>'));
ALTER TABLE test_result ADD COLUMN history TEXT;

-- Placeholder on branch auth only, so that its migration can keep the number 0017 reserved
-- for it (issue 17: the other branches have 0013-0016). Drop this file at the merge.
SELECT 1;

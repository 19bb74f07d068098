-- Placeholder on branch `jobs` only: this number belongs to another branch of issue 17, so that
-- 0015 and 0016 apply in order here. Delete this file when the branches are merged.
SELECT 1;

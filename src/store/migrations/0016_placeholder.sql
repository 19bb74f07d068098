-- Placeholder on branch gov: migration 0016 belongs to another branch of issues 17/18; the lead
-- renumbers at merge. It changes nothing.
SELECT 1;

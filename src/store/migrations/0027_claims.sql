-- Several lmn servers on one database (issue 22): background work runs once, whichever servers
-- are up.

-- A notice is claimed by the server that sends it (claimed_by, "host:pid") until claimed_until
-- (seconds since 1970-01-01 UTC), in one write before it is sent: no other server takes it while
-- the claim holds; one that stopped mid-send leaves it to be taken again after claimed_until.
ALTER TABLE outbox ADD COLUMN claimed_by TEXT;
ALTER TABLE outbox ADD COLUMN claimed_until INTEGER;

-- One row per background job that must not run on two servers at once: the job's transaction
-- updates its row first, so a second server's run waits for the first one's commit (PostgreSQL's
-- row lock; SQLite has one writer anyway) and then finds the work done. run_by and run_at say who
-- ran it last (run_at: ISO 8601 local time).
CREATE TABLE job_locks (
    name   TEXT PRIMARY KEY,
    run_by TEXT,
    run_at TEXT
) STRICT;
INSERT INTO job_locks (name) VALUES ('contact_cases'), ('daily');

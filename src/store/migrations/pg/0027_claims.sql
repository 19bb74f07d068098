-- PostgreSQL form of ../0027_claims.sql: the outbox's claims and the background jobs' lock rows.
ALTER TABLE outbox ADD COLUMN claimed_by text;
ALTER TABLE outbox ADD COLUMN claimed_until bigint;

CREATE TABLE job_locks (
    name   text PRIMARY KEY,
    run_by text,
    run_at text
);
INSERT INTO job_locks (name) VALUES ('contact_cases'), ('daily');

-- PostgreSQL form of ../0015_idle_sessions_request_hash.sql: a session's idle end, and the hash
-- of the request an Idempotency-Key was first sent with.
ALTER TABLE sessions ADD COLUMN idle_until text;
ALTER TABLE orders ADD COLUMN idempotency_hash text;

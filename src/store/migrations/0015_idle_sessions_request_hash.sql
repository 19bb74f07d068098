-- Sessions end after a time without requests as well as at their absolute end, and an
-- Idempotency-Key is bound to the request it was first sent with (issue 17).
--
-- idle_until: the session ends then unless a request comes first, which moves it on (the server's
-- --session-idle, 30 minutes by default). NULL for sessions from before: only expires_at holds.
ALTER TABLE sessions ADD COLUMN idle_until TEXT;

-- idempotency_hash: SHA-256 (hex) of the canonical request that placed the order with its
-- Idempotency-Key; a retry with the same key and another request is refused. NULL for orders
-- from before, whose retries are answered as before.
ALTER TABLE orders ADD COLUMN idempotency_hash TEXT;

-- PostgreSQL form of ../0006_reports.sql: the effective-dated fee tables of Spec A, the reference
-- of an imported order, and indexes for the key-figure reports and the invoice basis.

-- SQLite's strftime('%s', t): the whole seconds since 1970-01-01 UTC of an ISO 8601 time; a time
-- without an offset is UTC, as in SQLite. IMMUTABLE (an index uses it): with the offset or UTC
-- given, the result does not depend on the session's time zone. Unlike SQLite's (NULL), text that
-- is no time is an error.
CREATE FUNCTION lmn_unixepoch(t text) RETURNS bigint
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT floor(extract(epoch FROM CASE WHEN t ~ '([+-][0-9][0-9](:?[0-9][0-9])?|[zZ])$'
                                          THEN t::timestamptz
                                          ELSE t::timestamp AT TIME ZONE 'UTC' END))::bigint
$$;

CREATE TABLE fees (
    kind       text NOT NULL CHECK (kind IN ('delivery', 'acute_delivery', 'order_line', 'return')),
    valid_from text NOT NULL,
    amount_ore bigint NOT NULL CHECK (amount_ore >= 0),
    example    bigint NOT NULL DEFAULT 0 CHECK (example IN (0, 1)),
    note       text,
    created_at text NOT NULL,
    PRIMARY KEY (kind, valid_from)
);

-- The order's number in the system it was imported from (lmn import orders).
ALTER TABLE orders ADD COLUMN external_ref text;
CREATE UNIQUE INDEX orders_external_ref ON orders (external_ref) WHERE external_ref IS NOT NULL;

CREATE INDEX orders_received_day ON orders (received_day, status, channel, due, contact_from);
CREATE INDEX shipments_delivered ON shipments (delivered_at, order_id) WHERE delivered_at IS NOT NULL;
CREATE INDEX shipments_outcome ON shipments (outcome_at, order_id)
    WHERE outcome IN ('returned', 'not_collected');
-- A call's day and its wait in whole minutes rounded up (-1: not answered; 61: over an hour).
CREATE INDEX calls_wait ON calls (substr(queued_at, 1, 10),
    (CASE WHEN answered_at IS NULL THEN -1
          ELSE least(61, (lmn_unixepoch(answered_at) - lmn_unixepoch(queued_at) + 59) / 60) END));

-- Follow-up and money (DOMAIN.md §6, §7): the effective-dated fee tables of Spec A, the reference of
-- an order imported from the end-of-life system, and indexes for the key-figure reports and the
-- invoice basis.

-- A fee is in force from its date until the next version of the same kind. Amounts are set by the
-- administration; example = 1 marks the demo's invented amounts ("exempelbelopp").
CREATE TABLE fees (
    kind       TEXT NOT NULL CHECK (kind IN ('delivery', 'acute_delivery', 'order_line', 'return')),
    valid_from TEXT NOT NULL,
    amount_ore INTEGER NOT NULL CHECK (amount_ore >= 0),
    example    INTEGER NOT NULL DEFAULT 0 CHECK (example IN (0, 1)),
    note       TEXT,
    created_at TEXT NOT NULL,
    PRIMARY KEY (kind, valid_from)
) STRICT, WITHOUT ROWID;

-- The order's number in the system it was imported from (lmn import orders).
ALTER TABLE orders ADD COLUMN external_ref TEXT;
CREATE UNIQUE INDEX orders_external_ref ON orders (external_ref) WHERE external_ref IS NOT NULL;

-- Reports read orders by day of receipt, shipments by day of delivery and of return.
CREATE INDEX orders_received_day ON orders (received_day, status, channel, due, contact_from);
CREATE INDEX shipments_delivered ON shipments (delivered_at, order_id) WHERE delivered_at IS NOT NULL;
CREATE INDEX shipments_outcome ON shipments (outcome_at, order_id)
    WHERE outcome IN ('returned', 'not_collected');
-- The phone key figure reads, per call, its day and its wait in whole minutes rounded up (-1: not
-- answered; 61: over an hour). The expression is kept in the index, so the report reads no rows.
-- reports.c uses exactly this expression.
CREATE INDEX calls_wait ON calls (substr(queued_at, 1, 10),
    (CASE WHEN answered_at IS NULL THEN -1
          ELSE min(61, (strftime('%s', answered_at) - strftime('%s', queued_at) + 59) / 60) END));

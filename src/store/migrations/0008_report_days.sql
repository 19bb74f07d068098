-- Daily sums for the key-figure report (issue 6, bench/reports): what the report counts per day,
-- care provider and product area, kept by triggers as orders, shipments and calls are written, so a
-- report with its trend of eight tertials reads a few thousand rows instead of every order. What
-- depends on the day the report is made (orders not delivered yet: due, or past their contact date,
-- by then?) is not summed: the report reads those orders apart (orders_undelivered). Each trigger
-- takes away the old row's part and adds the new row's, so any change of a counted column keeps
-- the sums right. An order counts once it has a line (its area is known then): an order is written
-- before its lines, and counting it only from then on saves two updates of the sums per order. The
-- definitions are in docs/reports.md.

CREATE TABLE report_order_days (
    day TEXT NOT NULL,                -- received_day
    care_provider_id INTEGER NOT NULL, -- 0: not known
    area TEXT NOT NULL,               -- '': not known
    orders INTEGER NOT NULL DEFAULT 0,
    digital INTEGER NOT NULL DEFAULT 0,
    exempt INTEGER NOT NULL DEFAULT 0,
    delivered INTEGER NOT NULL DEFAULT 0,
    on_time INTEGER NOT NULL DEFAULT 0,
    past_contact INTEGER NOT NULL DEFAULT 0,
    contact_cases INTEGER NOT NULL DEFAULT 0,
    partial INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, care_provider_id, area)
) STRICT, WITHOUT ROWID;

CREATE TABLE report_ship_days (
    day TEXT NOT NULL,                -- of delivery, or of the return
    care_provider_id INTEGER NOT NULL,
    area TEXT NOT NULL,
    lines INTEGER NOT NULL DEFAULT 0,
    returns INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, care_provider_id, area)
) STRICT, WITHOUT ROWID;

-- wait: whole minutes from queueing to answer, rounded up; -1 not answered; 61 over an hour.
CREATE TABLE report_call_days (
    day TEXT NOT NULL,
    wait INTEGER NOT NULL,
    calls INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, wait)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER report_days_order_insert AFTER INSERT ON orders
BEGIN
    INSERT INTO report_order_days (day, care_provider_id, area, orders, digital, exempt, delivered, on_time, past_contact, contact_cases, partial)
    SELECT NEW.received_day, coalesce(NEW.care_provider_id, 0), coalesce(NEW.area, ''), 1, (NEW.channel = 'digital'), (NEW.contact_from IS NULL), (NEW.contact_from IS NOT NULL AND NEW.first_delivered IS NOT NULL), coalesce(NEW.contact_from IS NOT NULL AND NEW.first_delivered <= NEW.due, 0), coalesce(NEW.contact_from IS NOT NULL AND NEW.first_delivered >= NEW.contact_from, 0), NEW.contact_case, NEW.partial WHERE NEW.status <> 'cancelled' AND NEW.area IS NOT NULL
    ON CONFLICT (day, care_provider_id, area) DO UPDATE SET orders = orders + excluded.orders, digital = digital + excluded.digital, exempt = exempt + excluded.exempt, delivered = delivered + excluded.delivered, on_time = on_time + excluded.on_time, past_contact = past_contact + excluded.past_contact, contact_cases = contact_cases + excluded.contact_cases, partial = partial + excluded.partial;
END;
CREATE TRIGGER report_days_order_update AFTER UPDATE OF received_day, care_provider_id, area, status,
    channel, due, contact_from, first_delivered, partial, contact_case ON orders
BEGIN
    INSERT INTO report_order_days (day, care_provider_id, area, orders, digital, exempt, delivered, on_time, past_contact, contact_cases, partial)
    SELECT OLD.received_day, coalesce(OLD.care_provider_id, 0), coalesce(OLD.area, ''), -1, -(OLD.channel = 'digital'), -(OLD.contact_from IS NULL), -(OLD.contact_from IS NOT NULL AND OLD.first_delivered IS NOT NULL), -coalesce(OLD.contact_from IS NOT NULL AND OLD.first_delivered <= OLD.due, 0), -coalesce(OLD.contact_from IS NOT NULL AND OLD.first_delivered >= OLD.contact_from, 0), -OLD.contact_case, -OLD.partial WHERE OLD.status <> 'cancelled' AND OLD.area IS NOT NULL
    ON CONFLICT (day, care_provider_id, area) DO UPDATE SET orders = orders + excluded.orders, digital = digital + excluded.digital, exempt = exempt + excluded.exempt, delivered = delivered + excluded.delivered, on_time = on_time + excluded.on_time, past_contact = past_contact + excluded.past_contact, contact_cases = contact_cases + excluded.contact_cases, partial = partial + excluded.partial;
    INSERT INTO report_order_days (day, care_provider_id, area, orders, digital, exempt, delivered, on_time, past_contact, contact_cases, partial)
    SELECT NEW.received_day, coalesce(NEW.care_provider_id, 0), coalesce(NEW.area, ''), 1, (NEW.channel = 'digital'), (NEW.contact_from IS NULL), (NEW.contact_from IS NOT NULL AND NEW.first_delivered IS NOT NULL), coalesce(NEW.contact_from IS NOT NULL AND NEW.first_delivered <= NEW.due, 0), coalesce(NEW.contact_from IS NOT NULL AND NEW.first_delivered >= NEW.contact_from, 0), NEW.contact_case, NEW.partial WHERE NEW.status <> 'cancelled' AND NEW.area IS NOT NULL
    ON CONFLICT (day, care_provider_id, area) DO UPDATE SET orders = orders + excluded.orders, digital = digital + excluded.digital, exempt = exempt + excluded.exempt, delivered = delivered + excluded.delivered, on_time = on_time + excluded.on_time, past_contact = past_contact + excluded.past_contact, contact_cases = contact_cases + excluded.contact_cases, partial = partial + excluded.partial;
END;
CREATE TRIGGER report_days_order_delete AFTER DELETE ON orders
BEGIN
    INSERT INTO report_order_days (day, care_provider_id, area, orders, digital, exempt, delivered, on_time, past_contact, contact_cases, partial)
    SELECT OLD.received_day, coalesce(OLD.care_provider_id, 0), coalesce(OLD.area, ''), -1, -(OLD.channel = 'digital'), -(OLD.contact_from IS NULL), -(OLD.contact_from IS NOT NULL AND OLD.first_delivered IS NOT NULL), -coalesce(OLD.contact_from IS NOT NULL AND OLD.first_delivered <= OLD.due, 0), -coalesce(OLD.contact_from IS NOT NULL AND OLD.first_delivered >= OLD.contact_from, 0), -OLD.contact_case, -OLD.partial WHERE OLD.status <> 'cancelled' AND OLD.area IS NOT NULL
    ON CONFLICT (day, care_provider_id, area) DO UPDATE SET orders = orders + excluded.orders, digital = digital + excluded.digital, exempt = exempt + excluded.exempt, delivered = delivered + excluded.delivered, on_time = on_time + excluded.on_time, past_contact = past_contact + excluded.past_contact, contact_cases = contact_cases + excluded.contact_cases, partial = partial + excluded.partial;
END;

CREATE TRIGGER report_days_shipment_insert AFTER INSERT ON shipments
BEGIN
    INSERT INTO report_ship_days (day, care_provider_id, area, lines, returns)
    SELECT substr(NEW.delivered_at, 1, 10), coalesce(NEW.care_provider_id, 0), coalesce(NEW.area, ''), NEW.lines, 0
    WHERE NEW.delivered_at IS NOT NULL
    ON CONFLICT (day, care_provider_id, area) DO UPDATE SET lines = lines + excluded.lines;
    INSERT INTO report_ship_days (day, care_provider_id, area, lines, returns)
    SELECT substr(NEW.outcome_at, 1, 10), coalesce(NEW.care_provider_id, 0), coalesce(NEW.area, ''), 0, 1
    WHERE NEW.outcome IN ('returned', 'not_collected') AND NEW.outcome_at IS NOT NULL
    ON CONFLICT (day, care_provider_id, area) DO UPDATE SET returns = returns + excluded.returns;
END;
CREATE TRIGGER report_days_shipment_update AFTER UPDATE OF delivered_at, outcome, outcome_at, lines,
    care_provider_id, area ON shipments
BEGIN
    INSERT INTO report_ship_days (day, care_provider_id, area, lines, returns)
    SELECT substr(OLD.delivered_at, 1, 10), coalesce(OLD.care_provider_id, 0), coalesce(OLD.area, ''), -OLD.lines, 0
    WHERE OLD.delivered_at IS NOT NULL
    ON CONFLICT (day, care_provider_id, area) DO UPDATE SET lines = lines + excluded.lines;
    INSERT INTO report_ship_days (day, care_provider_id, area, lines, returns)
    SELECT substr(OLD.outcome_at, 1, 10), coalesce(OLD.care_provider_id, 0), coalesce(OLD.area, ''), 0, -1
    WHERE OLD.outcome IN ('returned', 'not_collected') AND OLD.outcome_at IS NOT NULL
    ON CONFLICT (day, care_provider_id, area) DO UPDATE SET returns = returns + excluded.returns;
    INSERT INTO report_ship_days (day, care_provider_id, area, lines, returns)
    SELECT substr(NEW.delivered_at, 1, 10), coalesce(NEW.care_provider_id, 0), coalesce(NEW.area, ''), NEW.lines, 0
    WHERE NEW.delivered_at IS NOT NULL
    ON CONFLICT (day, care_provider_id, area) DO UPDATE SET lines = lines + excluded.lines;
    INSERT INTO report_ship_days (day, care_provider_id, area, lines, returns)
    SELECT substr(NEW.outcome_at, 1, 10), coalesce(NEW.care_provider_id, 0), coalesce(NEW.area, ''), 0, 1
    WHERE NEW.outcome IN ('returned', 'not_collected') AND NEW.outcome_at IS NOT NULL
    ON CONFLICT (day, care_provider_id, area) DO UPDATE SET returns = returns + excluded.returns;
END;
CREATE TRIGGER report_days_shipment_delete AFTER DELETE ON shipments
BEGIN
    INSERT INTO report_ship_days (day, care_provider_id, area, lines, returns)
    SELECT substr(OLD.delivered_at, 1, 10), coalesce(OLD.care_provider_id, 0), coalesce(OLD.area, ''), -OLD.lines, 0
    WHERE OLD.delivered_at IS NOT NULL
    ON CONFLICT (day, care_provider_id, area) DO UPDATE SET lines = lines + excluded.lines;
    INSERT INTO report_ship_days (day, care_provider_id, area, lines, returns)
    SELECT substr(OLD.outcome_at, 1, 10), coalesce(OLD.care_provider_id, 0), coalesce(OLD.area, ''), 0, -1
    WHERE OLD.outcome IN ('returned', 'not_collected') AND OLD.outcome_at IS NOT NULL
    ON CONFLICT (day, care_provider_id, area) DO UPDATE SET returns = returns + excluded.returns;
END;

CREATE TRIGGER report_days_call_insert AFTER INSERT ON calls
BEGIN
    INSERT INTO report_call_days (day, wait, calls)
    SELECT substr(NEW.queued_at, 1, 10), (CASE WHEN NEW.answered_at IS NULL THEN -1 ELSE min(61, (strftime('%s', NEW.answered_at) - strftime('%s', NEW.queued_at) + 59) / 60) END), 1 WHERE true
    ON CONFLICT (day, wait) DO UPDATE SET calls = calls + excluded.calls;
END;
CREATE TRIGGER report_days_call_update AFTER UPDATE OF queued_at, answered_at, abandoned_at ON calls
BEGIN
    INSERT INTO report_call_days (day, wait, calls)
    SELECT substr(OLD.queued_at, 1, 10), (CASE WHEN OLD.answered_at IS NULL THEN -1 ELSE min(61, (strftime('%s', OLD.answered_at) - strftime('%s', OLD.queued_at) + 59) / 60) END), -1 WHERE true
    ON CONFLICT (day, wait) DO UPDATE SET calls = calls + excluded.calls;
    INSERT INTO report_call_days (day, wait, calls)
    SELECT substr(NEW.queued_at, 1, 10), (CASE WHEN NEW.answered_at IS NULL THEN -1 ELSE min(61, (strftime('%s', NEW.answered_at) - strftime('%s', NEW.queued_at) + 59) / 60) END), 1 WHERE true
    ON CONFLICT (day, wait) DO UPDATE SET calls = calls + excluded.calls;
END;
CREATE TRIGGER report_days_call_delete AFTER DELETE ON calls
BEGIN
    INSERT INTO report_call_days (day, wait, calls)
    SELECT substr(OLD.queued_at, 1, 10), (CASE WHEN OLD.answered_at IS NULL THEN -1 ELSE min(61, (strftime('%s', OLD.answered_at) - strftime('%s', OLD.queued_at) + 59) / 60) END), -1 WHERE true
    ON CONFLICT (day, wait) DO UPDATE SET calls = calls + excluded.calls;
END;

-- The rows written before this migration.
INSERT INTO report_order_days (day, care_provider_id, area, orders, digital, exempt, delivered, on_time, past_contact, contact_cases, partial)
SELECT received_day, coalesce(care_provider_id, 0), coalesce(area, ''), count(*),
    sum(channel = 'digital'), sum(contact_from IS NULL),
    sum(contact_from IS NOT NULL AND first_delivered IS NOT NULL),
    sum(coalesce(contact_from IS NOT NULL AND first_delivered <= due, 0)),
    sum(coalesce(contact_from IS NOT NULL AND first_delivered >= contact_from, 0)),
    sum(contact_case), sum(partial)
FROM orders WHERE status <> 'cancelled' AND area IS NOT NULL GROUP BY 1, 2, 3;
INSERT INTO report_ship_days (day, care_provider_id, area, lines, returns)
SELECT substr(delivered_at, 1, 10), coalesce(care_provider_id, 0), coalesce(area, ''), sum(lines), 0
FROM shipments WHERE delivered_at IS NOT NULL GROUP BY 1, 2, 3;
INSERT INTO report_ship_days (day, care_provider_id, area, lines, returns)
SELECT substr(outcome_at, 1, 10), coalesce(care_provider_id, 0), coalesce(area, ''), 0, count(*)
FROM shipments WHERE outcome IN ('returned', 'not_collected') AND outcome_at IS NOT NULL
GROUP BY 1, 2, 3 HAVING true
ON CONFLICT (day, care_provider_id, area) DO UPDATE SET returns = returns + excluded.returns;
INSERT INTO report_call_days (day, wait, calls)
SELECT substr(queued_at, 1, 10), (CASE WHEN calls.answered_at IS NULL THEN -1 ELSE min(61, (strftime('%s', calls.answered_at) - strftime('%s', calls.queued_at) + 59) / 60) END), count(*) FROM calls GROUP BY 1, 2;

-- Orders not delivered yet, which the report judges against its own day.
CREATE INDEX orders_undelivered ON orders (received_day, care_provider_id, area, due, contact_from)
    WHERE first_delivered IS NULL AND contact_from IS NOT NULL AND status <> 'cancelled'
    AND area IS NOT NULL;
-- The daily sums replace the scans these served.
DROP INDEX orders_report;
DROP INDEX calls_wait;

-- PostgreSQL form of ../0008_report_days.sql: daily sums for the key-figure report, kept by
-- triggers as orders, shipments and calls are written. Each trigger takes away the old row's part
-- and adds the new row's. A comparison counts as 1 or 0 (SQLite's booleans are those integers).

CREATE TABLE report_order_days (
    day text NOT NULL,                -- received_day
    care_provider_id bigint NOT NULL, -- 0: not known
    area text NOT NULL,               -- '': not known
    orders bigint NOT NULL DEFAULT 0,
    digital bigint NOT NULL DEFAULT 0,
    exempt bigint NOT NULL DEFAULT 0,
    delivered bigint NOT NULL DEFAULT 0,
    on_time bigint NOT NULL DEFAULT 0,
    past_contact bigint NOT NULL DEFAULT 0,
    contact_cases bigint NOT NULL DEFAULT 0,
    partial bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (day, care_provider_id, area)
);

CREATE TABLE report_ship_days (
    day text NOT NULL,                -- of delivery, or of the return
    care_provider_id bigint NOT NULL,
    area text NOT NULL,
    lines bigint NOT NULL DEFAULT 0,
    returns bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (day, care_provider_id, area)
);

-- wait: whole minutes from queueing to answer, rounded up; -1 not answered; 61 over an hour.
CREATE TABLE report_call_days (
    day text NOT NULL,
    wait bigint NOT NULL,
    calls bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (day, wait)
);

-- An order's part of its day's sums (sign 1) or its removal (sign -1).
CREATE FUNCTION report_days_order_add(o orders, sign int) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO report_order_days (day, care_provider_id, area, orders, digital, exempt, delivered, on_time, past_contact, contact_cases, partial)
    SELECT o.received_day, coalesce(o.care_provider_id, 0), coalesce(o.area, ''), sign, sign * (o.channel = 'digital')::int, sign * (o.contact_from IS NULL)::int, sign * (o.contact_from IS NOT NULL AND o.first_delivered IS NOT NULL)::int, sign * coalesce((o.contact_from IS NOT NULL AND o.first_delivered <= o.due)::int, 0), sign * coalesce((o.contact_from IS NOT NULL AND o.first_delivered >= o.contact_from)::int, 0), sign * o.contact_case, sign * o.partial WHERE o.status <> 'cancelled' AND o.area IS NOT NULL
    ON CONFLICT (day, care_provider_id, area) DO UPDATE SET orders = report_order_days.orders + excluded.orders, digital = report_order_days.digital + excluded.digital, exempt = report_order_days.exempt + excluded.exempt, delivered = report_order_days.delivered + excluded.delivered, on_time = report_order_days.on_time + excluded.on_time, past_contact = report_order_days.past_contact + excluded.past_contact, contact_cases = report_order_days.contact_cases + excluded.contact_cases, partial = report_order_days.partial + excluded.partial;
END;
$$;

CREATE FUNCTION report_days_order_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM report_days_order_add(NEW, 1);
    RETURN NULL;
END;
$$;
CREATE TRIGGER report_days_order_insert AFTER INSERT ON orders
    FOR EACH ROW EXECUTE FUNCTION report_days_order_insert();
CREATE FUNCTION report_days_order_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM report_days_order_add(OLD, -1);
    PERFORM report_days_order_add(NEW, 1);
    RETURN NULL;
END;
$$;
CREATE TRIGGER report_days_order_update AFTER UPDATE OF received_day, care_provider_id, area, status,
    channel, due, contact_from, first_delivered, partial, contact_case ON orders
    FOR EACH ROW EXECUTE FUNCTION report_days_order_update();
CREATE FUNCTION report_days_order_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM report_days_order_add(OLD, -1);
    RETURN NULL;
END;
$$;
CREATE TRIGGER report_days_order_delete AFTER DELETE ON orders
    FOR EACH ROW EXECUTE FUNCTION report_days_order_delete();

-- A shipment's part of its days' sums (sign 1) or its removal (sign -1).
CREATE FUNCTION report_days_shipment_add(s shipments, sign int) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO report_ship_days (day, care_provider_id, area, lines, returns)
    SELECT substr(s.delivered_at, 1, 10), coalesce(s.care_provider_id, 0), coalesce(s.area, ''), sign * s.lines, 0
    WHERE s.delivered_at IS NOT NULL
    ON CONFLICT (day, care_provider_id, area) DO UPDATE SET lines = report_ship_days.lines + excluded.lines;
    INSERT INTO report_ship_days (day, care_provider_id, area, lines, returns)
    SELECT substr(s.outcome_at, 1, 10), coalesce(s.care_provider_id, 0), coalesce(s.area, ''), 0, sign
    WHERE s.outcome IN ('returned', 'not_collected') AND s.outcome_at IS NOT NULL
    ON CONFLICT (day, care_provider_id, area) DO UPDATE SET returns = report_ship_days.returns + excluded.returns;
END;
$$;

CREATE FUNCTION report_days_shipment_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM report_days_shipment_add(NEW, 1);
    RETURN NULL;
END;
$$;
CREATE TRIGGER report_days_shipment_insert AFTER INSERT ON shipments
    FOR EACH ROW EXECUTE FUNCTION report_days_shipment_insert();
CREATE FUNCTION report_days_shipment_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM report_days_shipment_add(OLD, -1);
    PERFORM report_days_shipment_add(NEW, 1);
    RETURN NULL;
END;
$$;
CREATE TRIGGER report_days_shipment_update AFTER UPDATE OF delivered_at, outcome, outcome_at, lines,
    care_provider_id, area ON shipments
    FOR EACH ROW EXECUTE FUNCTION report_days_shipment_update();
CREATE FUNCTION report_days_shipment_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM report_days_shipment_add(OLD, -1);
    RETURN NULL;
END;
$$;
CREATE TRIGGER report_days_shipment_delete AFTER DELETE ON shipments
    FOR EACH ROW EXECUTE FUNCTION report_days_shipment_delete();

-- A call's wait as the report counts it (reports.c reads report_call_days by it).
CREATE FUNCTION report_call_wait(queued_at text, answered_at text) RETURNS bigint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN answered_at IS NULL THEN -1
                ELSE least(61, (lmn_unixepoch(answered_at) - lmn_unixepoch(queued_at) + 59) / 60) END
$$;

CREATE FUNCTION report_days_call_add(c calls, sign int) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO report_call_days (day, wait, calls)
    VALUES (substr(c.queued_at, 1, 10), report_call_wait(c.queued_at, c.answered_at), sign)
    ON CONFLICT (day, wait) DO UPDATE SET calls = report_call_days.calls + excluded.calls;
END;
$$;
CREATE FUNCTION report_days_call_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM report_days_call_add(NEW, 1);
    RETURN NULL;
END;
$$;
CREATE TRIGGER report_days_call_insert AFTER INSERT ON calls
    FOR EACH ROW EXECUTE FUNCTION report_days_call_insert();
CREATE FUNCTION report_days_call_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM report_days_call_add(OLD, -1);
    PERFORM report_days_call_add(NEW, 1);
    RETURN NULL;
END;
$$;
CREATE TRIGGER report_days_call_update AFTER UPDATE OF queued_at, answered_at, abandoned_at ON calls
    FOR EACH ROW EXECUTE FUNCTION report_days_call_update();
CREATE FUNCTION report_days_call_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM report_days_call_add(OLD, -1);
    RETURN NULL;
END;
$$;
CREATE TRIGGER report_days_call_delete AFTER DELETE ON calls
    FOR EACH ROW EXECUTE FUNCTION report_days_call_delete();

-- The rows written before this migration.
INSERT INTO report_order_days (day, care_provider_id, area, orders, digital, exempt, delivered, on_time, past_contact, contact_cases, partial)
SELECT received_day, coalesce(care_provider_id, 0), coalesce(area, ''), count(*),
    sum((channel = 'digital')::int), sum((contact_from IS NULL)::int),
    sum((contact_from IS NOT NULL AND first_delivered IS NOT NULL)::int),
    sum(coalesce((contact_from IS NOT NULL AND first_delivered <= due)::int, 0)),
    sum(coalesce((contact_from IS NOT NULL AND first_delivered >= contact_from)::int, 0)),
    sum(contact_case), sum(partial)
FROM orders WHERE status <> 'cancelled' AND area IS NOT NULL GROUP BY 1, 2, 3;
INSERT INTO report_ship_days (day, care_provider_id, area, lines, returns)
SELECT substr(delivered_at, 1, 10), coalesce(care_provider_id, 0), coalesce(area, ''), sum(lines), 0
FROM shipments WHERE delivered_at IS NOT NULL GROUP BY 1, 2, 3;
INSERT INTO report_ship_days (day, care_provider_id, area, lines, returns)
SELECT substr(outcome_at, 1, 10), coalesce(care_provider_id, 0), coalesce(area, ''), 0, count(*)
FROM shipments WHERE outcome IN ('returned', 'not_collected') AND outcome_at IS NOT NULL
GROUP BY 1, 2, 3
ON CONFLICT (day, care_provider_id, area) DO UPDATE SET returns = report_ship_days.returns + excluded.returns;
INSERT INTO report_call_days (day, wait, calls)
SELECT substr(queued_at, 1, 10), report_call_wait(queued_at, answered_at), count(*)
FROM calls GROUP BY 1, 2;

-- Orders not delivered yet, which the report judges against its own day.
CREATE INDEX orders_undelivered ON orders (received_day, care_provider_id, area, due, contact_from)
    WHERE first_delivered IS NULL AND contact_from IS NOT NULL AND status <> 'cancelled'
    AND area IS NOT NULL;
-- The daily sums replace the scans these served.
DROP INDEX orders_report;
DROP INDEX calls_wait;

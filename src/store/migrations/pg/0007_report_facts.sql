-- PostgreSQL form of ../0007_report_facts.sql: what the key-figure report and the invoice basis
-- need of each order and shipment, kept on the row by triggers (definitions in docs/reports.md).
-- SQLite's scalar min/max are least/greatest (their arguments are never NULL here).
ALTER TABLE orders ADD COLUMN area text;
ALTER TABLE orders ADD COLUMN care_provider_id bigint;
ALTER TABLE orders ADD COLUMN cost_unit_id bigint;
ALTER TABLE orders ADD COLUMN first_delivered text;
ALTER TABLE orders ADD COLUMN partial bigint NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN contact_case bigint NOT NULL DEFAULT 0;
ALTER TABLE shipments ADD COLUMN lines bigint NOT NULL DEFAULT 0;
ALTER TABLE shipments ADD COLUMN area text;
ALTER TABLE shipments ADD COLUMN care_provider_id bigint;
ALTER TABLE shipments ADD COLUMN cost_unit_id bigint;

CREATE FUNCTION report_order_first_line() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE orders SET area = (SELECT area FROM articles WHERE id = NEW.article_id),
        (cost_unit_id, care_provider_id) = (SELECT u.id, u.care_provider_id
            FROM prescription_items i JOIN prescriptions p ON p.id = i.prescription_id
            JOIN units u ON u.id = p.unit_id WHERE i.id = NEW.prescription_item_id)
     WHERE id = NEW.order_id AND area IS NULL;
    RETURN NULL;
END;
$$;
CREATE TRIGGER report_order_first_line AFTER INSERT ON order_lines
    FOR EACH ROW EXECUTE FUNCTION report_order_first_line();

CREATE FUNCTION report_shipment_new() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE shipments SET (area, care_provider_id, cost_unit_id) =
        (SELECT area, care_provider_id, cost_unit_id FROM orders WHERE id = NEW.order_id)
     WHERE id = NEW.id;
    UPDATE orders SET partial = greatest(partial, NEW.partial),
        first_delivered = CASE WHEN NEW.delivered_at IS NULL THEN first_delivered
            ELSE least(coalesce(first_delivered, '9999-12-31'), substr(NEW.delivered_at, 1, 10)) END
     WHERE id = NEW.order_id;
    RETURN NULL;
END;
$$;
CREATE TRIGGER report_shipment_new AFTER INSERT ON shipments
    FOR EACH ROW EXECUTE FUNCTION report_shipment_new();

CREATE FUNCTION report_shipment_delivered() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE orders SET first_delivered = least(coalesce(first_delivered, '9999-12-31'),
        substr(NEW.delivered_at, 1, 10)) WHERE id = NEW.order_id;
    RETURN NULL;
END;
$$;
CREATE TRIGGER report_shipment_delivered AFTER UPDATE OF delivered_at ON shipments
    FOR EACH ROW WHEN (NEW.delivered_at IS NOT NULL)
    EXECUTE FUNCTION report_shipment_delivered();

CREATE FUNCTION report_shipment_line() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE shipments SET lines = lines + 1 WHERE id = NEW.shipment_id;
    RETURN NULL;
END;
$$;
CREATE TRIGGER report_shipment_line AFTER INSERT ON shipment_lines
    FOR EACH ROW WHEN (NEW.quantity > 0)
    EXECUTE FUNCTION report_shipment_line();

CREATE FUNCTION report_contact_case() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE orders SET contact_case = 1 WHERE id = NEW.order_id;
    RETURN NULL;
END;
$$;
CREATE TRIGGER report_contact_case AFTER INSERT ON contact_cases
    FOR EACH ROW EXECUTE FUNCTION report_contact_case();

-- The rows written before this migration.
UPDATE orders SET
    area = (SELECT a.area FROM order_lines l JOIN articles a ON a.id = l.article_id
            WHERE l.order_id = orders.id ORDER BY l.id LIMIT 1),
    (cost_unit_id, care_provider_id) = (SELECT u.id, u.care_provider_id FROM order_lines l
            JOIN prescription_items i ON i.id = l.prescription_item_id
            JOIN prescriptions p ON p.id = i.prescription_id JOIN units u ON u.id = p.unit_id
            WHERE l.order_id = orders.id ORDER BY l.id LIMIT 1),
    first_delivered = (SELECT min(substr(delivered_at, 1, 10)) FROM shipments
            WHERE order_id = orders.id AND delivered_at IS NOT NULL),
    partial = (EXISTS (SELECT 1 FROM shipments WHERE order_id = orders.id AND partial = 1))::int,
    contact_case = (EXISTS (SELECT 1 FROM contact_cases WHERE order_id = orders.id))::int;
UPDATE shipments SET lines = (SELECT count(*) FROM shipment_lines
    WHERE shipment_id = shipments.id AND quantity > 0),
    (area, care_provider_id, cost_unit_id) =
        (SELECT area, care_provider_id, cost_unit_id FROM orders WHERE id = shipments.order_id);

-- Covering indexes in the order the reports group by.
DROP INDEX orders_received_day;
CREATE INDEX orders_report ON orders (received_day, care_provider_id, area, status, channel, due,
    contact_from, first_delivered, partial, contact_case);
DROP INDEX shipments_delivered;
CREATE INDEX shipments_delivered ON shipments (substr(delivered_at, 1, 10), care_provider_id, area,
    lines) WHERE delivered_at IS NOT NULL;

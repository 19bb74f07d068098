-- What the key-figure report and the invoice basis need of each order and shipment, kept on the row
-- by triggers as the order, its lines, shipments and contact cases are written, so a report over ten
-- million order lines reads one covering index per table instead of joining every line (issue 6,
-- bench/reports). The definitions are in docs/reports.md.
--   orders.area, care_provider_id, cost_unit_id: of the order's first line (its article's area; the
--     prescribing unit and its care provider, who carry the cost);
--   orders.first_delivered: the local day the first shipment was delivered;
--   orders.partial: a shipment left lines out (supplier backorder);
--   orders.contact_case: a delay contact case was opened;
--   shipments.lines: the shipment's lines with a quantity; shipments.area, care_provider_id and
--     cost_unit_id: its order's.
ALTER TABLE orders ADD COLUMN area TEXT;
ALTER TABLE orders ADD COLUMN care_provider_id INTEGER;
ALTER TABLE orders ADD COLUMN cost_unit_id INTEGER;
ALTER TABLE orders ADD COLUMN first_delivered TEXT;
ALTER TABLE orders ADD COLUMN partial INTEGER NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN contact_case INTEGER NOT NULL DEFAULT 0;
ALTER TABLE shipments ADD COLUMN lines INTEGER NOT NULL DEFAULT 0;
ALTER TABLE shipments ADD COLUMN area TEXT;
ALTER TABLE shipments ADD COLUMN care_provider_id INTEGER;
ALTER TABLE shipments ADD COLUMN cost_unit_id INTEGER;

CREATE TRIGGER report_order_first_line AFTER INSERT ON order_lines
BEGIN
    UPDATE orders SET area = (SELECT area FROM articles WHERE id = NEW.article_id),
        (cost_unit_id, care_provider_id) = (SELECT u.id, u.care_provider_id
            FROM prescription_items i JOIN prescriptions p ON p.id = i.prescription_id
            JOIN units u ON u.id = p.unit_id WHERE i.id = NEW.prescription_item_id)
     WHERE id = NEW.order_id AND area IS NULL;
END;
CREATE TRIGGER report_shipment_new AFTER INSERT ON shipments
BEGIN
    UPDATE shipments SET (area, care_provider_id, cost_unit_id) =
        (SELECT area, care_provider_id, cost_unit_id FROM orders WHERE id = NEW.order_id)
     WHERE id = NEW.id;
    UPDATE orders SET partial = max(partial, NEW.partial),
        first_delivered = CASE WHEN NEW.delivered_at IS NULL THEN first_delivered
            ELSE min(coalesce(first_delivered, '9999-12-31'), substr(NEW.delivered_at, 1, 10)) END
     WHERE id = NEW.order_id;
END;
CREATE TRIGGER report_shipment_delivered AFTER UPDATE OF delivered_at ON shipments
    WHEN NEW.delivered_at IS NOT NULL
BEGIN
    UPDATE orders SET first_delivered = min(coalesce(first_delivered, '9999-12-31'),
        substr(NEW.delivered_at, 1, 10)) WHERE id = NEW.order_id;
END;
CREATE TRIGGER report_shipment_line AFTER INSERT ON shipment_lines WHEN NEW.quantity > 0
BEGIN
    UPDATE shipments SET lines = lines + 1 WHERE id = NEW.shipment_id;
END;
CREATE TRIGGER report_contact_case AFTER INSERT ON contact_cases
BEGIN
    UPDATE orders SET contact_case = 1 WHERE id = NEW.order_id;
END;

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
    partial = EXISTS (SELECT 1 FROM shipments WHERE order_id = orders.id AND partial = 1),
    contact_case = EXISTS (SELECT 1 FROM contact_cases WHERE order_id = orders.id);
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

-- The invoice basis (issue 22: within twice its floor) reads the delivered shipments of a month
-- once, with their lines, and no other table's rows:
--   shipment_lines.article_id, unit_id: the order line's article and the unit whose prescription
--     it was (both never change), for the price in force on the day and the unit charged.
--     Written with the line (store/shipments.c), or by the trigger below for any other writer.
--   shipments.kind: its order's (normal, acute, express), copied with the order's other report
--     facts when the shipment is made, for the delivery fees.
--   shipments_delivered also holds the cost unit and the kind: the month's deliveries are read
--     from the index alone.
ALTER TABLE shipment_lines ADD COLUMN article_id INTEGER REFERENCES articles(id);
ALTER TABLE shipment_lines ADD COLUMN unit_id INTEGER REFERENCES units(id);
UPDATE shipment_lines SET (article_id, unit_id) = (
    SELECT l.article_id, p.unit_id FROM order_lines l
      JOIN prescription_items i ON i.id = l.prescription_item_id
      JOIN prescriptions p ON p.id = i.prescription_id
     WHERE l.id = shipment_lines.order_line_id);
CREATE TRIGGER shipment_lines_invoice AFTER INSERT ON shipment_lines
WHEN NEW.article_id IS NULL OR NEW.unit_id IS NULL
BEGIN
    UPDATE shipment_lines SET (article_id, unit_id) = (
        SELECT l.article_id, p.unit_id FROM order_lines l
          JOIN prescription_items i ON i.id = l.prescription_item_id
          JOIN prescriptions p ON p.id = i.prescription_id
         WHERE l.id = NEW.order_line_id)
     WHERE shipment_id = NEW.shipment_id AND order_line_id = NEW.order_line_id;
END;

ALTER TABLE shipments ADD COLUMN kind TEXT;
UPDATE shipments SET kind = (SELECT kind FROM orders WHERE id = shipments.order_id);
DROP TRIGGER report_shipment_new;
CREATE TRIGGER report_shipment_new AFTER INSERT ON shipments
BEGIN
    UPDATE shipments SET (area, care_provider_id, cost_unit_id, kind) =
        (SELECT area, care_provider_id, cost_unit_id, kind FROM orders WHERE id = NEW.order_id)
     WHERE id = NEW.id;
    UPDATE orders SET partial = max(partial, NEW.partial),
        first_delivered = CASE WHEN NEW.delivered_at IS NULL THEN first_delivered
            ELSE min(coalesce(first_delivered, '9999-12-31'), substr(NEW.delivered_at, 1, 10)) END,
        last_delivered = CASE WHEN NEW.delivered_at IS NULL THEN last_delivered
            ELSE max(coalesce(last_delivered, ''), substr(NEW.delivered_at, 1, 10)) END
     WHERE id = NEW.order_id;
END;
DROP INDEX shipments_delivered;
CREATE INDEX shipments_delivered ON shipments (substr(delivered_at, 1, 10), care_provider_id, area,
    lines, cost_unit_id, kind) WHERE delivered_at IS NOT NULL;

-- The invoice basis (issue 22: within twice its floor) prices each delivered line at its
-- article's price on the day of delivery and charges the unit whose prescription it was. Both
-- are the order line's and never change: kept on the shipment line, the basis reads no other
-- table's rows per line. Written with the line (store/shipments.c), or by the trigger below.
ALTER TABLE shipment_lines ADD COLUMN article_id INTEGER REFERENCES articles(id);
ALTER TABLE shipment_lines ADD COLUMN unit_id INTEGER REFERENCES units(id);
UPDATE shipment_lines SET (article_id, unit_id) = (
    SELECT l.article_id, p.unit_id FROM order_lines l
      JOIN prescription_items i ON i.id = l.prescription_item_id
      JOIN prescriptions p ON p.id = i.prescription_id
     WHERE l.id = shipment_lines.order_line_id);
-- A line written without them (by a writer other than the store's) gets them all the same.
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

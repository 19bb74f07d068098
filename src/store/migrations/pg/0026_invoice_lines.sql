-- PostgreSQL form of ../0026_invoice_lines.sql: each shipment line keeps its order line's
-- article and the unit whose prescription it was, for the invoice basis.
ALTER TABLE shipment_lines ADD COLUMN article_id bigint REFERENCES articles(id);
ALTER TABLE shipment_lines ADD COLUMN unit_id bigint REFERENCES units(id);
UPDATE shipment_lines sl SET article_id = l.article_id, unit_id = p.unit_id
  FROM order_lines l
  JOIN prescription_items i ON i.id = l.prescription_item_id
  JOIN prescriptions p ON p.id = i.prescription_id
 WHERE l.id = sl.order_line_id;
CREATE FUNCTION shipment_lines_invoice() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.article_id IS NULL OR NEW.unit_id IS NULL THEN
        UPDATE shipment_lines sl SET article_id = l.article_id, unit_id = p.unit_id
          FROM order_lines l
          JOIN prescription_items i ON i.id = l.prescription_item_id
          JOIN prescriptions p ON p.id = i.prescription_id
         WHERE l.id = NEW.order_line_id
           AND sl.shipment_id = NEW.shipment_id AND sl.order_line_id = NEW.order_line_id;
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER shipment_lines_invoice AFTER INSERT ON shipment_lines
    FOR EACH ROW EXECUTE FUNCTION shipment_lines_invoice();

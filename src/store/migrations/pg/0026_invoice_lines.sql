-- PostgreSQL form of ../0026_invoice_lines.sql: each shipment line keeps its order line's
-- article and the unit whose prescription it was, each shipment its order's kind, and
-- shipments_delivered holds the cost unit and the kind, for the invoice basis.
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

ALTER TABLE shipments ADD COLUMN kind text;
UPDATE shipments s SET kind = o.kind FROM orders o WHERE o.id = s.order_id;
CREATE OR REPLACE FUNCTION report_shipment_new() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE shipments SET (area, care_provider_id, cost_unit_id, kind) =
        (SELECT area, care_provider_id, cost_unit_id, kind FROM orders WHERE id = NEW.order_id)
     WHERE id = NEW.id;
    UPDATE orders SET partial = greatest(partial, NEW.partial),
        first_delivered = CASE WHEN NEW.delivered_at IS NULL THEN first_delivered
            ELSE least(coalesce(first_delivered, '9999-12-31'), substr(NEW.delivered_at, 1, 10)) END,
        last_delivered = CASE WHEN NEW.delivered_at IS NULL THEN last_delivered
            ELSE greatest(coalesce(last_delivered, ''), substr(NEW.delivered_at, 1, 10)) END
     WHERE id = NEW.order_id;
    RETURN NULL;
END;
$$;
DROP INDEX shipments_delivered;
CREATE INDEX shipments_delivered ON shipments (substr(delivered_at, 1, 10), care_provider_id, area,
    lines, cost_unit_id, kind) WHERE delivered_at IS NOT NULL;

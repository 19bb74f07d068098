-- PostgreSQL form of ../0025_contact_candidates.sql: orders.last_delivered, kept as
-- first_delivered is, and the few orders the delay follow-up's job must look at.
ALTER TABLE orders ADD COLUMN last_delivered text;

CREATE OR REPLACE FUNCTION report_shipment_new() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE shipments SET (area, care_provider_id, cost_unit_id) =
        (SELECT area, care_provider_id, cost_unit_id FROM orders WHERE id = NEW.order_id)
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
CREATE OR REPLACE FUNCTION report_shipment_delivered() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE orders SET first_delivered = least(coalesce(first_delivered, '9999-12-31'),
            substr(NEW.delivered_at, 1, 10)),
        last_delivered = greatest(coalesce(last_delivered, ''), substr(NEW.delivered_at, 1, 10))
     WHERE id = NEW.order_id;
    RETURN NULL;
END;
$$;

UPDATE orders SET last_delivered = (SELECT max(substr(delivered_at, 1, 10)) FROM shipments
        WHERE order_id = orders.id AND delivered_at IS NOT NULL)
 WHERE first_delivered IS NOT NULL;

CREATE INDEX orders_contact_open ON orders (contact_from)
    WHERE contact_from IS NOT NULL AND contact_case = 0 AND status <> 'cancelled'
    AND NOT (status = 'delivered' AND partial = 0
             AND coalesce(last_delivered, '9999-12-31') < contact_from);

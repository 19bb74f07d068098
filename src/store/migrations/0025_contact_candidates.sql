-- The delay follow-up's job (api/jobs.c) opens the contact cases of orders not delivered in full
-- before their contact date. It looked at every order whose contact date had passed, a million
-- after a few years, on the writer and at every start (15 s on bench/http's database). An order
-- delivered in full (status 'delivered') whose last delivery came before its contact date can
-- never be late: orders_contact_open holds only the others that have no case yet, so the job's
-- exact test of the lines runs on those few. 'delivered' is trusted only where no shipment left
-- lines out (partial = 0): the history import sets it from the last delivery alone, which may
-- follow a backordered one that was never delivered. An order without a delivered day stays a
-- candidate.
--   orders.last_delivered: the latest local day a shipment of the order was delivered (kept as
--     first_delivered is; a delivery undone later leaves it as it was, which only keeps an order
--     among the candidates).
ALTER TABLE orders ADD COLUMN last_delivered TEXT;

DROP TRIGGER report_shipment_new;
CREATE TRIGGER report_shipment_new AFTER INSERT ON shipments
BEGIN
    UPDATE shipments SET (area, care_provider_id, cost_unit_id) =
        (SELECT area, care_provider_id, cost_unit_id FROM orders WHERE id = NEW.order_id)
     WHERE id = NEW.id;
    UPDATE orders SET partial = max(partial, NEW.partial),
        first_delivered = CASE WHEN NEW.delivered_at IS NULL THEN first_delivered
            ELSE min(coalesce(first_delivered, '9999-12-31'), substr(NEW.delivered_at, 1, 10)) END,
        last_delivered = CASE WHEN NEW.delivered_at IS NULL THEN last_delivered
            ELSE max(coalesce(last_delivered, ''), substr(NEW.delivered_at, 1, 10)) END
     WHERE id = NEW.order_id;
END;
DROP TRIGGER report_shipment_delivered;
CREATE TRIGGER report_shipment_delivered AFTER UPDATE OF delivered_at ON shipments
    WHEN NEW.delivered_at IS NOT NULL
BEGIN
    UPDATE orders SET first_delivered = min(coalesce(first_delivered, '9999-12-31'),
            substr(NEW.delivered_at, 1, 10)),
        last_delivered = max(coalesce(last_delivered, ''), substr(NEW.delivered_at, 1, 10))
     WHERE id = NEW.order_id;
END;

UPDATE orders SET last_delivered = (SELECT max(substr(delivered_at, 1, 10)) FROM shipments
        WHERE order_id = orders.id AND delivered_at IS NOT NULL)
 WHERE first_delivered IS NOT NULL;

CREATE INDEX orders_contact_open ON orders (contact_from)
    WHERE contact_from IS NOT NULL AND contact_case = 0 AND status <> 'cancelled'
    AND NOT (status = 'delivered' AND partial = 0
             AND coalesce(last_delivered, '9999-12-31') < contact_from);

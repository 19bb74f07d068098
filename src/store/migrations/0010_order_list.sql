-- A patient's order list from one index (bench/http): each order keeps its number of lines, and
-- the index on the patient carries every column the list shows, so the list reads a few pages of
-- one index instead of each order's row and its lines (a connection reads its pages again after
-- any other connection's commit, so every page a request touches counts).

ALTER TABLE orders ADD COLUMN lines INTEGER NOT NULL DEFAULT 0;
UPDATE orders SET lines = (SELECT count(*) FROM order_lines l WHERE l.order_id = orders.id);
CREATE TRIGGER order_lines_count AFTER INSERT ON order_lines
BEGIN
    UPDATE orders SET lines = lines + 1 WHERE id = NEW.order_id;
END;
CREATE TRIGGER order_lines_uncount AFTER DELETE ON order_lines
BEGIN
    UPDATE orders SET lines = lines - 1 WHERE id = OLD.order_id;
END;

-- Newest first by id: the list's order and its paging (before=ID).
CREATE INDEX orders_patient_list ON orders (patient_id, id, kind, channel, received_at, due,
    contact_from, status, delivery_method, lines);
DROP INDEX orders_patient;

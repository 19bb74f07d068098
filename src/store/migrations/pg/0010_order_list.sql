-- PostgreSQL form of ../0010_order_list.sql: each order keeps its number of lines, and the index
-- on the patient carries every column the order list shows.

ALTER TABLE orders ADD COLUMN lines bigint NOT NULL DEFAULT 0;
UPDATE orders SET lines = (SELECT count(*) FROM order_lines l WHERE l.order_id = orders.id);
CREATE FUNCTION order_lines_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE orders SET lines = lines + 1 WHERE id = NEW.order_id;
    RETURN NULL;
END;
$$;
CREATE TRIGGER order_lines_count AFTER INSERT ON order_lines
    FOR EACH ROW EXECUTE FUNCTION order_lines_count();
CREATE FUNCTION order_lines_uncount() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE orders SET lines = lines - 1 WHERE id = OLD.order_id;
    RETURN NULL;
END;
$$;
CREATE TRIGGER order_lines_uncount AFTER DELETE ON order_lines
    FOR EACH ROW EXECUTE FUNCTION order_lines_uncount();

-- Newest first by id: the list's order and its paging (before=ID).
CREATE INDEX orders_patient_list ON orders (patient_id, id, kind, channel, received_at, due,
    contact_from, status, delivery_method, lines);
DROP INDEX orders_patient;

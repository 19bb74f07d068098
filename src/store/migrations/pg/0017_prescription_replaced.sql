-- PostgreSQL form of ../0017_prescription_replaced.sql: the item that replaced a cancelled one.
ALTER TABLE prescription_items ADD COLUMN replaced_by bigint REFERENCES prescription_items(id);

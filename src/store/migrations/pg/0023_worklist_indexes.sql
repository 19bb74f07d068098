-- PostgreSQL form of ../0023_worklist_indexes.sql: the start pages' work lists read only what
-- they show.
CREATE INDEX prescription_items_ending ON prescription_items (last_valid) WHERE cancelled_at IS NULL;
CREATE INDEX patients_housing ON patients (municipality) WHERE municipal_housing = 1;
CREATE INDEX shipments_open ON shipments (shipped_at, id) WHERE outcome IS NULL;
CREATE INDEX patients_name ON patients (family_name, given_name, protected_identity);

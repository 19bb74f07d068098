-- Issue 20 (bench/pages): the start pages' work lists read only what they show. A prescriber's
-- items that end within 30 days are found by their last valid day (worklists.c reads the items
-- first), not by reading every prescription of the unit; the municipal staff's residents in
-- municipal housing by municipality, not among every patient of the municipality; the
-- distributor's shipments without an outcome in the order shipped, not among the history; and a
-- search by name reads the names in the order shown, not every patient's row and then a sort.
CREATE INDEX prescription_items_ending ON prescription_items (last_valid) WHERE cancelled_at IS NULL;
CREATE INDEX patients_housing ON patients (municipality) WHERE municipal_housing = 1;
CREATE INDEX shipments_open ON shipments (shipped_at, id) WHERE outcome IS NULL;
CREATE INDEX patients_name ON patients (family_name, given_name, protected_identity);

-- Issue 18, DOMAIN.md §3: an item for an article the patient already has an active item for
-- replaces it. The old item ends cancelled (1177's MAKULERAD, "the same article prescribed in
-- another prescription") and names the item that replaced it, for the pages.
ALTER TABLE prescription_items ADD COLUMN replaced_by INTEGER REFERENCES prescription_items(id);

-- Governance users and what the governance pages need on top of migration 4: the roles secretary
-- (samverkansfunktion/sekreterare: edits bodies, meetings, minutes and the change log) and member
-- (ledamot: sees the meetings of their bodies, takes part in writing), each linked to the person
-- who holds seats; the kind of matter of an agenda item, for a preparation group's mandate.

-- Widen the users.role CHECK. A SQLite table cannot change a CHECK in place, and rebuilding users
-- would need foreign keys off, which a migration (one transaction) cannot switch. Adding allowed
-- values leaves every stored row valid, the case SQLite documents for editing the schema text
-- (sqlite.org/lang_altertable.html, "Making Other Kinds Of Table Schema Changes"). The column is
-- added first (ALTER TABLE edits the text it parsed); RESET makes this connection read the new
-- text, and the statements after it change the schema version, so every other connection does.
ALTER TABLE users ADD COLUMN person_id INTEGER REFERENCES people(id);
PRAGMA writable_schema = ON;
UPDATE sqlite_schema
   SET sql = replace(sql, '''distributor'', ''admin''))', '''distributor'', ''admin'', ''secretary'', ''member''))')
 WHERE type = 'table' AND name = 'users';
PRAGMA writable_schema = RESET;
-- Refuse to go on if the replacement did not happen (the CHECK text differed).
CREATE TEMP TABLE migration_0005_check (ok INTEGER NOT NULL CHECK (ok = 1));
INSERT INTO migration_0005_check
SELECT instr(sql, '''member''') > 0 FROM sqlite_schema WHERE type = 'table' AND name = 'users';
DROP TABLE migration_0005_check;

-- What an agenda item is about, for the mandate of a preparation group (GOVERNANCE.md): it may
-- decide on assortment, editorial handbook changes, how service steps are performed and IT
-- adaptations up to its limit; anything else goes to the council as a proposal.
ALTER TABLE agenda_items ADD COLUMN matter TEXT NOT NULL DEFAULT 'other'
    CHECK (matter IN ('assortment', 'handbook', 'service_steps', 'it_adaptation', 'other'));
-- The body a proposal went to (outcome 'proposed').
ALTER TABLE agenda_items ADD COLUMN proposed_to INTEGER REFERENCES bodies(id);

-- Which party holds a person's seat is on the seat; a body's parties follow from its seats.
CREATE INDEX terms_person ON terms (person_id);
CREATE INDEX participation_person ON participation (person_id);
CREATE INDEX actions_open ON actions (done_on, due_on);

-- A seat may exist only for a period: the chair and vice chair of the council alternate between
-- the parties every second year, so each period has its own chair seat with its party. Outside
-- its period a seat is not part of the body (not vacant either).
ALTER TABLE seats ADD COLUMN active_from TEXT;
ALTER TABLE seats ADD COLUMN active_until TEXT;

-- Governance to the letter (issue 18, GOVERNANCE.md as corrected): the quorum rule per body, the
-- time written participation was given, published minutes, the council's practice of approving
-- the previous minutes at the next meeting, and editorial handbook changes as a matter of their own.

-- Quorum per body: which seat roles count as appointed representatives (comma-separated, default
-- member), whether vacant seats count toward the appointed number (default yes), and whether the
-- body has a quorum rule at all (NULL: by kind, on for the councils and off for the others).
ALTER TABLE bodies ADD COLUMN quorum_roles TEXT NOT NULL DEFAULT 'member';
ALTER TABLE bodies ADD COLUMN quorum_vacant INTEGER NOT NULL DEFAULT 1 CHECK (quorum_vacant IN (0, 1));
ALTER TABLE bodies ADD COLUMN quorum_required INTEGER CHECK (quorum_required IN (0, 1));

-- When written participation was given ("inför mötet"): only participation given before the
-- meeting starts counts. NULL for rows recorded before this column existed.
ALTER TABLE participation ADD COLUMN given_at TEXT;

-- Minutes are published (a state of its own, with its date) after approval.
ALTER TABLE minutes ADD COLUMN published_at TEXT;

-- The approval of minutes gains the council's practice ('next_meeting': the previous minutes are
-- accepted at the next meeting's first item and published), and a matter gains editorial handbook
-- changes ('handbook_editorial', the only handbook changes within a preparation group's mandate).
-- Adding allowed values to a CHECK in the schema text, as migration 0005 does for users.role.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema
   SET sql = replace(sql, '''chair_and_other_party'', ''secretary'')', '''chair_and_other_party'', ''secretary'', ''next_meeting'')')
 WHERE type = 'table' AND name = 'bodies';
UPDATE sqlite_schema
   SET sql = replace(sql, '''assortment'', ''handbook'', ''service_steps''', '''assortment'', ''handbook'', ''handbook_editorial'', ''service_steps''')
 WHERE type = 'table' AND name = 'agenda_items';
PRAGMA writable_schema = RESET;
CREATE TEMP TABLE migration_0016_check (ok INTEGER NOT NULL CHECK (ok = 1));
INSERT INTO migration_0016_check
SELECT instr(sql, '''next_meeting''') > 0 FROM sqlite_schema WHERE type = 'table' AND name = 'bodies';
INSERT INTO migration_0016_check
SELECT instr(sql, '''handbook_editorial''') > 0 FROM sqlite_schema WHERE type = 'table' AND name = 'agenda_items';
DROP TABLE migration_0016_check;

-- Ledningsråd LMN met "tio gånger per år. Ordförande kan kalla till ytterligare möten vid behov":
-- ten is its plan (the minimum), not a maximum (a database made by an earlier lmn demo had 10).
UPDATE bodies SET max_meetings = NULL WHERE code = 'LR-LMN' AND max_meetings = 10;

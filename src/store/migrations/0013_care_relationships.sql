-- The care relationship with no way around it (issue 17): relationships recorded by a prescriber,
-- the audit of searches by personal identity number, integration accounts, and who made a token
-- and which token a logged access came with.

-- A care relationship recorded by a prescriber who is about to start caring for a patient found
-- outside their unit's relationships. While it lasts (until ends_on, inclusive) it opens the record
-- to the unit as a prescription of the unit does. The reason is shown to the patient (access log).
CREATE TABLE care_relationships (
    id         INTEGER PRIMARY KEY,
    patient_id INTEGER NOT NULL REFERENCES patients(id),
    unit_id    INTEGER NOT NULL REFERENCES units(id),
    user_id    INTEGER NOT NULL REFERENCES users(id),
    reason     TEXT NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
    created_at TEXT NOT NULL,
    ends_on    TEXT NOT NULL            -- YYYY-MM-DD, the last day it opens the record
) STRICT;
CREATE INDEX care_relationships_patient ON care_relationships (patient_id, unit_id, ends_on);

-- Every search by personal identity number, found or not. A hit is also in the patient's access
-- log; a miss has no patient to log it under, so this table is where it is seen. The number is
-- kept as searched (canonical form): following up who looked up a number (enumeration, curiosity
-- about a person not yet a patient) needs it, and it is no more than the searcher typed. The table
-- is not shown through the API; it is read by those who follow up the logs, like the access log.
-- at_minute (local day * 1440 + minute of the day) is the per-user rate limit's window.
CREATE TABLE id_number_searches (
    id         INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,
    at_minute  INTEGER NOT NULL,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    token_id   INTEGER REFERENCES api_tokens(id),
    id_number  TEXT NOT NULL,
    patient_id INTEGER REFERENCES patients(id),   -- NULL: no patient has the number
    via        TEXT NOT NULL CHECK (via IN ('search', 'register'))
) STRICT;
CREATE INDEX id_number_searches_user ON id_number_searches (user_id, at_minute);
CREATE TRIGGER id_number_searches_no_update BEFORE UPDATE ON id_number_searches
BEGIN SELECT RAISE(ABORT, 'the search log is append-only'); END;

-- An integration account has no person behind it: it has a role (and unit or municipality as the
-- role needs) but no password, and no one signs in as it; it calls with API tokens the
-- administration creates for it.
ALTER TABLE users ADD COLUMN kind TEXT NOT NULL DEFAULT 'person'
    CHECK (kind IN ('person', 'integration'));

-- Who created a token (NULL: created before this migration).
ALTER TABLE api_tokens ADD COLUMN created_by INTEGER REFERENCES users(id);

-- The token a logged access came with (NULL: a session or the trusted proxy).
ALTER TABLE access_log ADD COLUMN token_id INTEGER REFERENCES api_tokens(id);

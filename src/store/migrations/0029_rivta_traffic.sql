-- The 1177 contracts' traffic of the day (issue 19) with several servers on one database (issue
-- 22): each server process ("host:pid:tag") writes what it has counted on a day every few
-- seconds, and the administration's page shows the sum over the servers, which a restart does
-- not lose.
CREATE TABLE rivta_traffic (
    day         TEXT NOT NULL,    -- YYYY-MM-DD, local time
    server      TEXT NOT NULL,
    interaction TEXT NOT NULL,    -- the contract's name: GetMedicalSupplyPrescriptions, …
    version     INTEGER NOT NULL CHECK (version IN (1, 2)),
    outcome     TEXT NOT NULL CHECK (outcome IN ('ok', 'error', 'fault')),
    calls       INTEGER NOT NULL CHECK (calls >= 0),
    PRIMARY KEY (day, server, interaction, version, outcome)
) STRICT;

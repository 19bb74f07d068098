-- PostgreSQL form of ../0029_rivta_traffic.sql: the 1177 contracts' traffic of a day, a row per
-- server, interaction, version and outcome.
CREATE TABLE rivta_traffic (
    day         text NOT NULL,
    server      text NOT NULL,
    interaction text NOT NULL,
    version     bigint NOT NULL CHECK (version IN (1, 2)),
    outcome     text NOT NULL CHECK (outcome IN ('ok', 'error', 'fault')),
    calls       bigint NOT NULL CHECK (calls >= 0),
    PRIMARY KEY (day, server, interaction, version, outcome)
);

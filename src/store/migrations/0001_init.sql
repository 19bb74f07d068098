-- The foundation: facts about this database. Later migrations add the domain's tables.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

INSERT INTO meta (key, value) VALUES ('created_by', 'lmn');

-- PostgreSQL form of ../0001_init.sql: facts about this database.
CREATE TABLE meta (
    key   text PRIMARY KEY,
    value text NOT NULL
);

INSERT INTO meta (key, value) VALUES ('created_by', 'lmn');

-- PostgreSQL form of ../0028_import_claims.sql: the server that runs an assortment import, its
-- last sign of life and how far it has come.
ALTER TABLE article_imports ADD COLUMN server text;
ALTER TABLE article_imports ADD COLUMN alive_at bigint;
ALTER TABLE article_imports ADD COLUMN phase text CHECK (phase IN ('reading', 'writing'));
ALTER TABLE article_imports ADD COLUMN rows_done bigint NOT NULL DEFAULT 0;
ALTER TABLE article_imports ADD COLUMN bytes_done bigint NOT NULL DEFAULT 0;

-- Several lmn servers on one database (issue 22): an assortment import runs on one server at a
-- time, and every server tells how far it has come.

-- The server that runs the import ("host:pid:tag"), its last sign of life (alive_at, seconds
-- since 1970-01-01 UTC) and how far it has come: its phase ('reading' the file, 'writing' the
-- articles), the rows and bytes done (rows_total and bytes_total are the table's own). Written
-- by that server while it reads the file, and once more before it writes. NULL alive_at: its
-- server gave it up (its worker failed).
ALTER TABLE article_imports ADD COLUMN server TEXT;
ALTER TABLE article_imports ADD COLUMN alive_at INTEGER;
ALTER TABLE article_imports ADD COLUMN phase TEXT CHECK (phase IN ('reading', 'writing'));
ALTER TABLE article_imports ADD COLUMN rows_done INTEGER NOT NULL DEFAULT 0;
ALTER TABLE article_imports ADD COLUMN bytes_done INTEGER NOT NULL DEFAULT 0;

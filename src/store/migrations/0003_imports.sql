-- Assortment imports: one row per uploaded file, with its outcome. The import itself is
-- all-or-nothing; this row says which it was and, for a refused file, every error.
CREATE TABLE article_imports (
    id               INTEGER PRIMARY KEY,
    created_by       INTEGER NOT NULL REFERENCES users(id),
    created_at       TEXT NOT NULL,
    filename         TEXT NOT NULL,
    price_from       TEXT NOT NULL,             -- default for rows without price_from
    bytes_total      INTEGER NOT NULL,
    state            TEXT NOT NULL CHECK (state IN ('running', 'done', 'failed')),
    rows_total       INTEGER NOT NULL DEFAULT 0,
    articles_created INTEGER NOT NULL DEFAULT 0,
    articles_updated INTEGER NOT NULL DEFAULT 0,
    prices_set       INTEGER NOT NULL DEFAULT 0,
    errors           TEXT,                      -- JSON array of {line, column, message}
    errors_dropped   INTEGER NOT NULL DEFAULT 0,
    finished_at      TEXT
) STRICT;

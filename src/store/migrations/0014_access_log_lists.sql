-- The access log of list views, and its retention (issue 17, findings M6 of the security review).
--
-- A list (a name search, the delay-contact queue, a pick list …) shows many patients at once. It
-- was logged as one access_log entry per patient shown: a name search wrote up to 200 entries, and
-- reads alone grew a store by 1.6 million entries in an afternoon. Now a list view is one entry of
-- access_log_views, with the patients it showed as a compact set (",12,57,301,": sorted, each id
-- once, commas around each so that instr finds ",57,"), written in the transaction of the read.
--
-- A patient's access log (src/api/patients.c) must still show every list that showed them. Each
-- patient listed has one entry in access_log_view_batches per batch of VIEW_BATCH (1 024)
-- consecutive list views that showed them at least once, however often: the list views of a
-- patient are those of the batches named for them whose set holds the patient. A thousand views
-- of the same 200 patients are a thousand entries of access_log_views and at most 400 of
-- access_log_view_batches (two batches), where the per-patient log wrote 200 000 entries.
-- AUTOINCREMENT: an id is never used again, also after retention removed the last views.
CREATE TABLE access_log_views (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    -- the last access_log entry written before it: a patient's log merges the two in the order
    -- they were written (entries of the same second included)
    after    INTEGER NOT NULL,
    at       TEXT NOT NULL,
    user_id  INTEGER REFERENCES users(id),
    token_id INTEGER REFERENCES api_tokens(id), -- the API token the request came with, if one
    role     TEXT NOT NULL,
    what     TEXT NOT NULL,
    patients TEXT NOT NULL CHECK (patients LIKE ',%,')
) STRICT;

CREATE TABLE access_log_view_batches (
    patient_id INTEGER NOT NULL,
    batch      INTEGER NOT NULL, -- list views batch * 1024 up to batch * 1024 + 1023
    PRIMARY KEY (patient_id, batch)
) STRICT, WITHOUT ROWID;

-- How long the access log is kept, in years (README "Access log"); entries older than that are
-- removed by lmn serve's daily job, and only those: the triggers below refuse every other delete.
-- Ten years by default, as patient records are kept (Patientdatalagen 3 kap. 17 §); change it with
-- UPDATE access_log_retention SET years = N (1 to 100).
CREATE TABLE access_log_retention (
    one   INTEGER PRIMARY KEY CHECK (one = 1),
    years INTEGER NOT NULL CHECK (years BETWEEN 1 AND 100)
) STRICT;
INSERT INTO access_log_retention (one, years) VALUES (1, 10);

-- The entries written before the retention period began: older than `years` years by the system
-- clock (UTC; the entries' local times differ from it by an hour or two, nothing at this scale).
CREATE VIEW access_log_expired AS
SELECT strftime('%Y-%m-%dT%H:%M:%S', 'now', '-' || years || ' years') AS before
  FROM access_log_retention;

DROP TRIGGER access_log_no_delete;
CREATE TRIGGER access_log_no_delete BEFORE DELETE ON access_log
WHEN OLD.at >= (SELECT before FROM access_log_expired)
BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;

-- An entry's place in the index by patient goes with the entry, once it is past retention.
DROP TRIGGER access_log_by_patient_no_delete;
CREATE TRIGGER access_log_by_patient_no_delete BEFORE DELETE ON access_log_by_patient
WHEN coalesce((SELECT at FROM access_log WHERE id = OLD.id), '')
     >= (SELECT before FROM access_log_expired)
BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;

CREATE TRIGGER access_log_views_no_update BEFORE UPDATE ON access_log_views
BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;
CREATE TRIGGER access_log_views_no_delete BEFORE DELETE ON access_log_views
WHEN OLD.at >= (SELECT before FROM access_log_expired)
BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;

CREATE TRIGGER access_log_view_batches_no_update BEFORE UPDATE ON access_log_view_batches
BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;
-- A batch's entry goes only once no list view of the batch is left.
CREATE TRIGGER access_log_view_batches_no_delete BEFORE DELETE ON access_log_view_batches
WHEN EXISTS (SELECT 1 FROM access_log_views
              WHERE id BETWEEN OLD.batch * 1024 AND OLD.batch * 1024 + 1023)
BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;

-- What these triggers guard against is a bug in lmn deleting entries, not the database's operator
-- (who may change the retention period, or the triggers).

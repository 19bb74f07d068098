-- The access log by patient, filed behind the log (bench/http).
--
-- Every read and write of patient data adds an entry to the access log. In an index by patient,
-- each entry was written at the patient's place in that index: a page at a random place for each
-- read, written to the write-ahead log with the read and again into the database file at the
-- checkpoint, 4 KB and more for an entry of a hundred bytes. Now an entry is in one of three places:
--
--   the end of the log    entries after access_log_indexed.upto, found by reading the log's end;
--   access_log_recent     filed in chunks: when `every` (16 384) entries have come after upto, they
--                         are sorted by patient and appended as one chunk, its pages written once;
--   access_log_by_patient the index by patient: at each filing, the entries of one range of
--                         patients (a 64th of them, the next range each time) move there from
--                         every chunk, the pages of that range written once for them all.
--
-- So a patient's entries are those of access_log_by_patient, of each chunk in access_log_chunks
-- (at most some 65 of them: a chunk is empty once every range has been moved after it was filed),
-- and of the end of the log (src/api/patients.c asks the three). Each entry is in exactly one
-- place after every statement: the trigger moves them within the insert's own transaction.
DROP INDEX access_log_patient;

CREATE TABLE access_log_by_patient (
    patient_id INTEGER NOT NULL,
    id         INTEGER NOT NULL,
    PRIMARY KEY (patient_id, id)
) STRICT, WITHOUT ROWID;

CREATE TABLE access_log_recent (
    chunk      INTEGER NOT NULL,  -- the last entry filed with it (access_log_chunks)
    patient_id INTEGER NOT NULL,
    id         INTEGER NOT NULL,
    PRIMARY KEY (chunk, patient_id, id)
) STRICT, WITHOUT ROWID;

CREATE TABLE access_log_chunks (chunk INTEGER PRIMARY KEY) STRICT;

CREATE TABLE access_log_indexed (
    one    INTEGER PRIMARY KEY CHECK (one = 1),
    upto   INTEGER NOT NULL,                   -- entries up to this id are filed
    every  INTEGER NOT NULL CHECK (every >= 1), -- file them when this many more have come
    -- the patients after `moving` up to `moved` are those moved at the last filing
    moving INTEGER NOT NULL,
    moved  INTEGER NOT NULL
) STRICT;

INSERT INTO access_log_by_patient (patient_id, id)
    SELECT patient_id, id FROM access_log ORDER BY patient_id, id;
INSERT INTO access_log_indexed (one, upto, every, moving, moved)
    VALUES (1, coalesce((SELECT max(id) FROM access_log), 0), 16384, 0, 0);

-- One trigger, so that each insert runs one trigger program; it does nothing but look at
-- access_log_indexed, except for every `every`-th entry.
CREATE TRIGGER access_log_file_by_patient AFTER INSERT ON access_log
WHEN (SELECT NEW.id < upto OR NEW.id - upto >= every FROM access_log_indexed)
BEGIN
    -- Entries are only added, each after the last (the log's own row ids): one below the filed
    -- part would never be found by patient.
    SELECT RAISE(ABORT, 'an access-log entry must come after every entry before it')
      FROM access_log_indexed WHERE NEW.id < upto;
    -- The end of the log becomes a chunk, sorted by patient.
    INSERT INTO access_log_recent (chunk, patient_id, id)
        SELECT NEW.id, patient_id, id FROM access_log
         WHERE id > (SELECT upto FROM access_log_indexed)
         ORDER BY patient_id, id;
    INSERT INTO access_log_chunks (chunk) VALUES (NEW.id);
    UPDATE access_log_indexed SET upto = NEW.id;
    -- The next range of patients moves from every chunk to the index by patient: a 64th of
    -- the patients, after those moved last, from the first again past the last patient.
    UPDATE access_log_indexed
       SET moving = CASE WHEN moved >= (SELECT coalesce(max(id), 0) FROM patients) THEN 0
                         ELSE moved END;
    UPDATE access_log_indexed
       SET moved = moving + (SELECT coalesce(max(id), 0) FROM patients) / 64 + 1;
    INSERT INTO access_log_by_patient (patient_id, id)
        SELECT patient_id, id FROM access_log_recent
         WHERE chunk IN (SELECT chunk FROM access_log_chunks)
           AND patient_id > (SELECT moving FROM access_log_indexed)
           AND patient_id <= (SELECT moved FROM access_log_indexed)
         ORDER BY patient_id, id;
    DELETE FROM access_log_recent
     WHERE chunk IN (SELECT chunk FROM access_log_chunks)
       AND patient_id > (SELECT moving FROM access_log_indexed)
       AND patient_id <= (SELECT moved FROM access_log_indexed);
    DELETE FROM access_log_chunks
     WHERE NOT EXISTS (SELECT 1 FROM access_log_recent r WHERE r.chunk = access_log_chunks.chunk);
END;

CREATE TRIGGER access_log_by_patient_no_update BEFORE UPDATE ON access_log_by_patient
BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;
CREATE TRIGGER access_log_by_patient_no_delete BEFORE DELETE ON access_log_by_patient
BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;

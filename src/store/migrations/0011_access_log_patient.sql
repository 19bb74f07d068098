-- The access log by patient without the time (bench/http): a patient's entries in the order
-- they were written are the index's own order (the row id follows the index's key), and an entry
-- of a third of the size puts three times as many on a page. Every read and write of patient
-- data adds one entry at a patient's place in this index, so its pages are written at scattered
-- places: fewer, fuller pages are fewer to write at a checkpoint.
DROP INDEX access_log_patient;
CREATE INDEX access_log_patient ON access_log (patient_id);

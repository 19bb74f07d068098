-- PostgreSQL form of ../0011_access_log_patient.sql: the access log by patient without the time.
DROP INDEX access_log_patient;
CREATE INDEX access_log_patient ON access_log (patient_id);

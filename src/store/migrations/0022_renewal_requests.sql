-- Issue 20: a patient asks the prescribing unit to renew a prescription item that has ended or
-- ends soon; the unit's prescribers see the open requests on their start page. One request per
-- item: asking again changes nothing. A request is open until the patient has a newer item of the
-- same article (worklists.c).
CREATE TABLE renewal_requests (
    id           INTEGER PRIMARY KEY,
    item_id      INTEGER NOT NULL UNIQUE REFERENCES prescription_items(id),
    patient_id   INTEGER NOT NULL REFERENCES patients(id),
    unit_id      INTEGER NOT NULL REFERENCES units(id),
    requested_by INTEGER NOT NULL REFERENCES users(id),
    requested_at TEXT NOT NULL
) STRICT;
CREATE INDEX renewal_requests_unit ON renewal_requests (unit_id, requested_at);

-- Notices to patients by SMS and e-mail (issue 20): the patient's choice of channel, and an outbox
-- written in the same transaction as the event it tells of (an order rolled back queues nothing),
-- which lmn serve's notice worker sends with retries (src/api/notices.c).

-- The patient's e-mail address beside the phone they have (an SMS goes to patients.phone), and
-- how they want notices: nothing until they choose.
ALTER TABLE patients ADD COLUMN email TEXT;
ALTER TABLE patients ADD COLUMN notice_channel TEXT NOT NULL DEFAULT 'none'
    CHECK (notice_channel = 'sms' OR notice_channel = 'email' OR notice_channel = 'none');

-- A temporary delivery address the patient gives under "Mina uppgifter" (a summer house, a stay
-- with family): home deliveries of orders placed from temp_from to temp_until (dates, both
-- included) go there instead of the address. All five or none.
ALTER TABLE patients ADD COLUMN temp_address TEXT;
ALTER TABLE patients ADD COLUMN temp_postal_code TEXT
    CHECK (temp_postal_code IS NULL OR (length(temp_postal_code) = 5 AND temp_postal_code NOT GLOB '*[^0-9]*'));
ALTER TABLE patients ADD COLUMN temp_city TEXT;
ALTER TABLE patients ADD COLUMN temp_from TEXT;
ALTER TABLE patients ADD COLUMN temp_until TEXT CHECK (temp_until IS NULL OR temp_until >= temp_from);

-- The carrier's tracking number, where the distributor gives one.
ALTER TABLE shipments ADD COLUMN tracking_number TEXT;

-- A notice waits until sent_at or dead_at is set. recipient, subject and body are fixed when the
-- event happens (the address the patient had then); last_error holds what the relay or gateway
-- answered, never the recipient or the text.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    patient_id      INTEGER NOT NULL REFERENCES patients(id),
    order_id        INTEGER REFERENCES orders(id),
    prescription_id INTEGER REFERENCES prescriptions(id), -- a prescription expiring: told once
    kind            TEXT NOT NULL CHECK (kind = 'order_received' OR kind = 'shipped'
                        OR kind = 'ready_for_pickup' OR kind = 'delayed'
                        OR kind = 'prescription_expiring'),
    channel         TEXT NOT NULL CHECK (channel = 'sms' OR channel = 'email'),
    recipient       TEXT NOT NULL,
    subject         TEXT NOT NULL,
    body            TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at INTEGER NOT NULL DEFAULT 0, -- seconds since 1970-01-01 UTC
    sent_at         TEXT,
    dead_at         TEXT,
    last_error      TEXT,
    CHECK (sent_at IS NULL OR dead_at IS NULL)
) STRICT;
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE sent_at IS NULL AND dead_at IS NULL;
CREATE INDEX outbox_dead ON outbox (dead_at) WHERE dead_at IS NOT NULL;
CREATE INDEX outbox_order ON outbox (order_id) WHERE order_id IS NOT NULL;
CREATE INDEX outbox_prescription ON outbox (prescription_id) WHERE prescription_id IS NOT NULL;

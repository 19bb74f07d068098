-- Customer service's delay queue as a work queue (issue 20): every call of a case (a case kept
-- only its last one), and what the queue filters and sorts by, kept on the case.

CREATE TABLE contact_case_calls (
    id        INTEGER PRIMARY KEY,
    case_id   INTEGER NOT NULL REFERENCES contact_cases(id),
    called_at TEXT NOT NULL,
    called_by INTEGER REFERENCES users(id),
    outcome   TEXT NOT NULL CHECK (outcome IN ('reached', 'not_reached', 'message_left')),
    note      TEXT
) STRICT;
CREATE INDEX contact_case_calls_case ON contact_case_calls (case_id, id);

INSERT INTO contact_case_calls (case_id, called_at, called_by, outcome, note)
    SELECT id, called_at, called_by, outcome, note FROM contact_cases
    WHERE called_at IS NOT NULL AND outcome IS NOT NULL ORDER BY id;

-- attempts: the calls made; area and care_provider_id: those of the order's first line (its
-- article's product area, the care provider of the unit that prescribed it), set when the case
-- opens.
ALTER TABLE contact_cases ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE contact_cases ADD COLUMN area TEXT;
ALTER TABLE contact_cases ADD COLUMN care_provider_id INTEGER REFERENCES care_providers(id);

UPDATE contact_cases SET
    attempts = (SELECT count(*) FROM contact_case_calls k WHERE k.case_id = contact_cases.id),
    area = (SELECT a.area FROM order_lines l JOIN articles a ON a.id = l.article_id
            WHERE l.order_id = contact_cases.order_id ORDER BY l.id LIMIT 1),
    care_provider_id = (SELECT u.care_provider_id FROM order_lines l
            JOIN prescription_items i ON i.id = l.prescription_item_id
            JOIN prescriptions r ON r.id = i.prescription_id JOIN units u ON u.id = r.unit_id
            WHERE l.order_id = contact_cases.order_id ORDER BY l.id LIMIT 1);

-- The queue reads the open cases from this index alone: their filters and every order it offers,
-- without a look-up of each case (10 000 open cases among a million).
DROP INDEX contact_cases_open;
CREATE INDEX contact_cases_queue ON contact_cases (closed_at, opened_on, area, care_provider_id,
                                                   attempts, called_at);

-- PostgreSQL form of ../0005_governance_roles.sql: the roles secretary and member, each linked to
-- the person who holds seats, and the kind of matter of an agenda item. A CHECK is changed in place
-- here (SQLite edits its stored schema text for the same result).
ALTER TABLE users ADD COLUMN person_id bigint REFERENCES people(id);
ALTER TABLE users DROP CONSTRAINT users_role_check,
    ADD CONSTRAINT users_role_check CHECK (role IN ('patient', 'prescriber', 'municipal_prescriber',
                      'municipal_orderer', 'customer_service', 'distributor', 'admin', 'secretary', 'member'));

-- What an agenda item is about, for the mandate of a preparation group (GOVERNANCE.md).
ALTER TABLE agenda_items ADD COLUMN matter text NOT NULL DEFAULT 'other'
    CONSTRAINT agenda_items_matter_check
    CHECK (matter IN ('assortment', 'handbook', 'service_steps', 'it_adaptation', 'other'));
-- The body a proposal went to (outcome 'proposed').
ALTER TABLE agenda_items ADD COLUMN proposed_to bigint REFERENCES bodies(id);

CREATE INDEX terms_person ON terms (person_id);
CREATE INDEX participation_person ON participation (person_id);
CREATE INDEX actions_open ON actions (done_on, due_on);

-- A seat may exist only for a period (the council's chair alternates between the parties).
ALTER TABLE seats ADD COLUMN active_from text;
ALTER TABLE seats ADD COLUMN active_until text;

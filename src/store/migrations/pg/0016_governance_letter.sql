-- PostgreSQL form of ../0016_governance_letter.sql: the quorum rule per body, the time written
-- participation was given, published minutes, approval at the next meeting, and editorial
-- handbook changes as a matter of their own.
ALTER TABLE bodies ADD COLUMN quorum_roles text NOT NULL DEFAULT 'member';
ALTER TABLE bodies ADD COLUMN quorum_vacant bigint NOT NULL DEFAULT 1 CHECK (quorum_vacant IN (0, 1));
ALTER TABLE bodies ADD COLUMN quorum_required bigint CHECK (quorum_required IN (0, 1));

ALTER TABLE participation ADD COLUMN given_at text;

ALTER TABLE minutes ADD COLUMN published_at text;

-- Adding allowed values to two CHECKs.
ALTER TABLE bodies DROP CONSTRAINT bodies_approval_check,
    ADD CONSTRAINT bodies_approval_check
    CHECK (approval IN ('chair', 'chair_and_other_party', 'secretary', 'next_meeting'));
ALTER TABLE agenda_items DROP CONSTRAINT agenda_items_matter_check,
    ADD CONSTRAINT agenda_items_matter_check
    CHECK (matter IN ('assortment', 'handbook', 'handbook_editorial', 'service_steps', 'it_adaptation', 'other'));

-- Ledningsråd LMN meets at least ten times a year; ten is not a maximum.
UPDATE bodies SET max_meetings = NULL WHERE code = 'LR-LMN' AND max_meetings = 10;

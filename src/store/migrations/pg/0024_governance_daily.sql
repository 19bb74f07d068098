-- PostgreSQL form of ../0024_governance_daily.sql: a written participation's stance, how an
-- approval recorded on someone's behalf was given, and whether a written objection blocks.
ALTER TABLE participation ADD COLUMN stance text CHECK (stance IN ('endorse', 'abstain', 'object'));
ALTER TABLE minutes_approvals ADD COLUMN given_how text CHECK (given_how IN ('at_meeting', 'email', 'signed'));
ALTER TABLE bodies ADD COLUMN objection_blocks bigint NOT NULL DEFAULT 1 CHECK (objection_blocks IN (0, 1));

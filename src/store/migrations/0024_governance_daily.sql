-- The daily work in the governance pages (issue 20): a written participation's stance, how an
-- approval of minutes recorded on someone's behalf was given, and whether a written objection
-- blocks a decision of the body.

-- Written participation before the meeting takes a stance: 'endorse' (ställer sig bakom
-- förslaget), 'abstain' (avstår: takes no part in the decision, as "avvaktar" on 2024-10-24 item
-- 3f did not count) or 'object' (invänder). NULL for rows recorded before this column (endorsed,
-- the only kind there was) and for presence at the meeting.
ALTER TABLE participation ADD COLUMN stance TEXT CHECK (stance IN ('endorse', 'abstain', 'object'));

-- An approval the secretary records on behalf of the person who gave it, and how it was given:
-- 'at_meeting' (muntligt på mötet), 'email' (via e-post), 'signed' (signerat). NULL: the person
-- approved in the system themselves.
ALTER TABLE minutes_approvals ADD COLUMN given_how TEXT CHECK (given_how IN ('at_meeting', 'email', 'signed'));

-- Interpretation (GOVERNANCE.md says all decisions are unanimous, not what a written objection
-- given before the meeting does): by default it blocks the decision of the item, which is then
-- remitted or struck; a body may choose that only objections voiced at the meeting count.
ALTER TABLE bodies ADD COLUMN objection_blocks INTEGER NOT NULL DEFAULT 1 CHECK (objection_blocks IN (0, 1));

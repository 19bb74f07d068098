/* Reading a recorded meeting from the store into the pure model of governance/meeting.h. */
#ifndef LMN_GOVERNANCE_STORE_H
#define LMN_GOVERNANCE_STORE_H

#include "governance/meeting.h"
#include "store/db.h"
#include "util/rc.h"

/* Loads meeting id with its body, the seats and their holders on the meeting's day, the people
 * named, the agenda, participation and follow-up actions. LMN_ENOTFOUND when there is no such
 * meeting. m is initialised here; release it with gov_meeting_release. */
LMN_MUST_USE enum lmn_rc gov_store_meeting(struct db_conn *c, int64_t id, struct gov_meeting *m,
					   struct lmn_err *err);

/* The body a meeting belongs to (0 when there is no such meeting). */
LMN_MUST_USE enum lmn_rc gov_store_meeting_body(struct db_conn *c, int64_t meeting_id,
						int64_t *body_id, struct lmn_err *err);

/* The period a body exists: from (YYYY-MM-DD) and until ("" when it still exists). *found is
 * false when there is no such body. */
LMN_MUST_USE enum lmn_rc gov_store_body_period(struct db_conn *c, int64_t body_id, bool *found,
					       char from[11], char until[11], struct lmn_err *err);

/* An agenda item as a change-log entry cites it: its outcome ("" when none), type, and the
 * meeting's body and day. */
struct gov_item_decision {
	bool found;
	char outcome[16], type[24], body_kind[16], day[11];
	char body_code[32], body_name[128];
};
LMN_MUST_USE enum lmn_rc gov_store_item_decision(struct db_conn *c, int64_t item_id,
						 struct gov_item_decision *d, struct lmn_err *err);

/* Records written participation in an item given at given_at ("2024-10-23T16:00") with its
 * stance; an earlier written participation of the person in the item is replaced (a member may
 * change their mind before the meeting), presence at the meeting stays as it is. */
LMN_MUST_USE enum lmn_rc gov_store_written(struct db_conn *c, int64_t item_id, int64_t person_id,
					   const char *given_at, enum written_stance stance,
					   struct lmn_err *err);

/* Sets a person's presence at a meeting to the n items item_ids (none: not present); presence
 * replaces written participation in those items. Run it inside a transaction. */
LMN_MUST_USE enum lmn_rc gov_store_attendance(struct db_conn *c, int64_t meeting_id,
					      int64_t person_id, const int64_t *item_ids, size_t n,
					      struct lmn_err *err);

/* Records a person's approval of minutes at at; how is NULL when the person approved in the
 * system, else how the secretary was told ("at_meeting", "email", "signed"). An approval the
 * person already gave stays as it is. */
LMN_MUST_USE enum lmn_rc gov_store_approve(struct db_conn *c, int64_t minutes_id, int64_t person_id,
					   const char *at, const char *how, struct lmn_err *err);

/* The rule of the meeting's body for approving its minutes ("chair", "chair_and_other_party",
 * "secretary", "next_meeting"); "chair" when the meeting is not found. */
LMN_MUST_USE enum lmn_rc gov_store_approval_rule(struct db_conn *c, int64_t meeting_id,
						 char rule[32], struct lmn_err *err);

/* The approvals of minutes, oldest first; release with gov_approvals_release. */
struct gov_approval {
	int64_t person_id;
	char *name;
	char approved_at[40];
	char how[16]; /* "" when the person approved in the system */
};
LMN_MUST_USE enum lmn_rc gov_store_approvals(struct db_conn *c, int64_t minutes_id,
					     struct gov_approval **out, size_t *n,
					     struct lmn_err *err);
void gov_approvals_release(struct gov_approval *a, size_t n);

/* Whether a later meeting of the same body has started by now ("2026-11-23T10:00"): where the
 * body's practice is to accept the previous minutes at the next meeting. */
LMN_MUST_USE enum lmn_rc gov_store_next_meeting_started(struct db_conn *c, int64_t meeting_id,
							const char *now, bool *started,
							struct lmn_err *err);

/* Publishes approved minutes on day (kept if already published); *published gets the date, ""
 * when the minutes are not approved. */
LMN_MUST_USE enum lmn_rc gov_store_minutes_publish(struct db_conn *c, int64_t minutes_id,
						   const char *day, char published[11],
						   struct lmn_err *err);

/* A body's rule whether a written objection blocks a decision: set (0 or 1) when set >= 0, then
 * *blocks gets the rule in force. */
LMN_MUST_USE enum lmn_rc gov_store_body_objection_blocks(struct db_conn *c, int64_t body_id,
							 int set, bool *blocks,
							 struct lmn_err *err);

#endif

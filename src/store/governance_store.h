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

/* Records written participation in an item given at given_at ("2024-10-23T16:00"); an existing
 * participation of the person in the item stays as it is. */
LMN_MUST_USE enum lmn_rc gov_store_written(struct db_conn *c, int64_t item_id, int64_t person_id,
					   const char *given_at, struct lmn_err *err);

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

#endif

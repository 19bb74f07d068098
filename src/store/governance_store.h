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

#endif

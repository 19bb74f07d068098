/* The minutes of governance meetings in the store: their versions, the approvals they need and
 * their publication (GOVERNANCE.md "Minutes"). */
#ifndef LMN_GOVERNANCE_MINUTES_STORE_H
#define LMN_GOVERNANCE_MINUTES_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/db.h"
#include "util/rc.h"

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

/* Whether the newest version of the meeting's minutes is approved (false when there are none). */
LMN_MUST_USE enum lmn_rc gov_store_minutes_closed(struct db_conn *c, int64_t meeting_id,
						  bool *closed, struct lmn_err *err);

/* The newest version of the meeting's minutes: its id and version (0 when there are none), and
 * whether it is a draft (not approved). */
LMN_MUST_USE enum lmn_rc gov_store_minutes_newest(struct db_conn *c, int64_t meeting_id,
						  int64_t *id, int64_t *version, bool *draft,
						  struct lmn_err *err);
/* Writes html, made at created_at, into draft minutes (approved minutes refuse it). */
LMN_MUST_USE enum lmn_rc gov_store_minutes_rewrite(struct db_conn *c, int64_t minutes_id,
						   const char *html, const char *created_at,
						   struct lmn_err *err);
/* Inserts a version of the meeting's minutes. */
LMN_MUST_USE enum lmn_rc gov_store_minutes_insert(struct db_conn *c, int64_t meeting_id,
						  int64_t version, const char *html,
						  const char *created_at, int64_t *id,
						  struct lmn_err *err);

/* A version of minutes. Text valid during the callback only. */
struct gov_minutes_row {
	int64_t id, meeting_id, version;
	const char *html, *created_at;
	const char *approved_at, *published_at; /* "" when not */
};
typedef enum lmn_rc (*gov_minutes_fn)(const struct gov_minutes_row *row, void *arg);
/* The versions of the meeting's minutes in order (html is "" here). */
LMN_MUST_USE enum lmn_rc gov_store_minutes_list(struct db_conn *c, int64_t meeting_id,
						gov_minutes_fn fn, void *arg, struct lmn_err *err);
/* Minutes id to fn; *found false (fn not called) when there are none. */
LMN_MUST_USE enum lmn_rc gov_store_minutes(struct db_conn *c, int64_t id, bool *found,
					   gov_minutes_fn fn, void *arg, struct lmn_err *err);
/* Marks the minutes approved at at. */
LMN_MUST_USE enum lmn_rc gov_store_minutes_approved(struct db_conn *c, int64_t minutes_id,
						    const char *at, struct lmn_err *err);

#endif

/* The governance meetings in the store: a recorded meeting read into the pure model of
 * governance/meeting.h, the agenda, attendance, written participation and follow-up actions. */
#ifndef LMN_GOVERNANCE_STORE_H
#define LMN_GOVERNANCE_STORE_H

#include "governance/meeting.h"
#include "store/db.h"
#include "store/governance_bodies_store.h"
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

/* The meeting an agenda item belongs to (0 when there is no such item). */
LMN_MUST_USE enum lmn_rc gov_store_item_meeting(struct db_conn *c, int64_t item_id,
						int64_t *meeting_id, struct lmn_err *err);

/* A meeting in a list. Text valid during the callback only. */
struct gov_meeting_row {
	int64_t id, body_id;
	const char *body_code, *body_name, *starts_at;
	const char *ends_at; /* "" when not set */
	const char *form, *place;
	int64_t items;
	int64_t minutes_approved_version; /* 0: no version approved */
};
typedef enum lmn_rc (*gov_meeting_fn)(const struct gov_meeting_row *row, void *arg);
/* The meetings, newest first, of body_id (0: every body) in year (0: every year); with member
 * not GOV_EVERY_BODY only of the bodies the person holds or held a seat in. */
LMN_MUST_USE enum lmn_rc gov_store_meetings(struct db_conn *c, int64_t body_id, int64_t year,
					    int64_t member, gov_meeting_fn fn, void *arg,
					    struct lmn_err *err);

/* A new meeting; ends_at and notice_sent_on NULL when not known. */
struct gov_meeting_new {
	int64_t body_id;
	const char *starts_at, *ends_at, *form, *place, *notice_sent_on;
};
/* Inserts a meeting; *id is 0 when there is no such body. */
LMN_MUST_USE enum lmn_rc gov_store_meeting_insert(struct db_conn *c,
						  const struct gov_meeting_new *m, int64_t *id,
						  struct lmn_err *err);

/* A new agenda item, placed after the meeting's others; cost_ore -1 when it has no cost. */
struct gov_item_new {
	int64_t meeting_id;
	const char *number, *type, *title, *presenter, *text, *matter;
	int64_t cost_ore;
};
/* Inserts an agenda item; LMN_EINVAL when its number is taken on the agenda. */
LMN_MUST_USE enum lmn_rc gov_store_item_insert(struct db_conn *c, const struct gov_item_new *it,
					       int64_t *id, struct lmn_err *err);

/* A change of an agenda item: NULL (cost_ore -2) keeps what it was; cost_ore -1 removes it. */
struct gov_item_change {
	const char *title, *presenter, *text, *position, *follow_up, *matter;
	int64_t cost_ore;
};
LMN_MUST_USE enum lmn_rc gov_store_item_update(struct db_conn *c, int64_t item_id,
					       const struct gov_item_change *ch,
					       struct lmn_err *err);

/* Records an item's outcome with its position (NULL keeps the one written); a proposal goes to
 * the body the item's body reports to. */
LMN_MUST_USE enum lmn_rc gov_store_item_outcome(struct db_conn *c, int64_t item_id,
						const char *outcome, const char *position,
						struct lmn_err *err);

/* Inserts a follow-up action of an item (due_on NULL: no due day). */
LMN_MUST_USE enum lmn_rc gov_store_action_insert(struct db_conn *c, int64_t item_id,
						 const char *owner, const char *description,
						 const char *due_on, int64_t *id,
						 struct lmn_err *err);

/* A follow-up action with its item, meeting and body. Text valid during the callback only. */
struct gov_action_row {
	int64_t id;
	const char *owner, *description;
	const char *due_on, *done_on; /* "" when not set */
	int64_t item_id;
	const char *item_number, *item_title;
	int64_t meeting_id;
	const char *starts_at;
	int64_t body_id;
	const char *body_code, *body_name;
};
typedef enum lmn_rc (*gov_action_fn)(const struct gov_action_row *row, void *arg);
/* The actions (only those not done when open_only), open ones first, by due day; of body_id
 * (0: every body); with member not GOV_EVERY_BODY only of the bodies the person holds or held a
 * seat in. */
LMN_MUST_USE enum lmn_rc gov_store_actions(struct db_conn *c, bool open_only, int64_t body_id,
					   int64_t member, gov_action_fn fn, void *arg,
					   struct lmn_err *err);

/* Marks an action done on day (kept if done before); done_on gets the day it was done, "" when
 * there is no such action. */
LMN_MUST_USE enum lmn_rc gov_store_action_done(struct db_conn *c, int64_t action_id,
					       const char *day, char done_on[11],
					       struct lmn_err *err);

/* A meeting of a body in a year, as its compliance report reads it. */
struct gov_year_meeting {
	int64_t id;
	const char *starts_at, *notice_sent_on; /* notice "" when none was recorded */
	bool past;				/* started before now */
	bool approved;				/* some version of its minutes is approved */
};
typedef enum lmn_rc (*gov_year_meeting_fn)(const struct gov_year_meeting *row, void *arg);
/* The body's meetings in year, in order, past meaning started before now. */
LMN_MUST_USE enum lmn_rc gov_store_body_year_meetings(struct db_conn *c, int64_t body_id, int year,
						      const char *now, gov_year_meeting_fn fn,
						      void *arg, struct lmn_err *err);

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

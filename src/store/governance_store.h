/* The governance meetings in the store: a recorded meeting read into the pure model of
 * governance/meeting.h, the agenda, attendance, written participation and follow-up actions. */
#ifndef LMN_GOVERNANCE_STORE_H
#define LMN_GOVERNANCE_STORE_H

#include "governance/meeting.h"
#include "store/db.h"
#include "store/governance_bodies_store.h"
#include "store/governance_minutes_store.h"
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

#endif

/* The governance bodies in the store: bodies, their seats, the terms people hold them for, and
 * the people (GOVERNANCE.md "Bodies", "Seats, people and terms"). */
#ifndef LMN_GOVERNANCE_BODIES_STORE_H
#define LMN_GOVERNANCE_BODIES_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "store/db.h"
#include "util/rc.h"

/* For a list limited to a member's bodies: no limit (the secretary, the administration). */
#define GOV_EVERY_BODY (-1)

/* Whether the body exists (*found) and whether person holds or held a seat in it (*member). */
LMN_MUST_USE enum lmn_rc gov_store_body_member(struct db_conn *c, int64_t body_id,
					       int64_t person_id, bool *found, bool *member,
					       struct lmn_err *err);

/* A body as stored. Text is valid during the callback only; 0 and "" where a value is not set. */
struct gov_body_row {
	int64_t id;
	const char *code, *name, *kind;
	const char *parent_code; /* the body it reports to */
	int64_t min_meetings, max_meetings, quorum_num, quorum_den;
	int64_t mandate_limit_ore; /* -1: none of its own */
	bool chair_alternates;
	int64_t notice_days;
	const char *approval, *active_from, *active_until;
	const char *quorum_roles;
	bool quorum_count_vacant, quorum_required;
};
typedef enum lmn_rc (*gov_body_fn)(const struct gov_body_row *row, void *arg);

/* Every body in order of id, or with member not GOV_EVERY_BODY those the person holds or held a
 * seat in. fn's failure stops the list and is returned. */
LMN_MUST_USE enum lmn_rc gov_store_bodies(struct db_conn *c, int64_t member, gov_body_fn fn,
					  void *arg, struct lmn_err *err);
/* Body id to fn; *found false (fn not called) when there is none. */
LMN_MUST_USE enum lmn_rc gov_store_body(struct db_conn *c, int64_t id, bool *found, gov_body_fn fn,
					void *arg, struct lmn_err *err);

/* A new body: 0 (-1 for mandate_limit_ore and quorum_required) where it has none. */
struct gov_body_new {
	const char *code, *name, *kind, *approval, *active_from, *quorum_roles;
	int64_t parent_id, min_meetings, max_meetings, mandate_limit_ore, notice_days;
	bool chair_alternates, quorum_count_vacant;
	int quorum_required; /* -1: the default (on for a council) */
};
/* Inserts a body; LMN_EINVAL when its code is taken or its parent does not exist. */
LMN_MUST_USE enum lmn_rc gov_store_body_insert(struct db_conn *c, const struct gov_body_new *b,
					       int64_t *id, struct lmn_err *err);

/* A body's rule whether a written objection blocks a decision: set (0 or 1) when set >= 0, then
 * *blocks gets the rule in force. */
LMN_MUST_USE enum lmn_rc gov_store_body_objection_blocks(struct db_conn *c, int64_t body_id,
							 int set, bool *blocks,
							 struct lmn_err *err);

/* A seat of a body on a day with its holder then. Text valid during the callback only. */
struct gov_seat_row {
	int64_t id;
	const char *party; /* "" when the seat represents no party */
	const char *role, *title;
	int64_t person_id; /* 0: vacant on the day; then the holder's fields are "" and 0 */
	const char *name, *organisation, *from, *to;
	int64_t term_id;
};
typedef enum lmn_rc (*gov_seat_fn)(const struct gov_seat_row *row, void *arg);
/* The order of gov_store_seats_on: the body's own, or by party and role (for a composition). */
enum gov_seat_order { GOV_SEATS_BY_POSITION, GOV_SEATS_BY_PARTY };
/* The seats the body has on day (YYYY-MM-DD) with the holder of each on that day. */
LMN_MUST_USE enum lmn_rc gov_store_seats_on(struct db_conn *c, int64_t body_id, const char *day,
					    enum gov_seat_order order, gov_seat_fn fn, void *arg,
					    struct lmn_err *err);

/* The party holding a seat of role (held by someone) in the body on day; "" when none. */
LMN_MUST_USE enum lmn_rc gov_store_role_party(struct db_conn *c, int64_t body_id, const char *role,
					      const char *day, char party[8], struct lmn_err *err);

/* Inserts a seat of the body for the party (by code; "" for none); *id is 0 when there is no
 * such body or party. */
LMN_MUST_USE enum lmn_rc gov_store_seat_insert(struct db_conn *c, int64_t body_id,
					       const char *party, const char *role,
					       const char *title, int64_t position, int64_t *id,
					       struct lmn_err *err);

/* Inserts a term of person on the seat from from to to (NULL: open), unless it would overlap
 * another term of the seat (*overlap, nothing written). Run it inside a transaction. LMN_EINVAL
 * when the seat or the person does not exist. */
LMN_MUST_USE enum lmn_rc gov_store_term_insert(struct db_conn *c, int64_t seat_id,
					       int64_t person_id, const char *from, const char *to,
					       bool *overlap, int64_t *id, struct lmn_err *err);

/* A term that ended. */
struct gov_term_ended {
	bool found;
	int64_t seat_id, person_id;
	char from[11];
};
/* Ends the term on its last day to; not found (nothing changed) when there is no such term, it
 * began after to or already ends before it. */
LMN_MUST_USE enum lmn_rc gov_store_term_end(struct db_conn *c, int64_t term_id, const char *to,
					    struct gov_term_ended *t, struct lmn_err *err);

/* A person of the governance. Text valid during the callback only. */
struct gov_person_row {
	int64_t id;
	const char *name, *organisation;
};
typedef enum lmn_rc (*gov_person_fn)(const struct gov_person_row *row, void *arg);
/* Every person in order of name. */
LMN_MUST_USE enum lmn_rc gov_store_people(struct db_conn *c, gov_person_fn fn, void *arg,
					  struct lmn_err *err);
/* Inserts a person. */
LMN_MUST_USE enum lmn_rc gov_store_person_insert(struct db_conn *c, const char *name,
						 const char *organisation, int64_t *id,
						 struct lmn_err *err);

#endif

/* What the administration needs to manage staff accounts beyond creating them: the units an
 * account may belong to, and closing or reopening an account. Every statement of these is here. */
#ifndef LMN_STAFF_H
#define LMN_STAFF_H

#include <stdbool.h>
#include <stdint.h>

#include "store/db.h"
#include "util/rc.h"

struct unit_row {
	int64_t id;
	const char *name, *care_provider, *cost_centre, *municipality; /* valid during the call */
};

/* Calls fn for every unit, by care provider and name; stops at the first error fn returns. */
typedef enum lmn_rc (*unit_fn)(void *arg, const struct unit_row *u, struct lmn_err *err);
LMN_MUST_USE enum lmn_rc units_each(struct db_conn *c, unit_fn fn, void *arg, struct lmn_err *err);

/* Whether a unit with this id exists. */
LMN_MUST_USE enum lmn_rc unit_exists(struct db_conn *c, int64_t id, bool *exists,
				     struct lmn_err *err);

/* Whether an account (of anyone, patients too) has this user name. */
LMN_MUST_USE enum lmn_rc username_taken(struct db_conn *c, const char *username, bool *taken,
					struct lmn_err *err);

/* Reopens the closed staff account id, in the caller's write transaction: it may sign in again
 * with its password; its sessions and API tokens stay ended. *found is false when there is no such
 * staff account. */
LMN_MUST_USE enum lmn_rc staff_reopen(struct db_conn *c, int64_t id, bool *found,
				      struct lmn_err *err);

#endif

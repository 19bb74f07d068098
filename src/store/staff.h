/* The units a staff account may belong to, as the administration's account form lists them.
 * The accounts themselves are store/users.h's. */
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

#endif

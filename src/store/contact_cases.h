/* The delay follow-up's cases (Spec B 3:6): the statements that open them. */
#ifndef LMN_STORE_CONTACT_CASES_H
#define LMN_STORE_CONTACT_CASES_H

#include <stdint.h>

#include "rules/params.h"
#include "store/db.h"
#include "util/rc.h"

/* Opens the contact cases due on today that are not open yet, in the caller's write transaction;
 * *opened: how many. An order is due when a line was not delivered in full before its contact
 * date; a line of a special non-stocked product counts only where the rules p as in force on the
 * order's day of receipt did not exempt such products (from 2023-06-21), also for orders imported
 * from history. */
LMN_MUST_USE enum lmn_rc contact_cases_open(struct db_conn *c, const struct params *p,
					    lmn_day today, int64_t *opened, struct lmn_err *err);

#endif

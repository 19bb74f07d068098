/* The 1177 contracts' traffic as each server counted it (rivta_traffic, migration 29): a row per
 * day, server, interaction, major version and outcome. Every statement on the table is here. */
#ifndef LMN_STORE_RIVTA_TRAFFIC_H
#define LMN_STORE_RIVTA_TRAFFIC_H

#include <stdint.h>

#include "store/db.h"
#include "util/rc.h"

/* Sets server's count of the calls of interaction (its contract's name), version with outcome
 * ("ok", "error", "fault") on day (YYYY-MM-DD) to calls, in the caller's write transaction. */
LMN_MUST_USE enum lmn_rc rivta_traffic_set(struct db_conn *c, const char *day, const char *server,
					   const char *interaction, int version,
					   const char *outcome, int64_t calls, struct lmn_err *err);

typedef enum lmn_rc (*rivta_traffic_fn)(const char *interaction, int version, const char *outcome,
					int64_t calls, void *arg);
/* Calls fn for each interaction, version and outcome counted on day by any server but except,
 * with the sum of their counts. */
LMN_MUST_USE enum lmn_rc rivta_traffic_of_day(struct db_conn *c, const char *day,
					      const char *except, rivta_traffic_fn fn, void *arg,
					      struct lmn_err *err);

#endif

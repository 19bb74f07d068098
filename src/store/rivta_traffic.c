/* The 1177 contracts' traffic as each server counted it (migration 29). */
#include "store/rivta_traffic.h"

enum lmn_rc rivta_traffic_set(struct db_conn *c, const char *day, const char *server,
			      const char *interaction, int version, const char *outcome,
			      int64_t calls, struct lmn_err *err)
{
	return db_do(
		c, err,
		"INSERT INTO rivta_traffic (day, server, interaction, version, outcome, calls) "
		"VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (day, server, interaction, "
		"version, outcome) DO UPDATE SET calls = excluded.calls",
		"tttiti", day, server, interaction, (int64_t)version, outcome, calls);
}

enum lmn_rc rivta_traffic_of_day(struct db_conn *c, const char *day, const char *except,
				 rivta_traffic_fn fn, void *arg, struct lmn_err *err)
{
	struct db_stmt *st;
	bool row;
	enum lmn_rc rc = db_prepare(c,
				    "SELECT interaction, version, outcome, sum(calls) FROM "
				    "rivta_traffic WHERE day = $1 AND server <> $2 "
				    "GROUP BY interaction, version, outcome",
				    &st, err);

	if (rc != LMN_OK)
		return rc;
	db_bind_text(st, 1, day);
	db_bind_text(st, 2, except ? except : "");
	while ((rc = db_step(st, &row, err)) == LMN_OK && row)
		if ((rc = fn(db_col_text(st, 0), (int)db_col_int(st, 1), db_col_text(st, 2),
			     db_col_int(st, 3), arg)) != LMN_OK)
			break;
	db_done(st);
	return rc;
}

/* The customer-service call log. */
#include "store/calls.h"

enum lmn_rc calls_insert(struct db_conn *c, const struct call_row *r, int64_t *id,
			 struct lmn_err *err)
{
	enum lmn_rc rc =
		db_do(c, err,
		      "INSERT INTO calls (queued_at, answered_at, abandoned_at, topic, agent_id, "
		      "patient_id) VALUES ($1, $2, $3, $4, $5, nullif($6, 0))",
		      "ttttii", r->queued_at, r->answered_at, r->abandoned_at, r->topic,
		      r->agent_id, r->patient_id);

	*id = db_last_id(c);
	return rc;
}

enum lmn_rc calls_each(struct db_conn *c, const char *from, const char *to, call_fn fn, void *arg,
		       struct lmn_err *err)
{
	struct db_stmt *st;
	bool row;
	enum lmn_rc rc = db_prepare(
		c,
		"SELECT id, queued_at, coalesce(answered_at, ''), coalesce(abandoned_at, ''), "
		"topic FROM calls WHERE queued_at >= $1 AND queued_at < $2 ORDER BY queued_at",
		&st, err);

	if (rc != LMN_OK)
		return rc;
	db_bind_text(st, 1, from);
	db_bind_text(st, 2, to);
	while ((rc = db_step(st, &row, err)) == LMN_OK && row) {
		struct call_row r = { .id = db_col_int(st, 0),
				      .queued_at = db_col_text(st, 1),
				      .answered_at = db_col_text(st, 2),
				      .abandoned_at = db_col_text(st, 3),
				      .topic = db_col_text(st, 4) };
		if ((rc = fn(&r, arg)) != LMN_OK)
			break;
	}
	db_done(st);
	return rc;
}

/* The customer-service call log. */
#include "store/calls.h"

enum lmn_rc calls_insert(struct db_conn *c, const struct call_row *r, int64_t *id,
			 struct lmn_err *err)
{
	struct db_stmt *st;
	enum lmn_rc rc = db_prepare(c,
				    "INSERT INTO calls (" CALLS_INSERT_COLUMNS ") "
				    "VALUES ($1, $2, $3, $4, $5, $6)",
				    &st, err);

	if (rc != LMN_OK)
		return rc;
	db_bind_text(st, CALL_COL_QUEUED_AT, r->queued_at);
	db_bind_text(st, CALL_COL_ANSWERED_AT, r->answered_at);
	db_bind_text(st, CALL_COL_ABANDONED_AT, r->abandoned_at);
	db_bind_text(st, CALL_COL_TOPIC, r->topic);
	db_bind_id(st, CALL_COL_AGENT_ID, r->agent_id);
	db_bind_id(st, CALL_COL_PATIENT_ID, r->patient_id);
	rc = db_run(st, err);
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

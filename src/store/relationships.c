/* Care relationships and the audit log of searches by personal identity number. */
#include "store/relationships.h"

enum lmn_rc relationships_add(struct db_conn *c, int64_t patient_id, int64_t unit_id,
			      int64_t user_id, const char *reason, const char *now,
			      const char *ends_on, int64_t *id, struct lmn_err *err)
{
	struct db_stmt *st;
	enum lmn_rc rc =
		db_prepare(c,
			   "INSERT INTO care_relationships (patient_id, unit_id, user_id, reason, "
			   "created_at, ends_on) VALUES ($1, $2, $3, $4, $5, $6)",
			   &st, err);

	if (rc != LMN_OK)
		return rc;
	db_bind_int(st, 1, patient_id);
	db_bind_int(st, 2, unit_id);
	db_bind_int(st, 3, user_id);
	db_bind_text(st, 4, reason);
	db_bind_text(st, 5, now);
	db_bind_text(st, 6, ends_on);
	rc = db_run(st, err);
	*id = db_last_id(c);
	return rc;
}

enum lmn_rc searches_add(struct db_conn *c, const struct id_number_search *s, struct lmn_err *err)
{
	struct db_stmt *st;
	enum lmn_rc rc =
		db_prepare(c,
			   "INSERT INTO id_number_searches (at, at_minute, user_id, token_id, "
			   "id_number, patient_id, via) "
			   "VALUES ($1, $2, $3, nullif($4, 0), $5, nullif($6, 0), $7)",
			   &st, err);

	if (rc != LMN_OK)
		return rc;
	db_bind_text(st, 1, s->at);
	db_bind_int(st, 2, s->at_minute);
	db_bind_int(st, 3, s->user_id);
	db_bind_int(st, 4, s->token_id);
	db_bind_text(st, 5, s->id_number);
	db_bind_int(st, 6, s->patient_id);
	db_bind_text(st, 7, s->register_ ? "register" : "search");
	return db_run(st, err);
}

enum lmn_rc searches_count(struct db_conn *c, int64_t user_id, int64_t after, int64_t *count,
			   int64_t *first_minute, struct lmn_err *err)
{
	struct db_stmt *st;
	bool row;
	enum lmn_rc rc =
		db_prepare(c,
			   "SELECT count(*), coalesce(min(at_minute), 0) FROM id_number_searches "
			   "WHERE user_id = $1 AND at_minute > $2",
			   &st, err);

	*count = *first_minute = 0;
	if (rc != LMN_OK)
		return rc;
	db_bind_int(st, 1, user_id);
	db_bind_int(st, 2, after);
	rc = db_step(st, &row, err);
	if (rc == LMN_OK && row) {
		*count = db_col_int(st, 0);
		*first_minute = db_col_int(st, 1);
	}
	db_done(st);
	return rc;
}

enum lmn_rc searches_found(struct db_conn *c, int64_t user_id, int64_t patient_id, int64_t after,
			   bool *found, struct lmn_err *err)
{
	struct db_stmt *st;
	enum lmn_rc rc =
		db_prepare(c,
			   "SELECT 1 FROM id_number_searches WHERE user_id = $1 AND at_minute > $3 "
			   "AND patient_id = $2 LIMIT 1",
			   &st, err);

	*found = false;
	if (rc != LMN_OK)
		return rc;
	db_bind_int(st, 1, user_id);
	db_bind_int(st, 2, patient_id);
	db_bind_int(st, 3, after);
	rc = db_step(st, found, err);
	db_done(st);
	return rc;
}

enum lmn_rc delegate_of(struct db_conn *c, int64_t user_id, int64_t patient_id, bool *is,
			struct lmn_err *err)
{
	struct db_stmt *st;
	enum lmn_rc rc =
		db_prepare(c, "SELECT 1 FROM delegates WHERE user_id = $1 AND patient_id = $2", &st,
			   err);

	*is = false;
	if (rc != LMN_OK)
		return rc;
	db_bind_int(st, 1, user_id);
	db_bind_int(st, 2, patient_id);
	rc = db_step(st, is, err);
	db_done(st);
	return rc;
}

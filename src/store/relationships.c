/* Relationship checks, care relationships and the audit log of searches by number. */
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

enum lmn_rc delegates_add(struct db_conn *c, int64_t user_id, int64_t patient_id,
			  struct lmn_err *err)
{
	return db_do(c, err, "INSERT INTO delegates (user_id, patient_id) VALUES ($1, $2)", "ii",
		     user_id, patient_id);
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

enum lmn_rc relation_check(struct db_conn *c, const struct relation_query *q, bool *exists,
			   bool *related, struct lmn_err *err)
{
	/* A care relationship recorded by the unit opens the record as a prescription of the unit
	 * does while it lasts ($5: today). */
#define UNIT_RELATION                                                                              \
	"EXISTS (SELECT 1 FROM prescriptions r WHERE r.patient_id = p.id AND r.unit_id = $2) OR "  \
	"EXISTS (SELECT 1 FROM care_relationships c WHERE c.patient_id = p.id AND c.unit_id = $2 " \
	"AND c.ends_on >= $5)"
	static const char *const sql[] = {
		[REL_PATIENT] =
			"SELECT p.id, (p.id = $2 OR EXISTS (SELECT 1 FROM delegates d "
			"WHERE d.user_id = $3 AND d.patient_id = p.id)) FROM patients p WHERE p.id = $1",
		[REL_UNIT] = "SELECT p.id, (" UNIT_RELATION ") FROM patients p WHERE p.id = $1",
		[REL_MUNICIPAL_PRESCRIBER] = "SELECT p.id, (p.municipality = $4 OR " UNIT_RELATION
					     ") FROM patients p WHERE p.id = $1",
		[REL_MUNICIPAL_ORDERER] =
			"SELECT p.id, (p.municipality = $4 AND p.municipal_housing = 1) "
			"FROM patients p WHERE p.id = $1",
		[REL_EVERY] = "SELECT p.id, 1 FROM patients p WHERE p.id = $1",
		[REL_NONE] = "SELECT p.id, 0 FROM patients p WHERE p.id = $1",
	};
#undef UNIT_RELATION
	struct db_stmt *st;
	enum lmn_rc rc;

	*exists = *related = false;
	if ((rc = db_prepare(c, sql[q->rule], &st, err)) != LMN_OK)
		return rc;
	/* Bind only what the statement has: an index beyond its parameters is an error. */
	db_bind_int(st, 1, q->patient_id);
	if (db_param_count(st) >= 2)
		db_bind_int(st, 2, q->own_id);
	if (db_param_count(st) >= 3)
		db_bind_int(st, 3, q->user_id);
	if (db_param_count(st) >= 4)
		db_bind_text(st, 4, q->municipality);
	if (db_param_count(st) >= 5)
		db_bind_text(st, 5, q->today);
	rc = db_step(st, exists, err);
	if (rc == LMN_OK && *exists)
		*related = db_col_int(st, 1) != 0;
	db_done(st);
	return rc;
}

enum lmn_rc distributor_has_order(struct db_conn *c, int64_t order_id, const char *since, bool *has,
				  struct lmn_err *err)
{
	return db_exists(
		c, has, err,
		"SELECT 1 FROM orders o WHERE o.id = $1 AND (o.status IN ('received', 'shipped', "
		"'partially_delivered', "
		"'partially_shipped') OR EXISTS (SELECT 1 FROM shipments s WHERE s.order_id = o.id "
		"AND substr(coalesce(s.outcome_at, s.delivered_at, s.shipped_at), 1, 10) >= $2))",
		"it", order_id, since);
}

/* Units for the account form. */
#include "store/staff.h"

enum lmn_rc units_each(struct db_conn *c, unit_fn fn, void *arg, struct lmn_err *err)
{
	struct db_stmt *st;
	bool row;
	enum lmn_rc rc = db_prepare(c,
				    "SELECT u.id, u.name, cp.name, u.cost_centre, "
				    "coalesce(u.municipality, '') FROM units u "
				    "JOIN care_providers cp ON cp.id = u.care_provider_id "
				    "ORDER BY cp.name, u.name, u.id",
				    &st, err);

	if (rc != LMN_OK)
		return rc;
	while ((rc = db_step(st, &row, err)) == LMN_OK && row) {
		struct unit_row u = { db_col_int(st, 0), db_col_text(st, 1), db_col_text(st, 2),
				      db_col_text(st, 3), db_col_text(st, 4) };
		if ((rc = fn(arg, &u, err)) != LMN_OK)
			break;
	}
	db_done(st);
	return rc;
}

enum lmn_rc unit_exists(struct db_conn *c, int64_t id, bool *exists, struct lmn_err *err)
{
	struct db_stmt *st;
	enum lmn_rc rc = db_prepare(c, "SELECT 1 FROM units WHERE id = $1", &st, err);

	*exists = false;
	if (rc != LMN_OK)
		return rc;
	db_bind_int(st, 1, id);
	rc = db_step(st, exists, err);
	db_done(st);
	return rc;
}

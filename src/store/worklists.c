/* The work lists of the start pages (issue 20): every statement of their reads. */
#include <stdio.h>
#include <string.h>

#include "store/supply_read.h"
#include "store/worklists.h"

static enum lmn_rc worklist_run(struct db_stmt *st, worklist_item_fn fn, void *arg,
				struct lmn_err *err)
{
	struct worklist_item w;
	bool row;
	enum lmn_rc rc;

	while ((rc = db_step(st, &row, err)) == LMN_OK && row) {
		memset(&w, 0, sizeof(w));
		w.patient_id = db_col_int(st, 0);
		db_col_copy(st, 1, w.given_name, sizeof(w.given_name));
		db_col_copy(st, 2, w.family_name, sizeof(w.family_name));
		if (!db_col_null(st, 3)) {
			w.article_id = db_col_int(st, 3);
			db_col_copy(st, 4, w.article_number, sizeof(w.article_number));
			db_col_copy(st, 5, w.article_name, sizeof(w.article_name));
			w.item_id = db_col_int(st, 6);
			prescription_item_read(st, 6, &w.it);
			db_col_copy(st, 12, w.last_valid, sizeof(w.last_valid));
		}
		if ((rc = fn(&w, arg)) != LMN_OK)
			break;
	}
	db_done(st);
	return rc;
}

enum lmn_rc worklist_expiring(struct db_conn *c, int64_t unit_id, const char *from,
			      const char *until, worklist_item_fn fn, void *arg,
			      struct lmn_err *err)
{
	struct db_stmt *st;
	enum lmn_rc rc = db_prepare(
		c,
		"SELECT p.id, p.given_name, p.family_name, a.id, a.article_number, a.name, "
		/* The items first (SQLite keeps a CROSS JOIN's order): those that end in the
		 * window (prescription_items_ending), then whether their unit is the caller's;
		 * not every prescription a large unit has ever written. */
		ITEM_COLUMNS " FROM prescription_items i CROSS JOIN prescriptions r "
		"JOIN patients p ON p.id = r.patient_id JOIN articles a ON a.id = i.article_id "
		"WHERE r.id = i.prescription_id AND r.unit_id = $1 AND i.cancelled_at IS NULL "
		"AND i.last_valid BETWEEN $2 AND $3 "
		"ORDER BY i.last_valid, p.family_name, p.given_name, i.id",
		&st, err);

	if (rc != LMN_OK)
		return rc;
	db_bind_int(st, 1, unit_id);
	db_bind_text(st, 2, from);
	db_bind_text(st, 3, until);
	return worklist_run(st, fn, arg, err);
}

enum lmn_rc worklist_housing(struct db_conn *c, const char *municipality, const char *since,
			     worklist_item_fn fn, void *arg, struct lmn_err *err)
{
	struct db_stmt *st;
	enum lmn_rc rc = db_prepare(
		c,
		"SELECT DISTINCT p.id, p.given_name, p.family_name, a.id, a.article_number, a.name, " ITEM_COLUMNS
		" FROM patients p "
		"LEFT JOIN prescriptions r ON r.patient_id = p.id "
		"LEFT JOIN prescription_items i ON i.prescription_id = r.id "
		"  AND i.cancelled_at IS NULL AND i.last_valid >= $2 "
		"LEFT JOIN articles a ON a.id = i.article_id "
		"WHERE p.municipality = $1 AND p.municipal_housing = 1 AND p.protected_identity = 0 "
		"  AND (i.id IS NOT NULL OR NOT EXISTS (SELECT 1 FROM prescriptions r2 "
		"       JOIN prescription_items i2 ON i2.prescription_id = r2.id "
		"       WHERE r2.patient_id = p.id AND i2.cancelled_at IS NULL AND i2.last_valid >= $2)) "
		"ORDER BY p.family_name, p.given_name, p.id, a.name, i.id",
		&st, err);

	if (rc != LMN_OK)
		return rc;
	db_bind_text(st, 1, municipality);
	db_bind_text(st, 2, since);
	return worklist_run(st, fn, arg, err);
}

enum lmn_rc renewal_item_get(struct db_conn *c, int64_t item_id, struct renewal_item *out,
			     struct lmn_err *err)
{
	struct db_stmt *st;
	bool row;
	enum lmn_rc rc = db_prepare(
		c,
		"SELECT r.patient_id, r.unit_id, i.article_id, i.cancelled_at IS NOT NULL, "
		"i.last_valid, i.withdrawals_remaining FROM prescription_items i "
		"JOIN prescriptions r ON r.id = i.prescription_id WHERE i.id = $1",
		&st, err);

	memset(out, 0, sizeof(*out));
	if (rc != LMN_OK)
		return rc;
	db_bind_int(st, 1, item_id);
	rc = db_step(st, &row, err);
	if (rc == LMN_OK && row) {
		out->patient_id = db_col_int(st, 0);
		out->unit_id = db_col_int(st, 1);
		out->article_id = db_col_int(st, 2);
		out->cancelled = db_col_int(st, 3) != 0;
		db_col_copy(st, 4, out->last_valid, sizeof(out->last_valid));
		out->withdrawals_remaining = db_col_int(st, 5);
	} else if (rc == LMN_OK) {
		rc = lmn_err_set(err, LMN_ENOTFOUND, NULL, NULL, "Förskrivningsraden finns inte.");
	}
	db_done(st);
	return rc;
}

enum lmn_rc renewal_request_add(struct db_conn *c, int64_t item_id, const struct renewal_item *item,
				int64_t user_id, const char *now, bool *created,
				struct lmn_err *err)
{
	struct db_stmt *st;
	enum lmn_rc rc = db_prepare(
		c,
		"INSERT INTO renewal_requests (item_id, patient_id, unit_id, requested_by, "
		"requested_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (item_id) DO NOTHING",
		&st, err);

	*created = false;
	if (rc != LMN_OK)
		return rc;
	db_bind_int(st, 1, item_id);
	db_bind_int(st, 2, item->patient_id);
	db_bind_int(st, 3, item->unit_id);
	db_bind_int(st, 4, user_id);
	db_bind_text(st, 5, now);
	rc = db_run(st, err);
	if (rc == LMN_OK)
		*created = db_changes(c) > 0;
	return rc;
}

enum lmn_rc renewal_requests_of_unit(struct db_conn *c, int64_t unit_id, renewal_request_fn fn,
				     void *arg, struct lmn_err *err)
{
	struct db_stmt *st;
	struct worklist_item w;
	bool row;
	enum lmn_rc rc = db_prepare(
		c,
		"SELECT p.id, p.given_name, p.family_name, a.id, a.article_number, a.name, " ITEM_COLUMNS
		", q.requested_at FROM renewal_requests q "
		"JOIN prescription_items i ON i.id = q.item_id "
		"JOIN prescriptions r ON r.id = i.prescription_id "
		"JOIN patients p ON p.id = q.patient_id JOIN articles a ON a.id = i.article_id "
		"WHERE q.unit_id = $1 AND NOT EXISTS (SELECT 1 FROM prescription_items i2 "
		"  JOIN prescriptions r2 ON r2.id = i2.prescription_id "
		"  WHERE r2.patient_id = q.patient_id AND i2.article_id = i.article_id "
		"  AND i2.id > i.id AND i2.cancelled_at IS NULL) "
		"ORDER BY q.requested_at, q.id",
		&st, err);

	if (rc != LMN_OK)
		return rc;
	db_bind_int(st, 1, unit_id);
	while ((rc = db_step(st, &row, err)) == LMN_OK && row) {
		memset(&w, 0, sizeof(w));
		w.patient_id = db_col_int(st, 0);
		db_col_copy(st, 1, w.given_name, sizeof(w.given_name));
		db_col_copy(st, 2, w.family_name, sizeof(w.family_name));
		w.article_id = db_col_int(st, 3);
		db_col_copy(st, 4, w.article_number, sizeof(w.article_number));
		db_col_copy(st, 5, w.article_name, sizeof(w.article_name));
		w.item_id = db_col_int(st, 6);
		prescription_item_read(st, 6, &w.it);
		db_col_copy(st, 12, w.last_valid, sizeof(w.last_valid));
		if ((rc = fn(&w, db_col_text(st, 15), arg)) != LMN_OK)
			break;
	}
	db_done(st);
	return rc;
}

/* Prescriptions and their items: the statements that write prescriptions and prescription_items,
 * and the list of a patient's items. */
#include "store/prescriptions.h"

#include "store/supply_read.h"

void prescriptions_bind(struct db_stmt *st, int at, const struct prescription_row *r)
{
	db_bind_id(st, at + PRESCRIPTION_COL_ID, r->id);
	db_bind_int(st, at + PRESCRIPTION_COL_PATIENT_ID, r->patient_id);
	db_bind_int(st, at + PRESCRIPTION_COL_PRESCRIBER_ID, r->prescriber_id);
	db_bind_int(st, at + PRESCRIPTION_COL_UNIT_ID, r->unit_id);
	db_bind_text_kept(st, at + PRESCRIPTION_COL_PRESCRIBED_ON, r->prescribed_on);
	db_bind_text_kept(st, at + PRESCRIPTION_COL_CREATED_AT, r->created_at);
}

enum lmn_rc prescriptions_insert(struct db_conn *c, const struct prescription_row *r, int64_t *id,
				 struct lmn_err *err)
{
	struct db_stmt *st;
	enum lmn_rc rc =
		db_prepare(c,
			   DB_INSERT_ID(c, r->id,
					"INSERT INTO prescriptions (" PRESCRIPTIONS_INSERT_COLUMNS
					")",
					"VALUES ($1, $2, $3, $4, $5, $6) RETURNING id"),
			   &st, err);

	if (rc != LMN_OK)
		return rc;
	prescriptions_bind(st, 0, r);
	return db_run_id(st, id, err);
}

static const char rx_rows_head[] =
	"INSERT INTO prescriptions (" PRESCRIPTIONS_INSERT_COLUMNS ") VALUES ";
static const char items_rows_head[] =
	"INSERT INTO prescription_items (" PRESCRIPTION_ITEMS_INSERT_COLUMNS ") VALUES ";

const char *prescriptions_insert_rows_sql(int rows)
{
	return db_rows_sql(rx_rows_head, PRESCRIPTIONS_COLUMN_COUNT, rows);
}

const char *prescription_items_insert_rows_sql(int rows)
{
	return db_rows_sql(items_rows_head, PRESCRIPTION_ITEMS_COLUMN_COUNT, rows);
}

void prescription_items_bind(struct db_stmt *st, int at, const struct prescription_item_row *r)
{
	db_bind_id(st, at + PRESCRIPTION_ITEM_COL_ID, r->id);
	db_bind_int(st, at + PRESCRIPTION_ITEM_COL_PRESCRIPTION_ID, r->prescription_id);
	db_bind_int(st, at + PRESCRIPTION_ITEM_COL_ARTICLE_ID, r->article_id);
	db_bind_int(st, at + PRESCRIPTION_ITEM_COL_WITHDRAWALS_ALLOWED, r->withdrawals_allowed);
	db_bind_int(st, at + PRESCRIPTION_ITEM_COL_WITHDRAWALS_REMAINING,
		    r->withdrawals_allowed - r->withdrawn);
	db_bind_int(st, at + PRESCRIPTION_ITEM_COL_QUANTITY_PER_WITHDRAWAL,
		    r->quantity_per_withdrawal);
	db_bind_int(st, at + PRESCRIPTION_ITEM_COL_PERIOD_DAYS, r->period_days);
	db_bind_text_kept(st, at + PRESCRIPTION_ITEM_COL_LAST_VALID, r->last_valid);
}

enum lmn_rc prescription_items_insert(struct db_conn *c, const struct prescription_item_row *r,
				      int64_t *id, struct lmn_err *err)
{
	struct db_stmt *st;
	enum lmn_rc rc = db_prepare(
		c,
		DB_INSERT_ID(c, r->id,
			     "INSERT INTO prescription_items (" PRESCRIPTION_ITEMS_INSERT_COLUMNS
			     ")",
			     "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id"),
		&st, err);

	if (rc != LMN_OK)
		return rc;
	prescription_items_bind(st, 0, r);
	return db_run_id(st, id, err);
}

/* The patient's other active items of the article, which the new item $3 replaces. */
#define REPLACED                                                        \
	"SELECT i.id, i.next_earliest FROM prescription_items i "       \
	"JOIN prescriptions r ON r.id = i.prescription_id "             \
	"WHERE r.patient_id = $1 AND i.article_id = $2 AND i.id <> $3 " \
	"AND i.cancelled_at IS NULL AND i.withdrawals_remaining > 0 AND i.last_valid >= $4"

enum lmn_rc prescription_items_replace(struct db_conn *c, int64_t patient_id, int64_t article,
				       int64_t item, const char *today, const char *now,
				       struct lmn_err *err)
{
	/* First the latest earliest-next date of the items replaced carries over (none: none),
	 * then they end. */
	static const char *const sql[] = {
		"UPDATE prescription_items SET next_earliest = ("
		"SELECT max(next_earliest) FROM (" REPLACED ") r) WHERE id = $3",
		"UPDATE prescription_items SET cancelled_at = $5, replaced_by = $3 "
		"WHERE id IN (SELECT id FROM (" REPLACED ") r)",
	};
	struct db_stmt *st;
	enum lmn_rc rc = LMN_OK;

	for (size_t k = 0; k < sizeof(sql) / sizeof(sql[0]) && rc == LMN_OK; k++) {
		if ((rc = db_prepare(c, sql[k], &st, err)) != LMN_OK)
			break;
		db_bind_int(st, 1, patient_id);
		db_bind_int(st, 2, article);
		db_bind_int(st, 3, item);
		db_bind_text(st, 4, today);
		if (db_param_count(st) >= 5)
			db_bind_text(st, 5, now);
		rc = db_run(st, err);
	}
	return rc;
}
#undef REPLACED

enum lmn_rc prescription_items_each(struct db_conn *c, int64_t patient_id, prescription_list_fn fn,
				    void *arg, struct lmn_err *err)
{
	struct db_stmt *st;
	bool row;
	enum lmn_rc rc = db_prepare(
		c,
		"SELECT " ITEM_COLUMNS ", r.id, a.id, a.article_number, a.name, a.area, a.unit, "
		"a.package_size, coalesce(u.display_name, ''), n.name, coalesce(i.replaced_by, 0), "
		"r.unit_id "
		"FROM prescriptions r JOIN prescription_items i ON i.prescription_id = r.id "
		"JOIN articles a ON a.id = i.article_id JOIN units n ON n.id = r.unit_id "
		"LEFT JOIN users u ON u.id = r.prescriber_id "
		"WHERE r.patient_id = $1 ORDER BY r.prescribed_on DESC, i.id",
		&st, err);

	if (rc != LMN_OK)
		return rc;
	db_bind_int(st, 1, patient_id);
	while ((rc = db_step(st, &row, err)) == LMN_OK && row) {
		struct prescription_list_row r;

		prescription_item_read(st, 0, &r.it);
		r.item_id = db_col_int(st, 0);
		r.prescription_id = db_col_int(st, 9);
		r.article_id = db_col_int(st, 10);
		r.article_number = db_col_text(st, 11);
		r.article_name = db_col_text(st, 12);
		r.area = db_col_text(st, 13);
		r.unit = db_col_text(st, 14);
		r.package_size = db_col_int(st, 15);
		r.prescriber = db_col_text(st, 16);
		r.unit_name = db_col_text(st, 17);
		r.replaced_by = db_col_int(st, 18);
		r.unit_id = db_col_int(st, 19);
		if ((rc = fn(arg, &r, err)) != LMN_OK)
			break;
	}
	db_done(st);
	return rc;
}

enum lmn_rc prescription_item_owner(struct db_conn *c, int64_t item_id, int64_t *patient_id,
				    int64_t *unit_id, bool *cancelled, bool *found,
				    struct lmn_err *err)
{
	struct db_stmt *st;
	enum lmn_rc rc = db_prepare(
		c,
		"SELECT r.patient_id, r.unit_id, i.cancelled_at IS NOT NULL FROM prescription_items i "
		"JOIN prescriptions r ON r.id = i.prescription_id WHERE i.id = $1",
		&st, err);

	*found = false;
	if (rc != LMN_OK)
		return rc;
	db_bind_int(st, 1, item_id);
	rc = db_step(st, found, err);
	if (rc == LMN_OK && *found) {
		*patient_id = db_col_int(st, 0);
		*unit_id = db_col_int(st, 1);
		*cancelled = db_col_int(st, 2) != 0;
	}
	db_done(st);
	return rc;
}

enum lmn_rc prescription_item_cancel(struct db_conn *c, int64_t item_id, const char *now,
				     struct lmn_err *err)
{
	return db_do(c, err, "UPDATE prescription_items SET cancelled_at = $2 WHERE id = $1", "it",
		     item_id, now);
}

enum lmn_rc prescription_item_withdrawn(struct db_conn *c, int64_t item_id, int64_t remaining,
					const char *next_earliest, struct lmn_err *err)
{
	return db_do(c, err,
		     "UPDATE prescription_items SET withdrawals_remaining = $2, next_earliest = $3 "
		     "WHERE id = $1",
		     "iit", item_id, remaining, next_earliest);
}

enum lmn_rc prescription_items_restore(struct db_conn *c, int64_t order_id, struct lmn_err *err)
{
	return db_do(
		c, err,
		"UPDATE prescription_items SET withdrawals_remaining = withdrawals_remaining + 1, "
		"next_earliest = (SELECT l.prev_next_earliest FROM order_lines l WHERE "
		"l.order_id = $1 AND l.prescription_item_id = prescription_items.id) "
		"WHERE id IN (SELECT prescription_item_id FROM order_lines WHERE order_id = $1)",
		"i", order_id);
}

enum lmn_rc prescription_item_for_order(struct db_conn *c, int64_t item_id,
					struct prescription_order_item *out, bool *found,
					struct lmn_err *err)
{
	struct db_stmt *st;
	enum lmn_rc rc = db_prepare(
		c,
		"SELECT " ITEM_COLUMNS ", r.patient_id, a.id, a.area, a.stocked, "
		"a.acute_assortment, a.special, a.active, a.article_number, a.name, r.unit_id, "
		"u.care_provider_id "
		"FROM prescription_items i JOIN prescriptions r ON r.id = i.prescription_id "
		"JOIN articles a ON a.id = i.article_id JOIN units u ON u.id = r.unit_id "
		"WHERE i.id = $1",
		&st, err);

	*found = false;
	if (rc != LMN_OK)
		return rc;
	db_bind_int(st, 1, item_id);
	rc = db_step(st, found, err);
	if (rc == LMN_OK && *found) {
		prescription_item_read(st, 0, &out->it);
		out->patient_id = db_col_int(st, 9);
		out->article_id = db_col_int(st, 10);
		db_col_copy(st, 11, out->area, sizeof(out->area));
		out->stocked = db_col_int(st, 12) != 0;
		out->acute_assortment = db_col_int(st, 13) != 0;
		out->special = db_col_int(st, 14) != 0;
		out->active = db_col_int(st, 15) != 0;
		db_col_copy(st, 16, out->article_number, sizeof(out->article_number));
		db_col_copy(st, 17, out->name, sizeof(out->name));
		out->unit_id = db_col_int(st, 18);
		out->care_provider_id = db_col_int(st, 19);
	}
	db_done(st);
	return rc;
}

enum lmn_rc prescription_item_grow(struct db_conn *c, int64_t item_id, int64_t more, int64_t qty,
				   const char *last, struct lmn_err *err)
{
	return db_do(
		c, err,
		"UPDATE prescription_items SET withdrawals_allowed = withdrawals_allowed + $2, "
		"quantity_per_withdrawal = CASE WHEN quantity_per_withdrawal > $3 "
		"THEN quantity_per_withdrawal ELSE $3 END, "
		"last_valid = CASE WHEN last_valid > $4 THEN last_valid ELSE $4 END WHERE id = $1",
		"iiit", item_id, more, qty, last);
}

enum lmn_rc prescription_latest(struct db_conn *c, int64_t patient_id, int64_t *rx, char last[11],
				struct lmn_err *err)
{
	struct db_stmt *st;
	bool row;
	enum lmn_rc rc =
		db_prepare(c,
			   "SELECT p.id, (SELECT max(i.last_valid) FROM prescription_items i "
			   "WHERE i.prescription_id = p.id) FROM prescriptions p "
			   "WHERE p.patient_id = $1 ORDER BY p.prescribed_on DESC, p.id DESC "
			   "LIMIT 1",
			   &st, err);

	*rx = 0;
	last[0] = '\0';
	if (rc != LMN_OK)
		return rc;
	db_bind_int(st, 1, patient_id);
	if ((rc = db_step(st, &row, err)) == LMN_OK && row) {
		*rx = db_col_int(st, 0);
		db_col_copy(st, 1, last, 11);
	}
	db_done(st);
	return rc;
}

/* Shipments and their lines: the statements on the tables shipments and shipment_lines. */
#include "store/shipments.h"

#include <stdio.h>

enum lmn_rc shipments_insert(struct db_conn *c, const struct shipment_row *r, int64_t *id,
			     struct lmn_err *err)
{
	struct db_stmt *st;
	enum lmn_rc rc = db_prepare(c,
				    "INSERT INTO shipments (" SHIPMENTS_INSERT_COLUMNS ") "
				    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
				    &st, err);

	if (rc != LMN_OK)
		return rc;
	db_bind_int(st, SHIPMENT_COL_ORDER_ID, r->order_id);
	db_bind_text(st, SHIPMENT_COL_SHIPPED_AT, r->shipped_at);
	db_bind_id(st, SHIPMENT_COL_SHIPPED_BY, r->shipped_by);
	db_bind_int(st, SHIPMENT_COL_PARTIAL, r->partial);
	db_bind_text(st, SHIPMENT_COL_TRACKING_NUMBER, r->tracking_number);
	db_bind_text(st, SHIPMENT_COL_DELIVERED_AT, r->delivered_at);
	db_bind_text(st, SHIPMENT_COL_DELIVERY_DEVIATION, r->delivery_deviation);
	db_bind_text(st, SHIPMENT_COL_OUTCOME, r->outcome);
	db_bind_text(st, SHIPMENT_COL_OUTCOME_AT, r->outcome_at);
	if ((rc = db_run(st, err)) != LMN_OK)
		return rc;
	*id = db_last_id(c);
	return LMN_OK;
}

enum lmn_rc shipment_lines_insert(struct db_conn *c, int64_t shipment_id, int64_t order_line_id,
				  int64_t quantity, bool backordered, struct lmn_err *err)
{
	struct db_stmt *st;
	/* With the order line's article and the unit of its prescription (migration 26). */
	enum lmn_rc rc =
		db_prepare(c,
			   "INSERT INTO shipment_lines (" SHIPMENT_LINES_INSERT_COLUMNS
			   ", article_id, unit_id) "
			   "SELECT $1, $2, $3, $4, l.article_id, p.unit_id FROM order_lines l "
			   "JOIN prescription_items i ON i.id = l.prescription_item_id "
			   "JOIN prescriptions p ON p.id = i.prescription_id WHERE l.id = $2",
			   &st, err);

	if (rc != LMN_OK)
		return rc;
	db_bind_int(st, SHIPMENT_LINE_COL_SHIPMENT_ID, shipment_id);
	db_bind_int(st, SHIPMENT_LINE_COL_ORDER_LINE_ID, order_line_id);
	db_bind_int(st, SHIPMENT_LINE_COL_QUANTITY, quantity);
	db_bind_int(st, SHIPMENT_LINE_COL_BACKORDERED, backordered);
	if ((rc = db_run(st, err)) != LMN_OK)
		return rc;
	if (db_changes(c) != 1)
		return lmn_err_set(err, LMN_EINVAL, "order_line_id", NULL, "no order line %lld",
				   (long long)order_line_id);
	return LMN_OK;
}

enum lmn_rc shipment_load(struct db_conn *c, int64_t id, struct shipment_view *out, bool *found,
			  struct lmn_err *err)
{
	struct db_stmt *st;
	enum lmn_rc rc = db_prepare(
		c,
		"SELECT s.order_id, o.patient_id, s.outcome IS NOT NULL, o.received_at, "
		"o.delivery_method = 'home', o.delivery_method = 'pickup_point' FROM shipments s "
		"JOIN orders o ON o.id = s.order_id WHERE s.id = $1",
		&st, err);

	*found = false;
	if (rc != LMN_OK)
		return rc;
	db_bind_int(st, 1, id);
	rc = db_step(st, found, err);
	if (rc == LMN_OK && *found) {
		out->order_id = db_col_int(st, 0);
		out->patient_id = db_col_int(st, 1);
		out->has_outcome = db_col_int(st, 2) != 0;
		db_col_copy(st, 3, out->received_at, sizeof(out->received_at));
		out->home = db_col_int(st, 4) != 0;
		out->pickup_point = db_col_int(st, 5) != 0;
	}
	db_done(st);
	return rc;
}

enum lmn_rc shipment_delivered(struct db_conn *c, int64_t id, const char *at, const char *deviation,
			       struct lmn_err *err)
{
	return db_do(
		c, err,
		"UPDATE shipments SET delivered_at = $2, outcome = 'delivered', outcome_at = $2, "
		"delivery_deviation = $3 WHERE id = $1",
		"itt", id, at, deviation);
}

enum lmn_rc shipment_outcome(struct db_conn *c, int64_t id, const char *outcome, const char *at,
			     const char *note, struct lmn_err *err)
{
	return db_do(
		c, err,
		"UPDATE shipments SET outcome = $2, outcome_at = $3, outcome_note = $4 WHERE id = $1",
		"ittt", id, outcome, at, note);
}

enum lmn_rc shipment_settle_order(struct db_conn *c, int64_t order_id, const char *outcome,
				  char *status, size_t size, struct lmn_err *err)
{
	return db_text(
		c, status, size, err,
		"UPDATE orders SET status = CASE "
		"WHEN $2 <> 'delivered' THEN $2 "
		"WHEN NOT EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = orders.id AND "
		"l.quantity > (SELECT coalesce(sum(sl.quantity), 0) FROM shipment_lines sl "
		"JOIN shipments s ON s.id = sl.shipment_id WHERE sl.order_line_id = l.id AND "
		"s.outcome = 'delivered')) THEN 'delivered' "
		"ELSE 'partially_delivered' END WHERE id = $1 RETURNING status",
		"it", order_id, outcome);
}

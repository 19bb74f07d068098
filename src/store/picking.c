/* The distributor's reads for picking (issue 20): the orders to pick, one order for its packing
 * slip, a wave's totals per article, and the shipments with where they go. */
#include "store/picking.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The columns read by read_row, of the orders o (with o.waiting) and their lines l. */
#define PICK_COLUMNS                                                                                \
	"o.id, o.patient_id, o.kind, o.due, o.status, o.delivery_method, "                          \
	"p.given_name || ' ' || p.family_name, coalesce(o.delivery_address, ''), "                  \
	"coalesce(o.delivery_postal_code, ''), coalesce(o.delivery_city, ''), "                     \
	"coalesce(o.delivery_phone, ''), coalesce(o.door_code, ''), coalesce(o.notification, ''), " \
	"coalesce(o.pickup_point_id, 0), coalesce(o.unit_id, 0), coalesce(pp.name, ''), "           \
	"coalesce(pp.address, ''), coalesce(pp.postal_code, ''), coalesce(pp.city, ''), "           \
	"coalesce(u.name, ''), coalesce(u.address, ''), coalesce(u.postal_code, ''), "              \
	"p.rural_route, p.protected_identity, o.waiting, "                                          \
	"l.id, a.article_number, a.name, a.unit, l.quantity, l.shipped_quantity, l.backordered "

#define PICK_JOINS                                                                        \
	"JOIN patients p ON p.id = o.patient_id JOIN order_lines l ON l.order_id = o.id " \
	"JOIN articles a ON a.id = l.article_id "                                         \
	"LEFT JOIN pickup_points pp ON pp.id = o.pickup_point_id LEFT JOIN units u ON u.id = o.unit_id "

/* An order waits for the supplier while one of its lines is backordered and not all shipped. */
#define WAITING                                                                                   \
	"EXISTS (SELECT 1 FROM order_lines b WHERE b.order_id = orders.id AND b.backordered = 1 " \
	"AND b.quantity > b.shipped_quantity) AS waiting"

#define OPEN_STATUS "status IN ('received', 'partially_shipped', 'partially_delivered')"

static const char orders_sql[] =
	"SELECT " PICK_COLUMNS "FROM (SELECT orders.*, " WAITING " FROM orders WHERE " OPEN_STATUS
	" AND due <= $1 "
	"ORDER BY waiting, due, id LIMIT $2) o " PICK_JOINS "ORDER BY o.waiting, o.due, o.id, l.id";

static const char order_sql[] = "SELECT " PICK_COLUMNS "FROM (SELECT orders.*, " WAITING
				" FROM orders WHERE id = $1) o " PICK_JOINS "ORDER BY l.id";

static const char totals_sql[] =
	"SELECT a.article_number, a.name, a.unit, sum(l.quantity - l.shipped_quantity), "
	"count(DISTINCT o.id) FROM orders o JOIN order_lines l ON l.order_id = o.id "
	"JOIN articles a ON a.id = l.article_id WHERE o." OPEN_STATUS " AND o.due <= $1 "
	"AND l.backordered = 0 AND l.quantity > l.shipped_quantity "
	"GROUP BY a.id ORDER BY a.article_number";

static void read_row_at(struct db_stmt *st, int b, struct pick_order *o, struct pick_line *l)
{
	o->id = db_col_int(st, b + 0);
	o->patient_id = db_col_int(st, b + 1);
	db_col_copy(st, b + 2, o->kind, sizeof(o->kind));
	db_col_copy(st, b + 3, o->due, sizeof(o->due));
	db_col_copy(st, b + 4, o->status, sizeof(o->status));
	db_col_copy(st, b + 5, o->method, sizeof(o->method));
	db_col_copy(st, b + 6, o->recipient, sizeof(o->recipient));
	db_col_copy(st, b + 7, o->address, sizeof(o->address));
	db_col_copy(st, b + 8, o->postal_code, sizeof(o->postal_code));
	db_col_copy(st, b + 9, o->city, sizeof(o->city));
	db_col_copy(st, b + 10, o->phone, sizeof(o->phone));
	db_col_copy(st, b + 11, o->door_code, sizeof(o->door_code));
	db_col_copy(st, b + 12, o->notification, sizeof(o->notification));
	o->pickup_point_id = db_col_int(st, b + 13);
	o->unit_id = db_col_int(st, b + 14);
	db_col_copy(st, b + 15, o->point_name, sizeof(o->point_name));
	db_col_copy(st, b + 16, o->point_address, sizeof(o->point_address));
	db_col_copy(st, b + 17, o->point_postal, sizeof(o->point_postal));
	db_col_copy(st, b + 18, o->point_city, sizeof(o->point_city));
	db_col_copy(st, b + 19, o->unit_name, sizeof(o->unit_name));
	db_col_copy(st, b + 20, o->unit_address, sizeof(o->unit_address));
	db_col_copy(st, b + 21, o->unit_postal, sizeof(o->unit_postal));
	o->rural_route = db_col_int(st, b + 22) != 0;
	o->protected_identity = db_col_int(st, b + 23) != 0;
	o->backordered = db_col_int(st, b + 24) != 0;
	l->id = db_col_int(st, b + 25);
	db_col_copy(st, b + 26, l->article_number, sizeof(l->article_number));
	db_col_copy(st, b + 27, l->name, sizeof(l->name));
	db_col_copy(st, b + 28, l->unit, sizeof(l->unit));
	l->quantity = db_col_int(st, b + 29);
	l->shipped = db_col_int(st, b + 30);
	l->backordered = db_col_int(st, b + 31) != 0;
}

static void read_row(struct db_stmt *st, struct pick_order *o, struct pick_line *l)
{
	read_row_at(st, 0, o, l);
}

static enum lmn_rc each_row(struct db_stmt *st, pick_line_fn fn, void *arg, size_t *rows,
			    struct lmn_err *err)
{
	struct pick_order o;
	struct pick_line l;
	bool row;
	enum lmn_rc rc;

	*rows = 0;
	while ((rc = db_step(st, &row, err)) == LMN_OK && row) {
		read_row(st, &o, &l);
		(*rows)++;
		if ((rc = fn(&o, &l, arg)) != LMN_OK)
			break;
	}
	db_done(st);
	return rc;
}

enum lmn_rc picking_orders(struct db_conn *c, const char *until, int64_t limit, pick_line_fn fn,
			   void *arg, struct lmn_err *err)
{
	struct db_stmt *st;
	size_t rows;
	enum lmn_rc rc;

	if ((rc = db_prepare(c, orders_sql, &st, err)) != LMN_OK)
		return rc;
	db_bind_text(st, 1, until);
	db_bind_int(st, 2, limit);
	return each_row(st, fn, arg, &rows, err);
}

enum lmn_rc picking_order(struct db_conn *c, int64_t order_id, pick_line_fn fn, void *arg,
			  struct lmn_err *err)
{
	struct db_stmt *st;
	size_t rows;
	enum lmn_rc rc;

	if ((rc = db_prepare(c, order_sql, &st, err)) != LMN_OK)
		return rc;
	db_bind_int(st, 1, order_id);
	rc = each_row(st, fn, arg, &rows, err);
	if (rc == LMN_OK && rows == 0)
		rc = lmn_err_set(err, LMN_ENOTFOUND, NULL, NULL, "Beställningen finns inte.");
	return rc;
}

enum lmn_rc picking_totals(struct db_conn *c, const char *until, pick_total_fn fn, void *arg,
			   struct lmn_err *err)
{
	struct db_stmt *st;
	struct pick_total t;
	bool row;
	enum lmn_rc rc;

	if ((rc = db_prepare(c, totals_sql, &st, err)) != LMN_OK)
		return rc;
	db_bind_text(st, 1, until);
	while ((rc = db_step(st, &row, err)) == LMN_OK && row) {
		db_col_copy(st, 0, t.article_number, sizeof(t.article_number));
		db_col_copy(st, 1, t.name, sizeof(t.name));
		db_col_copy(st, 2, t.unit, sizeof(t.unit));
		t.quantity = db_col_int(st, 3);
		t.orders = db_col_int(st, 4);
		if ((rc = fn(&t, arg)) != LMN_OK)
			break;
	}
	db_done(st);
	return rc;
}

/* The shipment's columns, then those of its order and line as PICK_COLUMNS has them (o.waiting is
 * 0: a shipment's order is not read for the pick list), then the line as shipped. FILTER is the
 * inner query's filter: open ($1), the order's ($2), one ($3), and not the history: open, or with
 * an outcome since the day given ($5). */
#define SHIPMENTS_SQL(filter)                                                                            \
	"SELECT s.id, s.order_id, s.shipped_at, s.partial, coalesce(s.outcome, ''), "                    \
	"coalesce(s.delivered_at, ''), coalesce(s.delivery_deviation, ''), "                             \
	"coalesce(s.outcome_at, ''), coalesce(s.outcome_note, ''), " PICK_COLUMNS ", "                   \
	"sl.quantity, sl.backordered, coalesce(s.tracking_number, '') "                                  \
	"FROM (SELECT * FROM shipments WHERE " filter " "                                                \
	"AND (outcome IS NULL OR substr(coalesce(outcome_at, delivered_at, shipped_at), 1, 10) "         \
	">= $5) ORDER BY shipped_at, id LIMIT $4) s "                                                    \
	"JOIN shipment_lines sl ON sl.shipment_id = s.id "                                               \
	"JOIN (SELECT orders.*, 0 AS waiting FROM orders) o ON o.id = s.order_id "                       \
	"JOIN patients p ON p.id = o.patient_id JOIN order_lines l ON l.id = sl.order_line_id "          \
	"JOIN articles a ON a.id = l.article_id "                                                        \
	"LEFT JOIN pickup_points pp ON pp.id = o.pickup_point_id LEFT JOIN units u ON u.id = o.unit_id " \
	"ORDER BY s.shipped_at, s.id, l.id"

/* One text per way in, so that each finds its rows by an index (a filter "$2 = 0 OR order_id =
 * $2" would read every shipment of the history): one shipment by its key, an order's by
 * shipments_order, the open ones by shipments_open in the order shipped. */
static const char shipment_sql[] =
	SHIPMENTS_SQL("($1 = 0 OR outcome IS NULL) AND ($2 = 0 OR order_id = $2) AND id = $3");
static const char order_shipments_sql[] =
	SHIPMENTS_SQL("($1 = 0 OR outcome IS NULL) AND order_id = $2 AND ($3 = 0 OR id = $3)");
static const char open_shipments_sql[] = SHIPMENTS_SQL(
	"$1 = 1 AND outcome IS NULL AND ($2 = 0 OR order_id = $2) AND ($3 = 0 OR id = $3)");
static const char all_shipments_sql[] = SHIPMENTS_SQL(
	"($1 = 0 OR outcome IS NULL) AND ($2 = 0 OR order_id = $2) AND ($3 = 0 OR id = $3)");

enum lmn_rc picking_shipments(struct db_conn *c, bool open, int64_t order_id, int64_t shipment_id,
			      const char *since, int64_t limit, ship_row_fn fn, void *arg,
			      struct lmn_err *err)
{
	struct db_stmt *st;
	struct pick_line l;
	struct ship_row *r;
	bool row;
	enum lmn_rc rc;

	if (!(r = calloc(1, sizeof(*r))))
		return lmn_err_set(err, LMN_ENOMEM, NULL, NULL, "out of memory");
	if ((rc = db_prepare(c,
			     shipment_id ? shipment_sql
			     : order_id	 ? order_shipments_sql
			     : open	 ? open_shipments_sql
					 : all_shipments_sql,
			     &st, err)) != LMN_OK) {
		free(r);
		return rc;
	}
	db_bind_int(st, 1, open);
	db_bind_int(st, 2, order_id);
	db_bind_int(st, 3, shipment_id);
	db_bind_int(st, 4, limit);
	db_bind_text(st, 5, since);
	while ((rc = db_step(st, &row, err)) == LMN_OK && row) {
		r->id = db_col_int(st, 0);
		r->order_id = db_col_int(st, 1);
		db_col_copy(st, 2, r->shipped_at, sizeof(r->shipped_at));
		r->partial = db_col_int(st, 3) != 0;
		db_col_copy(st, 4, r->outcome, sizeof(r->outcome));
		db_col_copy(st, 5, r->delivered_at, sizeof(r->delivered_at));
		db_col_copy(st, 6, r->deviation, sizeof(r->deviation));
		db_col_copy(st, 7, r->outcome_at, sizeof(r->outcome_at));
		db_col_copy(st, 8, r->note, sizeof(r->note));
		read_row_at(st, 9, &r->o, &l);
		r->line_id = l.id;
		snprintf(r->article_number, sizeof(r->article_number), "%s", l.article_number);
		snprintf(r->name, sizeof(r->name), "%s", l.name);
		r->ordered = l.quantity;
		r->quantity = db_col_int(st, 9 + 32);
		r->backordered = db_col_int(st, 9 + 33) != 0;
		db_col_copy(st, 9 + 34, r->tracking, sizeof(r->tracking));
		if ((rc = fn(r, arg)) != LMN_OK)
			break;
	}
	db_done(st);
	free(r);
	return rc;
}

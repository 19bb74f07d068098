/* The distributor's reads for picking (issue 20): the orders to pick, one order for its packing
 * slip, and a wave's totals per article. */
#include "store/picking.h"

#include <stdio.h>
#include <string.h>

/* The columns read by read_row, of the orders o (with o.waiting) and their lines l. */
#define PICK_COLUMNS                                                                               \
	"o.id, o.patient_id, o.kind, o.due, o.status, o.delivery_method, "                         \
	"p.given_name || ' ' || p.family_name, coalesce(o.delivery_address, ''), "                 \
	"coalesce(o.delivery_postal_code, ''), coalesce(o.delivery_city, ''), "                    \
	"coalesce(o.delivery_phone, ''), coalesce(o.door_code, ''), coalesce(o.notification, ''), " \
	"coalesce(o.pickup_point_id, 0), coalesce(o.unit_id, 0), coalesce(pp.name, ''), "          \
	"coalesce(pp.address, ''), coalesce(pp.postal_code, ''), coalesce(pp.city, ''), "          \
	"coalesce(u.name, ''), coalesce(u.address, ''), coalesce(u.postal_code, ''), "             \
	"p.rural_route, p.protected_identity, o.waiting, "                                         \
	"l.id, a.article_number, a.name, a.unit, l.quantity, l.shipped_quantity, l.backordered "

#define PICK_JOINS                                                                                 \
	"JOIN patients p ON p.id = o.patient_id JOIN order_lines l ON l.order_id = o.id "          \
	"JOIN articles a ON a.id = l.article_id "                                                  \
	"LEFT JOIN pickup_points pp ON pp.id = o.pickup_point_id LEFT JOIN units u ON u.id = o.unit_id "

/* An order waits for the supplier while one of its lines is backordered and not all shipped. */
#define WAITING                                                                                    \
	"EXISTS (SELECT 1 FROM order_lines b WHERE b.order_id = orders.id AND b.backordered = 1 "  \
	"AND b.quantity > b.shipped_quantity) AS waiting"

#define OPEN_STATUS "status IN ('received', 'partially_shipped', 'partially_delivered')"

static const char orders_sql[] =
	"SELECT " PICK_COLUMNS
	"FROM (SELECT orders.*, " WAITING " FROM orders WHERE " OPEN_STATUS " AND due <= $1 "
	"ORDER BY waiting, due, id LIMIT $2) o " PICK_JOINS "ORDER BY o.waiting, o.due, o.id, l.id";

static const char order_sql[] =
	"SELECT " PICK_COLUMNS "FROM (SELECT orders.*, " WAITING " FROM orders WHERE id = $1) o "
	PICK_JOINS "ORDER BY l.id";

static const char totals_sql[] =
	"SELECT a.article_number, a.name, a.unit, sum(l.quantity - l.shipped_quantity), "
	"count(DISTINCT o.id) FROM orders o JOIN order_lines l ON l.order_id = o.id "
	"JOIN articles a ON a.id = l.article_id WHERE o." OPEN_STATUS " AND o.due <= $1 "
	"AND l.backordered = 0 AND l.quantity > l.shipped_quantity "
	"GROUP BY a.id ORDER BY a.article_number";

static void read_row(struct db_stmt *st, struct pick_order *o, struct pick_line *l)
{
	o->id = db_col_int(st, 0);
	o->patient_id = db_col_int(st, 1);
	db_col_copy(st, 2, o->kind, sizeof(o->kind));
	db_col_copy(st, 3, o->due, sizeof(o->due));
	db_col_copy(st, 4, o->status, sizeof(o->status));
	db_col_copy(st, 5, o->method, sizeof(o->method));
	db_col_copy(st, 6, o->recipient, sizeof(o->recipient));
	db_col_copy(st, 7, o->address, sizeof(o->address));
	db_col_copy(st, 8, o->postal_code, sizeof(o->postal_code));
	db_col_copy(st, 9, o->city, sizeof(o->city));
	db_col_copy(st, 10, o->phone, sizeof(o->phone));
	db_col_copy(st, 11, o->door_code, sizeof(o->door_code));
	db_col_copy(st, 12, o->notification, sizeof(o->notification));
	o->pickup_point_id = db_col_int(st, 13);
	o->unit_id = db_col_int(st, 14);
	db_col_copy(st, 15, o->point_name, sizeof(o->point_name));
	db_col_copy(st, 16, o->point_address, sizeof(o->point_address));
	db_col_copy(st, 17, o->point_postal, sizeof(o->point_postal));
	db_col_copy(st, 18, o->point_city, sizeof(o->point_city));
	db_col_copy(st, 19, o->unit_name, sizeof(o->unit_name));
	db_col_copy(st, 20, o->unit_address, sizeof(o->unit_address));
	db_col_copy(st, 21, o->unit_postal, sizeof(o->unit_postal));
	o->rural_route = db_col_int(st, 22) != 0;
	o->protected_identity = db_col_int(st, 23) != 0;
	o->backordered = db_col_int(st, 24) != 0;
	l->id = db_col_int(st, 25);
	db_col_copy(st, 26, l->article_number, sizeof(l->article_number));
	db_col_copy(st, 27, l->name, sizeof(l->name));
	db_col_copy(st, 28, l->unit, sizeof(l->unit));
	l->quantity = db_col_int(st, 29);
	l->shipped = db_col_int(st, 30);
	l->backordered = db_col_int(st, 31) != 0;
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

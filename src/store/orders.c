/* Orders and their lines: the statements on the tables orders and order_lines. */
#include "store/orders.h"

#include <string.h>

void orders_bind(struct db_stmt *st, int at, const struct order_row *r)
{
	db_bind_id(st, at + ORDER_COL_ID, r->id);
	db_bind_int(st, at + ORDER_COL_PATIENT_ID, r->patient_id);
	db_bind_text_kept(st, at + ORDER_COL_KIND, r->kind);
	db_bind_text_kept(st, at + ORDER_COL_CHANNEL, r->channel);
	db_bind_text_kept(st, at + ORDER_COL_REQUESTED_BY, r->requested_by);
	db_bind_text_kept(st, at + ORDER_COL_ENTERED_BY, r->entered_by);
	db_bind_id(st, at + ORDER_COL_ENTERED_BY_USER, r->entered_by_user);
	db_bind_text_kept(st, at + ORDER_COL_REASON, r->reason);
	db_bind_text_kept(st, at + ORDER_COL_RECEIVED_AT, r->received_at);
	db_bind_text_kept(st, at + ORDER_COL_RECEIVED_DAY, r->received_day);
	db_bind_text_kept(st, at + ORDER_COL_DUE, r->due);
	db_bind_text_kept(st, at + ORDER_COL_CONTACT_FROM, r->contact_from);
	db_bind_text_kept(st, at + ORDER_COL_RULES, r->rules);
	db_bind_text_kept(st, at + ORDER_COL_DELIVERY_METHOD, r->delivery_method);
	db_bind_text_kept(st, at + ORDER_COL_DELIVERY_ADDRESS, r->delivery_address);
	db_bind_text_kept(st, at + ORDER_COL_DELIVERY_POSTAL_CODE, r->delivery_postal_code);
	db_bind_text_kept(st, at + ORDER_COL_DELIVERY_CITY, r->delivery_city);
	db_bind_text_kept(st, at + ORDER_COL_DELIVERY_PHONE, r->delivery_phone);
	db_bind_text_kept(st, at + ORDER_COL_DOOR_CODE, r->door_code);
	db_bind_id(st, at + ORDER_COL_PICKUP_POINT_ID, r->pickup_point_id);
	db_bind_text_kept(st, at + ORDER_COL_NOTIFICATION, r->notification);
	db_bind_id(st, at + ORDER_COL_UNIT_ID, r->unit_id);
	db_bind_text_kept(st, at + ORDER_COL_IDEMPOTENCY_KEY, r->idempotency_key);
	db_bind_id(st, at + ORDER_COL_IDEMPOTENCY_USER, r->idempotency_user);
	db_bind_text_kept(st, at + ORDER_COL_IDEMPOTENCY_HASH, r->idempotency_hash);
	db_bind_text_kept(st, at + ORDER_COL_AREA, r->area);
	db_bind_id(st, at + ORDER_COL_CARE_PROVIDER_ID, r->care_provider_id);
	db_bind_id(st, at + ORDER_COL_COST_UNIT_ID, r->cost_unit_id);
	db_bind_text_kept(st, at + ORDER_COL_ORDERER, r->orderer);
	if (r->orderer)
		db_bind_int(st, at + ORDER_COL_BY_DELEGATE, r->by_delegate);
	else
		db_bind_null(st, at + ORDER_COL_BY_DELEGATE);
	db_bind_text_kept(st, at + ORDER_COL_DELIVERY_COMMENT, r->delivery_comment);
	db_bind_text_kept(st, at + ORDER_COL_CONTACT_PERSON, r->contact_person);
	db_bind_text_kept(st, at + ORDER_COL_NOTIFICATION_RECEIVER, r->notification_receiver);
	db_bind_text_kept(st, at + ORDER_COL_INVOICE_ADDRESS, r->invoice_address);
	db_bind_id(st, at + ORDER_COL_DELIVERY_ALTERNATIVE_ID, r->delivery_alternative_id);
	db_bind_text_kept(st, at + ORDER_COL_STATUS, r->status ? r->status : "received");
	db_bind_text_kept(st, at + ORDER_COL_EXTERNAL_REF, r->external_ref);
	db_bind_int(st, at + ORDER_COL_LINES, r->lines);
}

/* Runs the insert sql with r bound by bind; *id is the new row's. */
static enum lmn_rc insert_row(struct db_conn *c, const char *sql,
			      void (*bind)(struct db_stmt *, int, const void *), const void *r,
			      int64_t *id, struct lmn_err *err)
{
	struct db_stmt *st;
	enum lmn_rc rc = db_prepare(c, sql, &st, err);

	if (rc != LMN_OK)
		return rc;
	bind(st, 0, r);
	return db_run_id(st, id, err);
}

static void bind_order(struct db_stmt *st, int at, const void *r)
{
	orders_bind(st, at, r);
}

enum lmn_rc orders_insert(struct db_conn *c, const struct order_row *r, int64_t *id,
			  struct lmn_err *err)
{
	return insert_row(
		c,
		DB_INSERT_ID(
			c, r->id, "INSERT INTO orders (" ORDERS_INSERT_COLUMNS ")",
			"VALUES "
			"($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, "
			"$17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, "
			"$31, $32, $33, $34, $35, $36, $37, $38) "
			"ON CONFLICT (idempotency_user, idempotency_key) DO NOTHING RETURNING id"),
		bind_order, r, id, err);
}

enum lmn_rc orders_insert_home(struct db_conn *c, const struct order_row *r, int64_t *id,
			       struct lmn_err *err)
{
	return insert_row(
		c,
		DB_INSERT_ID(
			c, r->id, "INSERT INTO orders (" ORDERS_INSERT_COLUMNS ")",
			"SELECT $1, $2, $3, $4, $5, $6, $7, "
			"$8, $9, $10, $11, $12, $13, $14, coalesce($15, address), "
			"coalesce($16, postal_code), coalesce($17, city), coalesce($18, phone), $19, $20, "
			"$21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32, $33, $34, $35, $36, "
			"$37, $38 FROM patients WHERE id = $2 RETURNING id"),
		bind_order, r, id, err);
}

static const char orders_rows_head[] = "INSERT INTO orders (" ORDERS_INSERT_COLUMNS ") VALUES ";
static const char lines_rows_head[] =
	"INSERT INTO order_lines (" ORDER_LINES_INSERT_COLUMNS ") VALUES ";

const char *orders_insert_rows_sql(int rows)
{
	return db_rows_sql(orders_rows_head, ORDERS_COLUMN_COUNT, rows);
}

const char *order_lines_insert_rows_sql(int rows)
{
	return db_rows_sql(lines_rows_head, ORDER_LINES_COLUMN_COUNT, rows);
}

void order_lines_bind(struct db_stmt *st, int at, const struct order_line_row *r)
{
	db_bind_id(st, at + ORDER_LINE_COL_ID, r->id);
	db_bind_int(st, at + ORDER_LINE_COL_ORDER_ID, r->order_id);
	db_bind_int(st, at + ORDER_LINE_COL_ARTICLE_ID, r->article_id);
	db_bind_int(st, at + ORDER_LINE_COL_PRESCRIPTION_ITEM_ID, r->prescription_item_id);
	db_bind_int(st, at + ORDER_LINE_COL_QUANTITY, r->quantity);
	db_bind_text_kept(st, at + ORDER_LINE_COL_PREV_NEXT_EARLIEST, r->prev_next_earliest);
	db_bind_int(st, at + ORDER_LINE_COL_SHIPPED_QUANTITY, r->shipped_quantity);
	db_bind_int(st, at + ORDER_LINE_COL_BACKORDERED, r->backordered);
}

static void bind_line(struct db_stmt *st, int at, const void *r)
{
	order_lines_bind(st, at, r);
}

enum lmn_rc order_lines_insert(struct db_conn *c, const struct order_line_row *r, int64_t *id,
			       struct lmn_err *err)
{
	return insert_row(c,
			  DB_INSERT_ID(c, r->id,
				       "INSERT INTO order_lines (" ORDER_LINES_INSERT_COLUMNS ")",
				       "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id"),
			  bind_line, r, id, err);
}

enum lmn_rc order_ship_lines_each(struct db_conn *c, int64_t order_id, order_ship_line_fn fn,
				  void *arg, struct lmn_err *err)
{
	struct db_stmt *st;
	bool row;
	enum lmn_rc rc = db_prepare(c,
				    "SELECT o.patient_id, o.status, l.id, l.quantity, "
				    "l.shipped_quantity FROM orders o JOIN order_lines l "
				    "ON l.order_id = o.id WHERE o.id = $1 ORDER BY l.id",
				    &st, err);

	if (rc != LMN_OK)
		return rc;
	db_bind_int(st, 1, order_id);
	while ((rc = db_step(st, &row, err)) == LMN_OK && row) {
		const struct order_ship_line l = { db_col_int(st, 0), db_col_text(st, 1),
						   db_col_int(st, 2), db_col_int(st, 3),
						   db_col_int(st, 4) };
		if ((rc = fn(arg, &l, err)) != LMN_OK)
			break;
	}
	db_done(st);
	return rc;
}

enum lmn_rc order_line_shipped(struct db_conn *c, int64_t line_id, int64_t quantity,
			       bool backordered, struct lmn_err *err)
{
	return db_do(c, err,
		     "UPDATE order_lines SET shipped_quantity = shipped_quantity + $2, "
		     "backordered = $3 WHERE id = $1",
		     "iii", line_id, quantity, (int64_t)backordered);
}

enum lmn_rc order_set_status(struct db_conn *c, int64_t order_id, const char *status,
			     struct lmn_err *err)
{
	return db_do(c, err, "UPDATE orders SET status = $2 WHERE id = $1", "it", order_id, status);
}

enum lmn_rc order_by_idempotency_key(struct db_conn *c, int64_t user_id, const char *key,
				     int64_t *order_id, char hash[65], struct lmn_err *err)
{
	struct db_stmt *st;
	bool row;
	enum lmn_rc rc = db_prepare(c,
				    "SELECT id, coalesce(idempotency_hash, '') FROM orders "
				    "WHERE idempotency_user = $1 AND idempotency_key = $2",
				    &st, err);

	*order_id = 0;
	*hash = '\0';
	if (rc != LMN_OK)
		return rc;
	db_bind_int(st, 1, user_id);
	db_bind_text(st, 2, key);
	rc = db_step(st, &row, err);
	if (rc == LMN_OK && row) {
		*order_id = db_col_int(st, 0);
		db_col_copy(st, 1, hash, 65);
	}
	db_done(st);
	return rc;
}

enum lmn_rc order_patient_status(struct db_conn *c, int64_t order_id, int64_t *patient_id,
				 char *status, size_t size, bool *found, struct lmn_err *err)
{
	struct db_stmt *st;
	enum lmn_rc rc =
		db_prepare(c, "SELECT patient_id, status FROM orders WHERE id = $1", &st, err);

	*found = false;
	if (rc != LMN_OK)
		return rc;
	db_bind_int(st, 1, order_id);
	rc = db_step(st, found, err);
	if (rc == LMN_OK && *found) {
		*patient_id = db_col_int(st, 0);
		db_col_copy(st, 1, status, size);
	}
	db_done(st);
	return rc;
}

/* The text columns of order_load, in the order of its SELECT from column 2 on. */
#define VIEW_TEXTS 19

enum lmn_rc order_load(struct db_conn *c, int64_t id, struct order_view *v, bool *found,
		       struct lmn_err *err)
{
	const char **texts[VIEW_TEXTS] = {
		&v->kind,
		&v->channel,
		&v->requested_by,
		&v->entered_by,
		&v->received_at,
		&v->due,
		&v->contact_from,
		&v->rules,
		&v->method,
		&v->address,
		&v->postal_code,
		&v->city,
		&v->phone,
		&v->door_code,
		NULL,
		&v->notification,
		NULL,
		&v->status,
		&v->reason,
	};
	/* contact_from and door_code are NULL where the order has none. */
	static const bool nullable[VIEW_TEXTS] = { [6] = true, [13] = true };
	size_t at[VIEW_TEXTS];
	struct db_stmt *st;
	enum lmn_rc rc;

	memset(v, 0, sizeof(*v));
	buf_init(&v->text, BUF_DEFAULT_MAX);
	*found = false;
	rc = db_prepare(c,
			"SELECT o.id, o.patient_id, o.kind, o.channel, o.requested_by, "
			"o.entered_by, o.received_at, o.due, o.contact_from, o.rules, "
			"o.delivery_method, o.delivery_address, o.delivery_postal_code, "
			"o.delivery_city, o.delivery_phone, o.door_code, o.pickup_point_id, "
			"o.notification, o.unit_id, o.status, coalesce(o.reason, ''), "
			"p.protected_identity "
			"FROM orders o JOIN patients p ON p.id = o.patient_id WHERE o.id = $1",
			&st, err);
	if (rc != LMN_OK)
		return rc;
	db_bind_int(st, 1, id);
	rc = db_step(st, found, err);
	if (rc == LMN_OK && *found) {
		v->id = db_col_int(st, 0);
		v->patient_id = db_col_int(st, 1);
		v->pickup_point_id = db_col_int(st, 16);
		v->unit_id = db_col_int(st, 18);
		v->protected_id = db_col_int(st, 21) != 0;
		for (int i = 0; i < VIEW_TEXTS; i++) {
			const char *t = db_col_text(st, 2 + i);

			at[i] = v->text.len;
			if (texts[i])
				buf_add(&v->text, t, strlen(t) + 1);
		}
		if (v->text.failed)
			rc = lmn_err_set(err, LMN_ENOMEM, NULL, NULL, "out of memory");
		for (int i = 0; rc == LMN_OK && i < VIEW_TEXTS; i++)
			if (texts[i])
				*texts[i] = nullable[i] && db_col_null(st, 2 + i)
						    ? NULL
						    : v->text.data + at[i];
	}
	db_done(st);
	return rc;
}

void order_view_release(struct order_view *v)
{
	buf_release(&v->text);
}

enum lmn_rc order_lines_each(struct db_conn *c, int64_t order_id, order_line_fn fn, void *arg,
			     struct lmn_err *err)
{
	struct db_stmt *st;
	bool row;
	enum lmn_rc rc =
		db_prepare(c,
			   "SELECT l.id, l.article_id, a.article_number, a.name, l.quantity, "
			   "l.prescription_item_id, l.shipped_quantity, l.backordered, a.special "
			   "FROM order_lines l JOIN articles a ON a.id = l.article_id "
			   "WHERE l.order_id = $1 ORDER BY l.id",
			   &st, err);

	if (rc != LMN_OK)
		return rc;
	db_bind_int(st, 1, order_id);
	while ((rc = db_step(st, &row, err)) == LMN_OK && row) {
		const struct order_line_view l = {
			.id = db_col_int(st, 0),
			.article_id = db_col_int(st, 1),
			.article_number = db_col_text(st, 2),
			.name = db_col_text(st, 3),
			.quantity = db_col_int(st, 4),
			.prescription_item_id = db_col_int(st, 5),
			.shipped_quantity = db_col_int(st, 6),
			.backordered = db_col_int(st, 7) != 0,
			.special = db_col_int(st, 8) != 0,
		};
		if ((rc = fn(arg, &l, err)) != LMN_OK)
			break;
	}
	db_done(st);
	return rc;
}

enum lmn_rc orders_of_patient_each(struct db_conn *c, int64_t patient_id, int64_t before,
				   int64_t limit, order_list_fn fn, void *arg, struct lmn_err *err)
{
	struct db_stmt *st;
	bool row;
	/* SQLite is told the index (its planner may take the primary key's instead); PostgreSQL
	 * has no such hint and finds it by itself. */
	enum lmn_rc rc = db_prepare(
		c,
		db_is_pg(c)
			? "SELECT o.id, o.kind, o.channel, o.received_at, o.due, o.contact_from, "
			  "o.status, o.delivery_method, o.lines FROM orders o "
			  "WHERE o.patient_id = $1 AND o.id < $2 ORDER BY o.id DESC LIMIT $3"
			: "SELECT o.id, o.kind, o.channel, o.received_at, o.due, o.contact_from, "
			  "o.status, o.delivery_method, o.lines FROM orders o INDEXED BY "
			  "orders_patient_list "
			  "WHERE o.patient_id = $1 AND o.id < $2 ORDER BY o.id DESC LIMIT $3",
		&st, err);

	if (rc != LMN_OK)
		return rc;
	db_bind_int(st, 1, patient_id);
	db_bind_int(st, 2, before);
	db_bind_int(st, 3, limit);
	while ((rc = db_step(st, &row, err)) == LMN_OK && row) {
		const struct order_list_row r = {
			.id = db_col_int(st, 0),
			.kind = db_col_text(st, 1),
			.channel = db_col_text(st, 2),
			.received_at = db_col_text(st, 3),
			.due = db_col_text(st, 4),
			.contact_from = db_col_null(st, 5) ? NULL : db_col_text(st, 5),
			.status = db_col_text(st, 6),
			.method = db_col_text(st, 7),
			.lines = db_col_int(st, 8),
		};
		if ((rc = fn(arg, &r, err)) != LMN_OK)
			break;
	}
	db_done(st);
	return rc;
}

/* Orders and their lines: the one column list of each table, written by the live path, the demo,
 * the history import and the benchmarks alike, and every statement the API runs on them. */
#ifndef LMN_STORE_ORDERS_H
#define LMN_STORE_ORDERS_H

#include <stdbool.h>
#include <stdint.h>

#include "store/db.h"
#include "util/buf.h"
#include "util/rc.h"

/* The columns an INSERT INTO orders writes, in the order of enum order_col. */
#define ORDERS_INSERT_COLUMNS                                                                      \
	"id, patient_id, kind, channel, requested_by, entered_by, entered_by_user, reason, "       \
	"received_at, received_day, due, contact_from, rules, delivery_method, delivery_address, " \
	"delivery_postal_code, delivery_city, delivery_phone, door_code, pickup_point_id, "        \
	"notification, unit_id, idempotency_key, idempotency_user, idempotency_hash, area, "       \
	"care_provider_id, cost_unit_id, orderer, by_delegate, delivery_comment, contact_person, " \
	"notification_receiver, invoice_address, delivery_alternative_id, status, external_ref, "  \
	"lines"
/* One row's parameters, for a caller that writes many rows in one statement. */
#define ORDERS_ROW_PARAMS                                                                             \
	"(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, " \
	"?, ?, ?, ?, ?, ?, ?, ?)"

/* The parameter number of each column in a one-row INSERT with ORDERS_INSERT_COLUMNS. */
enum order_col {
	ORDER_COL_ID = 1,
	ORDER_COL_PATIENT_ID,
	ORDER_COL_KIND,
	ORDER_COL_CHANNEL,
	ORDER_COL_REQUESTED_BY,
	ORDER_COL_ENTERED_BY,
	ORDER_COL_ENTERED_BY_USER,
	ORDER_COL_REASON,
	ORDER_COL_RECEIVED_AT,
	ORDER_COL_RECEIVED_DAY,
	ORDER_COL_DUE,
	ORDER_COL_CONTACT_FROM,
	ORDER_COL_RULES,
	ORDER_COL_DELIVERY_METHOD,
	ORDER_COL_DELIVERY_ADDRESS,
	ORDER_COL_DELIVERY_POSTAL_CODE,
	ORDER_COL_DELIVERY_CITY,
	ORDER_COL_DELIVERY_PHONE,
	ORDER_COL_DOOR_CODE,
	ORDER_COL_PICKUP_POINT_ID,
	ORDER_COL_NOTIFICATION,
	ORDER_COL_UNIT_ID,
	ORDER_COL_IDEMPOTENCY_KEY,
	ORDER_COL_IDEMPOTENCY_USER,
	ORDER_COL_IDEMPOTENCY_HASH,
	ORDER_COL_AREA,
	ORDER_COL_CARE_PROVIDER_ID,
	ORDER_COL_COST_UNIT_ID,
	ORDER_COL_ORDERER,
	ORDER_COL_BY_DELEGATE,
	ORDER_COL_DELIVERY_COMMENT,
	ORDER_COL_CONTACT_PERSON,
	ORDER_COL_NOTIFICATION_RECEIVER,
	ORDER_COL_INVOICE_ADDRESS,
	ORDER_COL_DELIVERY_ALTERNATIVE_ID,
	ORDER_COL_STATUS,
	ORDER_COL_EXTERNAL_REF,
	ORDER_COL_LINES,
	ORDERS_COLUMN_COUNT = ORDER_COL_LINES
};

/* A row of orders as written. Strings may be NULL (NULL in the row) and must stay unchanged until
 * the statement has run; ids of 0 are NULL in the row.
 * - id: 0 for a new one.
 * - area, care_provider_id, cost_unit_id (migration 7, for the reports): of the first line's
 *   article and prescribing unit. Left NULL and 0, the trigger on the first line sets the same.
 * - by_delegate: written only with an orderer (an order through 1177).
 * - status: NULL for "received". lines: the line count when the order_lines_count trigger is set
 *   aside (the history import), else 0 (the trigger counts). */
struct order_row {
	int64_t id, patient_id;
	const char *kind, *channel, *requested_by, *entered_by;
	int64_t entered_by_user;
	const char *reason, *received_at, *received_day, *due, *contact_from, *rules;
	const char *delivery_method, *delivery_address, *delivery_postal_code, *delivery_city;
	const char *delivery_phone, *door_code;
	int64_t pickup_point_id;
	const char *notification;
	int64_t unit_id;
	const char *idempotency_key;
	int64_t idempotency_user;
	const char *idempotency_hash, *area;
	int64_t care_provider_id, cost_unit_id;
	const char *orderer;
	bool by_delegate;
	const char *delivery_comment, *contact_person, *notification_receiver, *invoice_address;
	int64_t delivery_alternative_id;
	const char *status, *external_ref;
	int64_t lines;
};

/* Binds r's values to parameters at + 1 … at + ORDERS_COLUMN_COUNT, in the order of the columns. */
void orders_bind(struct db_stmt *st, int at, const struct order_row *r);

/* Writes the order r; *id is its id, or 0 when an order with r's Idempotency-Key (user and
 * key) is there already: another server's placement with that key, which committed while this
 * statement waited for it (PostgreSQL; SQLite's one writer lets no other in between the caller's
 * look for the key and this write). */
LMN_MUST_USE enum lmn_rc orders_insert(struct db_conn *c, const struct order_row *r, int64_t *id,
				       struct lmn_err *err);

/* As orders_insert, with the patient's registered address, postal code, city and phone where r
 * has none (the demo's and the benchmarks' orders delivered home). */
LMN_MUST_USE enum lmn_rc orders_insert_home(struct db_conn *c, const struct order_row *r,
					    int64_t *id, struct lmn_err *err);

/* The INSERT of rows orders in one statement, each with its id given and row r bound by
 * orders_bind at r * ORDERS_COLUMN_COUNT: for a caller that writes many at once (the history
 * import), on both engines (db_rows_sql). NULL when memory ran out. */
const char *orders_insert_rows_sql(int rows);

/* The columns an INSERT INTO order_lines writes, in the order of enum order_line_col. */
#define ORDER_LINES_INSERT_COLUMNS                                                       \
	"id, order_id, article_id, prescription_item_id, quantity, prev_next_earliest, " \
	"shipped_quantity, backordered"
#define ORDER_LINES_ROW_PARAMS "(?, ?, ?, ?, ?, ?, ?, ?)"

/* The parameter number of each column in a one-row INSERT with ORDER_LINES_INSERT_COLUMNS. */
enum order_line_col {
	ORDER_LINE_COL_ID = 1,
	ORDER_LINE_COL_ORDER_ID,
	ORDER_LINE_COL_ARTICLE_ID,
	ORDER_LINE_COL_PRESCRIPTION_ITEM_ID,
	ORDER_LINE_COL_QUANTITY,
	ORDER_LINE_COL_PREV_NEXT_EARLIEST,
	ORDER_LINE_COL_SHIPPED_QUANTITY,
	ORDER_LINE_COL_BACKORDERED,
	ORDER_LINES_COLUMN_COUNT = ORDER_LINE_COL_BACKORDERED
};

/* A row of order_lines as written (id 0: a new one; prev_next_earliest: the item's next earliest
 * date before this line, for cancelling, or NULL). */
struct order_line_row {
	int64_t id, order_id, article_id, prescription_item_id, quantity;
	const char *prev_next_earliest;
	int64_t shipped_quantity;
	bool backordered;
};

/* Binds r's values to parameters at + 1 … at + ORDER_LINES_COLUMN_COUNT. */
void order_lines_bind(struct db_stmt *st, int at, const struct order_line_row *r);

/* Writes the order line r; *id is its id. */
LMN_MUST_USE enum lmn_rc order_lines_insert(struct db_conn *c, const struct order_line_row *r,
					    int64_t *id, struct lmn_err *err);

/* The same for rows lines, bound by order_lines_bind at r * ORDER_LINES_COLUMN_COUNT, each with
 * its id given (PostgreSQL's identity refuses the NULL that SQLite numbers). */
const char *order_lines_insert_rows_sql(int rows);

/* One line of an order with its order's patient and status, for shipping it. */
struct order_ship_line {
	int64_t patient_id;
	const char *status; /* the order's; valid during the call */
	int64_t line_id, quantity, shipped_quantity;
};

/* Calls fn for every line of order order_id, by id; stops at the first error fn returns. */
typedef enum lmn_rc (*order_ship_line_fn)(void *arg, const struct order_ship_line *l,
					  struct lmn_err *err);
LMN_MUST_USE enum lmn_rc order_ship_lines_each(struct db_conn *c, int64_t order_id,
					       order_ship_line_fn fn, void *arg,
					       struct lmn_err *err);

/* Adds quantity to what order line line_id has shipped, and marks it backordered or not. */
LMN_MUST_USE enum lmn_rc order_line_shipped(struct db_conn *c, int64_t line_id, int64_t quantity,
					    bool backordered, struct lmn_err *err);

/* An order as its answer shows it. The strings are in text (NULL: contact_from and door_code
 * where the order has none), until order_view_release. */
struct order_view {
	int64_t id, patient_id;
	const char *kind, *channel, *requested_by, *entered_by, *received_at, *due, *contact_from;
	const char *rules, *status, *method, *reason;
	const char *address, *postal_code, *city, *phone, *door_code, *notification;
	int64_t pickup_point_id, unit_id;
	bool protected_id; /* the patient's identity is protected */
	struct buf text;
};

/* Order id into *v (release it with order_view_release, found or not); *found false when there
 * is none. */
LMN_MUST_USE enum lmn_rc order_load(struct db_conn *c, int64_t id, struct order_view *v,
				    bool *found, struct lmn_err *err);
void order_view_release(struct order_view *v);

/* A line of an order with its article, as the order's answer shows it; text valid during the
 * call. */
struct order_line_view {
	int64_t id, article_id;
	const char *article_number, *name;
	int64_t quantity, prescription_item_id, shipped_quantity;
	bool backordered, special;
};

/* Calls fn for every line of order order_id, by id; stops at the first error fn returns. */
typedef enum lmn_rc (*order_line_fn)(void *arg, const struct order_line_view *l,
				     struct lmn_err *err);
LMN_MUST_USE enum lmn_rc order_lines_each(struct db_conn *c, int64_t order_id, order_line_fn fn,
					  void *arg, struct lmn_err *err);

/* An order in a patient's list; text valid during the call (contact_from NULL when none). */
struct order_list_row {
	int64_t id;
	const char *kind, *channel, *received_at, *due, *contact_from, *status, *method;
	int64_t lines;
};

/* Calls fn for the patient's orders with ids below before, newest first, at most limit of them,
 * read from the one index that carries the list (migration 10); stops at the first error fn
 * returns. */
typedef enum lmn_rc (*order_list_fn)(void *arg, const struct order_list_row *r,
				     struct lmn_err *err);
LMN_MUST_USE enum lmn_rc orders_of_patient_each(struct db_conn *c, int64_t patient_id,
						int64_t before, int64_t limit, order_list_fn fn,
						void *arg, struct lmn_err *err);

/* The order that user_id placed with Idempotency-Key key (0: none) and the hash of its request
 * (hash, 65 bytes: "" when none). */
LMN_MUST_USE enum lmn_rc order_by_idempotency_key(struct db_conn *c, int64_t user_id,
						  const char *key, int64_t *order_id, char hash[65],
						  struct lmn_err *err);

/* Order order_id's patient and status (status, size bytes); *found false when there is none. */
LMN_MUST_USE enum lmn_rc order_patient_status(struct db_conn *c, int64_t order_id,
					      int64_t *patient_id, char *status, size_t size,
					      bool *found, struct lmn_err *err);

/* Sets order order_id's status. */
LMN_MUST_USE enum lmn_rc order_set_status(struct db_conn *c, int64_t order_id, const char *status,
					  struct lmn_err *err);

#endif

/* Opening the delay follow-up's contact cases (Spec B 3:6), as the rules in force on each order's
 * day of receipt say. */
#include "store/contact_cases.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

/* The lines of an order that count, not delivered in full before the order's contact date: the
 * deliveries of a line are found through its order's shipments (an index), not by a scan of the
 * shipment lines for each line due (the statement took 1.4 s on the demo database that way,
 * 0.15 s now). */
#define UNDELIVERED(special_test)                                                         \
	"EXISTS (SELECT 1 FROM order_lines l JOIN articles a ON a.id = l.article_id "     \
	"  WHERE l.order_id = o.id AND " special_test " AND l.quantity > "                \
	"  (SELECT coalesce(sum(sl.quantity), 0) FROM shipments s "                       \
	"   JOIN shipment_lines sl ON sl.shipment_id = s.id AND sl.order_line_id = l.id " \
	"   WHERE s.order_id = o.id AND s.outcome = 'delivered' "                         \
	"   AND substr(s.delivered_at, 1, 10) < o.contact_from))"

/* The candidates are read from orders_contact_open (migration 25), whose condition the statement
 * repeats term for term so that SQLite may use it; UNDELIVERED then decides exactly. */
#define DUE_ORDERS                                                                             \
	"FROM orders o "                                                                       \
	"WHERE o.contact_from IS NOT NULL AND o.contact_case = 0 AND o.status <> 'cancelled' " \
	"AND NOT (o.status = 'delivered' AND o.partial = 0 "                                   \
	"AND coalesce(o.last_delivered, '9999-12-31') < o.contact_from) "                      \
	"AND o.contact_from <= $1 "                                                            \
	"AND NOT EXISTS (SELECT 1 FROM contact_cases c WHERE c.order_id = o.id) "

/* What the queue filters by, kept on the case: the product area of the order's first line and
 * the care provider of the unit that prescribed it. */
#define CASE_AREA(order)                                                            \
	"(SELECT a.area FROM order_lines l JOIN articles a ON a.id = l.article_id " \
	"WHERE l.order_id = " order " ORDER BY l.id LIMIT 1)"
#define CASE_PROVIDER(order)                                                                 \
	"(SELECT u.care_provider_id FROM order_lines l "                                     \
	"JOIN prescription_items i ON i.id = l.prescription_item_id "                        \
	"JOIN prescriptions r ON r.id = i.prescription_id JOIN units u ON u.id = r.unit_id " \
	"WHERE l.order_id = " order " ORDER BY l.id LIMIT 1)"

/* Orders late with a line that is not a special non-stocked product: no rule exempts them. */
static const char open_sql[] =
	"INSERT INTO contact_cases (order_id, opened_on, area, care_provider_id) "
	"SELECT o.id, o.contact_from, " CASE_AREA("o.id") ", " CASE_PROVIDER(
		"o.id") " " DUE_ORDERS "AND " UNDELIVERED("NOT (a.special = 1 AND a.stocked = 0)");

/* The others still late (run after open_sql): late only with special non-stocked lines, open
 * where the rules in force on the day of receipt did not exempt them. */
static const char special_sql[] =
	"SELECT o.id, o.contact_from, o.received_day " DUE_ORDERS
	"AND " UNDELIVERED("a.special = 1 AND a.stocked = 0") " ORDER BY o.id";

static const char insert_sql[] =
	"INSERT INTO contact_cases (order_id, opened_on, area, care_provider_id) "
	"VALUES ($1, $2, " CASE_AREA("$1") ", " CASE_PROVIDER("$1") ")";

enum lmn_rc contact_case_insert_closed(struct db_conn *c, int64_t order_id, const char *opened_on,
				       const char *called_at, int64_t called_by,
				       const char *outcome, struct lmn_err *err)
{
	return db_do(c, err,
		     "INSERT INTO contact_cases (order_id, opened_on, closed_at, called_at, "
		     "called_by, outcome) VALUES ($1, $2, $3, $3, $4, $5)",
		     "ittit", order_id, opened_on, called_at, called_by, outcome);
}

struct due {
	int64_t order_id;
	char contact_from[11];
};

enum lmn_rc contact_cases_open(struct db_conn *c, const struct params *p, lmn_day today,
			       int64_t *opened, struct lmn_err *err)
{
	struct db_stmt *st;
	struct due *due = NULL;
	size_t ndue = 0, adue = 0;
	char day[11];
	bool row;
	enum lmn_rc rc;

	*opened = 0;
	date_format(today, day);
	if ((rc = db_prepare(c, open_sql, &st, err)) != LMN_OK)
		return rc;
	db_bind_text(st, 1, day);
	if ((rc = db_run(st, err)) != LMN_OK)
		return rc;
	*opened = db_changes(c);

	if ((rc = db_prepare(c, special_sql, &st, err)) != LMN_OK)
		return rc;
	db_bind_text(st, 1, day);
	while ((rc = db_step(st, &row, err)) == LMN_OK && row) {
		const char *received = db_col_text(st, 2);
		lmn_day received_day;
		const struct rule_set *rs;

		/* A day that does not parse is not exempt: the patient is called rather than not. */
		if (date_parse(received, 10, &received_day) == LMN_OK &&
		    (rs = params_at(p, received_day)) && rs->v[P_DELAY_CONTACT_EXEMPT_SPECIAL].b)
			continue;
		if (ndue == adue) {
			size_t n = adue ? adue * 2 : 64;
			struct due *a = realloc(due, n * sizeof(*a));
			if (!a) {
				rc = lmn_err_set(err, LMN_ENOMEM, NULL, NULL, "out of memory");
				break;
			}
			due = a;
			adue = n;
		}
		due[ndue].order_id = db_col_int(st, 0);
		snprintf(due[ndue].contact_from, sizeof(due[ndue].contact_from), "%s",
			 db_col_text(st, 1));
		ndue++;
	}
	db_done(st);
	for (size_t i = 0; rc == LMN_OK && i < ndue; i++) {
		if ((rc = db_prepare(c, insert_sql, &st, err)) != LMN_OK)
			break;
		db_bind_int(st, 1, due[i].order_id);
		db_bind_text(st, 2, due[i].contact_from);
		if ((rc = db_run(st, err)) == LMN_OK)
			*opened += 1;
	}
	free(due);
	return rc;
}

/* ---- The queue ---- */

/* SQLite numbers $N parameters in the order they first appear: the day ($4), which only one order
 * uses, is named here so that every statement numbers them alike. */
#define QUEUE_WHERE                                                                                 \
	"c.closed_at IS NULL AND ($1 = '' OR c.area = $1) AND ($2 = 0 OR c.care_provider_id = $2) " \
	"AND ($3 < 0 OR c.attempts = $3 OR ($3 >= 3 AND c.attempts >= 3)) AND $4 <> '' "

/* Cases whose contact date is today first; then those not yet called today, the longest waiting
 * first; those called today last. */
#define ORDER_TODAY \
	"c.opened_on = $4 DESC, substr(coalesce(c.called_at, ''), 1, 10) = $4, c.opened_on, c.id"
#define ORDER_OLDEST   "c.opened_on, c.id"
#define ORDER_NEWEST   "c.opened_on DESC, c.id DESC"
#define ORDER_ATTEMPTS "c.attempts DESC, c.opened_on, c.id"

/* The page's cases are chosen from the cases alone (an index), then joined with their orders and
 * patients: only the page's rows are looked up. */
#define QUEUE_SQL(order)                                                                         \
	"SELECT c.id, c.order_id, c.opened_on, o.due, o.received_at, o.patient_id, "             \
	"p.given_name || ' ' || p.family_name, coalesce(p.phone, ''), p.protected_identity, "    \
	"coalesce(c.outcome, ''), coalesce(c.called_at, ''), c.attempts, coalesce(c.area, ''), " \
	"coalesce(c.care_provider_id, 0), coalesce(cp.name, ''), coalesce(o.contact_from, '') "  \
	"FROM (SELECT c.id FROM contact_cases c WHERE " QUEUE_WHERE "ORDER BY " order            \
	" LIMIT $5 OFFSET $6) page JOIN contact_cases c ON c.id = page.id "                      \
	"JOIN orders o ON o.id = c.order_id JOIN patients p ON p.id = o.patient_id "             \
	"LEFT JOIN care_providers cp ON cp.id = c.care_provider_id ORDER BY " order

static const char *const queue_sql[] = {
	[CONTACT_SORT_TODAY] = QUEUE_SQL(ORDER_TODAY),
	[CONTACT_SORT_OLDEST] = QUEUE_SQL(ORDER_OLDEST),
	[CONTACT_SORT_NEWEST] = QUEUE_SQL(ORDER_NEWEST),
	[CONTACT_SORT_ATTEMPTS] = QUEUE_SQL(ORDER_ATTEMPTS),
};

static const char count_sql[] = "SELECT count(*) FROM contact_cases c WHERE " QUEUE_WHERE;

static void bind_query(struct db_stmt *st, const struct contact_queue *q)
{
	db_bind_text(st, 1, q->area ? q->area : "");
	db_bind_int(st, 2, q->care_provider);
	db_bind_int(st, 3, q->attempts);
	db_bind_text(st, 4, q->today);
}

#define COPY(dst, st, col) db_col_copy((st), (col), (dst), sizeof(dst))

enum lmn_rc contact_cases_queue(struct db_conn *c, const struct contact_queue *q,
				contact_case_fn fn, void *arg, int64_t *total, struct lmn_err *err)
{
	struct db_stmt *st;
	struct contact_case_row r;
	bool row;
	enum lmn_rc rc;

	*total = 0;
	if ((rc = db_prepare(c, count_sql, &st, err)) != LMN_OK)
		return rc;
	bind_query(st, q);
	if ((rc = db_step(st, &row, err)) == LMN_OK && row)
		*total = db_col_int(st, 0);
	db_done(st);
	if (rc != LMN_OK)
		return rc;
	if ((rc = db_prepare(c, queue_sql[q->sort], &st, err)) != LMN_OK)
		return rc;
	bind_query(st, q);
	db_bind_int(st, 5, q->limit);
	db_bind_int(st, 6, q->offset);
	while ((rc = db_step(st, &row, err)) == LMN_OK && row) {
		memset(&r, 0, sizeof(r));
		r.id = db_col_int(st, 0);
		r.order_id = db_col_int(st, 1);
		COPY(r.opened_on, st, 2);
		COPY(r.due, st, 3);
		COPY(r.received_at, st, 4);
		r.patient_id = db_col_int(st, 5);
		COPY(r.patient_name, st, 6);
		COPY(r.phone, st, 7);
		r.protected_identity = db_col_int(st, 8) != 0;
		COPY(r.last_outcome, st, 9);
		COPY(r.last_called_at, st, 10);
		r.attempts = db_col_int(st, 11);
		COPY(r.area, st, 12);
		r.care_provider_id = db_col_int(st, 13);
		COPY(r.care_provider, st, 14);
		COPY(r.contact_from, st, 15);
		if ((rc = fn(&r, arg)) != LMN_OK)
			break;
	}
	db_done(st);
	return rc;
}

enum lmn_rc contact_cases_providers(struct db_conn *c, contact_provider_fn fn, void *arg,
				    struct lmn_err *err)
{
	struct db_stmt *st;
	bool row;
	enum lmn_rc rc;

	rc = db_prepare(c,
			"SELECT cp.id, cp.name, count(*) FROM contact_cases c "
			"JOIN care_providers cp ON cp.id = c.care_provider_id "
			"WHERE c.closed_at IS NULL GROUP BY cp.id ORDER BY cp.name, cp.id",
			&st, err);
	if (rc != LMN_OK)
		return rc;
	while ((rc = db_step(st, &row, err)) == LMN_OK && row)
		if ((rc = fn(db_col_int(st, 0), db_col_text(st, 1), db_col_int(st, 2), arg)) !=
		    LMN_OK)
			break;
	db_done(st);
	return rc;
}

/* Why a line is late, from what the distributor recorded. */
static const char *line_reason(const struct contact_case_line *l, int64_t not_collected,
			       int64_t returned)
{
	if (l->delivered >= l->ordered)
		return "delivered_late";
	if (l->backordered)
		return "backordered";
	if (l->shipped == 0)
		return "not_shipped";
	if (not_collected)
		return "not_collected";
	if (returned)
		return "returned";
	return "in_transit";
}

/* Prepares sql followed by " IN ($1, … $n) " and tail, with ids bound; *st is finalized by the
 * caller. */
static enum lmn_rc prepare_in(struct db_conn *c, const char *sql, const int64_t *ids, size_t n,
			      const char *tail, struct db_stmt **st, struct lmn_err *err)
{
	struct buf b;
	enum lmn_rc rc;

	if (n > CONTACT_CASES_AT_ONCE)
		return lmn_err_set(err, LMN_EINVAL, NULL, NULL, "at most %d cases at once",
				   CONTACT_CASES_AT_ONCE);
	buf_init(&b, BUF_DEFAULT_MAX);
	buf_adds(&b, sql);
	buf_adds(&b, " IN (");
	for (size_t i = 0; i < n; i++)
		buf_addf(&b, "%s$%zu", i ? ", " : "", i + 1);
	buf_adds(&b, ") ");
	buf_adds(&b, tail);
	if (!b.data)
		return lmn_err_set(err, LMN_ENOMEM, NULL, NULL, "out of memory");
	rc = db_prepare_new(c, b.data, st, err);
	buf_release(&b);
	for (size_t i = 0; rc == LMN_OK && i < n; i++)
		db_bind_int(*st, (int)i + 1, ids[i]);
	return rc;
}

enum lmn_rc contact_case_lines(struct db_conn *c, const int64_t *order_ids, size_t n,
			       contact_line_fn fn, void *arg, struct lmn_err *err)
{
	struct db_stmt *st;
	struct contact_case_line l;
	bool row;
	enum lmn_rc rc;

	if (n == 0)
		return LMN_OK;
	rc = prepare_in(
		c,
		"SELECT l.id, a.article_number, a.name, l.quantity, "
		"coalesce((SELECT sum(sl.quantity) FROM shipments s JOIN shipment_lines sl "
		"  ON sl.shipment_id = s.id AND sl.order_line_id = l.id "
		"  WHERE s.order_id = l.order_id AND s.outcome = 'delivered'), 0), "
		"coalesce((SELECT sum(sl.quantity) FROM shipments s JOIN shipment_lines sl "
		"  ON sl.shipment_id = s.id AND sl.order_line_id = l.id "
		"  WHERE s.order_id = l.order_id), 0), "
		"l.backordered <> 0 OR EXISTS (SELECT 1 FROM shipments s JOIN shipment_lines sl "
		"  ON sl.shipment_id = s.id AND sl.order_line_id = l.id "
		"  WHERE s.order_id = l.order_id AND sl.backordered = 1), "
		"coalesce((SELECT max(s.delivered_at) FROM shipments s JOIN shipment_lines sl "
		"  ON sl.shipment_id = s.id AND sl.order_line_id = l.id "
		"  WHERE s.order_id = l.order_id AND s.outcome = 'delivered' "
		"  AND sl.quantity > 0), ''), "
		"coalesce((SELECT max(s.shipped_at) FROM shipments s JOIN shipment_lines sl "
		"  ON sl.shipment_id = s.id AND sl.order_line_id = l.id "
		"  WHERE s.order_id = l.order_id AND sl.quantity > 0), ''), "
		"(SELECT count(*) FROM shipments s WHERE s.order_id = l.order_id "
		"  AND s.outcome = 'not_collected'), "
		"(SELECT count(*) FROM shipments s WHERE s.order_id = l.order_id "
		"  AND s.outcome = 'returned'), l.order_id "
		"FROM order_lines l JOIN articles a ON a.id = l.article_id "
		"WHERE l.order_id",
		order_ids, n, "ORDER BY l.order_id, l.id", &st, err);
	if (rc != LMN_OK)
		return rc;
	while ((rc = db_step(st, &row, err)) == LMN_OK && row) {
		memset(&l, 0, sizeof(l));
		l.line_id = db_col_int(st, 0);
		COPY(l.article_number, st, 1);
		COPY(l.article_name, st, 2);
		l.ordered = db_col_int(st, 3);
		l.delivered = db_col_int(st, 4);
		l.shipped = db_col_int(st, 5);
		l.backordered = db_col_int(st, 6) != 0;
		COPY(l.delivered_at, st, 7);
		COPY(l.shipped_at, st, 8);
		l.reason = line_reason(&l, db_col_int(st, 9), db_col_int(st, 10));
		l.order_id = db_col_int(st, 11);
		if ((rc = fn(&l, arg)) != LMN_OK)
			break;
	}
	db_finalize(st);
	return rc;
}

enum lmn_rc contact_case_calls(struct db_conn *c, const int64_t *case_ids, size_t n,
			       contact_call_fn fn, void *arg, struct lmn_err *err)
{
	struct db_stmt *st;
	struct contact_call_row k;
	bool row;
	enum lmn_rc rc;

	if (n == 0)
		return LMN_OK;
	rc = prepare_in(c,
			"SELECT k.id, k.called_at, k.outcome, coalesce(k.note, ''), "
			"coalesce(u.display_name, ''), k.case_id FROM contact_case_calls k "
			"LEFT JOIN users u ON u.id = k.called_by WHERE k.case_id",
			case_ids, n, "ORDER BY k.case_id, k.id", &st, err);
	if (rc != LMN_OK)
		return rc;
	while ((rc = db_step(st, &row, err)) == LMN_OK && row) {
		memset(&k, 0, sizeof(k));
		k.id = db_col_int(st, 0);
		COPY(k.called_at, st, 1);
		COPY(k.outcome, st, 2);
		COPY(k.note, st, 3);
		COPY(k.called_by, st, 4);
		k.case_id = db_col_int(st, 5);
		if ((rc = fn(&k, arg)) != LMN_OK)
			break;
	}
	db_finalize(st);
	return rc;
}

enum lmn_rc contact_case_state(struct db_conn *c, int64_t case_id, int64_t *patient_id,
			       bool *closed, struct lmn_err *err)
{
	struct db_stmt *st;
	bool row = false;
	enum lmn_rc rc;

	rc = db_prepare(c,
			"SELECT o.patient_id, c.closed_at IS NOT NULL FROM contact_cases c "
			"JOIN orders o ON o.id = c.order_id WHERE c.id = $1",
			&st, err);
	if (rc != LMN_OK)
		return rc;
	db_bind_int(st, 1, case_id);
	if ((rc = db_step(st, &row, err)) == LMN_OK && row) {
		*patient_id = db_col_int(st, 0);
		*closed = db_col_int(st, 1) != 0;
	}
	db_done(st);
	if (rc == LMN_OK && !row)
		return lmn_err_set(err, LMN_ENOTFOUND, NULL, NULL, "no contact case %lld",
				   (long long)case_id);
	return rc;
}

enum lmn_rc contact_case_record_call(struct db_conn *c, int64_t case_id, const char *at,
				     int64_t user_id, const char *outcome, const char *note,
				     bool close, struct lmn_err *err)
{
	struct db_stmt *st;
	enum lmn_rc rc;

	rc = db_prepare(
		c,
		"INSERT INTO contact_case_calls (case_id, called_at, called_by, outcome, note) "
		"VALUES ($1, $2, $3, $4, $5)",
		&st, err);
	if (rc != LMN_OK)
		return rc;
	db_bind_int(st, 1, case_id);
	db_bind_text(st, 2, at);
	db_bind_int(st, 3, user_id);
	db_bind_text(st, 4, outcome);
	db_bind_text(st, 5, note);
	if ((rc = db_run(st, err)) != LMN_OK)
		return rc;
	rc = db_prepare(
		c,
		"UPDATE contact_cases SET called_at = $2, called_by = $3, outcome = $4, "
		"note = $5, attempts = attempts + 1, closed_at = CASE WHEN $6 <> 0 THEN $2 END "
		"WHERE id = $1",
		&st, err);
	if (rc != LMN_OK)
		return rc;
	db_bind_int(st, 1, case_id);
	db_bind_text(st, 2, at);
	db_bind_int(st, 3, user_id);
	db_bind_text(st, 4, outcome);
	db_bind_text(st, 5, note);
	db_bind_int(st, 6, close);
	return db_run(st, err);
}

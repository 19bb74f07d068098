/* Opening the delay follow-up's contact cases (Spec B 3:6), as the rules in force on each order's
 * day of receipt say. */
#include "store/contact_cases.h"

#include <stdio.h>
#include <stdlib.h>

/* The lines of an order that count, not delivered in full before the order's contact date: the
 * deliveries of a line are found through its order's shipments (an index), not by a scan of the
 * shipment lines for each line due (the statement took 1.4 s on the demo database that way,
 * 0.15 s now). */
#define UNDELIVERED(special_test)                                                                  \
	"EXISTS (SELECT 1 FROM order_lines l JOIN articles a ON a.id = l.article_id "              \
	"  WHERE l.order_id = o.id AND " special_test " AND l.quantity > "                        \
	"  (SELECT coalesce(sum(sl.quantity), 0) FROM shipments s "                                \
	"   JOIN shipment_lines sl ON sl.shipment_id = s.id AND sl.order_line_id = l.id "          \
	"   WHERE s.order_id = o.id AND s.outcome = 'delivered' "                                  \
	"   AND substr(s.delivered_at, 1, 10) < o.contact_from))"

#define DUE_ORDERS                                                                                 \
	"FROM orders o "                                                                           \
	"WHERE o.contact_from IS NOT NULL AND o.contact_from <= $1 AND o.status <> 'cancelled' "  \
	"AND NOT EXISTS (SELECT 1 FROM contact_cases c WHERE c.order_id = o.id) "

/* Orders late with a line that is not a special non-stocked product: no rule exempts them. */
static const char open_sql[] =
	"INSERT INTO contact_cases (order_id, opened_on) SELECT o.id, o.contact_from " DUE_ORDERS
	"AND " UNDELIVERED("NOT (a.special = 1 AND a.stocked = 0)");

/* The others still late (run after open_sql): late only with special non-stocked lines, open
 * where the rules in force on the day of receipt did not exempt them. */
static const char special_sql[] =
	"SELECT o.id, o.contact_from, o.received_day " DUE_ORDERS
	"AND " UNDELIVERED("a.special = 1 AND a.stocked = 0") " ORDER BY o.id";

static const char insert_sql[] =
	"INSERT INTO contact_cases (order_id, opened_on) VALUES ($1, $2)";

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

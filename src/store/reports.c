/* Follow-up and money in SQL: see reports.h. */
#include "store/reports.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Orders received per day, care provider and area, from the daily sums of migration 8 (via_1177:
 * migration 18). What depends on the day of the report ($3) comes from the orders not delivered
 * yet (undelivered_sql). */
static const char orders_sql[] =
	"SELECT day, care_provider_id, area, orders, digital, delivered, on_time, exempt, "
	"contact_cases, past_contact, partial, via_1177 FROM report_order_days "
	"WHERE day >= $1 AND day < $2 AND orders <> 0";

/* Orders not delivered yet: settled when due before the report's day ($3), past their contact date
 * when it has come. */
static const char undelivered_sql[] =
	"SELECT received_day, coalesce(care_provider_id, 0), coalesce(area, ''), 0, 0, "
	"sum(due < $3), 0, 0, 0, sum(contact_from <= $3), 0, 0 "
	"FROM orders INDEXED BY orders_undelivered WHERE received_day >= $1 AND received_day < $2 "
	"AND first_delivered IS NULL AND contact_from IS NOT NULL AND status <> 'cancelled' "
	"AND area IS NOT NULL GROUP BY 1, 2, 3";
/* The same on PostgreSQL: no index hint, and a comparison counted as FILTER (its booleans do not
 * add up). */
static const char undelivered_pg_sql[] =
	"SELECT received_day, coalesce(care_provider_id, 0), coalesce(area, ''), 0, 0, "
	"count(*) FILTER (WHERE due < $3), 0, 0, 0, count(*) FILTER (WHERE contact_from <= $3), "
	"0, 0 FROM orders WHERE received_day >= $1 AND received_day < $2 "
	"AND first_delivered IS NULL AND contact_from IS NOT NULL AND status <> 'cancelled' "
	"AND area IS NOT NULL GROUP BY 1, 2, 3";

/* Order lines delivered, and returns, per day, by the order's care provider and area. */
static const char lines_sql[] = "SELECT day, care_provider_id, area, lines FROM report_ship_days "
				"WHERE day >= $1 AND day < $2 AND lines <> 0";

static const char returns_sql[] =
	"SELECT day, care_provider_id, area, returns FROM report_ship_days "
	"WHERE day >= $1 AND day < $2 AND returns <> 0";

/* Calls per day by wait in whole minutes, rounded up (-1: not answered). */
static const char calls_sql[] =
	"SELECT day, wait, calls FROM report_call_days WHERE day >= $1 AND day < $2 AND calls <> 0";

static enum lmn_rc row_day(struct db_stmt *st, int col, lmn_day *day, struct lmn_err *err)
{
	const char *s = db_col_text(st, col);

	if (strlen(s) < 10 || date_parse(s, 10, day) != LMN_OK)
		return lmn_err_set(err, LMN_EDB, NULL, NULL,
				   "a stored date is not YYYY-MM-DD: '%s'", s);
	return LMN_OK;
}

/* Prepares sql and binds [from, until) as $1 and $2. */
static enum lmn_rc prepare_range(struct db_conn *c, const char *sql, lmn_day from, lmn_day until,
				 struct db_stmt **st, struct lmn_err *err)
{
	char f[11], u[11];
	enum lmn_rc rc;

	if ((rc = db_prepare(c, sql, st, err)) != LMN_OK)
		return rc;
	date_format(from, f);
	date_format(until, u);
	db_bind_text(*st, 1, f);
	db_bind_text(*st, 2, u);
	return LMN_OK;
}

/* Runs a grouped query over [from, until) and hands each row's counts to every report. kind: 'o'
 * orders, 'l' delivered lines, 'r' returns. */
static enum lmn_rc add_grouped(struct db_conn *c, const char *sql, char kind,
			       struct kf_report *const *r, size_t n, lmn_day from, lmn_day until,
			       lmn_day asof, struct lmn_err *err)
{
	char a[11];
	struct db_stmt *st;
	bool row;
	enum lmn_rc rc;

	if ((rc = prepare_range(c, sql, from, until, &st, err)) != LMN_OK)
		return rc;
	date_format(asof, a);
	if (db_param_count(st) >= 3)
		db_bind_text(st, 3, a);
	while ((rc = db_step(st, &row, err)) == LMN_OK && row) {
		struct kf_counts k = { 0 };
		const char *area = db_col_text(st, 2);
		lmn_day day;

		if ((rc = row_day(st, 0, &day, err)) != LMN_OK)
			break;
		if (kind == 'o') {
			k.orders = db_col_int(st, 3);
			k.own_pages_orders = db_col_int(st, 4);
			k.settled = db_col_int(st, 5);
			k.on_time = db_col_int(st, 6);
			k.exempt = db_col_int(st, 7);
			k.contact_cases = db_col_int(st, 8);
			k.past_contact = db_col_int(st, 9);
			k.partial_orders = db_col_int(st, 10);
			k.orders_1177 = db_col_int(st, 11);
		} else if (kind == 'l') {
			k.delivered_lines = db_col_int(st, 3);
		} else {
			k.returns = db_col_int(st, 3);
		}
		for (size_t i = 0; i < n && rc == LMN_OK; i++)
			rc = kf_report_add(r[i], day, db_col_int(st, 1),
					   area_parse(area, strlen(area)), &k, err);
		if (rc != LMN_OK)
			break;
	}
	db_done(st);
	return rc;
}

static enum lmn_rc add_calls(struct db_conn *c, struct kf_report *const *r, size_t n, lmn_day from,
			     lmn_day until, struct lmn_err *err)
{
	struct db_stmt *st;
	bool row;
	enum lmn_rc rc;

	if ((rc = prepare_range(c, calls_sql, from, until, &st, err)) != LMN_OK)
		return rc;
	while ((rc = db_step(st, &row, err)) == LMN_OK && row) {
		lmn_day day;

		if ((rc = row_day(st, 0, &day, err)) != LMN_OK)
			break;
		for (size_t i = 0; i < n; i++)
			kf_report_add_calls(r[i], day, db_col_int(st, 1), db_col_int(st, 2));
	}
	db_done(st);
	return rc;
}

static enum lmn_rc name_providers(struct db_conn *c, struct kf_report *const *r, size_t n,
				  struct lmn_err *err)
{
	struct db_stmt *st;
	bool row;
	enum lmn_rc rc;

	if ((rc = db_prepare(c, "SELECT id, name FROM care_providers ORDER BY id", &st, err)) !=
	    LMN_OK)
		return rc;
	while ((rc = db_step(st, &row, err)) == LMN_OK && row)
		for (size_t i = 0; i < n; i++)
			kf_report_name_provider(r[i], db_col_int(st, 0), db_col_text(st, 1));
	db_done(st);
	for (size_t i = 0; i < n; i++)
		kf_report_sort_providers(r[i]);
	return rc;
}

enum lmn_rc reports_keyfigures(struct db_conn *c, struct kf_report *const *r, size_t n,
			       lmn_day asof, struct lmn_err *err)
{
	lmn_day from, until;
	enum lmn_rc rc;

	if (n == 0)
		return LMN_OK;
	from = r[0]->period.from;
	until = r[0]->period.until;
	for (size_t i = 1; i < n; i++) {
		from = r[i]->period.from < from ? r[i]->period.from : from;
		until = r[i]->period.until > until ? r[i]->period.until : until;
	}
	if ((rc = db_begin(c, false, err)) != LMN_OK)
		return rc;
	rc = add_grouped(c, orders_sql, 'o', r, n, from, until, asof, err);
	if (rc == LMN_OK)
		rc = add_grouped(c, db_is_pg(c) ? undelivered_pg_sql : undelivered_sql, 'o', r, n,
				 from, until, asof, err);
	if (rc == LMN_OK)
		rc = add_grouped(c, lines_sql, 'l', r, n, from, until, asof, err);
	if (rc == LMN_OK)
		rc = add_grouped(c, returns_sql, 'r', r, n, from, until, asof, err);
	if (rc == LMN_OK)
		rc = add_calls(c, r, n, from, until, err);
	if (rc == LMN_OK)
		rc = name_providers(c, r, n, err);
	db_rollback(c);
	return rc;
}

/* The orders of a what-if replay: the same orders as the report's (orders_sql, undelivered_sql),
 * with the facts the delivery rules decide on (the order's first line for the area, any article
 * not stocked, all in the acute assortment, any special product). */
static const char replay_sql[] =
	"SELECT o.received_day, o.received_at, o.kind, o.requested_by, o.entered_by, o.area, "
	"coalesce((SELECT min(a.stocked) FROM order_lines l JOIN articles a ON a.id = l.article_id "
	"WHERE l.order_id = o.id), 1), "
	"coalesce((SELECT min(a.acute_assortment) FROM order_lines l JOIN articles a ON "
	"a.id = l.article_id WHERE l.order_id = o.id), 0), "
	"coalesce((SELECT max(a.special) FROM order_lines l JOIN articles a ON a.id = l.article_id "
	"WHERE l.order_id = o.id), 0), "
	"o.due, o.contact_from, o.first_delivered "
	"FROM orders o WHERE o.received_day >= $1 AND o.received_day < $2 "
	"AND o.status <> 'cancelled' AND o.area IS NOT NULL ORDER BY o.id";

static bool replay_facts(struct db_stmt *st, struct order_facts *f)
{
	const char *at = db_col_text(st, 1), *kind = db_col_text(st, 2);
	const char *req = db_col_text(st, 3), *ent = db_col_text(st, 4), *area = db_col_text(st, 5);
	int k = kind_parse(kind, strlen(kind)), r = role_parse(req, strlen(req));
	int e = role_parse(ent, strlen(ent));

	order_facts_init(f);
	if (date_parse(db_col_text(st, 0), 10, &f->received_day) != LMN_OK || strlen(at) < 16 ||
	    k < 0 || r < 0 || e < 0)
		return false;
	f->received_sec = ((at[11] - '0') * 10 + (at[12] - '0')) * 3600 +
			  ((at[14] - '0') * 10 + (at[15] - '0')) * 60;
	f->kind = (enum order_kind)k;
	f->requested_by = (enum role)r;
	f->entered_by = (enum role)e;
	f->area = area_parse(area, strlen(area));
	f->stocked = db_col_int(st, 6) != 0;
	f->acute_assortment = db_col_int(st, 7) != 0;
	f->special = db_col_int(st, 8) != 0;
	return true;
}

/* A stored day, or LMN_DAY_NONE when the column is NULL. */
static enum lmn_rc row_day_or_none(struct db_stmt *st, int col, lmn_day *day, struct lmn_err *err)
{
	*day = LMN_DAY_NONE;
	return db_col_null(st, col) ? LMN_OK : row_day(st, col, day, err);
}

enum lmn_rc reports_replay_orders(struct db_conn *c, lmn_day from, lmn_day until,
				  replay_order_fn fn, void *arg, struct lmn_err *err)
{
	struct db_stmt *st;
	bool row;
	enum lmn_rc rc;

	if ((rc = db_begin(c, false, err)) != LMN_OK)
		return rc;
	if ((rc = prepare_range(c, replay_sql, from, until, &st, err)) != LMN_OK) {
		db_rollback(c);
		return rc;
	}
	while ((rc = db_step(st, &row, err)) == LMN_OK && row) {
		struct replay_order o;

		o.facts_ok = replay_facts(st, &o.facts);
		if ((rc = row_day(st, 9, &o.kf.due, err)) != LMN_OK ||
		    (rc = row_day_or_none(st, 10, &o.kf.contact_from, err)) != LMN_OK ||
		    (rc = row_day_or_none(st, 11, &o.kf.first_delivered, err)) != LMN_OK ||
		    (rc = fn(arg, &o, err)) != LMN_OK)
			break;
	}
	db_done(st);
	db_rollback(c);
	return rc;
}

enum lmn_rc reports_build(struct db_conn *c, const struct params *p, int year, int tertial,
			  lmn_day asof, struct kf_bundle *out, struct lmn_err *err)
{
	struct kf_report *all[1 + REPORT_TREND];
	struct report_period period;
	int ty = year, tt = tertial == 0 ? 3 : tertial;
	size_t n = 0;
	enum lmn_rc rc;

	memset(out, 0, sizeof(*out));
	if ((rc = report_period_make(year, tertial, &period, err)) != LMN_OK)
		return rc;
	if (!(out->report = calloc(1, sizeof(*out->report))))
		return lmn_err_set(err, LMN_ENOMEM, NULL, NULL, "out of memory");
	if ((rc = kf_report_init(out->report, p, &period, err)) != LMN_OK)
		goto fail;
	all[n++] = out->report;
	/* The trend, newest first while building; reversed below. */
	for (int k = 0; k < REPORT_TREND; k++, report_period_prev(&ty, &tt)) {
		struct kf_report *t = calloc(1, sizeof(*t));
		struct lmn_err ignored;

		if (!t) {
			rc = lmn_err_set(err, LMN_ENOMEM, NULL, NULL, "out of memory");
			goto fail;
		}
		if (report_period_make(ty, tt, &period, &ignored) != LMN_OK ||
		    kf_report_init(t, p, &period, &ignored) != LMN_OK) {
			free(t); /* before the first rules: no targets, no trend */
			break;
		}
		out->trend[out->ntrend++] = t;
		all[n++] = t;
	}
	for (size_t i = 0; i < out->ntrend / 2; i++) {
		struct kf_report *t = out->trend[i];
		out->trend[i] = out->trend[out->ntrend - 1 - i];
		out->trend[out->ntrend - 1 - i] = t;
	}
	if ((rc = reports_keyfigures(c, all, n, asof, err)) == LMN_OK)
		return LMN_OK;
fail:
	reports_bundle_release(out);
	return rc;
}

void reports_bundle_release(struct kf_bundle *b)
{
	free(b->report);
	for (size_t i = 0; i < b->ntrend; i++)
		free(b->trend[i]);
	memset(b, 0, sizeof(*b));
}

/* ---- Fees ---- */

enum lmn_rc fees_load(struct db_conn *c, struct fee_version **out, size_t *n, struct lmn_err *err)
{
	struct fee_version *v = NULL;
	size_t cap = 0;
	struct db_stmt *st;
	bool row;
	enum lmn_rc rc;

	*out = NULL;
	*n = 0;
	if ((rc = db_prepare(c,
			     "SELECT kind, valid_from, amount_ore, example FROM fees "
			     "ORDER BY kind, valid_from",
			     &st, err)) != LMN_OK)
		return rc;
	while ((rc = db_step(st, &row, err)) == LMN_OK && row) {
		int kind = fee_kind_parse(db_col_text(st, 0));
		lmn_day day;

		if (kind < 0 || (rc = row_day(st, 1, &day, err)) != LMN_OK) {
			if (rc == LMN_OK)
				rc = lmn_err_set(err, LMN_EDB, NULL, NULL, "unknown fee kind '%s'",
						 db_col_text(st, 0));
			break;
		}
		if (*n == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			void *p = realloc(v, ncap * sizeof(*v));
			if (!p) {
				rc = lmn_err_set(err, LMN_ENOMEM, NULL, NULL, "out of memory");
				break;
			}
			v = p;
			cap = ncap;
		}
		v[(*n)++] = (struct fee_version){ .kind = (enum fee_kind)kind,
						  .from = day,
						  .amount_ore = db_col_int(st, 2),
						  .example = db_col_int(st, 3) != 0 };
	}
	db_done(st);
	if (rc != LMN_OK) {
		free(v);
		*n = 0;
		return rc;
	}
	*out = v;
	return LMN_OK;
}

enum lmn_rc fees_set(struct db_conn *c, enum fee_kind kind, lmn_day from, int64_t amount_ore,
		     bool example, const char *note, const char *now, struct lmn_err *err)
{
	struct db_stmt *st;
	char day[11];
	enum lmn_rc rc;

	if ((rc = db_prepare(
		     c,
		     "INSERT INTO fees (kind, valid_from, amount_ore, example, note, created_at) "
		     "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (kind, valid_from) DO UPDATE "
		     "SET amount_ore = excluded.amount_ore, example = excluded.example, "
		     "note = excluded.note, created_at = excluded.created_at",
		     &st, err)) != LMN_OK)
		return rc;
	date_format(from, day);
	db_bind_text(st, 1, fee_kind_name(kind));
	db_bind_text(st, 2, day);
	db_bind_int(st, 3, amount_ore);
	db_bind_int(st, 4, example);
	db_bind_text(st, 5, note);
	db_bind_text(st, 6, now);
	return db_run(st, err);
}

enum lmn_rc report_order_days_add(struct db_conn *c, const struct report_order_day *d,
				  struct lmn_err *err)
{
	return db_do(c, err,
		     "INSERT INTO report_order_days (day, care_provider_id, area, orders, digital, "
		     "via_1177, exempt) VALUES ($1, $2, $3, $4, $5, $6, $7) "
		     "ON CONFLICT (day, care_provider_id, area) DO UPDATE SET "
		     "orders = report_order_days.orders + excluded.orders, "
		     "digital = report_order_days.digital + excluded.digital, "
		     "via_1177 = report_order_days.via_1177 + excluded.via_1177, "
		     "exempt = report_order_days.exempt + excluded.exempt",
		     "titiiii", d->day, d->care_provider_id, d->area, d->orders, d->digital,
		     d->via_1177, d->exempt);
}

/* ---- The invoice basis ---- */

/* The period's deliveries line by line, from shipments_delivered and the lines' primary key
 * alone (migration 26): the shipment, its day, its cost unit (of the order's first line) and
 * whether its order was an ordinary one; the line's quantity, the unit of its prescription and
 * its article, priced from the price list read once (prices_load). */
static const char invoice_shipments_sql[] =
	"SELECT s.id, substr(s.delivered_at, 1, 10), coalesce(s.cost_unit_id, 0), "
	"CASE WHEN s.kind = 'normal' THEN 1 ELSE 0 END, sl.quantity, coalesce(sl.unit_id, 0), "
	"sl.article_id FROM shipments s JOIN shipment_lines sl ON sl.shipment_id = s.id "
	"WHERE substr(s.delivered_at, 1, 10) >= $1 AND substr(s.delivered_at, 1, 10) < $2 "
	"AND s.delivered_at IS NOT NULL";

/* Per unit and day: returns and parcels not collected. */
static const char invoice_returns_sql[] =
	"SELECT cost_unit_id, substr(outcome_at, 1, 10) AS day, 0, count(*) FROM shipments "
	"WHERE outcome IN ('returned', 'not_collected') AND outcome_at >= $1 AND outcome_at < $2 "
	"GROUP BY cost_unit_id, day";

/* Every article's prices, by article and then by the day each took effect. */
struct price_list {
	struct article_price {
		int64_t article_id;
		lmn_day from;
		int64_t ore;
	} * v;
	size_t n;
};

static enum lmn_rc prices_load(struct db_conn *c, struct price_list *pl, struct lmn_err *err)
{
	struct db_stmt *st;
	size_t cap = 0;
	bool row;
	enum lmn_rc rc;

	if ((rc = db_prepare(c,
			     "SELECT article_id, valid_from, price_ore FROM article_prices "
			     "ORDER BY article_id, valid_from",
			     &st, err)) != LMN_OK)
		return rc;
	while ((rc = db_step(st, &row, err)) == LMN_OK && row) {
		struct article_price *p;

		if (pl->n == cap) {
			size_t ncap = cap ? cap * 2 : 256;

			if (!(p = realloc(pl->v, ncap * sizeof(*p)))) {
				rc = lmn_err_set(err, LMN_ENOMEM, NULL, NULL, "out of memory");
				break;
			}
			pl->v = p;
			cap = ncap;
		}
		p = &pl->v[pl->n];
		p->article_id = db_col_int(st, 0);
		p->ore = db_col_int(st, 2);
		if ((rc = row_day(st, 1, &p->from, err)) != LMN_OK)
			break;
		pl->n++;
	}
	db_done(st);
	return rc;
}

/* The price of article in force on day (the last to take effect on or before it); -1: none. */
static int64_t price_on(const struct price_list *pl, int64_t article, lmn_day day)
{
	size_t lo = 0, hi = pl->n;

	/* The first entry after (article, day). */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct article_price *p = &pl->v[mid];

		if (p->article_id < article || (p->article_id == article && p->from <= day))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo > 0 && pl->v[lo - 1].article_id == article ? pl->v[lo - 1].ore : -1;
}

/* What a unit was charged for on one day of the period. */
struct day_counts {
	int64_t deliveries, acute_deliveries, lines;
};

struct unit_lines {
	struct invoice_line *v;
	int64_t *unit;		  /* unit id of v[i] */
	struct day_counts **days; /* days[i][d]: unit v[i] on the period's day d (or NULL) */
	size_t n, cap;
	size_t ndays;
	size_t last; /* the index found last: a shipment's lines are mostly of one unit */
};

/* The index of unit's line in ul, added when new; -1 when out of memory. */
static ptrdiff_t unit_index(struct unit_lines *ul, int64_t unit, struct lmn_err *err)
{
	void *p;

	if (ul->last < ul->n && ul->unit[ul->last] == unit)
		return (ptrdiff_t)ul->last;
	for (size_t i = 0; i < ul->n; i++)
		if (ul->unit[i] == unit)
			return (ptrdiff_t)(ul->last = i);
	if (ul->n == ul->cap) {
		size_t ncap = ul->cap ? ul->cap * 2 : 16;

		if (!(p = realloc(ul->v, ncap * sizeof(*ul->v))))
			goto oom;
		ul->v = p;
		if (!(p = realloc(ul->unit, ncap * sizeof(*ul->unit))))
			goto oom;
		ul->unit = p;
		if (!(p = realloc(ul->days, ncap * sizeof(*ul->days))))
			goto oom;
		ul->days = p;
		ul->cap = ncap;
	}
	memset(&ul->v[ul->n], 0, sizeof(ul->v[0]));
	ul->unit[ul->n] = unit;
	ul->days[ul->n] = NULL;
	return (ptrdiff_t)(ul->last = ul->n++);
oom:
	lmn_err_set(err, LMN_ENOMEM, NULL, NULL, "out of memory");
	return -1;
}

/* Unit's counts of the period's day d; NULL when out of memory. */
static struct day_counts *day_of(struct unit_lines *ul, int64_t unit, size_t d, struct lmn_err *err)
{
	ptrdiff_t i = unit_index(ul, unit, err);

	if (i < 0)
		return NULL;
	if (!ul->days[i] && !(ul->days[i] = calloc(ul->ndays, sizeof(**ul->days)))) {
		lmn_err_set(err, LMN_ENOMEM, NULL, NULL, "out of memory");
		return NULL;
	}
	return &ul->days[i][d];
}

/* One shipment line of the period (invoice_shipments_sql's row): its shipment counted once as a
 * delivery of its cost unit, the line (with a quantity) under its own unit, priced. */
static enum lmn_rc add_shipment_line(struct db_stmt *st, struct unit_lines *ul, size_t d,
				     lmn_day day, bool new_shipment,
				     const struct price_list *prices, struct lmn_err *err)
{
	struct day_counts *dc;
	int64_t quantity = db_col_int(st, 4), unit = db_col_int(st, 5), price;

	if (new_shipment) {
		if (!(dc = day_of(ul, db_col_int(st, 2), d, err)))
			return LMN_ENOMEM;
		if (db_col_int(st, 3))
			dc->deliveries++;
		else
			dc->acute_deliveries++;
	}
	if (quantity <= 0)
		return LMN_OK;
	if (!(dc = day_of(ul, unit, d, err)))
		return LMN_ENOMEM;
	dc->lines++;
	/* A line without a price in force adds no product cost (its fee counts). */
	if ((price = price_on(prices, db_col_int(st, 6), day)) >= 0)
		ul->v[ul->last].product_ore += quantity * price;
	return LMN_OK;
}

/* The deliveries and lines of [from, until), then their fees day by day. */
static enum lmn_rc invoice_shipments(struct db_conn *c, lmn_day from, lmn_day until,
				     const struct fee_version *fees, size_t nfees,
				     const struct price_list *prices, struct unit_lines *ul,
				     struct lmn_err *err)
{
	struct db_stmt *st;
	char day_text[11] = "";
	int64_t shipment = 0;
	lmn_day day = from;
	bool row;
	enum lmn_rc rc;

	if ((rc = prepare_range(c, invoice_shipments_sql, from, until, &st, err)) != LMN_OK)
		return rc;
	while ((rc = db_step(st, &row, err)) == LMN_OK && row) {
		int64_t id = db_col_int(st, 0);

		/* The rows come day by day: a day's text is parsed once. */
		if (strcmp(db_col_text(st, 1), day_text) != 0) {
			if ((rc = row_day(st, 1, &day, err)) != LMN_OK)
				break;
			if (day < from || day >= until) {
				rc = lmn_err_set(err, LMN_EDB, NULL, NULL,
						 "a delivery outside the period read");
				break;
			}
			snprintf(day_text, sizeof(day_text), "%s", db_col_text(st, 1));
		}
		if ((rc = add_shipment_line(st, ul, (size_t)(day - from), day, id != shipment,
					    prices, err)) != LMN_OK)
			break;
		shipment = id;
	}
	db_done(st);
	for (size_t i = 0; rc == LMN_OK && i < ul->n; i++)
		for (size_t d = 0; ul->days[i] && d < ul->ndays; d++) {
			const struct day_counts *dc = &ul->days[i][d];
			int64_t count[FEE__COUNT] = { 0 };

			count[FEE_DELIVERY] = dc->deliveries;
			count[FEE_ACUTE_DELIVERY] = dc->acute_deliveries;
			count[FEE_ORDER_LINE] = dc->lines;
			invoice_add_day(&ul->v[i], fees, nfees, from + (lmn_day)d, count);
		}
	return rc;
}

/* Returns and parcels not collected, per unit and day. */
static enum lmn_rc invoice_returns(struct db_conn *c, lmn_day from, lmn_day until,
				   const struct fee_version *fees, size_t nfees,
				   struct unit_lines *ul, struct lmn_err *err)
{
	struct db_stmt *st;
	bool row;
	enum lmn_rc rc;

	if ((rc = prepare_range(c, invoice_returns_sql, from, until, &st, err)) != LMN_OK)
		return rc;
	while ((rc = db_step(st, &row, err)) == LMN_OK && row) {
		int64_t count[FEE__COUNT] = { 0 };
		ptrdiff_t i;
		lmn_day day;

		if ((rc = row_day(st, 1, &day, err)) != LMN_OK)
			break;
		if ((i = unit_index(ul, db_col_int(st, 0), err)) < 0) {
			rc = LMN_ENOMEM;
			break;
		}
		count[FEE_RETURN] = db_col_int(st, 3);
		invoice_add_day(&ul->v[i], fees, nfees, day, count);
	}
	db_done(st);
	return rc;
}

static int line_cmp(const void *a, const void *b)
{
	const struct invoice_line *x = a, *y = b;

	if (x->provider_id != y->provider_id)
		return x->provider_id < y->provider_id ? -1 : 1;
	return strcmp(x->cost_centre, y->cost_centre);
}

static enum lmn_rc name_units(struct db_conn *c, struct unit_lines *ul, struct lmn_err *err)
{
	struct db_stmt *st;
	bool row;
	enum lmn_rc rc;

	if ((rc = db_prepare(
		     c,
		     "SELECT u.id, u.care_provider_id, cp.name, u.cost_centre, u.name FROM units u "
		     "JOIN care_providers cp ON cp.id = u.care_provider_id",
		     &st, err)) != LMN_OK)
		return rc;
	while ((rc = db_step(st, &row, err)) == LMN_OK && row)
		for (size_t i = 0; i < ul->n; i++)
			if (ul->unit[i] == db_col_int(st, 0)) {
				ul->v[i].provider_id = db_col_int(st, 1);
				snprintf(ul->v[i].provider, sizeof(ul->v[i].provider), "%s",
					 db_col_text(st, 2));
				snprintf(ul->v[i].cost_centre, sizeof(ul->v[i].cost_centre), "%s",
					 db_col_text(st, 3));
				snprintf(ul->v[i].cost_centre_name,
					 sizeof(ul->v[i].cost_centre_name), "%s",
					 db_col_text(st, 4));
			}
	db_done(st);
	return rc;
}

enum lmn_rc reports_invoice(struct db_conn *c, lmn_day from, lmn_day until,
			    struct invoice_line **out, size_t *n, struct lmn_err *err)
{
	struct unit_lines ul = { 0 };
	struct fee_version *fees = NULL;
	struct price_list prices = { 0 };
	size_t nfees = 0;
	enum lmn_rc rc;

	*out = NULL;
	*n = 0;
	if ((rc = db_begin(c, false, err)) != LMN_OK)
		return rc;
	rc = fees_load(c, &fees, &nfees, err);
	if (rc == LMN_OK)
		rc = prices_load(c, &prices, err);
	ul.ndays = until > from ? (size_t)(until - from) : 0;
	if (rc == LMN_OK)
		rc = invoice_shipments(c, from, until, fees, nfees, &prices, &ul, err);
	if (rc == LMN_OK)
		rc = invoice_returns(c, from, until, fees, nfees, &ul, err);
	if (rc == LMN_OK)
		rc = name_units(c, &ul, err);
	db_rollback(c);
	free(fees);
	free(prices.v);
	free(ul.unit);
	for (size_t i = 0; i < ul.n; i++)
		free(ul.days[i]);
	free(ul.days);
	if (rc != LMN_OK) {
		free(ul.v);
		return rc;
	}
	for (size_t i = 0; i < ul.n; i++)
		invoice_total(&ul.v[i]);
	if (ul.n)
		qsort(ul.v, ul.n, sizeof(*ul.v), line_cmp);
	*out = ul.v;
	*n = ul.n;
	return LMN_OK;
}

enum lmn_rc reports_repayment(struct db_conn *c, int year, int64_t surplus_ore,
			      struct repayment **out, size_t *n, struct lmn_err *err)
{
	struct invoice_line *lines = NULL;
	struct repayment *r = NULL;
	int64_t *w = NULL, *share = NULL;
	size_t nl = 0, nr = 0;
	enum lmn_rc rc;

	*out = NULL;
	*n = 0;
	rc = reports_invoice(c, date_from_ymd(year, 1, 1), date_from_ymd(year + 1, 1, 1), &lines,
			     &nl, err);
	if (rc != LMN_OK)
		return rc;
	r = calloc(nl ? nl : 1, sizeof(*r));
	w = calloc(nl ? nl : 1, sizeof(*w));
	share = calloc(nl ? nl : 1, sizeof(*share));
	if (!r || !w || !share) {
		rc = lmn_err_set(err, LMN_ENOMEM, NULL, NULL, "out of memory");
		goto out;
	}
	/* The lines are sorted by provider: one repayment per provider. */
	for (size_t i = 0; i < nl; i++) {
		if (nr == 0 || r[nr - 1].provider_id != lines[i].provider_id) {
			r[nr].provider_id = lines[i].provider_id;
			snprintf(r[nr].provider, sizeof(r[nr].provider), "%s", lines[i].provider);
			nr++;
		}
		r[nr - 1].charged_ore += lines[i].total_ore;
	}
	for (size_t i = 0; i < nr; i++)
		w[i] = r[i].charged_ore;
	if ((rc = alloc_pro_rata(surplus_ore, w, nr, share, err)) != LMN_OK)
		goto out;
	for (size_t i = 0; i < nr; i++)
		r[i].repaid_ore = share[i];
	*out = r;
	*n = nr;
	r = NULL;
out:
	free(lines);
	free(r);
	free(w);
	free(share);
	return rc;
}

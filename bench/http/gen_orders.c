/* bench/http: fills a database made by `lmn demo` with fictional patients and about a million
 * historical orders, through the store interface (db.h), so the schema is exactly the migrations'.
 *
 * Per generated patient: an expired prescription item carrying the patient's share of the history
 * (orders, their lines and the access-log row each placement writes), and a current item that allows
 * 100 withdrawals with a period of one day, so the benchmark can order on it again and again
 * the same day and every order really passes the rule engine and the prescription checks.
 * The history is written in the order it happened, every patient's first order, then every
 * second one, and so on: as in a real store, a patient's orders lie far apart in the tables, not
 * side by side. Deterministic for the same arguments and today (LMN_NOW).
 *
 * Usage: gen_orders DB ORDERS PATIENTS OUT_DIR
 * Writes OUT_DIR/http.targets ("PATIENT_ID ITEM_ID" of each current item) and OUT_DIR/http.token
 * (a new API token of the demo's customer-service user "kundtjanst"; only its hash is stored). */
#include <errno.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "rules/delivery.h"
#include "store/db.h"
#include "store/shipments.h"
#include "store/orders.h"
#include "store/rules_files.h"
#include "util/clock.h"
#include "util/localtime.h"

#define BATCH	     50000 /* orders per transaction */
#define MAX_ARTICLES 1024

struct gen {
	struct db_conn *c;
	struct params p;
	struct clock_now now;
	uint64_t rng;
	int64_t cs_user; /* the customer-service user that enters orders and owns the token */
	int64_t articles[MAX_ARTICLES];
	int narticles;
	struct lmn_err err;
};

static uint32_t rnd(struct gen *g, uint32_t n) /* 0 … n-1 */
{
	g->rng ^= g->rng << 13;
	g->rng ^= g->rng >> 7;
	g->rng ^= g->rng << 17;
	return (uint32_t)((g->rng >> 11) % n);
}

/* Runs one statement with arguments given as a format: 't' text, 'i' int64, 'n' NULL. */
static enum lmn_rc run(struct gen *g, const char *sql, const char *fmt, ...)
{
	struct db_stmt *st;
	va_list ap;
	enum lmn_rc rc = db_prepare(g->c, sql, &st, &g->err);

	if (rc != LMN_OK)
		return rc;
	va_start(ap, fmt);
	for (int i = 1; fmt[i - 1]; i++) {
		switch (fmt[i - 1]) {
		case 't':
			db_bind_text(st, i, va_arg(ap, const char *));
			break;
		case 'i':
			db_bind_int(st, i, va_arg(ap, int64_t));
			break;
		default:
			(void)va_arg(ap, const void *);
			db_bind_null(st, i);
			break;
		}
	}
	va_end(ap);
	return db_run(st, &g->err);
}

#define TRY(x)                         \
	do {                           \
		enum lmn_rc rc_ = (x); \
		if (rc_ != LMN_OK)     \
			return rc_;    \
	} while (0)

/* A coordination number (samordningsnummer: day of birth + 60) with a correct check digit. The
 * demo's patients have personnummer, so these never collide with them. */
static void coordination_number(lmn_day born, int serial, char out[13])
{
	char ten[32], full[32];
	int y, m, d, sum = 0;

	date_to_ymd(born, &y, &m, &d);
	snprintf(ten, sizeof(ten), "%02d%02d%02d%03d", y % 100, m, d + 60, serial % 1000);
	for (int i = 0; i < 9; i++) {
		int v = (ten[i] - '0') * (i % 2 == 0 ? 2 : 1);
		sum += v / 10 + v % 10;
	}
	snprintf(full, sizeof(full), "%04d%02d%02d%03d%d", y, m, d + 60, serial % 1000,
		 (10 - sum % 10) % 10);
	snprintf(out, 13, "%.12s", full);
}

static enum lmn_rc load_reference(struct gen *g)
{
	struct db_stmt *st;
	bool row;
	enum lmn_rc rc;

	TRY(db_prepare(g->c, "SELECT id FROM users WHERE username = 'kundtjanst'", &st, &g->err));
	rc = db_step(st, &row, &g->err);
	g->cs_user = row ? db_col_int(st, 0) : 0;
	db_done(st);
	if (rc == LMN_OK && !g->cs_user)
		rc = lmn_err_set(&g->err, LMN_ENOTFOUND, NULL, NULL,
				 "no user kundtjanst: make the database with `lmn demo` first");
	if (rc != LMN_OK)
		return rc;
	/* Articles every order may have: stocked, active, not special. */
	TRY(db_prepare(g->c,
		       "SELECT id FROM articles WHERE stocked = 1 AND special = 0 AND active = 1 "
		       "ORDER BY id",
		       &st, &g->err));
	while ((rc = db_step(st, &row, &g->err)) == LMN_OK && row && g->narticles < MAX_ARTICLES)
		g->articles[g->narticles++] = db_col_int(st, 0);
	db_done(st);
	if (rc == LMN_OK && !g->narticles)
		rc = lmn_err_set(&g->err, LMN_ENOTFOUND, NULL, NULL, "no orderable articles");
	return rc;
}

static const char *const given[] = {
	"Alva", "Bertil", "Cecilia", "Dag",   "Edit", "Folke", "Greta",
	"Hugo", "Iris",	  "Jon",     "Klara", "Leif", "Märta", "Nils"
};
static const char *const family[] = { "Benchsson", "Lastberg", "Mätström",     "Provgren",
				      "Körnstedt", "Taktdal",  "Flödesdotter", "Tidmark" };
static const char *const towns[] = { "Borås", "Skövde", "Trollhättan", "Lerum", "Göteborg" };
static const char *const prefixes[] = { "503", "541", "461", "443", "413" };

/* One historical order on an item, as a placement would have written it (order, line, access-log
 * row), shipped and delivered since (a shipment and its line, as the distributor registers them). */
static enum lmn_rc history_order(struct gen *g, int64_t patient, int64_t item, int64_t article,
				 lmn_day day, lmn_day prev_next)
{
	struct order_facts f;
	struct delivery_decision d;
	char received[32], days[11], due[11], contact[11], prev[11], shipped[32], delivered[32];
	bool by_cs = rnd(g, 2) == 0;
	int32_t sec = 8 * 3600 + (int32_t)rnd(g, 5 * 3600); /* before the 14:00 cut-off */
	struct buf rules;
	int64_t order, line;
	enum lmn_rc rc;

	order_facts_init(&f);
	f.received_day = day;
	f.received_sec = sec;
	if (by_cs)
		f.entered_by = ROLE_CUSTOMER_SERVICE;
	if ((rc = delivery_decide(&g->p, &f, &d, &g->err)) != LMN_OK)
		return rc == LMN_EREFUSED ? lmn_err_set(&g->err, LMN_EREFUSED, NULL, NULL,
							"the rules refuse a history order")
					  : rc;
	buf_init(&rules, 512);
	for (int r = 0; r < d.nrules; r++) {
		if (r)
			buf_addc(&rules, ' ');
		buf_adds(&rules, d.rules[r]->ref);
	}
	clock_format(day, sec, received);
	date_format(day, days);
	date_format(d.due, due);
	if (d.contact_from != LMN_DAY_NONE)
		date_format(d.contact_from, contact);
	if (prev_next != LMN_DAY_NONE)
		date_format(prev_next, prev);
	const struct order_row row = {
		.patient_id = patient,
		.kind = "normal",
		.channel = by_cs ? "customer_service" : "digital",
		.requested_by = "patient",
		.entered_by = by_cs ? "customer_service" : "patient",
		.entered_by_user = by_cs ? g->cs_user : 0,
		.reason = by_cs ? "Patienten ringde" : NULL,
		.received_at = received,
		.received_day = days,
		.due = due,
		.contact_from = d.contact_from != LMN_DAY_NONE ? contact : NULL,
		.rules = rules.data ? rules.data : "",
		.delivery_method = "home",
		.status = "delivered",
	};
	rc = orders_insert_home(g->c, &row, &order, &g->err);
	buf_release(&rules);
	if (rc != LMN_OK)
		return rc;
	const struct order_line_row lr = {
		.order_id = order,
		.article_id = article,
		.prescription_item_id = item,
		.quantity = 2,
		.prev_next_earliest = prev_next != LMN_DAY_NONE ? prev : NULL,
		.shipped_quantity = 2,
	};
	TRY(order_lines_insert(g->c, &lr, &line, &g->err));
	/* Shipped the day it came in, delivered at noon on its due day; one in twenty a day late. */
	clock_format(day, 16 * 3600, shipped);
	clock_format(d.due + (rnd(g, 20) == 0), 12 * 3600, delivered);
	TRY(run(g,
		"INSERT INTO shipments (order_id, shipped_at, partial, delivered_at, outcome, "
		"outcome_at) VALUES ($1, $2, 0, $3, 'delivered', $3)",
		"itt", order, shipped, delivered));
	TRY(shipment_lines_insert(g->c, db_last_id(g->c), line, 2, false, &g->err));
	return run(g,
		   "INSERT INTO access_log (at, user_id, role, patient_id, action, what) "
		   "VALUES ($1, nullif($2, 0), $3, $4, 'create', 'beställning')",
		   "titi", received, by_cs ? g->cs_user : (int64_t)0,
		   by_cs ? "customer_service" : "patient", patient);
}

/* A patient's history, written after every patient is (generate). */
struct history {
	int64_t patient, item, article;
	int norders;
};

/* The history's days: the first order 400 days ago, then one every step days. */
static lmn_day history_day(const struct gen *g, int norders, int k)
{
	int step = 360 / (norders + 1) > 23 ? 360 / (norders + 1) : 23; /* at most 15 × 23 days */

	return g->now.day - 400 + (lmn_day)k * step;
}

/* Patient number i (0-based) with its two prescriptions; h the expired one that carries its
 * norders historical orders, which are written later. */
static enum lmn_rc patient(struct gen *g, long i, int norders, struct history *h,
			   int64_t *current_item)
{
	lmn_day today = g->now.day, born = date_from_ymd(1930, 1, 1) + (lmn_day)(i / 900);
	char number[13], address[64], postal[6], phone[16], on[11], last[11], next[11];
	int town = (int)(i % 5);
	int64_t rx, article = g->articles[rnd(g, (uint32_t)g->narticles)];
	lmn_day first = history_day(g, norders, 0);
	int64_t *patient_id = &h->patient;

	coordination_number(born, 100 + (int)(i % 900), number);
	snprintf(address, sizeof(address), "Mätgatan %ld", 1 + i % 97);
	snprintf(postal, sizeof(postal), "%s%02d", prefixes[town], (int)rnd(g, 40));
	snprintf(phone, sizeof(phone), "070-%03d %02d %02d", (int)rnd(g, 1000), (int)rnd(g, 100),
		 (int)rnd(g, 100));
	TRY(run(g,
		"INSERT INTO patients (id_number, id_kind, given_name, family_name, address, "
		"postal_code, city, phone, municipality, created_at) VALUES ($1, 'samordningsnummer', "
		"$2, $3, $4, $5, $6, $7, $6, '2024-01-01T08:00:00+01:00')",
		"ttttttt", number, given[rnd(g, 14)], family[rnd(g, 8)], address, postal,
		towns[town], phone));
	*patient_id = db_last_id(g->c);

	/* Last year's prescription, expired: it carries the history, as it stands after it (the
	 * next withdrawal 75 % of the 30-day period after the last). */
	date_format(first, on);
	date_format(first + 364, last);
	TRY(run(g,
		"INSERT INTO prescriptions (patient_id, prescriber_id, unit_id, prescribed_on, "
		"created_at) VALUES ($1, 3, 1, $2, $2 || 'T10:00:00+01:00')",
		"it", *patient_id, on));
	rx = db_last_id(g->c);
	if (norders)
		date_format(history_day(g, norders, norders - 1) + 22, next);
	TRY(run(g,
		"INSERT INTO prescription_items (prescription_id, article_id, withdrawals_allowed, "
		"withdrawals_remaining, quantity_per_withdrawal, period_days, last_valid, "
		"next_earliest) VALUES ($1, $2, 100, $3, 3, 30, $4, nullif($5, ''))",
		"iiitt", rx, article, (int64_t)(100 - norders), last, norders ? next : ""));
	h->item = db_last_id(g->c);
	h->article = article;
	h->norders = norders;

	/* This year's: 100 withdrawals, one day apart at the least (75 % of a day rounds to the same
	 * day), so every benchmark order on it is allowed today. */
	date_format(today - 10, on);
	date_format(today + 300, last);
	TRY(run(g,
		"INSERT INTO prescriptions (patient_id, prescriber_id, unit_id, prescribed_on, "
		"created_at) VALUES ($1, 3, 1, $2, $2 || 'T10:00:00+01:00')",
		"it", *patient_id, on));
	rx = db_last_id(g->c);
	TRY(run(g,
		"INSERT INTO prescription_items (prescription_id, article_id, withdrawals_allowed, "
		"withdrawals_remaining, quantity_per_withdrawal, period_days, last_valid) "
		"VALUES ($1, $2, 100, 100, 3, 1, $3)",
		"iit", rx, g->articles[rnd(g, (uint32_t)g->narticles)], last));
	*current_item = db_last_id(g->c);
	return LMN_OK;
}

/* Commits every BATCH rows written (counted in *since). */
static enum lmn_rc batch_step(struct gen *g, long *since, long add)
{
	enum lmn_rc rc;

	if ((*since += add) < BATCH)
		return LMN_OK;
	*since = 0;
	if ((rc = db_commit(g->c, &g->err)) != LMN_OK)
		return rc;
	return db_begin(g->c, true, &g->err);
}

static enum lmn_rc generate(struct gen *g, long orders, long patients, FILE *targets)
{
	struct history *h = calloc((size_t)patients, sizeof(*h));
	long done = 0, since_commit = 0;
	enum lmn_rc rc = h ? LMN_OK : lmn_err_set(&g->err, LMN_ENOMEM, NULL, NULL, "out of memory");

	if (rc == LMN_OK)
		rc = db_begin(g->c, true, &g->err);
	for (long i = 0; rc == LMN_OK && i < patients; i++) {
		/* The orders spread evenly: patient i gets its share, rounding spread over patients. */
		int n = (int)((orders * (i + 1)) / patients - (orders * i) / patients);
		int64_t item;

		if ((rc = patient(g, i, n, &h[i], &item)) == LMN_OK) {
			fprintf(targets, "%lld %lld\n", (long long)h[i].patient, (long long)item);
			rc = batch_step(g, &since_commit, 10);
		}
	}
	/* The history in the order it happened: every patient's k-th order, k = 0, 1, … */
	for (int k = 0; rc == LMN_OK && done < orders; k++) {
		for (long i = 0; rc == LMN_OK && i < patients; i++) {
			if (k >= h[i].norders)
				continue;
			rc = history_order(g, h[i].patient, h[i].item, h[i].article,
					   history_day(g, h[i].norders, k),
					   k ? history_day(g, h[i].norders, k - 1) + 22
					     : LMN_DAY_NONE);
			if (rc == LMN_OK)
				rc = batch_step(g, &since_commit, 1);
			if (rc == LMN_OK && ++done % BATCH == 0)
				fprintf(stderr, "\r  %ld orders, %ld patients", done, patients);
		}
	}
	free(h);
	if (rc != LMN_OK) {
		db_rollback(g->c);
		return rc;
	}
	fprintf(stderr, "\r  %ld orders, %ld patients\n", done, patients);
	return db_commit(g->c, &g->err);
}

static bool parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		return false;
	*out = v;
	return true;
}

int main(int argc, char **argv)
{
	static struct gen g = { .rng = 0x2026112233445566ull };
	struct db *db = NULL;
	char path[4096], secret[65];
	long orders, patients;
	FILE *targets = NULL, *token = NULL;
	enum lmn_rc rc;
	int status = 1;

	if (argc != 5 || !parse_long(argv[2], 0, 100000000, &orders) ||
	    !parse_long(argv[3], 1, 10000000, &patients) || orders > 14 * patients) {
		fprintf(stderr, "usage: gen_orders DB ORDERS PATIENTS OUT_DIR "
				"(at most 14 orders per patient)\n");
		return 2;
	}
	if (sodium_init() < 0 || localtime_init(&g.err) != LMN_OK ||
	    clock_now(&g.now, &g.err) != LMN_OK) {
		fprintf(stderr, "gen_orders: cannot start: %s\n", g.err.message);
		return 1;
	}
	params_init(&g.p);
	if (rules_files_load(&g.p, rules_files_default_dir(), &g.err) != LMN_OK ||
	    db_open(argv[1], &db, &g.err) != LMN_OK || db_acquire(db, &g.c, &g.err) != LMN_OK) {
		fprintf(stderr, "gen_orders: %s\n", g.err.message);
		goto out;
	}
	snprintf(path, sizeof(path), "%s/http.targets", argv[4]);
	if (!(targets = fopen(path, "w"))) {
		perror(path);
		goto out;
	}
	snprintf(path, sizeof(path), "%s/http.token", argv[4]);
	if (!(token = fopen(path, "w"))) {
		perror(path);
		goto out;
	}
	/* A big page cache for the bulk load; the server keeps SQLite's default. */
	rc = db_exec(g.c, "PRAGMA cache_size = -262144", &g.err);
	if (rc == LMN_OK)
		rc = load_reference(&g);
	if (rc == LMN_OK)
		rc = generate(&g, orders, patients, targets);
	if (rc == LMN_OK && (rc = db_begin(g.c, true, &g.err)) == LMN_OK) {
		rc = auth_create_token(g.c, g.cs_user, g.cs_user, "benchmark", g.now.iso, secret,
				       &g.err);
		if (rc == LMN_OK)
			rc = db_commit(g.c, &g.err);
	}
	/* Start the server with everything in the database file and an empty log. */
	if (rc == LMN_OK)
		rc = db_exec(g.c, "PRAGMA wal_checkpoint(TRUNCATE)", &g.err);
	if (rc != LMN_OK) {
		fprintf(stderr, "gen_orders: %s\n", g.err.message);
		goto out;
	}
	fprintf(token, "%s\n", secret);
	status = 0;
out:
	if (targets && fclose(targets) != 0)
		status = 1;
	if (token && fclose(token) != 0)
		status = 1;
	if (g.c)
		db_release(db, g.c);
	db_close(db);
	params_release(&g.p);
	return status;
}

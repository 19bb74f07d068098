/* bench/reports: times the tertial key-figure report (with its eight-tertial trend) and the monthly
 * invoice basis through the store functions lmn uses (reports_build, reports_invoice), and beside
 * them in the same run the floor: bare SQL aggregates over the same rows (the orders received, the
 * shipment lines delivered and the calls of the same days, counted without the per-order work).
 *
 * Usage: bench_reports DB YEAR TERTIAL MONTH REPS */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/reports.h"
#include "store/rules_files.h"
#include "util/localtime.h"

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static struct db_conn *conn;
static struct params rules;
static int year, tertial;
static lmn_day mfrom, muntil, tfrom, tuntil, pfrom, puntil;
static struct lmn_err err;
static long long sink;

static void check(enum lmn_rc rc)
{
	if (rc != LMN_OK) {
		fprintf(stderr, "bench_reports: %s\n", err.message);
		exit(1);
	}
}

static void report(void)
{
	struct kf_bundle b;
	check(reports_build(conn, &rules, year, tertial, date_from_ymd(2026, 11, 23), &b, &err));
	sink += b.report->total.parts[0].orders;
	reports_bundle_release(&b);
}

static void invoice(void)
{
	struct invoice_line *l;
	size_t n;
	check(reports_invoice(conn, mfrom, muntil, &l, &n, &err));
	sink += n ? l[0].total_ore : 0;
	free(l);
}

static void aggregate(const char *sql, lmn_day from, lmn_day until)
{
	struct db_stmt *st;
	char f[11], u[11];
	bool row;

	check(db_prepare(conn, sql, &st, &err));
	date_format(from, f);
	date_format(until, u);
	db_bind_text(st, 1, f);
	db_bind_text(st, 2, u);
	check(db_step(st, &row, &err));
	sink += db_col_int(st, 0);
	db_done(st);
}

/* The same rows as a report of [from, until): orders received, shipment lines delivered, calls
 * queued. */
static void floor_of(lmn_day from, lmn_day until)
{
	check(db_begin(conn, false, &err));
	aggregate("SELECT count(*), count(*) FILTER (WHERE channel = 'digital') FROM orders "
		  "WHERE received_day >= $1 AND received_day < $2",
		  from, until);
	aggregate(
		"SELECT count(*) FROM shipments s JOIN shipment_lines sl ON sl.shipment_id = s.id "
		"WHERE substr(s.delivered_at, 1, 10) >= $1 AND substr(s.delivered_at, 1, 10) < $2 "
		"AND s.delivered_at IS NOT NULL",
		from, until);
	aggregate("SELECT count(*) FROM calls WHERE queued_at >= $1 AND queued_at < $2", from,
		  until);
	db_rollback(conn);
}

static void report_floor(void)
{
	floor_of(tfrom, tuntil);
}

static void tertial_floor(void)
{
	floor_of(pfrom, puntil);
}

/* The tertial alone, without the trend. */
static void tertial_only(void)
{
	struct kf_report *r = calloc(1, sizeof(*r));
	struct report_period p;

	if (!r)
		exit(1);
	check(report_period_make(year, tertial, &p, &err));
	check(kf_report_init(r, &rules, &p, &err));
	check(reports_keyfigures(conn, &r, 1, date_from_ymd(2026, 11, 23), &err));
	sink += r->total.parts[0].orders;
	free(r);
}

static void invoice_floor(void)
{
	check(db_begin(conn, false, &err));
	aggregate("SELECT count(*), sum(sl.quantity) FROM shipments s JOIN shipment_lines sl ON "
		  "sl.shipment_id = s.id WHERE substr(s.delivered_at, 1, 10) >= $1 AND "
		  "substr(s.delivered_at, 1, 10) < $2 AND s.delivered_at IS NOT NULL",
		  mfrom, muntil);
	db_rollback(conn);
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		void (*fn)(void);
	} modes[] = { { "tertial report with 8-tertial trend", report },
		      { "  floor: same rows (8 tertials)", report_floor },
		      { "tertial report alone", tertial_only },
		      { "  floor: same rows (the tertial)", tertial_floor },
		      { "invoice basis of the month", invoice },
		      { "  floor: same rows (the month)", invoice_floor } };
	enum { NMODES = sizeof(modes) / sizeof(modes[0]) };
	double t[NMODES][64];
	struct db *db;
	struct report_period p;
	int reps, ty, tt;

	if (argc != 6) {
		fprintf(stderr, "usage: bench_reports DB YEAR TERTIAL MONTH REPS\n");
		return 2;
	}
	year = (int)strtol(argv[2], NULL, 10);
	tertial = (int)strtol(argv[3], NULL, 10);
	reps = (int)strtol(argv[5], NULL, 10);
	if (reps < 1 || reps > 64) {
		fprintf(stderr, "bench_reports: REPS is 1-64\n");
		return 2;
	}
	check(localtime_init(&err));
	check(invoice_month_parse(argv[4], &mfrom, &muntil, &err));
	check(report_period_make(year, tertial, &p, &err));
	tuntil = puntil = p.until;
	pfrom = p.from;
	ty = year, tt = tertial;
	for (int k = 0; k < REPORT_TREND - 1; k++)
		report_period_prev(&ty, &tt);
	check(report_period_make(ty, tt, &p, &err));
	tfrom = p.from;
	params_init(&rules);
	check(rules_files_load(&rules, rules_files_default_dir(), &err));
	check(db_open(argv[1], &db, &err));
	check(db_acquire(db, &conn, &err));
	for (int m = 0; m < NMODES; m++)
		modes[m].fn(); /* warm the cache */
	for (int r = 0; r < reps; r++)
		for (int m = 0; m < NMODES; m++) {
			double s0 = now_s();
			modes[m].fn();
			t[m][r] = now_s() - s0;
		}
	printf("%-36s %9s %9s %8s\n", "mode", "best s", "median s", "ratio");
	for (int m = 0; m < NMODES; m++)
		qsort(t[m], (size_t)reps, sizeof(double), cmp);
	for (int m = 0; m < NMODES; m++) {
		int floor = m % 2 ? m : m + 1;
		printf("%-36s %9.3f %9.3f %8.2f\n", modes[m].name, t[m][0], t[m][reps / 2],
		       t[m][0] / t[floor][0]);
	}
	fprintf(stderr, "(checksum %lld)\n", sink);
	db_release(db, conn);
	db_close(db);
	params_release(&rules);
	return 0;
}

/* lmn import assortment FILE: the assortment import of the API from the command line, with a
 * progress bar on a terminal and every error by line; all rows or none. lmn import orders|deliveries|
 * calls FILE: history from the end-of-life system (import/history.h), the same way. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "codec/assortment_csv.h"
#include "store/articles.h"
#include "import/history.h"
#include "util/clock.h"

struct bar {
	bool tty;
	const char *phase;
	int shown; /* last percentage drawn, -1: none */
};

static void draw(struct bar *b, int percent)
{
	char line[41];
	int filled = percent * 40 / 100;

	if (!b->tty || percent == b->shown)
		return;
	b->shown = percent;
	memset(line, '#', (size_t)filled);
	memset(line + filled, '.', (size_t)(40 - filled));
	line[40] = '\0';
	fprintf(stderr, "\r%-12s [%s] %3d %%", b->phase, line, percent);
	fflush(stderr);
}

static void on_read(void *ctx, size_t rows, size_t done, size_t total)
{
	struct bar *b = ctx;

	(void)rows;
	b->phase = "läser";
	draw(b, total ? (int)(done * 50 / total) : 50);
}

static void on_write(void *ctx, size_t done, size_t total)
{
	struct bar *b = ctx;

	b->phase = "skriver";
	draw(b, 50 + (total ? (int)(done * 50 / total) : 50));
}

/* Every error of a refused file, by line: n messages, the first at message and each stride bytes
 * after the one before (the message field of an array of error structs). */
static void refused(const char *path, const char *message, size_t stride, size_t n, size_t dropped)
{
	for (size_t i = 0; i < n; i++)
		fprintf(stderr, "%s: %s\n", path, message + i * stride);
	if (dropped)
		fprintf(stderr, "%s: … och %zu fel till\n", path, dropped);
	fprintf(stderr, "lmn: importen avbröts: %zu fel, inget skrevs\n", n + dropped);
}

/* After an import's transaction: ends the progress bar's line and reports a failure, a refused
 * file by its errors (message, stride, n, dropped as for refused). Returns whether it failed. */
static bool import_failed(const struct bar *bar, enum lmn_rc rc, const struct lmn_err *err,
			  const char *path, const char *message, size_t stride, size_t n,
			  size_t dropped)
{
	if (bar->tty && bar->shown >= 0)
		fputc('\n', stderr);
	if (rc == LMN_EINVAL && n > 0 && message)
		refused(path, message, stride, n, dropped);
	else if (rc != LMN_OK)
		cli_error("%s", err->message);
	return rc != LMN_OK;
}

static enum lmn_rc read_file(const char *path, char **data, size_t *len, struct lmn_err *err)
{
	FILE *f = fopen(path, "rb");
	struct buf b;
	char chunk[65536];
	size_t n;

	if (!f)
		return lmn_err_set(err, LMN_EIO, NULL, NULL, "%s: %s", path, strerror(errno));
	buf_init(&b, (size_t)1 << 30);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&b, chunk, n);
	if (ferror(f) || b.failed) {
		fclose(f);
		buf_release(&b);
		return lmn_err_set(err, LMN_EIO, NULL, NULL,
				   "%s: cannot read (or larger than 1 GiB)", path);
	}
	fclose(f);
	*len = b.len;
	*data = b.data; /* the buffer's storage is now the caller's */
	return LMN_OK;
}

static int import_assortment(const char *path, const char *db_path, lmn_day default_from)
{
	struct bar bar = { .tty = isatty(STDERR_FILENO) == 1, .phase = "läser", .shown = -1 };
	struct assortment_options opt = { .default_price_from = default_from,
					  .progress = on_read,
					  .progress_ctx = &bar };
	struct assortment_import imp;
	struct articles_counts n = { 0 };
	struct clock_now now;
	struct db *db = NULL;
	struct db_conn *c = NULL;
	struct lmn_err err;
	char *data = NULL;
	size_t len = 0;
	enum lmn_rc rc;
	int status = 1;

	assortment_import_init(&imp);
	if ((rc = clock_now(&now, &err)) != LMN_OK ||
	    (rc = read_file(path, &data, &len, &err)) != LMN_OK) {
		cli_error("%s", err.message);
		goto out;
	}
	if (default_from == LMN_DAY_NONE)
		opt.default_price_from = now.day;
	/* The store first: a row's area must be in its product area list (issue 18). */
	if ((rc = db_open(db_path, &db, &err)) == LMN_OK)
		rc = assortment_csv_read(data, len, &opt, &imp, &err);
	if (rc == LMN_OK && (rc = db_acquire(db, &c, &err)) == LMN_OK &&
	    (rc = db_begin(c, true, &err)) == LMN_OK) {
		rc = articles_write(c, &imp, now.day, on_write, &bar, &n, &err);
		if (rc == LMN_OK)
			rc = db_commit(c, &err);
		if (rc != LMN_OK)
			db_rollback(c);
	}
	if (import_failed(&bar, rc, &err, path, imp.errors ? imp.errors[0].message : NULL,
			  sizeof(imp.errors[0]), imp.nerrors, imp.errors_dropped))
		goto out;
	printf("lmn: %zu rader importerade: %ld nya artiklar, %ld uppdaterade, %ld priser satta\n",
	       imp.nrows, n.created, n.updated, n.prices_set);
	status = 0;
out:
	if (c)
		db_release(db, c);
	db_close(db);
	free(data);
	assortment_import_release(&imp);
	return status;
}

/* Names the bar's phase (a new one is drawn from its start). */
static void phase(struct bar *b, const char *name)
{
	if (b->phase != name)
		b->shown = -1;
	b->phase = name;
}

static void on_history(void *ctx, enum history_phase ph, size_t done, size_t total)
{
	static const char *const names[] = {
		[HISTORY_ROWS] = "importerar", [HISTORY_INDEXES] = "bygger index"
	};
	struct bar *b = ctx;

	phase(b, names[ph]);
	draw(b, total ? (int)(done * 100 / total) : 100);
}

static int import_history(enum history_kind kind, const char *path, const char *db_path,
			  const char *rules_dir)
{
	struct bar bar = { .tty = isatty(STDERR_FILENO) == 1, .phase = "importerar", .shown = -1 };
	struct history_result res;
	struct clock_now now;
	struct params p;
	struct db *db = NULL;
	struct db_conn *c = NULL;
	struct lmn_err err;
	char *data = NULL;
	size_t len = 0;
	enum lmn_rc rc;
	int status = 1;

	history_result_init(&res);
	if (!db_path_is_pg(db_path) && access(db_path, F_OK) != 0) {
		cli_error("--db %s: no such database", db_path);
		return 1;
	}
	if (cli_load_rules_db(&p, rules_dir, db_path) != LMN_OK)
		return 1;
	if ((rc = clock_now(&now, &err)) != LMN_OK ||
	    (rc = read_file(path, &data, &len, &err)) != LMN_OK) {
		cli_error("%s", err.message);
		goto out;
	}
	/* A file is one transaction. Its page cache is kept small (32 MiB): SQLite then writes pages
	 * to the file as the cache fills (rows and indexes are written in order, so a page is
	 * rarely read again) and reuses the cache's memory. A cache that held the whole file
	 * (tried: 2 GiB) made the commit write every page at the end and needed as much fresh
	 * memory again: a million orders took 1.6 s longer (bench/README.md). Set inside the
	 * transaction, it applies to the writer connection, where its statements run.
	 * SQLite does not check the foreign keys: the import looks up every patient, unit, article
	 * and order it refers to, and otherwise refers to rows it wrote. Unless lmn serve has the
	 * store open, the import has it alone and writes its pages straight into the database file,
	 * not into a log to be copied from again (db_open_alone).
	 * On PostgreSQL the file is one ordinary writing transaction (README). */
	if ((rc = db_open_alone(db_path, &db, &err)) == LMN_OK &&
	    (rc = db_acquire(db, &c, &err)) == LMN_OK &&
	    (rc = db_begin_bulk_unchecked(c, &err)) == LMN_OK &&
	    (db_is_pg(c) || (rc = db_exec(c, "PRAGMA cache_size = -32768", &err)) == LMN_OK)) {
		rc = history_import(c, &p, kind, data, len, now.iso, on_history, &bar, &res, &err);
		if (rc == LMN_OK) {
			phase(&bar, "sparar");
			draw(&bar, 100);
			rc = db_commit(c, &err);
		}
		if (rc != LMN_OK)
			db_rollback(c);
	}
	if (import_failed(&bar, rc, &err, path, res.errors ? res.errors[0].message : NULL,
			  sizeof(res.errors[0]), res.nerrors, res.errors_dropped))
		goto out;
	if (kind == HISTORY_ORDERS)
		printf("lmn: %zu rader importerade: %zu beställningar med %zu orderrader\n",
		       res.rows, res.orders, res.lines);
	else if (kind == HISTORY_DELIVERIES)
		printf("lmn: %zu rader importerade: %zu leveranser\n", res.rows, res.shipments);
	else
		printf("lmn: %zu rader importerade: %zu samtal\n", res.rows, res.calls);
	status = 0;
out:
	if (c)
		db_release(db, c);
	db_close(db);
	free(data);
	history_result_release(&res);
	params_release(&p);
	return status;
}

int cmd_import(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "price-from", required_argument, NULL, 'f' },
		{ "rules", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	static const char use[] =
		"usage: lmn import assortment FILE [--db PATH] [--price-from DATE]\n"
		"       lmn import orders|deliveries|calls FILE [--db PATH] [--rules DIR]";
	const char *db_path = "var/lmn.db", *rules_dir = NULL;
	lmn_day from = LMN_DAY_NONE;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (c == 'd') {
			db_path = optarg;
		} else if (c == 'r') {
			rules_dir = optarg;
		} else if (c == 'f') {
			if (date_parse(optarg, strlen(optarg), &from) != LMN_OK ||
			    strlen(optarg) != 10) {
				cli_error("--price-from: expected YYYY-MM-DD, got '%s'", optarg);
				return EXIT_USAGE;
			}
		} else {
			cli_error("%s", use);
			return EXIT_USAGE;
		}
	}
	if (argc - optind == 2 && strcmp(argv[optind], "orders") == 0)
		return import_history(HISTORY_ORDERS, argv[optind + 1], db_path, rules_dir);
	if (argc - optind == 2 && strcmp(argv[optind], "deliveries") == 0)
		return import_history(HISTORY_DELIVERIES, argv[optind + 1], db_path, rules_dir);
	if (argc - optind == 2 && strcmp(argv[optind], "calls") == 0)
		return import_history(HISTORY_CALLS, argv[optind + 1], db_path, rules_dir);
	if (argc - optind != 2 || strcmp(argv[optind], "assortment") != 0) {
		cli_error("%s", use);
		return EXIT_USAGE;
	}
	return import_assortment(argv[optind + 1], db_path, from);
}

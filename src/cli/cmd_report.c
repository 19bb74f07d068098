/* lmn report: the tertial and year key figures, the monthly invoice basis and the surplus repayment
 * from the command line, as JSON, CSV or an HTML page (the same as the API and the web pages). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "report/render.h"
#include "store/reports.h"
#include "util/clock.h"
#include "web/report_html.h"

enum format { F_JSON, F_CSV, F_HTML };

struct opts {
	const char *db_path, *rules_dir;
	enum format format;
	lmn_day asof;
};

static const char use[] =
	"usage: lmn report tertial YEAR T [--format json|csv|html] [--as-of DATE] [--db PATH] "
	"[--rules DIR]\n"
	"       lmn report year YEAR [--format json|csv|html] [--as-of DATE] [--db PATH] "
	"[--rules DIR]\n"
	"       lmn report invoice YYYY-MM [--format json|csv|html] [--db PATH]\n"
	"       lmn report repayment YEAR SURPLUS_ORE [--format json|csv] [--db PATH]";

static bool parse_int(const char *s, long min, long max, long *out)
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

static int write_out(struct buf *b)
{
	if (b->failed) {
		cli_error("out of memory");
		return 1;
	}
	if (b->len && fwrite(b->data, 1, b->len, stdout) != b->len) {
		cli_error("cannot write the report: %s", strerror(errno));
		return 1;
	}
	return 0;
}

static int write_json(json_t *o)
{
	int rc = o && json_dumpf(o, stdout, JSON_INDENT(2)) == 0 ? 0 : 1;

	json_decref(o);
	if (rc)
		cli_error("cannot write the report");
	else
		fputc('\n', stdout);
	return rc;
}

static int keyfigures(struct db_conn *c, const struct params *p, int year, int tertial,
		      const struct opts *o)
{
	struct kf_bundle b;
	struct lmn_err err;
	struct buf out;
	int status;

	if (reports_build(c, p, year, tertial, o->asof, &b, &err) != LMN_OK) {
		cli_error("%s", err.message);
		return 1;
	}
	buf_init(&out, BUF_DEFAULT_MAX);
	if (o->format == F_JSON) {
		status = write_json(render_keyfigures_json(b.report, b.trend, b.ntrend, o->asof));
	} else {
		if (o->format == F_CSV) {
			render_keyfigures_csv(b.report, b.trend, b.ntrend, &out);
		} else {
			json_t *j = render_keyfigures_json(b.report, b.trend, b.ntrend, o->asof);
			report_html_keyfigures_page(j, &out);
			json_decref(j);
		}
		status = write_out(&out);
	}
	buf_release(&out);
	reports_bundle_release(&b);
	return status;
}

static int invoice(struct db_conn *c, const char *month, const struct opts *o)
{
	struct invoice_line *lines;
	struct lmn_err err;
	struct buf out;
	lmn_day from, until;
	size_t n;
	int status;

	if (invoice_month_parse(month, &from, &until, &err) != LMN_OK) {
		cli_error("%s", err.message);
		return EXIT_USAGE;
	}
	if (reports_invoice(c, from, until, &lines, &n, &err) != LMN_OK) {
		cli_error("%s", err.message);
		return 1;
	}
	buf_init(&out, BUF_DEFAULT_MAX);
	if (o->format == F_JSON) {
		status = write_json(render_invoice_json(month, lines, n));
	} else {
		if (o->format == F_CSV) {
			render_invoice_csv(lines, n, &out);
		} else {
			json_t *j = render_invoice_json(month, lines, n);
			report_html_invoice_page(j, &out);
			json_decref(j);
		}
		status = write_out(&out);
	}
	buf_release(&out);
	free(lines);
	return status;
}

static int repayment(struct db_conn *c, long year, long surplus, const struct opts *o)
{
	struct repayment *r;
	struct lmn_err err;
	struct buf out;
	size_t n;
	int status;

	if (reports_repayment(c, (int)year, surplus, &r, &n, &err) != LMN_OK) {
		cli_error("%s", err.message);
		return 1;
	}
	buf_init(&out, BUF_DEFAULT_MAX);
	if (o->format == F_CSV) {
		render_repayment_csv(r, n, &out);
		status = write_out(&out);
	} else {
		status = write_json(render_repayment_json((int)year, surplus, r, n));
	}
	buf_release(&out);
	free(r);
	return status;
}

int cmd_report(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "rules", required_argument, NULL, 'r' },
		{ "format", required_argument, NULL, 'f' },
		{ "as-of", required_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	struct opts o = { .db_path = "var/lmn.db", .format = F_JSON, .asof = LMN_DAY_NONE };
	struct params p;
	struct db *db = NULL;
	struct db_conn *c = NULL;
	struct lmn_err err;
	const char *what;
	long year = 0, t = 0, surplus = 0;
	int ch, status = EXIT_USAGE, nargs;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (ch == 'd') {
			o.db_path = optarg;
		} else if (ch == 'r') {
			o.rules_dir = optarg;
		} else if (ch == 'f' && strcmp(optarg, "json") == 0) {
			o.format = F_JSON;
		} else if (ch == 'f' && strcmp(optarg, "csv") == 0) {
			o.format = F_CSV;
		} else if (ch == 'f' && strcmp(optarg, "html") == 0) {
			o.format = F_HTML;
		} else if (ch == 'a' && strlen(optarg) == 10 &&
			   date_parse(optarg, 10, &o.asof) == LMN_OK) {
			continue;
		} else {
			cli_error("%s", use);
			return EXIT_USAGE;
		}
	}
	nargs = argc - optind;
	what = nargs > 0 ? argv[optind] : "";
	if (!((strcmp(what, "tertial") == 0 && nargs == 3 &&
	       parse_int(argv[optind + 1], 1900, 2199, &year) &&
	       parse_int(argv[optind + 2], 1, 3, &t)) ||
	      (strcmp(what, "year") == 0 && nargs == 2 &&
	       parse_int(argv[optind + 1], 1900, 2199, &year)) ||
	      (strcmp(what, "invoice") == 0 && nargs == 2) ||
	      (strcmp(what, "repayment") == 0 && nargs == 3 &&
	       parse_int(argv[optind + 1], 1900, 2199, &year) &&
	       parse_int(argv[optind + 2], 0, 1000000000000L, &surplus) && o.format != F_HTML))) {
		cli_error("%s", use);
		return EXIT_USAGE;
	}
	if (o.asof == LMN_DAY_NONE) {
		struct clock_now now;
		if (clock_now(&now, &err) != LMN_OK) {
			cli_error("%s", err.message);
			return 1;
		}
		o.asof = now.day;
	}
	if (!db_path_is_pg(o.db_path) && access(o.db_path, F_OK) != 0) {
		cli_error("--db %s: no such database", o.db_path);
		return 1;
	}
	if (cli_load_rules_db(&p, o.rules_dir, o.db_path) != LMN_OK)
		return 1;
	if (db_open(o.db_path, &db, &err) != LMN_OK || db_acquire(db, &c, &err) != LMN_OK) {
		cli_error("%s", err.message);
		status = 1;
	} else if (strcmp(what, "tertial") == 0 || strcmp(what, "year") == 0) {
		status = keyfigures(c, &p, (int)year, (int)t, &o);
	} else if (strcmp(what, "invoice") == 0) {
		status = invoice(c, argv[optind + 1], &o);
	} else {
		status = repayment(c, year, surplus, &o);
	}
	if (c)
		db_release(db, c);
	db_close(db);
	params_release(&p);
	return status;
}

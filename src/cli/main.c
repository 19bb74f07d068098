/* lmn: the ordering portal and supply system for LMN products. Dispatches git-style subcommands. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "store/rules_store.h"
#include "store/rules_files.h"
#include "util/localtime.h"

#ifndef LMN_VERSION
#define LMN_VERSION "0"
#endif

static const char usage[] =
	"usage: lmn <command> [<args>]\n"
	"\n"
	"  serve [--db PATH] [--port N] [--listen ADDR] [--threads N] [--rules DIR]\n"
	"                                 serve the web UI and API (default var/lmn.db, port 8080)\n"
	"  demo [--db PATH] [--rules DIR]  fill an empty database with fictional demo data\n"
	"  import assortment FILE [--db PATH] [--price-from DATE]\n"
	"                                 import an assortment CSV file: all rows or none\n"
	"  import orders|deliveries|calls FILE [--db PATH] [--rules DIR]\n"
	"                                 import history from the end-of-life system: all rows or none\n"
	"  report tertial YEAR T | year YEAR [--format json|csv|html] [--as-of DATE] [--db PATH]\n"
	"                                 key figures of quality follow-up against the targets in force\n"
	"  report invoice YYYY-MM [--format json|csv|html] [--db PATH]\n"
	"                                 the month's invoice basis per care provider and cost centre\n"
	"  report repayment YEAR SURPLUS_ORE [--format json|csv] [--db PATH]\n"
	"                                 a year's surplus repaid pro rata to what each was charged\n"
	"  store copy --from SOURCE --to DEST [--batch N]\n"
	"                                 copy a whole store into a new one (SQLite or PostgreSQL),\n"
	"                                 then compare every table's rows and checksum\n"
	"  store backup [--db PATH] --to FILE\n"
	"                                 an online backup of a live SQLite store, checked\n"
	"  calendar holidays YEAR         list a year's non-working days with their Swedish names\n"
	"  calendar add DATE N            the date N working days after DATE\n"
	"  calendar between FROM TO       working days in (FROM, TO]\n"
	"  rules show [--on DATE] [--rules DIR] [--db PATH]\n"
	"                                 every rule parameter as in force on DATE, with its source\n"
	"  rules eval [--rules DIR] [--db PATH]\n"
	"                                 evaluate order facts, JSON lines on stdin → answers on stdout\n"
	"  rules check [--rules DIR] [--db PATH]\n"
	"                                 validate the rule files (and the change log's rule versions)\n"
	"  governance quorum FILE|- [--share N/D]\n"
	"                                 quorum per agenda item from a JSON description\n"
	"  version                        print the version\n";

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
};

static int cmd_version(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("lmn %s\n", LMN_VERSION);
	return 0;
}

static const struct command commands[] = {
	{ "serve", cmd_serve },		  { "demo", cmd_demo },
	{ "import", cmd_import },	  { "report", cmd_report },
	{ "governance", cmd_governance }, { "calendar", cmd_calendar },
	{ "rules", cmd_rules },		  { "store", cmd_store },
	{ "version", cmd_version },
};

void cli_error(const char *fmt, ...)
{
	va_list ap;

	fputs("lmn: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

enum lmn_rc cli_load_rules(struct params *p, const char *dir)
{
	struct lmn_err err;
	enum lmn_rc rc;

	params_init(p);
	rc = rules_files_load(p, dir ? dir : rules_files_default_dir(), &err);
	if (rc != LMN_OK) {
		cli_error("%s", err.message);
		params_release(p);
	}
	return rc;
}

enum lmn_rc cli_load_rules_db(struct params *p, const char *dir, const char *db_path)
{
	struct lmn_err err;
	struct db *db = NULL;
	struct db_conn *c = NULL;
	enum lmn_rc rc;

	if (!db_path)
		return cli_load_rules(p, dir);
	if (!db_path_is_pg(db_path) && access(db_path, F_OK) != 0) {
		cli_error("--db %s: no such database", db_path);
		return LMN_ENOTFOUND;
	}
	params_init(p);
	if ((rc = db_open(db_path, &db, &err)) == LMN_OK &&
	    (rc = db_acquire(db, &c, &err)) == LMN_OK) {
		rc = rules_store_load(p, dir ? dir : rules_files_default_dir(), c, NULL, &err);
		db_release(db, c);
	}
	db_close(db);
	if (rc != LMN_OK) {
		cli_error("%s", err.message);
		params_release(p);
	}
	return rc;
}

int main(int argc, char **argv)
{
	struct lmn_err err;

	if (argc < 2 || strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0) {
		fputs(usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : 0;
	}
	if (strcmp(argv[1], "--version") == 0)
		return cmd_version(0, NULL);
	if (localtime_init(&err) != LMN_OK) {
		cli_error("%s", err.message);
		return 1;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].fn(argc - 1, argv + 1);
	cli_error("'%s' is not an lmn command; see 'lmn help'", argv[1]);
	return EXIT_USAGE;
}

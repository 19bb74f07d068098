/* lmn demo: fill an empty database with the fictional demo data set. */
#include <getopt.h>
#include <stdio.h>

#include "cli/cli.h"
#include "demo/demo.h"
#include "util/clock.h"

int cmd_demo(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "rules", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	const char *db_path = "var/lmn.db", *rules = NULL;
	struct demo_counts n;
	struct clock_now now;
	struct params p;
	struct db *db = NULL;
	struct lmn_err err;
	int c, status = 1;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (c == 'd') {
			db_path = optarg;
		} else if (c == 'r') {
			rules = optarg;
		} else {
			cli_error("usage: lmn demo [--db PATH] [--rules DIR]");
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		cli_error("usage: lmn demo [--db PATH] [--rules DIR]");
		return EXIT_USAGE;
	}
	if (clock_now(&now, &err) != LMN_OK) {
		cli_error("%s", err.message);
		return 1;
	}
	/* The store first: its product area list is what the rule files may name (issue 18). */
	if (db_open(db_path, &db, &err) != LMN_OK) {
		cli_error("%s", err.message);
		return 1;
	}
	if (cli_load_rules(&p, rules) != LMN_OK) {
		db_close(db);
		return 1;
	}
	fprintf(stderr, "lmn: demodata till %s (allt är påhittat; priserna är exempel)\n", db_path);
	if (demo_load(db, &p, now.day, stderr, &n, &err) != LMN_OK) {
		cli_error("demo: %s", err.message);
		goto out;
	}
	printf("lmn: demo loaded: %ld patients, %ld articles, %ld prescriptions, %ld orders, "
	       "%ld calls, %ld users (password %s)\n",
	       n.patients, n.articles, n.prescriptions, n.orders, n.calls, n.users, DEMO_PASSWORD);
	status = 0;
out:
	db_close(db);
	params_release(&p);
	return status;
}

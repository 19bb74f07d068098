/* lmn rules: show, check and evaluate the rule parameters. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "codec/eval_stream.h"
#include "util/buf.h"
#include "util/localtime.h"

/* The database given with --db: its change log's decisions count too. */
static const char *db_path;

/* Parses --rules DIR, --db PATH and --on DATE (when on != NULL); false on a usage error. */
static bool options(int argc, char **argv, const char **dir, lmn_day *on)
{
	static const struct option longopts[] = {
		{ "rules", required_argument, NULL, 'r' },
		{ "db", required_argument, NULL, 'd' },
		{ "on", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (c == 'r') {
			*dir = optarg;
		} else if (c == 'd') {
			db_path = optarg;
		} else if (c == 'o' && on) {
			if (date_parse(optarg, strlen(optarg), on) != LMN_OK) {
				cli_error("--on: expected a date YYYY-MM-DD, got '%s'", optarg);
				return false;
			}
		} else {
			return false;
		}
	}
	return optind == argc;
}

static int show(int argc, char **argv)
{
	struct params p;
	const struct rule_set *rs;
	const struct rule_section *secs;
	const char *dir = NULL;
	size_t nsec;
	lmn_day on;
	char date[11];
	struct buf b;

	if (localtime_today(&on) != LMN_OK || !options(argc, argv, &dir, &on)) {
		cli_error("usage: lmn rules show [--on YYYY-MM-DD] [--rules DIR] [--db PATH]");
		return EXIT_USAGE;
	}
	if (cli_load_rules_db(&p, dir, db_path) != LMN_OK)
		return 1;
	date_format(on, date);
	rs = params_at(&p, on);
	if (!rs) {
		cli_error("no rules are loaded");
		params_release(&p);
		return 1;
	}
	buf_init(&b, 0);
	buf_addf(&b, "Regler i kraft %s\n", date);
	secs = rule_sections(&nsec);
	for (size_t s = 0; s < nsec; s++) {
		const struct param_source *seen[P__COUNT] = { NULL };
		size_t nseen = 0;

		buf_addf(&b, "\n%s %s\n", secs[s].id, secs[s].title);
		for (int i = 0; i < P__COUNT; i++) {
			const struct param_def *d = param_def((enum param_id)i);
			size_t k;
			if (strcmp(d->section, secs[s].id) != 0)
				continue;
			size_t before = b.len;
			buf_addf(&b, "  %s = ", d->key);
			param_format((enum param_id)i, rs->v[i], &b);
			size_t w = b.len - before;
			buf_addf(&b, "%*s[%s]\n", w < 56 ? (int)(56 - w) : 1, "", rs->src[i]->ref);
			for (k = 0; k < nseen && seen[k] != rs->src[i]; k++)
				;
			if (k == nseen)
				seen[nseen++] = rs->src[i];
		}
		for (size_t k = 0; k < nseen; k++) {
			char decided[11];
			date_format(seen[k]->decided, decided);
			/* An original version's start is not in our sources (DOMAIN.md §9). */
			if (seen[k]->original)
				buf_addf(&b, "  %s: sedan före ändringsloggen, %s. %s (%s:%d)\n",
					 seen[k]->ref, seen[k]->body, seen[k]->reference,
					 seen[k]->file, seen[k]->line);
			else
				buf_addf(&b, "  %s: beslutad %s av %s. %s (%s:%d)\n", seen[k]->ref,
					 decided, seen[k]->body, seen[k]->reference, seen[k]->file,
					 seen[k]->line);
		}
	}
	fwrite(b.data, 1, b.len, stdout);
	buf_release(&b);
	params_release(&p);
	return 0;
}

static int check(int argc, char **argv)
{
	struct params p;
	const char *dir = NULL;

	if (!options(argc, argv, &dir, NULL)) {
		cli_error("usage: lmn rules check [--rules DIR] [--db PATH]");
		return EXIT_USAGE;
	}
	if (cli_load_rules_db(&p, dir, db_path) != LMN_OK)
		return 1;
	printf("%zu versions, %zu rule sets: ok\n", p.nsources, p.nsets);
	params_release(&p);
	return 0;
}

static int eval(int argc, char **argv)
{
	struct params p;
	struct eval_stats st;
	struct lmn_err err;
	const char *dir = NULL;
	enum lmn_rc rc;

	if (!options(argc, argv, &dir, NULL)) {
		cli_error("usage: lmn rules eval [--rules DIR] [--db PATH] < facts.jsonl");
		return EXIT_USAGE;
	}
	if (cli_load_rules_db(&p, dir, db_path) != LMN_OK)
		return 1;
	rc = eval_stream(&p, STDIN_FILENO, STDOUT_FILENO, EVAL_FULL, &st, &err);
	params_release(&p);
	if (rc != LMN_OK) {
		cli_error("%s", err.message);
		return 1;
	}
	return 0;
}

int cmd_rules(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "show") == 0)
		return show(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "eval") == 0)
		return eval(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "check") == 0)
		return check(argc - 1, argv + 1);
	cli_error("usage: lmn rules show [--on DATE] | eval | check  [--rules DIR] [--db PATH]");
	return EXIT_USAGE;
}

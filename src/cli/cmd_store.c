/* lmn store copy --from SOURCE --to DEST: a whole store into a new one, SQLite or PostgreSQL
 * either side (store/store_copy.h), with a progress bar, then each table's rows and checksum read
 * back from both sides. lmn store backup --db PATH --to FILE: an online backup of a live SQLite
 * store (db_backup), checked before it is called done. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "store/migrations.h"
#include "store/store_copy.h"

static const char usage_copy[] = "usage: lmn store copy --from SOURCE --to DEST [--batch N]";
static const char usage_backup[] = "usage: lmn store backup [--db PATH] --to FILE";
static const char usage_store[] = "usage: lmn store copy --from SOURCE --to DEST [--batch N]\n"
				  "       lmn store backup [--db PATH] --to FILE";

struct bar {
	bool tty;
	size_t table; /* the table drawn last, SIZE_MAX: none */
	int shown;    /* tenths (plain lines) or fortieths (terminal) shown of it */
};

static void progress(void *ctx, size_t table, int64_t done, int64_t total)
{
	struct bar *b = ctx;
	const char *name = store_copy_tables[table].name;
	int steps = b->tty ? 40 : 10;
	int step = total > 0 ? (int)(done * steps / total) : steps;

	if (table != b->table) {
		if (b->tty && b->table != SIZE_MAX)
			fputc('\n', stderr);
		b->table = table;
		b->shown = -1;
	}
	if (step == b->shown)
		return;
	b->shown = step;
	if (b->tty) {
		char line[41];

		memset(line, '#', (size_t)step);
		memset(line + step, '.', (size_t)(40 - step));
		line[40] = '\0';
		fprintf(stderr, "\r[%2zu/%zu] %-24s [%s] %" PRId64 " av %" PRId64 " rader",
			table + 1, store_copy_ntables, name, line, done, total);
		fflush(stderr);
	} else if (step > 0 || total == 0) {
		fprintf(stderr, "lmn: [%zu/%zu] %s: %" PRId64 " av %" PRId64 " rader\n", table + 1,
			store_copy_ntables, name, done, total);
	}
}

/* A libpq address rather than a file (db_open tells the two apart the same way). */
static bool is_url(const char *address)
{
	return strncmp(address, "postgresql://", 13) == 0 ||
	       strncmp(address, "postgres://", 11) == 0;
}

/* Opens both stores, the destination created and migrated; refuses a source whose schema number
 * is not this lmn's (read before it is opened, so it is never migrated), differing schema numbers
 * and a destination that is not as a new store is. */
static int open_both(const char *from_path, const char *to_path, struct db **from, struct db **to)
{
	struct lmn_err err;
	int64_t counts[2];
	size_t table;
	int vfrom, vto;
	bool is_new;

	if (!is_url(from_path) && access(from_path, F_OK) != 0) {
		cli_error("källan %s finns inte: ange en befintlig databas med --from", from_path);
		return 1;
	}
	/* The source's number first, read without migrating it: a copy never writes its source. */
	if (db_peek_schema(from_path, &vfrom, &err) != LMN_OK) {
		cli_error("källans %s schemanummer kunde inte läsas: %s", from_path, err.message);
		return 1;
	}
	if (vfrom < migration_count) {
		cli_error(
			"källan %s har schema %d men denna lmn har schema %d: uppdatera källan "
			"först (lmn serve --db %s uppdaterar den) eller kopiera med den lmn som har "
			"schema %d; inget skrevs, källan är orörd",
			from_path, vfrom, migration_count, from_path, vfrom);
		return 1;
	}
	if (vfrom > migration_count) {
		cli_error("källan %s har schema %d men denna lmn har schema %d: kopiera med en lmn "
			  "som har schema %d; inget skrevs, källan är orörd",
			  from_path, vfrom, migration_count, vfrom);
		return 1;
	}
	if (db_open(from_path, from, &err) != LMN_OK) {
		cli_error("källan %s kunde inte öppnas: %s", from_path, err.message);
		return 1;
	}
	if (db_open_alone(to_path, to, &err) != LMN_OK) {
		cli_error("målet %s kunde inte öppnas: %s", to_path, err.message);
		return 1;
	}
	if (db_schema_version(*from, &vfrom, &err) != LMN_OK ||
	    db_schema_version(*to, &vto, &err) != LMN_OK) {
		cli_error("%s", err.message);
		return 1;
	}
	if (vfrom != vto) {
		cli_error("källan %s har schema %d men målet %s har schema %d: de måste ha samma "
			  "nummer; inget skrevs",
			  from_path, vfrom, to_path, vto);
		return 1;
	}
	if (store_copy_is_new(*to, &is_new, &table, counts, &err) != LMN_OK) {
		cli_error("målet %s: %s", to_path, err.message);
		return 1;
	}
	if (!is_new && counts[0] < counts[1]) {
		/* Seed rows gone: a store emptied by hand rather than removed. */
		cli_error("målet %s saknar rader: tabellen %s har %" PRId64 " rader men en ny "
			  "databas har %" PRId64 "; inget skrevs. %s",
			  to_path, store_copy_tables[table].name, counts[0], counts[1],
			  is_url(to_path)
				  ? "Ange en ny databas som mål (dropdb och createdb)"
				  : "Ta bort filen (och dess -wal och -shm) eller ange en ny "
				    "fil som mål");
		return 1;
	}
	if (!is_new) {
		cli_error("målet %s är inte tomt: tabellen %s har %" PRId64 " rader (en ny databas "
			  "har %" PRId64 "%s); inget skrevs. Ange en ny databas som mål",
			  to_path, store_copy_tables[table].name, counts[0], counts[1],
			  counts[0] == counts[1] ? ", med annat innehåll" : "");
		return 1;
	}
	return 0;
}

/* Each table's rows and checksum on both sides; returns how many tables differ. */
static size_t report(const struct store_copy_sum *from, const struct store_copy_sum *to)
{
	size_t differ = 0;

	printf("%-24s %12s %16s  %s\n", "tabell", "rader", "kontrollsumma", "målet");
	for (size_t i = 0; i < store_copy_ntables; i++) {
		bool same = from[i].rows == to[i].rows && from[i].sum == to[i].sum;

		printf("%-24s %12" PRId64 " %016" PRIx64 "  ", store_copy_tables[i].name,
		       from[i].rows, from[i].sum);
		if (same)
			printf("lika\n");
		else
			printf("SKILJER SIG: %" PRId64 " rader, %016" PRIx64 "\n", to[i].rows,
			       to[i].sum);
		differ += !same;
	}
	return differ;
}

static int store_copy(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "batch", required_argument, NULL, 'b' },
		{ NULL, 0, NULL, 0 },
	};
	const char *from_path = NULL, *to_path = NULL;
	struct bar bar = { .tty = isatty(STDERR_FILENO) == 1, .table = SIZE_MAX, .shown = -1 };
	struct store_copy_options opt = { .progress = progress, .ctx = &bar };
	struct store_copy_sum *sums = NULL, *back = NULL;
	struct db *from = NULL, *to = NULL;
	struct lmn_err err;
	enum lmn_rc rc;
	size_t differ;
	int c, status = 1;
	char *end;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (c == 'f') {
			from_path = optarg;
		} else if (c == 't') {
			to_path = optarg;
		} else if (c == 'b') {
			opt.batch = strtoll(optarg, &end, 10);
			if (*end || opt.batch < 1) {
				cli_error("--batch %s: ange ett antal rader, minst 1", optarg);
				return EXIT_USAGE;
			}
		} else {
			cli_error("%s", usage_copy);
			return EXIT_USAGE;
		}
	}
	if (optind != argc || !from_path || !to_path) {
		cli_error("%s", usage_copy);
		return EXIT_USAGE;
	}
	sums = calloc(store_copy_ntables, sizeof(*sums));
	back = calloc(store_copy_ntables, sizeof(*back));
	if (!sums || !back) {
		cli_error("minnet räckte inte");
		goto out;
	}
	if (open_both(from_path, to_path, &from, &to) != 0)
		goto out;
	fprintf(stderr, "lmn: kopierar %s till %s (%zu tabeller)\n", from_path, to_path,
		store_copy_ntables);
	rc = store_copy_run(from, to, &opt, sums, &err);
	if (bar.tty && bar.table != SIZE_MAX)
		fputc('\n', stderr);
	if (rc != LMN_OK) {
		cli_error("kopieringen avbröts: %s", err.message);
		if (is_url(to_path))
			cli_error(
				"målet %s är ofullständigt: ta bort databasen och skapa den på nytt "
				"(dropdb och createdb), och börja om; att tömma tabellerna räcker "
				"inte",
				to_path);
		else
			cli_error("målet %s är ofullständigt: ta bort filen %s och dess %s-wal och "
				  "%s-shm, och börja om; att tömma tabellerna räcker inte",
				  to_path, to_path, to_path, to_path);
		goto out;
	}
	/* Read back from the destination, as a later lmn serve will. */
	if (store_copy_sums(to, false, back, &err) != LMN_OK) {
		cli_error("kontrollen av målet misslyckades: %s", err.message);
		goto out;
	}
	differ = report(sums, back);
	if (differ) {
		cli_error("kopian skiljer sig från källan i %zu tabeller (se SKILJER SIG ovan)",
			  differ);
		for (size_t i = 0; i < store_copy_ntables; i++)
			if (sums[i].rows != back[i].rows || sums[i].sum != back[i].sum)
				cli_error("skiljer sig: %s", store_copy_tables[i].name);
		goto out;
	}
	printf("lmn: kopian är lik källan: %zu tabeller, samma antal rader och kontrollsummor\n",
	       store_copy_ntables);
	status = 0;
out:
	db_close(to);
	db_close(from);
	free(sums);
	free(back);
	return status;
}

/* The backup's progress on stderr: a bar on a terminal, else a line per tenth. */
static void backup_progress(void *ctx, int64_t done, int64_t total)
{
	struct bar *b = ctx;
	int steps = b->tty ? 40 : 10;
	int step = total > 0 ? (int)(done * steps / total) : steps;

	if (step == b->shown)
		return;
	b->shown = step;
	b->table = 0; /* something was drawn */
	if (b->tty) {
		char line[41];

		memset(line, '#', (size_t)step);
		memset(line + step, '.', (size_t)(40 - step));
		line[40] = '\0';
		fprintf(stderr,
			"\rlmn: säkerhetskopierar [%s] %3d %% (%" PRId64 " av %" PRId64 " sidor)",
			line, (int)(total > 0 ? done * 100 / total : 100), done, total);
		fflush(stderr);
	} else {
		fprintf(stderr,
			"lmn: säkerhetskopierar: %d %% (%" PRId64 " av %" PRId64 " sidor)\n",
			(int)(total > 0 ? done * 100 / total : 100), done, total);
	}
}

static int store_backup(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "to", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	const char *db_path = "var/lmn.db", *to = NULL;
	struct bar bar = { .tty = isatty(STDERR_FILENO) == 1, .table = SIZE_MAX, .shown = -1 };
	struct db_backup_info info;
	struct lmn_err err;
	enum lmn_rc rc;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (c == 'd') {
			db_path = optarg;
		} else if (c == 't') {
			to = optarg;
		} else {
			cli_error("%s", usage_backup);
			return EXIT_USAGE;
		}
	}
	if (optind != argc || !to) {
		cli_error("%s", usage_backup);
		return EXIT_USAGE;
	}
	if (!is_url(db_path) && access(db_path, F_OK) != 0) {
		cli_error("databasen %s finns inte: ange en befintlig databas med --db", db_path);
		return 1;
	}
	if (access(to, F_OK) == 0) {
		cli_error(
			"%s finns redan: ange ett nytt filnamn med --to (en säkerhetskopia skriver "
			"aldrig över en fil)",
			to);
		return 1;
	}
	if (!is_url(db_path))
		fprintf(stderr, "lmn: säkerhetskopierar %s till %s\n", db_path, to);
	rc = db_backup(db_path, to, backup_progress, &bar, &info, &err);
	if (bar.tty && bar.table != SIZE_MAX)
		fputc('\n', stderr);
	if (rc == LMN_EEXIST) {
		cli_error(
			"%s finns redan: ange ett nytt filnamn med --to (en säkerhetskopia skriver "
			"aldrig över en fil)",
			to);
		return 1;
	}
	if (rc == LMN_EREFUSED) {
		cli_error(
			"lmn store backup säkerhetskopierar en SQLite-databas; en PostgreSQL-databas "
			"säkerhetskopieras med PostgreSQLs egna verktyg, pg_basebackup eller pg_dump "
			"(se README, Säkerhetskopiering och återställning) [%s]",
			err.message);
		return 1;
	}
	if (rc == LMN_ENOTFOUND) {
		cli_error("databasen %s finns inte: ange en befintlig databas med --db (%s)",
			  db_path, err.message);
		return 1;
	}
	if (rc != LMN_OK) {
		cli_error("säkerhetskopieringen misslyckades och %s togs bort: %s", to,
			  err.message);
		return 1;
	}
	printf("lmn: klart: %s är en kontrollerad kopia av %s (%" PRId64
	       " sidor, schema %d, integrity_check ok)\n",
	       to, db_path, info.pages, info.copy_schema);
	return 0;
}

int cmd_store(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "copy") == 0)
		return store_copy(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "backup") == 0)
		return store_backup(argc - 1, argv + 1);
	cli_error("%s", usage_store);
	return EXIT_USAGE;
}

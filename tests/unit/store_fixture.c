/* store_fixture.h: the stores of the unit tests, SQLite files in a temporary folder or databases
 * of a throwaway PostgreSQL cluster (LMN_TEST_PG), as tests/cli/tap.sh gives the shell tests. */
#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <libpq-fe.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store_fixture.h"

#define NAME_MAX_LEN 24
#define DATABASES    16

static char dir[PATH_MAX];			/* the temporary folder, once made */
static char made[DATABASES][NAME_MAX_LEN + 32]; /* the databases made, to drop */
static int nmade;

bool store_fixture_pg(void)
{
	const char *pg = getenv("LMN_TEST_PG");

	return pg && *pg;
}

static bool plain_name(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > NAME_MAX_LEN)
		return false;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
			return false;
	return true;
}

static int temp_dir(void)
{
	const char *tmp = getenv("TMPDIR");

	if (dir[0])
		return 0;
	snprintf(dir, sizeof(dir), "%s/lmn-test-store-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir)) {
		perror("store_fixture: mkdtemp");
		dir[0] = '\0';
		return -1;
	}
	return 0;
}

int store_fixture_sqlite(const char *name, char *out, size_t size)
{
	if (!plain_name(name)) {
		fprintf(stderr, "store_fixture: the name '%s' is not [a-z0-9_]{1,24}\n", name);
		return -1;
	}
	if (temp_dir() != 0)
		return -1;
	if ((size_t)snprintf(out, size, "%s/%s.db", dir, name) >= size) {
		fprintf(stderr, "store_fixture: %s/%s.db is too long\n", dir, name);
		return -1;
	}
	return 0;
}

/* The cluster's folder, absolute (libpq takes a host that begins with / for a socket's folder). */
static int cluster_dir(char *out, size_t size)
{
	char abs[PATH_MAX];

	if (!realpath(getenv("LMN_TEST_PG"), abs)) {
		fprintf(stderr, "store_fixture: LMN_TEST_PG=%s: ", getenv("LMN_TEST_PG"));
		perror(NULL);
		return -1;
	}
	if ((size_t)snprintf(out, size, "%s", abs) >= size)
		return -1;
	return 0;
}

/* Runs sql on the cluster's database postgres, as the shell tests' createdb does. */
static int admin(const char *sql)
{
	char host[PATH_MAX];
	const char *keys[] = { "host", "dbname", NULL };
	const char *vals[] = { host, "postgres", NULL };
	PGconn *pg;
	PGresult *res;
	int rc = 0;

	if (cluster_dir(host, sizeof(host)) != 0)
		return -1;
	pg = PQconnectdbParams(keys, vals, 0);
	if (PQstatus(pg) != CONNECTION_OK) {
		fprintf(stderr, "store_fixture: the cluster in %s: %s", host, PQerrorMessage(pg));
		PQfinish(pg);
		return -1;
	}
	res = PQexec(pg, sql);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		fprintf(stderr, "store_fixture: %s: %s", sql, PQerrorMessage(pg));
		rc = -1;
	}
	PQclear(res);
	PQfinish(pg);
	return rc;
}

/* s into out with every byte outside [A-Za-z0-9/._-] as %XX, for a URI's query. */
static int uri_encode(const char *s, char *out, size_t size)
{
	size_t n = 0;

	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		bool plain = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
			     (ch >= '0' && ch <= '9') || strchr("/._-", ch);

		if (n + 4 > size)
			return -1;
		n += (size_t)(plain ? snprintf(out + n, size - n, "%c", ch)
				    : snprintf(out + n, size - n, "%%%02X", ch));
	}
	if (n >= size)
		return -1;
	out[n] = '\0';
	return 0;
}

int store_fixture_address(const char *name, char *out, size_t size)
{
	char db[sizeof(made[0])], sql[2 * sizeof(made[0]) + 64], host[PATH_MAX],
		encoded[3 * PATH_MAX];

	if (!store_fixture_pg())
		return store_fixture_sqlite(name, out, size);
	if (!plain_name(name)) {
		fprintf(stderr, "store_fixture: the name '%s' is not [a-z0-9_]{1,24}\n", name);
		return -1;
	}
	if (nmade == DATABASES) {
		fprintf(stderr, "store_fixture: more than %d databases\n", DATABASES);
		return -1;
	}
	/* The process id keeps the test programs that run at once apart. */
	snprintf(db, sizeof(db), "lmn_u%ld_%s", (long)getpid(), name);
	snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS \"%.63s\" WITH (FORCE)", db);
	if (admin(sql) != 0)
		return -1;
	snprintf(sql, sizeof(sql), "CREATE DATABASE \"%.63s\"", db);
	if (admin(sql) != 0)
		return -1;
	snprintf(made[nmade++], sizeof(made[0]), "%s", db);
	if (cluster_dir(host, sizeof(host)) != 0 ||
	    uri_encode(host, encoded, sizeof(encoded)) != 0 ||
	    (size_t)snprintf(out, size, "postgresql:///%s?host=%s", db, encoded) >= size) {
		fprintf(stderr, "store_fixture: the address of %s does not fit\n", db);
		return -1;
	}
	return 0;
}

static int remove_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	if (remove(path) != 0) {
		perror(path);
		return -1;
	}
	return 0;
}

int store_fixture_cleanup(void)
{
	char sql[2 * sizeof(made[0]) + 64];
	int rc = 0;

	/* FORCE: a failed test may have left its store open. */
	for (int i = 0; i < nmade; i++) {
		snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS \"%.63s\" WITH (FORCE)",
			 made[i]);
		if (admin(sql) != 0)
			rc = -1;
	}
	nmade = 0;
	if (dir[0] && nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS) != 0)
		rc = -1;
	dir[0] = '\0';
	return rc;
}

int store_fixture_open(const char *name, struct db **db, struct db_conn **c)
{
	char path[512];
	struct lmn_err err;

	*db = NULL;
	*c = NULL;
	if (store_fixture_address(name, path, sizeof(path)) != 0)
		return -1;
	if (db_open(path, db, &err) != LMN_OK || db_acquire(*db, c, &err) != LMN_OK) {
		fprintf(stderr, "%s: %s\n", path, err.message);
		return -1;
	}
	return 0;
}

int store_fixture_close(struct db *db, struct db_conn *c)
{
	if (db && c)
		db_release(db, c);
	db_close(db);
	return store_fixture_cleanup();
}

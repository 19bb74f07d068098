/* A fresh store for each unit test that opens one (issue 22): a SQLite file in a temporary folder,
 * or, with LMN_TEST_PG=DIR (a cluster of tests/pg/cluster.sh running in DIR), a new database of
 * that cluster, made with CREATE DATABASE and dropped again by store_fixture_cleanup. */
#ifndef LMN_TEST_STORE_FIXTURE_H
#define LMN_TEST_STORE_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>

#include "store/db.h"

/* Whether the tests' stores are PostgreSQL databases (LMN_TEST_PG is set). */
bool store_fixture_pg(void);
/* The address of a new store for db_open into out (size bytes): under LMN_TEST_PG a new, empty
 * database of the cluster, else a SQLite file not yet there in the fixture's temporary folder.
 * name ([a-z0-9_], at most 24 bytes) is unique among one test program's stores. 0, or -1 with
 * the reason on stderr. */
int store_fixture_address(const char *name, char *out, size_t size);
/* The path of a SQLite file named name (as above) in the fixture's temporary folder, whatever
 * LMN_TEST_PG says: for what is about SQLite itself, and for the SQLite side of a copy. */
int store_fixture_sqlite(const char *name, char *out, size_t size);
/* A new store named name (as store_fixture_address), opened, and a connection of it in *c: 0, or
 * -1 with the reason on stderr. */
int store_fixture_open(const char *name, struct db **db, struct db_conn **c);
/* Lets go of the connection and the store (either may be NULL), then store_fixture_cleanup. */
int store_fixture_close(struct db *db, struct db_conn *c);
/* Removes the temporary folder with what is in it and drops the databases made. 0, or -1 with
 * the reason on stderr. */
int store_fixture_cleanup(void);

#endif

/* lmn store copy (issue 22): a whole store into an empty one, between any engines db_open accepts
 * (SQLite and PostgreSQL), through db.h only, with each table's row count and checksum to prove
 * the copy equal. */
#ifndef LMN_STORE_COPY_H
#define LMN_STORE_COPY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/db.h"
#include "util/rc.h"

/* A table the copy writes. The list (store_copy.c) names every table of the schema but
 * schema_migrations (each store's own record of its migrations; the copy requires the same
 * number), parents before the tables that refer to them; tests/unit/test_store_copy.c fails when
 * a migration adds a table it lacks or breaks that order. The columns are read from the rows. */
struct store_copy_table {
	const char *name;
	const char *key;      /* its primary key's columns, "a, b": the order rows are read in */
	const char *identity; /* the column the engine numbers (INTEGER PRIMARY KEY), or NULL */
};

extern const struct store_copy_table store_copy_tables[];
extern const size_t store_copy_ntables;

/* What a table holds: its rows, and the sum (mod 2^64) of a 64-bit hash of each row (every
 * column's name, type and value, in the order of the table's columns). A sum does not depend on
 * the order the rows are read in, which for text keys differs between engines (collations). */
struct store_copy_sum {
	int64_t rows;
	uint64_t sum;
};

/* Told after each batch of a table: the table's place in the list, rows written of its total. */
typedef void (*store_copy_progress_fn)(void *ctx, size_t table, int64_t done, int64_t total);

struct store_copy_options {
	int64_t batch; /* rows per transaction (0: 10 000) */
	store_copy_progress_fn progress;
	void *ctx;
};

/* Each table's rows and checksum (sums: store_copy_ntables of them). With counts_only the sums
 * are left 0 (a count is cheap, a sum reads every row). */
LMN_MUST_USE enum lmn_rc store_copy_sums(struct db *db, bool counts_only,
					 struct store_copy_sum *sums, struct lmn_err *err);

/* Whether db holds only what the migrations put into a new store (seed rows: product areas,
 * the change log's first decisions …): each table's count and checksum as in a new store made
 * in a temporary folder. Otherwise *table is the first table that differs (an index of the list)
 * and counts[0]/counts[1] its rows in db and in a new store. */
LMN_MUST_USE enum lmn_rc store_copy_is_new(struct db *db, bool *is_new, size_t *table,
					   int64_t counts[2], struct lmn_err *err);

/* Copies every table of from into to, which must be new (store_copy_is_new: its seed rows are
 * replaced by from's), with the ids as they are, in batches of transactions; then sets to's
 * identity counters past them. from is read in one transaction (a consistent picture of it).
 * sums (store_copy_ntables of them) get from's rows as they were read. */
LMN_MUST_USE enum lmn_rc store_copy_run(struct db *from, struct db *to,
					const struct store_copy_options *opt,
					struct store_copy_sum *sums, struct lmn_err *err);

#endif

/* Importing history from the end-of-life ordering system (issue 6): orders with their lines and times
 * of receipt, deliveries, and calls, as the CSV files documented in data/import/README.md.
 *
 * A file is read and written in one pass inside the caller's write transaction; every line is checked
 * (also against the store: patients, articles, units, orders) and every error kept with its line, so
 * the caller commits only a file without errors: all rows or none. Due and contact dates come from
 * the rule engine as in force when each order was received; shipments are checked against the
 * fulfilment rule in force on the day they were shipped.
 *
 * A large orders file is read, checked and decided on the calling thread while a second thread
 * writes the rows decided, on the caller's connection (never both at once): the connection must
 * not be used by anyone else until history_import returns. */
#ifndef LMN_IMPORT_HISTORY_H
#define LMN_IMPORT_HISTORY_H

#include <stddef.h>

#include "rules/params.h"
#include "store/db.h"
#include "util/rc.h"

enum history_kind { HISTORY_ORDERS, HISTORY_DELIVERIES, HISTORY_CALLS };

#define HISTORY_MAX_ERRORS 1000

struct history_error {
	long line;
	char message[400]; /* "rad 17, kolumn patient: …" in Swedish */
};

struct history_result {
	size_t rows; /* data rows read */
	size_t orders, lines, shipments, calls;
	struct history_error *errors; /* in line order */
	size_t nerrors, aerrors;
	size_t errors_dropped;
};

void history_result_init(struct history_result *r);
void history_result_release(struct history_result *r);

/* What an import is doing: reading, checking and writing the rows (done and total are bytes of
 * the file), then, for an orders file larger than the store, building the indexes set aside
 * (done of total indexes built). */
enum history_phase { HISTORY_ROWS, HISTORY_INDEXES };

/* Called now and then with how far the import has got. */
typedef void (*history_progress_fn)(void *ctx, enum history_phase phase, size_t done, size_t total);

/* Reads data[0, len) as a file of kind and writes it in the caller's write transaction. LMN_OK when
 * every row was written; LMN_EINVAL when out->errors lists errors (the caller must roll back);
 * other codes (with err) when the store or memory failed. now is the time of the import. */
LMN_MUST_USE enum lmn_rc history_import(struct db_conn *c, const struct params *p,
					enum history_kind kind, const char *data, size_t len,
					const char *now, history_progress_fn progress, void *pctx,
					struct history_result *out, struct lmn_err *err);

#endif

/* The assortment import jobs of the API (article_imports): one row per uploaded file, from its
 * start to its outcome. Every statement on the table is here. */
#ifndef LMN_STORE_ARTICLE_IMPORTS_H
#define LMN_STORE_ARTICLE_IMPORTS_H

#include <stdbool.h>
#include <stdint.h>

#include "store/db.h"
#include "util/rc.h"

/* Records an import started (state running) by created_by at created_at, run by server (a
 * "host:pid"), alive at alive_at (seconds since 1970), in the caller's write transaction; *id is
 * the new row's. */
LMN_MUST_USE enum lmn_rc article_imports_start(struct db_conn *c, int64_t created_by,
					       const char *created_at, const char *filename,
					       const char *price_from, int64_t bytes_total,
					       const char *server, int64_t alive_at, int64_t *id,
					       struct lmn_err *err);
/* Import id given up by its server (its worker failed): no longer alive for any server. */
LMN_MUST_USE enum lmn_rc article_imports_abandon(struct db_conn *c, int64_t id,
						 struct lmn_err *err);
/* How far the running import id has come, as its server tells at alive_at: phase (reading,
 * writing), rows and bytes. In the caller's write transaction. */
LMN_MUST_USE enum lmn_rc article_imports_progress(struct db_conn *c, int64_t id, const char *phase,
						  int64_t rows_done, int64_t rows_total,
						  int64_t bytes_done, int64_t alive_at,
						  struct lmn_err *err);

/* An import's row. Strings live while the callback that gets it runs. */
struct article_import_row {
	int64_t id;
	const char *created_at, *filename, *price_from;
	int64_t bytes_total;
	const char *state; /* running, done, failed */
	int64_t rows_total, articles_created, articles_updated, prices_set;
	const char *errors; /* a JSON array ("[]" when none) */
	int64_t errors_dropped;
	const char *finished_at; /* "" while running */
	/* While running: its server, last sign of life (0: none) and how far it has come. */
	const char *server, *phase;
	int64_t alive_at, rows_done, bytes_done;
};
typedef enum lmn_rc (*article_import_fn)(const struct article_import_row *r, void *arg);

/* Records the outcome of the import r->id (its state, counts, errors and finished_at), in the
 * caller's write transaction; errors NULL for none. */
LMN_MUST_USE enum lmn_rc article_imports_finish(struct db_conn *c,
						const struct article_import_row *r,
						struct lmn_err *err);
/* Calls fn for the import id, if there is one (*found). */
LMN_MUST_USE enum lmn_rc article_import_read(struct db_conn *c, int64_t id, article_import_fn fn,
					     void *arg, bool *found, struct lmn_err *err);
/* Calls fn for the newest import still running of a server other than except, if there is one
 * (*found). */
LMN_MUST_USE enum lmn_rc article_imports_running(struct db_conn *c, const char *except,
						 article_import_fn fn, void *arg, bool *found,
						 struct lmn_err *err);
/* Calls fn for the latest max imports, newest first; fn's failure stops the read. */
LMN_MUST_USE enum lmn_rc article_imports_latest(struct db_conn *c, int64_t max,
						article_import_fn fn, void *arg,
						struct lmn_err *err);

#endif

/* The assortment import jobs of the API. */
#include "store/article_imports.h"

#define IMPORT_COLUMNS                                                             \
	"id, created_at, filename, price_from, bytes_total, state, rows_total, "   \
	"articles_created, articles_updated, prices_set, coalesce(errors, '[]'), " \
	"errors_dropped, coalesce(finished_at, ''), coalesce(server, ''), "        \
	"coalesce(alive_at, 0), coalesce(phase, 'reading'), rows_done, bytes_done"

enum lmn_rc article_imports_start(struct db_conn *c, int64_t created_by, const char *created_at,
				  const char *filename, const char *price_from, int64_t bytes_total,
				  const char *server, int64_t alive_at, int64_t *id,
				  struct lmn_err *err)
{
	enum lmn_rc rc =
		db_do(c, err,
		      "INSERT INTO article_imports (created_by, created_at, filename, price_from, "
		      "bytes_total, state, server, alive_at, phase) "
		      "VALUES ($1, $2, $3, $4, $5, 'running', $6, $7, 'reading')",
		      "itttiti", created_by, created_at, filename, price_from, bytes_total, server,
		      alive_at);

	*id = db_last_id(c);
	return rc;
}

enum lmn_rc article_imports_abandon(struct db_conn *c, int64_t id, struct lmn_err *err)
{
	return db_do(
		c, err,
		"UPDATE article_imports SET alive_at = NULL WHERE id = $1 AND state = 'running'",
		"i", id);
}

enum lmn_rc article_imports_progress(struct db_conn *c, int64_t id, const char *phase,
				     int64_t rows_done, int64_t rows_total, int64_t bytes_done,
				     int64_t alive_at, struct lmn_err *err)
{
	return db_do(c, err,
		     "UPDATE article_imports SET phase = $2, rows_done = $3, rows_total = $4, "
		     "bytes_done = $5, alive_at = $6 WHERE id = $1 AND state = 'running'",
		     "itiiii", id, phase, rows_done, rows_total, bytes_done, alive_at);
}

enum lmn_rc article_imports_finish(struct db_conn *c, const struct article_import_row *r,
				   struct lmn_err *err)
{
	return db_do(
		c, err,
		"UPDATE article_imports SET state = $2, rows_total = $3, articles_created = $4, "
		"articles_updated = $5, prices_set = $6, errors = $7, errors_dropped = $8, "
		"finished_at = $9 WHERE id = $1",
		"itiiiitit", r->id, r->state, r->rows_total, r->articles_created,
		r->articles_updated, r->prices_set, r->errors, r->errors_dropped, r->finished_at);
}

/* Steps the bound st to its end, calling fn for each row of IMPORT_COLUMNS; *any whether there
 * was one. */
static enum lmn_rc import_rows(struct db_stmt *st, article_import_fn fn, void *arg, bool *any,
			       struct lmn_err *err)
{
	bool row;
	enum lmn_rc rc;

	*any = false;
	while ((rc = db_step(st, &row, err)) == LMN_OK && row) {
		struct article_import_row r = {
			.id = db_col_int(st, 0),
			.created_at = db_col_text(st, 1),
			.filename = db_col_text(st, 2),
			.price_from = db_col_text(st, 3),
			.bytes_total = db_col_int(st, 4),
			.state = db_col_text(st, 5),
			.rows_total = db_col_int(st, 6),
			.articles_created = db_col_int(st, 7),
			.articles_updated = db_col_int(st, 8),
			.prices_set = db_col_int(st, 9),
			.errors = db_col_text(st, 10),
			.errors_dropped = db_col_int(st, 11),
			.finished_at = db_col_text(st, 12),
			.server = db_col_text(st, 13),
			.alive_at = db_col_int(st, 14),
			.phase = db_col_text(st, 15),
			.rows_done = db_col_int(st, 16),
			.bytes_done = db_col_int(st, 17),
		};
		*any = true;
		if ((rc = fn(&r, arg)) != LMN_OK)
			break;
	}
	db_done(st);
	return rc;
}

enum lmn_rc article_import_read(struct db_conn *c, int64_t id, article_import_fn fn, void *arg,
				bool *found, struct lmn_err *err)
{
	struct db_stmt *st;
	enum lmn_rc rc =
		db_prepare(c, "SELECT " IMPORT_COLUMNS " FROM article_imports WHERE id = $1", &st,
			   err);

	*found = false;
	if (rc != LMN_OK)
		return rc;
	db_bind_int(st, 1, id);
	return import_rows(st, fn, arg, found, err);
}

enum lmn_rc article_imports_latest(struct db_conn *c, int64_t max, article_import_fn fn, void *arg,
				   struct lmn_err *err)
{
	struct db_stmt *st;
	bool any;
	enum lmn_rc rc = db_prepare(c,
				    "SELECT " IMPORT_COLUMNS
				    " FROM article_imports ORDER BY id DESC LIMIT $1",
				    &st, err);

	if (rc != LMN_OK)
		return rc;
	db_bind_int(st, 1, max);
	return import_rows(st, fn, arg, &any, err);
}

enum lmn_rc article_imports_running(struct db_conn *c, const char *except, article_import_fn fn,
				    void *arg, bool *found, struct lmn_err *err)
{
	struct db_stmt *st;
	enum lmn_rc rc =
		db_prepare(c,
			   "SELECT " IMPORT_COLUMNS " FROM article_imports "
			   "WHERE state = 'running' AND server <> $1 ORDER BY id DESC LIMIT 1",
			   &st, err);

	*found = false;
	if (rc != LMN_OK)
		return rc;
	db_bind_text(st, 1, except);
	return import_rows(st, fn, arg, found, err);
}

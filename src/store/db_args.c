/* One-line statements over db.h's prepare, bind and step (fossil's db_int, db_exists, db_text):
 * the parameters bound from a list of types, so a lookup or an update is one call and one
 * cleanup path. Engine-neutral: only db.h's own functions. */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/db.h"
#include "util/buf.h"

void db_bind_id(struct db_stmt *st, int i, int64_t id)
{
	if (id)
		db_bind_int(st, i, id);
	else
		db_bind_null(st, i);
}

/* Prepares sql and binds the arguments ap as types says; *out on LMN_OK. An unknown type letter
 * is a programming error, reported as LMN_EINVAL without running anything. */
static enum lmn_rc prepare_args(struct db_conn *c, const char *sql, const char *types, va_list ap,
				struct db_stmt **out, struct lmn_err *err)
{
	struct db_stmt *st = NULL;
	enum lmn_rc rc = db_prepare(c, sql, &st, err);

	if (rc != LMN_OK)
		return rc;
	for (int i = 1; types[i - 1]; i++) {
		switch (types[i - 1]) {
		case 'i':
			db_bind_int(st, i, va_arg(ap, int64_t));
			break;
		case 't':
			db_bind_text(st, i, va_arg(ap, const char *));
			break;
		case 'n':
			db_bind_null(st, i);
			break;
		default:
			db_done(st);
			return lmn_err_set(err, LMN_EINVAL, NULL, NULL,
					   "db: unknown parameter type %c", types[i - 1]);
		}
	}
	*out = st;
	return LMN_OK;
}

enum lmn_rc db_run_id(struct db_stmt *st, int64_t *id, struct lmn_err *err)
{
	bool row = false;
	enum lmn_rc rc = db_step(st, &row, err);

	*id = rc == LMN_OK && row ? db_col_int(st, 0) : 0;
	while (rc == LMN_OK && row)
		rc = db_step(st, &row, err);
	db_done(st);
	return rc;
}

enum lmn_rc db_do(struct db_conn *c, struct lmn_err *err, const char *sql, const char *types, ...)
{
	struct db_stmt *st = NULL;
	va_list ap;
	enum lmn_rc rc;

	va_start(ap, types);
	rc = prepare_args(c, sql, types, ap, &st, err);
	va_end(ap);
	return rc == LMN_OK ? db_run(st, err) : rc;
}

/* Prepares sql with the arguments ap and steps it once: *row whether it gave one. On LMN_OK *out
 * is left unreset for reading and the caller calls db_done on it; on failure it is done here. */
static enum lmn_rc first_row(struct db_conn *c, const char *sql, const char *types, va_list ap,
			     struct db_stmt **out, bool *row, struct lmn_err *err)
{
	enum lmn_rc rc = prepare_args(c, sql, types, ap, out, err);

	*row = false;
	if (rc != LMN_OK)
		return rc;
	if ((rc = db_step(*out, row, err)) != LMN_OK) {
		*row = false;
		db_done(*out);
	}
	return rc;
}

enum lmn_rc db_int(struct db_conn *c, int64_t *out, int64_t none, struct lmn_err *err,
		   const char *sql, const char *types, ...)
{
	struct db_stmt *st = NULL;
	va_list ap;
	bool row;
	enum lmn_rc rc;

	*out = none;
	va_start(ap, types);
	rc = first_row(c, sql, types, ap, &st, &row, err);
	va_end(ap);
	if (rc != LMN_OK)
		return rc;
	if (row && !db_col_null(st, 0))
		*out = db_col_int(st, 0);
	db_done(st);
	return rc;
}

enum lmn_rc db_exists(struct db_conn *c, bool *out, struct lmn_err *err, const char *sql,
		      const char *types, ...)
{
	struct db_stmt *st = NULL;
	va_list ap;
	enum lmn_rc rc;

	va_start(ap, types);
	rc = first_row(c, sql, types, ap, &st, out, err);
	va_end(ap);
	if (rc == LMN_OK)
		db_done(st);
	return rc;
}

enum lmn_rc db_text(struct db_conn *c, char *out, size_t size, struct lmn_err *err, const char *sql,
		    const char *types, ...)
{
	struct db_stmt *st = NULL;
	va_list ap;
	bool row;
	enum lmn_rc rc;

	if (size)
		*out = '\0';
	va_start(ap, types);
	rc = first_row(c, sql, types, ap, &st, &row, err);
	va_end(ap);
	if (rc != LMN_OK)
		return rc;
	if (row)
		db_col_copy(st, 0, out, size);
	db_done(st);
	return rc;
}

/* The statements db_rows_sql built, by head and rows: a few for the process (an import's tables
 * at one and at many rows), never freed. */
static struct rows_sql {
	const char *head;
	int rows;
	char *text;
} rows_built[32];
static pthread_mutex_t rows_lock = PTHREAD_MUTEX_INITIALIZER;

const char *db_rows_sql(const char *head, int columns, int rows)
{
	const char *text = NULL;
	struct buf b;
	size_t i;
	char *t;

	pthread_mutex_lock(&rows_lock);
	for (i = 0; i < sizeof(rows_built) / sizeof(rows_built[0]) && rows_built[i].head; i++)
		if (rows_built[i].head == head && rows_built[i].rows == rows)
			break;
	if (i < sizeof(rows_built) / sizeof(rows_built[0]) && rows_built[i].head) {
		text = rows_built[i].text;
	} else if (i < sizeof(rows_built) / sizeof(rows_built[0]) && columns > 0 && rows > 0) {
		buf_init(&b, BUF_DEFAULT_MAX);
		buf_adds(&b, head);
		db_add_values(&b, columns, rows);
		/* A buffer that failed holds part of the text: none is given then. */
		t = b.failed ? NULL : buf_detach(&b, NULL);
		buf_release(&b);
		if (t) {
			rows_built[i] = (struct rows_sql){ head, rows, t };
			text = t;
		}
	}
	pthread_mutex_unlock(&rows_lock);
	return text;
}

void db_add_values(struct buf *b, int columns, int rows)
{
	for (int r = 0; r < rows; r++) {
		buf_adds(b, r ? ", (" : "(");
		for (int k = 0; k < columns; k++)
			buf_addf(b, "%s$%d", k ? ", " : "", r * columns + k + 1);
		buf_addc(b, ')');
	}
}

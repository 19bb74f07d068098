/* db.h's functions, each handing the call to the backend of its database: PostgreSQL for a libpq
 * connection URI, SQLite for a file (db_engine.h). */
#include <stdio.h>
#include <string.h>

#include "store/db.h"
#include "store/db_engine.h"

#define IS_PG(p) (DB_ENGINE(p) == DB_PG)
#define PGDB(p)	 ((struct pg_db *)(void *)(p))
#define PGC(p)	 ((struct pg_conn *)(void *)(p))
#define PGST(p)	 ((struct pg_stmt *)(void *)(p))

bool db_path_is_pg(const char *path)
{
	return strncmp(path, "postgresql://", 13) == 0 || strncmp(path, "postgres://", 11) == 0;
}

enum lmn_rc db_open(const char *path, struct db **out, struct lmn_err *err)
{
	if (db_path_is_pg(path))
		return pg_open(path, (struct pg_db **)(void *)out, err);
	return sq_open(path, out, err);
}

/* PostgreSQL has no store to take alone: an import's transaction is an ordinary one there. */
enum lmn_rc db_open_alone(const char *path, struct db **out, struct lmn_err *err)
{
	if (db_path_is_pg(path))
		return pg_open(path, (struct pg_db **)(void *)out, err);
	return sq_open_alone(path, out, err);
}

void db_close(struct db *db)
{
	if (db && IS_PG(db))
		pg_close(PGDB(db));
	else
		sq_close(db);
}

/* PostgreSQL keeps its own log: nothing to size. */
enum lmn_rc db_size_log(struct db *db, struct lmn_err *err)
{
	return IS_PG(db) ? LMN_OK : sq_size_log(db, err);
}

enum lmn_rc db_schema_version(struct db *db, int *version, struct lmn_err *err)
{
	return IS_PG(db) ? pg_schema_version(PGDB(db), version, err)
			 : sq_schema_version(db, version, err);
}

enum lmn_rc db_ping(struct db *db, struct lmn_err *err)
{
	int v;

	return IS_PG(db) ? pg_schema_version(PGDB(db), &v, err) : sq_ping(db, err);
}

enum lmn_rc db_acquire(struct db *db, struct db_conn **out, struct lmn_err *err)
{
	return IS_PG(db) ? pg_acquire(PGDB(db), (struct pg_conn **)(void *)out, err)
			 : sq_acquire(db, out, err);
}

void db_release(struct db *db, struct db_conn *c)
{
	if (IS_PG(db))
		pg_release(PGDB(db), PGC(c));
	else
		sq_release(db, c);
}

bool db_is_pg(struct db_conn *c)
{
	return IS_PG(c);
}

enum lmn_rc db_begin(struct db_conn *c, bool write, struct lmn_err *err)
{
	return IS_PG(c) ? pg_begin(PGC(c), write, err) : sq_begin(c, write, err);
}

enum lmn_rc db_begin_bulk(struct db_conn *c, struct lmn_err *err)
{
	return IS_PG(c) ? pg_begin(PGC(c), true, err) : sq_begin_bulk(c, err);
}

/* PostgreSQL checks every foreign key: the caller's own checks only make it faster on SQLite. */
enum lmn_rc db_begin_bulk_unchecked(struct db_conn *c, struct lmn_err *err)
{
	return IS_PG(c) ? pg_begin(PGC(c), true, err) : sq_begin_bulk_unchecked(c, err);
}

enum lmn_rc db_commit(struct db_conn *c, struct lmn_err *err)
{
	return IS_PG(c) ? pg_commit(PGC(c), err) : sq_commit(c, err);
}

void db_rollback(struct db_conn *c)
{
	if (IS_PG(c))
		pg_rollback(PGC(c));
	else
		sq_rollback(c);
}

enum lmn_rc db_write(struct db_conn *c, db_write_fn fn, void *arg, struct lmn_err *err)
{
	return IS_PG(c) ? pg_write(PGC(c), fn, arg, PG_LOCK_AT_BEGIN, err)
			: sq_write(c, fn, arg, err);
}

enum lmn_rc db_write_pooled(struct db *db, db_write_fn fn, void *arg, struct lmn_err *err)
{
	struct db_conn *c;
	enum lmn_rc rc = db_acquire(db, &c, err);

	if (rc != LMN_OK)
		return rc;
	rc = db_write(c, fn, arg, err);
	db_release(db, c);
	return rc;
}

enum lmn_rc db_write_async(struct db *db, db_write_fn fn, void *arg, db_done_fn done,
			   void *done_arg, struct lmn_err *err)
{
	return IS_PG(db) ? pg_write_async(PGDB(db), fn, arg, PG_LOCK_AT_BEGIN, done, done_arg, err)
			 : sq_write_async(db, fn, arg, done, done_arg, err);
}

enum lmn_rc db_read_logged(struct db_conn *c, db_write_fn fn, void *arg, struct lmn_err *err)
{
	return IS_PG(c) ? pg_write(PGC(c), fn, arg, PG_LOCK_AT_WRITE, err)
			: sq_write(c, fn, arg, err);
}

enum lmn_rc db_read_logged_async(struct db *db, db_write_fn fn, void *arg, db_done_fn done,
				 void *done_arg, struct lmn_err *err)
{
	return IS_PG(db) ? pg_write_async(PGDB(db), fn, arg, PG_LOCK_AT_WRITE, done, done_arg, err)
			 : sq_write_async(db, fn, arg, done, done_arg, err);
}

enum lmn_rc db_prepare(struct db_conn *c, const char *sql, struct db_stmt **out,
		       struct lmn_err *err)
{
	return IS_PG(c) ? pg_prepare(PGC(c), sql, (struct pg_stmt **)(void *)out, err)
			: sq_prepare(c, sql, out, err);
}

void db_bind_int(struct db_stmt *st, int i, int64_t v)
{
	if (IS_PG(st))
		pg_bind_int(PGST(st), i, v);
	else
		sq_bind_int(st, i, v);
}

void db_bind_text(struct db_stmt *st, int i, const char *s)
{
	if (!IS_PG(st))
		sq_bind_text(st, i, s);
	else if (s)
		pg_bind_textn(PGST(st), i, s, strlen(s));
	else
		pg_bind_null(PGST(st), i);
}

void db_bind_textn(struct db_stmt *st, int i, const char *s, size_t n)
{
	if (IS_PG(st))
		pg_bind_textn(PGST(st), i, s, n);
	else
		sq_bind_textn(st, i, s, n);
}

void db_bind_text_kept(struct db_stmt *st, int i, const char *s)
{
	if (IS_PG(st))
		pg_bind_text_kept(PGST(st), i, s);
	else
		sq_bind_text_kept(st, i, s);
}

void db_bind_null(struct db_stmt *st, int i)
{
	if (IS_PG(st))
		pg_bind_null(PGST(st), i);
	else
		sq_bind_null(st, i);
}

int db_param_count(struct db_stmt *st)
{
	return IS_PG(st) ? pg_param_count(PGST(st)) : sq_param_count(st);
}

enum lmn_rc db_step(struct db_stmt *st, bool *row, struct lmn_err *err)
{
	return IS_PG(st) ? pg_step(PGST(st), row, err) : sq_step(st, row, err);
}

enum lmn_rc db_run(struct db_stmt *st, struct lmn_err *err)
{
	bool row = true;
	enum lmn_rc rc = LMN_OK;

	if (!IS_PG(st))
		return sq_run(st, err);
	while (rc == LMN_OK && row)
		rc = pg_step(PGST(st), &row, err);
	pg_done(PGST(st));
	return rc;
}

int64_t db_col_int(struct db_stmt *st, int i)
{
	return IS_PG(st) ? pg_col_int(PGST(st), i) : sq_col_int(st, i);
}

const char *db_col_text(struct db_stmt *st, int i)
{
	return IS_PG(st) ? pg_col_text(PGST(st), i) : sq_col_text(st, i);
}

void db_col_copy(struct db_stmt *st, int i, char *out, size_t size)
{
	const char *t;
	size_t n;

	if (!IS_PG(st)) {
		sq_col_copy(st, i, out, size);
		return;
	}
	if (size == 0)
		return;
	t = pg_col_text(PGST(st), i);
	n = pg_col_bytes(PGST(st), i);
	if (n >= size) { /* cut before the continuation bytes of a character that does not fit */
		n = size - 1;
		while (n > 0 && ((unsigned char)t[n] & 0xC0) == 0x80)
			n--;
	}
	if (n)
		memcpy(out, t, n);
	out[n] = '\0';
}

bool db_col_null(struct db_stmt *st, int i)
{
	return IS_PG(st) ? pg_col_null(PGST(st), i) : sq_col_null(st, i);
}

void db_done(struct db_stmt *st)
{
	if (IS_PG(st))
		pg_done(PGST(st));
	else
		sq_done(st);
}

int64_t db_last_id(struct db_conn *c)
{
	return IS_PG(c) ? pg_last_id(PGC(c)) : sq_last_id(c);
}

int64_t db_changes(struct db_conn *c)
{
	return IS_PG(c) ? pg_changes(PGC(c)) : sq_changes(c);
}

enum lmn_rc db_exec(struct db_conn *c, const char *sql, struct lmn_err *err)
{
	return IS_PG(c) ? pg_exec(PGC(c), sql, err) : sq_exec(c, sql, err);
}

enum lmn_rc db_ids_follow(struct db_conn *c, struct lmn_err *err)
{
	return IS_PG(c) ? pg_ids_follow(PGC(c), err) : LMN_OK;
}

/* ---- What a copy between stores needs (store_copy.c) ---- */

enum lmn_rc db_begin_copy(struct db_conn *c, struct lmn_err *err)
{
	return IS_PG(c) ? pg_begin_copy(PGC(c), err) : sq_begin_copy(c, err);
}

enum lmn_rc db_analyze(struct db_conn *c, const char *table, struct lmn_err *err)
{
	char sql[96];
	bool owner = false;
	enum lmn_rc rc;

	if (!IS_PG(c))
		return LMN_OK;
	/* A table the role does not own is skipped by ANALYZE with a warning, which libpq prints. */
	if ((rc = db_exists(c, &owner, err,
			    "SELECT 1 FROM pg_class WHERE oid = to_regclass($1) "
			    "AND pg_has_role(relowner, 'USAGE')",
			    "t", table)) != LMN_OK ||
	    !owner)
		return rc;
	if ((size_t)snprintf(sql, sizeof(sql), "ANALYZE \"%s\"", table) >= sizeof(sql))
		return lmn_err_set(err, LMN_EINVAL, NULL, NULL, "analyze: name too long");
	return db_exec(c, sql, err);
}

enum lmn_rc db_triggers_off(struct db_conn *c, bool *off, struct lmn_err *err)
{
	*off = false;
	return IS_PG(c) ? pg_triggers_off(PGC(c), off, err) : LMN_OK;
}

enum lmn_rc db_prepare_new(struct db_conn *c, const char *sql, struct db_stmt **out,
			   struct lmn_err *err)
{
	return IS_PG(c) ? pg_prepare_new(PGC(c), sql, (struct pg_stmt **)(void *)out, err)
			: sq_prepare_new(c, sql, out, err);
}

void db_finalize(struct db_stmt *st)
{
	if (st && IS_PG(st))
		pg_finalize(PGST(st));
	else
		sq_finalize(st);
}

int db_col_count(struct db_stmt *st)
{
	return IS_PG(st) ? pg_col_count(PGST(st)) : sq_col_count(st);
}

const char *db_col_name(struct db_stmt *st, int i)
{
	return IS_PG(st) ? pg_col_name(PGST(st), i) : sq_col_name(st, i);
}

enum db_type db_col_type(struct db_stmt *st, int i)
{
	return IS_PG(st) ? pg_col_type(PGST(st), i) : sq_col_type(st, i);
}

enum lmn_rc db_next_id(struct db_conn *c, const char *table, const char *column, int64_t *next,
		       struct lmn_err *err)
{
	return IS_PG(c) ? pg_next_id(PGC(c), table, column, next, err)
			: sq_next_id(c, table, column, next, err);
}

enum lmn_rc db_set_next_id(struct db_conn *c, const char *table, const char *column, int64_t next,
			   struct lmn_err *err)
{
	return IS_PG(c) ? pg_set_next_id(PGC(c), table, column, next, err)
			: sq_set_next_id(c, table, column, next, err);
}

enum lmn_rc db_peek_schema(const char *address, int *version, struct lmn_err *err)
{
	return db_path_is_pg(address) ? pg_peek_schema(address, version, err)
				      : sq_peek_schema(address, version, err);
}

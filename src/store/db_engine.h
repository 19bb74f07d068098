/* The engines behind db.h and the dispatch between them (db.c): each backend's structs start with
 * the engine's tag, and db.c calls the backend the tag names. SQLite's tag is 0, so its zeroed
 * structs carry it without being told. Included by the backends and db.c only. */
#ifndef LMN_DB_ENGINE_H
#define LMN_DB_ENGINE_H

#include "store/db.h"

enum db_engine { DB_SQLITE = 0, DB_PG = 1 };

/* The engine of a struct db, db_conn or db_stmt of either backend (its first member). */
#define DB_ENGINE(p) (*(const enum db_engine *)(const void *)(p))

/* SQLite (sqlite_conn.c, sqlite_commit.c, sqlite_checkpoint.c): db.h's functions, as sq_. */
enum lmn_rc sq_open(const char *path, struct db **out, struct lmn_err *err);
enum lmn_rc sq_open_alone(const char *path, struct db **out, struct lmn_err *err);
void sq_close(struct db *db);
enum lmn_rc sq_size_log(struct db *db, struct lmn_err *err);
enum lmn_rc sq_schema_version(struct db *db, int *version, struct lmn_err *err);
enum lmn_rc sq_ping(struct db *db, struct lmn_err *err);
enum lmn_rc sq_acquire(struct db *db, struct db_conn **out, struct lmn_err *err);
void sq_release(struct db *db, struct db_conn *c);
enum lmn_rc sq_begin(struct db_conn *c, bool write, struct lmn_err *err);
enum lmn_rc sq_begin_bulk(struct db_conn *c, struct lmn_err *err);
enum lmn_rc sq_begin_bulk_unchecked(struct db_conn *c, struct lmn_err *err);
enum lmn_rc sq_commit(struct db_conn *c, struct lmn_err *err);
void sq_rollback(struct db_conn *c);
enum lmn_rc sq_write(struct db_conn *c, db_write_fn fn, void *arg, struct lmn_err *err);
enum lmn_rc sq_write_async(struct db *db, db_write_fn fn, void *arg, db_done_fn done,
			   void *done_arg, struct lmn_err *err);
enum lmn_rc sq_prepare(struct db_conn *c, const char *sql, struct db_stmt **out,
		       struct lmn_err *err);
void sq_bind_int(struct db_stmt *st, int i, int64_t v);
void sq_bind_text(struct db_stmt *st, int i, const char *s);
void sq_bind_textn(struct db_stmt *st, int i, const char *s, size_t n);
void sq_bind_text_kept(struct db_stmt *st, int i, const char *s);
void sq_bind_null(struct db_stmt *st, int i);
int sq_param_count(struct db_stmt *st);
enum lmn_rc sq_step(struct db_stmt *st, bool *row, struct lmn_err *err);
enum lmn_rc sq_run(struct db_stmt *st, struct lmn_err *err);
int64_t sq_col_int(struct db_stmt *st, int i);
const char *sq_col_text(struct db_stmt *st, int i);
void sq_col_copy(struct db_stmt *st, int i, char *out, size_t size);
bool sq_col_null(struct db_stmt *st, int i);
void sq_done(struct db_stmt *st);
int64_t sq_last_id(struct db_conn *c);
int64_t sq_changes(struct db_conn *c);
enum lmn_rc sq_exec(struct db_conn *c, const char *sql, struct lmn_err *err);
/* What a copy between stores needs (store_copy.c), and a store's schema number unopened. */
enum lmn_rc sq_begin_copy(struct db_conn *c, struct lmn_err *err);
enum lmn_rc sq_prepare_new(struct db_conn *c, const char *sql, struct db_stmt **out,
			   struct lmn_err *err);
void sq_finalize(struct db_stmt *st);
int sq_col_count(struct db_stmt *st);
const char *sq_col_name(struct db_stmt *st, int i);
enum db_type sq_col_type(struct db_stmt *st, int i);
enum lmn_rc sq_next_id(struct db_conn *c, const char *table, const char *column, int64_t *next,
		       struct lmn_err *err);
enum lmn_rc sq_set_next_id(struct db_conn *c, const char *table, const char *column, int64_t next,
			   struct lmn_err *err);
enum lmn_rc sq_peek_schema(const char *path, int *version, struct lmn_err *err);

/* PostgreSQL (pg_conn.c, pg_write.c): the same, as pg_, on the backend's own structs. */
struct pg_db;
struct pg_conn;
struct pg_stmt;
enum lmn_rc pg_open(const char *conninfo, struct pg_db **out, struct lmn_err *err);
void pg_close(struct pg_db *db);
enum lmn_rc pg_schema_version(struct pg_db *db, int *version, struct lmn_err *err);
enum lmn_rc pg_acquire(struct pg_db *db, struct pg_conn **out, struct lmn_err *err);
void pg_release(struct pg_db *db, struct pg_conn *c);
enum lmn_rc pg_begin(struct pg_conn *c, bool write, struct lmn_err *err);
enum lmn_rc pg_commit(struct pg_conn *c, struct lmn_err *err);
void pg_rollback(struct pg_conn *c);
/* When a writing transaction takes the write lock (pg_write.c): at its start, or at its first
 * statement that is not a SELECT (db_read_logged). */
enum pg_lock { PG_LOCK_AT_BEGIN, PG_LOCK_AT_WRITE };
enum lmn_rc pg_write(struct pg_conn *c, db_write_fn fn, void *arg, enum pg_lock lock,
		     struct lmn_err *err);
enum lmn_rc pg_write_async(struct pg_db *db, db_write_fn fn, void *arg, enum pg_lock lock,
			   db_done_fn done, void *done_arg, struct lmn_err *err);
enum lmn_rc pg_prepare(struct pg_conn *c, const char *sql, struct pg_stmt **out,
		       struct lmn_err *err);
void pg_bind_int(struct pg_stmt *st, int i, int64_t v);
void pg_bind_textn(struct pg_stmt *st, int i, const char *s, size_t n);
void pg_bind_text_kept(struct pg_stmt *st, int i, const char *s);
void pg_bind_null(struct pg_stmt *st, int i);
int pg_param_count(struct pg_stmt *st);
enum lmn_rc pg_step(struct pg_stmt *st, bool *row, struct lmn_err *err);
int64_t pg_col_int(struct pg_stmt *st, int i);
const char *pg_col_text(struct pg_stmt *st, int i);
size_t pg_col_bytes(struct pg_stmt *st, int i);
bool pg_col_null(struct pg_stmt *st, int i);
void pg_done(struct pg_stmt *st);
int64_t pg_last_id(struct pg_conn *c);
int64_t pg_changes(struct pg_conn *c);
enum lmn_rc pg_exec(struct pg_conn *c, const char *sql, struct lmn_err *err);
enum lmn_rc pg_ids_follow(struct pg_conn *c, struct lmn_err *err);
enum lmn_rc pg_begin_copy(struct pg_conn *c, struct lmn_err *err);
enum lmn_rc pg_triggers_off(struct pg_conn *c, bool *off, struct lmn_err *err);
enum lmn_rc pg_prepare_new(struct pg_conn *c, const char *sql, struct pg_stmt **out,
			   struct lmn_err *err);
void pg_finalize(struct pg_stmt *st);
int pg_col_count(struct pg_stmt *st);
const char *pg_col_name(struct pg_stmt *st, int i);
enum db_type pg_col_type(struct pg_stmt *st, int i);
enum lmn_rc pg_next_id(struct pg_conn *c, const char *table, const char *column, int64_t *next,
		       struct lmn_err *err);
enum lmn_rc pg_set_next_id(struct pg_conn *c, const char *table, const char *column, int64_t next,
			   struct lmn_err *err);
enum lmn_rc pg_peek_schema(const char *conninfo, int *version, struct lmn_err *err);

#endif

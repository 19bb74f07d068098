/* The store's one interface. A backend per engine implements it (SQLite now, PostgreSQL next).
 *
 * SQL is written once with numbered parameters ($1, $2 …); a backend rewrites them to its own form.
 * Connections come from a pool, one per thread at a time; statements are prepared once per connection
 * and cached by the address of their SQL text, so pass string literals. */
#ifndef LMN_DB_H
#define LMN_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/rc.h"

struct db;
struct db_conn;
struct db_stmt;

/* Opens (creating if needed) the database at path: a PostgreSQL database when path is a libpq
 * connection URI (postgresql://… or postgres://…, several hosts allowed), else a SQLite file. It
 * applies every pending migration, each in its own transaction. */
LMN_MUST_USE enum lmn_rc db_open(const char *path, struct db **out, struct lmn_err *err);
/* Whether path names a PostgreSQL database (a libpq connection URI) rather than a SQLite file
 * (which a command may check exists before it opens it). */
bool db_path_is_pg(const char *path);
/* The same for a command-line job that writes much at once (an import): if no other process has
 * the database open, this process takes it alone until db_close (others wait for it) and its
 * transactions write their pages once, into the database file, instead of into the write-ahead
 * log and again at a checkpoint. Otherwise the database is used as db_open's. */
LMN_MUST_USE enum lmn_rc db_open_alone(const char *path, struct db **out, struct lmn_err *err);
void db_close(struct db *db);
/* Writes the write-ahead log out, as zeros beyond what it holds, to the size it reaches between
 * checkpoints (for a server, which writes from then on). Commits then overwrite the log from the
 * start, as they do anyway once a checkpoint has let SQLite start it again, instead of appending
 * to it until the first: an fdatasync of an overwrite is one flush of the disk, of an append also
 * one of the file system's journal (the file's new size). Without room on the disk the log is
 * left as it was, and grows as it would. */
LMN_MUST_USE enum lmn_rc db_size_log(struct db *db, struct lmn_err *err);

/* An online backup of a live SQLite store (lmn store backup) into to, a file that must not exist
 * (LMN_EEXIST otherwise; it is made with mode 0600): the store as of the backup's start, while
 * other processes (lmn serve) go on writing, copied with SQLite's online backup API in one read
 * transaction, a step at a time, progress(ctx, pages done, pages in all) after each. The copy is
 * then opened anew and must pass PRAGMA integrity_check and have the store's schema number; on any
 * failure it is removed. The store is opened read-only and not migrated. On PostgreSQL
 * (address postgresql://…) LMN_EREFUSED: its own tools back it up (pg_basebackup, pg_dump). */
typedef void (*db_backup_progress_fn)(void *ctx, int64_t done, int64_t total);
struct db_backup_info {
	int64_t pages;	 /* pages copied (the store's size as of the start) */
	int schema;	 /* the store's schema number in the snapshot */
	int copy_schema; /* the copy's, read back */
	bool checked;	 /* the copy passed integrity_check with the same schema number */
};
LMN_MUST_USE enum lmn_rc db_backup(const char *address, const char *to,
				   db_backup_progress_fn progress, void *ctx,
				   struct db_backup_info *info, struct lmn_err *err);

/* The number of the last applied migration. */
LMN_MUST_USE enum lmn_rc db_schema_version(struct db *db, int *version, struct lmn_err *err);
/* The same of the store at address without opening it as db_open does: nothing is migrated nor
 * written (SQLite: the file opened read-only; LMN_ENOTFOUND if it does not exist). For a command
 * that must see a store's schema number before it decides to use it (lmn store copy's source).
 * On PostgreSQL (postgresql://…) not yet: LMN_EREFUSED. */
LMN_MUST_USE enum lmn_rc db_peek_schema(const char *address, int *version, struct lmn_err *err);
/* A cheap query that proves the database answers. */
LMN_MUST_USE enum lmn_rc db_ping(struct db *db, struct lmn_err *err);

/* A connection for the calling thread until db_release. */
LMN_MUST_USE enum lmn_rc db_acquire(struct db *db, struct db_conn **out, struct lmn_err *err);
void db_release(struct db *db, struct db_conn *c);

/* Whether c is a PostgreSQL connection: for the few statements that need a form per engine. */
bool db_is_pg(struct db_conn *c);

/* An INSERT that names its table's id column and gives it id, or NULL (0) for the next one: SQLite
 * makes the next rowid of a NULL; PostgreSQL's identity column refuses NULL, so there the statement
 * says OVERRIDING USER VALUE (the value given is ignored, the identity's next is taken). head is
 * the statement up to its column list's closing parenthesis, tail the rest (VALUES … or SELECT …);
 * both literals, so each form has one address for the statement cache. */
#define DB_INSERT_ID(c, id, head, tail) \
	((id) || !db_is_pg(c) ? head " " tail : head " OVERRIDING USER VALUE " tail)
/* After rows were given their ids (the demo, an import): on PostgreSQL each identity's sequence
 * moves past the highest id of its table, as SQLite's next rowid follows by itself (nothing to
 * do there). */
LMN_MUST_USE enum lmn_rc db_ids_follow(struct db_conn *c, struct lmn_err *err);

/* After a writing transaction wrote many rows of table (an import), before it commits: on
 * PostgreSQL the planner's statistics of the table are made anew (ANALYZE, which counts the
 * transaction's own rows and takes effect with its commit), so that the next queries are not
 * planned for the table as it was (a table grown tenfold is read in id order for each of its rows
 * until autovacuum comes by). Nothing on SQLite, nor for a table the role does not own (which
 * PostgreSQL would not analyze). table is a name of the store's, never input. */
LMN_MUST_USE enum lmn_rc db_analyze(struct db_conn *c, const char *table, struct lmn_err *err);

/* Transactions. A write transaction takes the write lock at once, so it cannot fail half-way for
 * a lock. db_commit returns only when the transaction is durable. */
LMN_MUST_USE enum lmn_rc db_begin(struct db_conn *c, bool write, struct lmn_err *err);
/* A long writing transaction (an import): commits the open batch first and is committed on its
 * own, so no other request's commit waits for it. Ends as db_begin's do. */
LMN_MUST_USE enum lmn_rc db_begin_bulk(struct db_conn *c, struct lmn_err *err);
/* The same without SQLite checking each foreign key: for a caller that checks every reference
 * it writes itself (the history import looks up each patient, unit and article, and refers
 * otherwise only to rows it wrote). */
LMN_MUST_USE enum lmn_rc db_begin_bulk_unchecked(struct db_conn *c, struct lmn_err *err);
/* The same for a copy of another store (lmn store copy), which writes every row of every table as
 * it was, derived rows included: no table's triggers fire (one that derives rows, a report's sums
 * or the access log's filing, would derive again what is copied; one that refuses updates or
 * deletes of an append-only table is not needed for rows written as they were), and references
 * are not checked (a row may refer to a later one of its own table: prescription_items'
 * replaced_by). Outside that transaction everything is as before. PostgreSQL does both with
 * SET LOCAL session_replication_role = replica (as its logical replication writes rows), which
 * the superuser may set, or a role granted GRANT SET ON PARAMETER session_replication_role (15);
 * ALTER TABLE … DISABLE TRIGGER USER would keep checking references. Tried by hand on Debian's
 * PostgreSQL 15: no report sums derived, a dangling reference kept, the role back after COMMIT. */
LMN_MUST_USE enum lmn_rc db_begin_copy(struct db_conn *c, struct lmn_err *err);
/* Inside a writing transaction of a caller that does the work of the triggers on what it inserts
 * and checks every reference it writes (the history import's orders): on PostgreSQL, if this
 * connection's role may set session_replication_role (as for db_begin_copy), no trigger fires and
 * no reference is checked for the rest of the transaction, and *off is true. Otherwise, and on
 * SQLite (whose caller sets its triggers aside by name), nothing changes and *off is false. */
LMN_MUST_USE enum lmn_rc db_triggers_off(struct db_conn *c, bool *off, struct lmn_err *err);
LMN_MUST_USE enum lmn_rc db_commit(struct db_conn *c, struct lmn_err *err);
void db_rollback(struct db_conn *c);

/* A writing transaction as a function: db_write queues it for the store's writer thread, which
 * runs the transactions queued at the same time one after another in one batch. fn runs on that
 * thread with c's statements going to the writer; it must not begin, commit or roll back, nor wait
 * for other requests. It returns LMN_OK to keep its changes; anything else undoes them, and
 * db_write returns that result (the error is fn's to report, in its arg). On LMN_OK, db_write
 * returns once the changes are durable (or the commit's failure). */
typedef enum lmn_rc (*db_write_fn)(struct db_conn *c, void *arg);
LMN_MUST_USE enum lmn_rc db_write(struct db_conn *c, db_write_fn fn, void *arg,
				  struct lmn_err *err);

/* db_write on a connection of the pool, for a thread that holds none (background work). */
LMN_MUST_USE enum lmn_rc db_write_pooled(struct db *db, db_write_fn fn, void *arg,
					 struct lmn_err *err);

/* What db_write would return, told to a function instead: err is the store's own failure, or
 * NULL (fn reports its own in its arg). Called on one of the store's threads, maybe with the
 * store's locks held: it must not use the store, nor wait. */
typedef void (*db_done_fn)(void *done_arg, enum lmn_rc rc, const struct lmn_err *err);
/* As db_write, without waiting: fn(c, arg) runs on the writer thread (c: a connection whose
 * statements go to the writer) and done(done_arg, …) is called once the outcome is known (on
 * LMN_OK, once the changes are durable). Returns LMN_OK when the job is queued (done will be
 * called), else the failure (done will not be). */
LMN_MUST_USE enum lmn_rc db_write_async(struct db *db, db_write_fn fn, void *arg, db_done_fn done,
					void *done_arg, struct lmn_err *err);
/* As db_write and db_write_async, for a job that reads first and then writes only the record of
 * what it read (its access-log row): nothing it reads decides what it writes. On PostgreSQL its
 * transaction takes the write lock at its first statement that is not a SELECT rather than at its
 * start, so that its reads run beside other writing transactions; each of its statements sees
 * what was committed before it began. On SQLite it is a write job like any other. */
LMN_MUST_USE enum lmn_rc db_read_logged(struct db_conn *c, db_write_fn fn, void *arg,
					struct lmn_err *err);
LMN_MUST_USE enum lmn_rc db_read_logged_async(struct db *db, db_write_fn fn, void *arg,
					      db_done_fn done, void *done_arg, struct lmn_err *err);

/* A statement ready to bind (parameters cleared). sql must outlive the connection (a literal). */
LMN_MUST_USE enum lmn_rc db_prepare(struct db_conn *c, const char *sql, struct db_stmt **out,
				    struct lmn_err *err);
/* A statement whose SQL is built at run time (names of tables and columns, never values: lmn
 * store copy): prepared for this use, not cached, so sql may be freed once this returns. Free it
 * with db_finalize (before the connection is released). */
LMN_MUST_USE enum lmn_rc db_prepare_new(struct db_conn *c, const char *sql, struct db_stmt **out,
					struct lmn_err *err);
void db_finalize(struct db_stmt *st);
/* Binding errors are remembered and reported by db_step. Parameters count from 1, as $1. On
 * PostgreSQL a parameter's type comes from where it stands (a column it is compared with or
 * written to); one that nothing types, as in "$1 IS NULL" alone, fails the statement (and its
 * transaction) with "could not determine data type": write CAST($1 AS TEXT) there. */
void db_bind_int(struct db_stmt *st, int i, int64_t v);
void db_bind_text(struct db_stmt *st, int i, const char *s); /* NULL binds NULL */
void db_bind_textn(struct db_stmt *st, int i, const char *s, size_t n);
/* Without a copy: s (or NULL) must stay unchanged until the statement is done (db_run, db_done). */
void db_bind_text_kept(struct db_stmt *st, int i, const char *s);
void db_bind_null(struct db_stmt *st, int i);
/* An id, or NULL for 0 (none, or the next row's id in an INSERT). */
void db_bind_id(struct db_stmt *st, int i, int64_t id);
/* The highest parameter number the statement uses. */
int db_param_count(struct db_stmt *st);
/* Steps once: *row is true with a row to read, false when done. A constraint failure is LMN_EINVAL. */
LMN_MUST_USE enum lmn_rc db_step(struct db_stmt *st, bool *row, struct lmn_err *err);
/* Runs a statement that returns no rows (or ignores them) to its end. */
LMN_MUST_USE enum lmn_rc db_run(struct db_stmt *st, struct lmn_err *err);
/* Runs an INSERT … RETURNING id to its end; *id is the new row's id (0 without a row). The id a
 * row was given is its own on both engines, unlike PostgreSQL's lastval. */
LMN_MUST_USE enum lmn_rc db_run_id(struct db_stmt *st, int64_t *id, struct lmn_err *err);
/* Columns count from 0. Text stays valid until the next step or reset. */
int64_t db_col_int(struct db_stmt *st, int i);
const char *db_col_text(struct db_stmt *st, int i); /* "" for NULL */
/* Column i's text into out (size bytes), cut at a character's start when it is longer. */
void db_col_copy(struct db_stmt *st, int i, char *out, size_t size);
bool db_col_null(struct db_stmt *st, int i);
/* The statement's result columns (after db_step, whether or not it gave a row): how many, and
 * each one's name (valid while the statement is). */
int db_col_count(struct db_stmt *st);
const char *db_col_name(struct db_stmt *st, int i);
/* What the current row holds in column i. The store's columns are integers (SQLite INTEGER,
 * PostgreSQL bigint) and text; anything else is DB_OTHER. */
enum db_type { DB_NULL, DB_INT, DB_TEXT, DB_OTHER };
enum db_type db_col_type(struct db_stmt *st, int i);
/* Resets the statement so the cache can hand it out again. Always call when done. */
void db_done(struct db_stmt *st);

/* The rowid of the last insert and the rows the last statement changed, on this connection. */
int64_t db_last_id(struct db_conn *c);
int64_t db_changes(struct db_conn *c);
/* The id the engine gives the next row of table inserted without one, column being its identity
 * (an INTEGER PRIMARY KEY in SQLite: one after the highest id, or after the highest ever given for
 * an AUTOINCREMENT table; in PostgreSQL the identity's sequence). Table and column are names
 * of the store's, never input. */
LMN_MUST_USE enum lmn_rc db_next_id(struct db_conn *c, const char *table, const char *column,
				    int64_t *next, struct lmn_err *err);
/* Makes the id the engine gives table's next row at least next, and past every id in it: after
 * rows were written with their ids (lmn store copy). In SQLite only an AUTOINCREMENT table keeps a
 * counter to set (the others give one after the highest id anyway); in PostgreSQL the identity's
 * sequence: setval(pg_get_serial_sequence(table, column), greatest(next, max(column) + 1), false). */
LMN_MUST_USE enum lmn_rc db_set_next_id(struct db_conn *c, const char *table, const char *column,
					int64_t next, struct lmn_err *err);

/* Runs SQL without parameters (several statements allowed). */
LMN_MUST_USE enum lmn_rc db_exec(struct db_conn *c, const char *sql, struct lmn_err *err);

/* One-line statements (fossil's db_int, db_exists, db_text; db_args.c): sql, a literal, with its
 * parameters $1, $2 … bound in order from the arguments after types, one letter each: 'i' an
 * int64_t (cast an int), 't' a const char * (NULL binds NULL), 'n' NULL without an argument.
 * Values are always bound, never formatted into the SQL. */
/* Runs a statement that returns no rows. */
LMN_MUST_USE enum lmn_rc db_do(struct db_conn *c, struct lmn_err *err, const char *sql,
			       const char *types, ...);
/* The first column of the first row as an integer; none when there is no row (or it is NULL). */
LMN_MUST_USE enum lmn_rc db_int(struct db_conn *c, int64_t *out, int64_t none, struct lmn_err *err,
				const char *sql, const char *types, ...);
/* Whether the statement returns a row. */
LMN_MUST_USE enum lmn_rc db_exists(struct db_conn *c, bool *out, struct lmn_err *err,
				   const char *sql, const char *types, ...);
/* The first column of the first row copied into out (size bytes, as db_col_copy); "" when there is
 * no row. */
LMN_MUST_USE enum lmn_rc db_text(struct db_conn *c, char *out, size_t size, struct lmn_err *err,
				 const char *sql, const char *types, ...);

/* For an INSERT of many rows in one statement (an import): the text of head followed by rows
 * groups of columns numbered parameters, "head ($1, $2), ($3, $4)", which both engines take. Built
 * on its first use and kept for the process under (head, rows), so that db_prepare's cache finds
 * it by its address; head must be a literal. NULL when memory ran out (or after 32 such texts). */
const char *db_rows_sql(const char *head, int columns, int rows);
/* Appends the VALUES of such an INSERT to b: "($1, $2), ($3, $4)" for rows rows of columns
 * parameters (db_rows_sql's, and lmn store copy's of a table it learns from the source). */
struct buf;
void db_add_values(struct buf *b, int columns, int rows);

/* Rewrites $N parameters to ?N outside quotes and comments; out holds at least strlen(sql)+1. */
void db_rewrite_params(const char *sql, char *out);

#endif

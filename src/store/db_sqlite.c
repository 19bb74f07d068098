/* The SQLite backend of the store: a pool of connections, a statement cache per connection,
 * pragmas and migrations. */
#include "store/db.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "store/migrations.h"

#define STMT_CACHE 128 /* per connection; a power of two */

struct db_stmt {
	const char *key; /* the caller's SQL text */
	sqlite3_stmt *st;
	struct db_conn *conn;
	int bind_rc; /* first binding error */
};

struct db_conn {
	sqlite3 *conn;
	struct db_conn *next_free;
	struct db_stmt cache[STMT_CACHE];
};

struct db {
	char *path;
	pthread_mutex_t lock;
	struct db_conn *free;
};

static enum lmn_rc conn_fail(sqlite3 *conn, struct lmn_err *err, const char *what)
{
	int code = conn ? sqlite3_extended_errcode(conn) : SQLITE_ERROR;

	if ((code & 0xff) == SQLITE_CONSTRAINT)
		return lmn_err_set(err, LMN_EINVAL, NULL, NULL, "%s: %s", what, sqlite3_errmsg(conn));
	return lmn_err_set(err, LMN_EDB, NULL, NULL, "%s: %s", what,
			   conn ? sqlite3_errmsg(conn) : "no connection");
}

enum lmn_rc db_exec(struct db_conn *c, const char *sql, struct lmn_err *err)
{
	char *msg = NULL;

	if (sqlite3_exec(c->conn, sql, NULL, NULL, &msg) != SQLITE_OK) {
		enum lmn_rc rc = lmn_err_set(err, LMN_EDB, NULL, NULL, "%s", msg ? msg : "failed");
		sqlite3_free(msg);
		return rc;
	}
	return LMN_OK;
}

static void conn_close(struct db_conn *c)
{
	if (!c)
		return;
	for (int i = 0; i < STMT_CACHE; i++)
		sqlite3_finalize(c->cache[i].st);
	sqlite3_close(c->conn);
	free(c);
}

static enum lmn_rc conn_open(const char *path, struct db_conn **out, struct lmn_err *err)
{
	struct db_conn *c = calloc(1, sizeof(*c));
	enum lmn_rc rc;

	*out = NULL;
	if (!c)
		return lmn_err_set(err, LMN_ENOMEM, NULL, NULL, "out of memory");
	if (sqlite3_open_v2(path, &c->conn,
			    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
			    NULL) != SQLITE_OK) {
		rc = conn_fail(c->conn, err, path);
		conn_close(c);
		return rc;
	}
	sqlite3_busy_timeout(c->conn, 10000);
	rc = db_exec(c, "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA synchronous=FULL",
		     err);
	if (rc != LMN_OK) {
		conn_close(c);
		return rc;
	}
	*out = c;
	return LMN_OK;
}

static enum lmn_rc migrate(struct db_conn *c, struct lmn_err *err)
{
	struct db_stmt *st;
	int version = 0;
	bool row;
	enum lmn_rc rc;

	rc = db_exec(c,
		     "CREATE TABLE IF NOT EXISTS schema_migrations ("
		     " number INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT",
		     err);
	if (rc != LMN_OK)
		return rc;
	if ((rc = db_prepare(c, "SELECT coalesce(max(number), 0) FROM schema_migrations", &st,
			     err)) != LMN_OK)
		return rc;
	rc = db_step(st, &row, err);
	version = rc == LMN_OK && row ? (int)db_col_int(st, 0) : 0;
	db_done(st);
	if (rc != LMN_OK)
		return rc;
	if (version > migration_count)
		return lmn_err_set(err, LMN_EDB, NULL, NULL,
				   "the database is at migration %d, newer than this lmn (%d)", version,
				   migration_count);
	for (int i = version; i < migration_count; i++) {
		const struct migration *m = &migrations[i];

		if ((rc = db_begin(c, true, err)) != LMN_OK)
			return rc;
		rc = db_exec(c, m->sql, err);
		if (rc != LMN_OK) {
			char msg[sizeof(err->message)];
			snprintf(msg, sizeof(msg), "%s", err ? err->message : "");
			rc = lmn_err_set(err, LMN_EDB, NULL, NULL, "%s: %s", m->name, msg);
		}
		if (rc == LMN_OK &&
		    (rc = db_prepare(c,
				     "INSERT INTO schema_migrations (number, name, applied_at) "
				     "VALUES ($1, $2, strftime('%Y-%m-%dT%H:%M:%SZ','now'))",
				     &st, err)) == LMN_OK) {
			db_bind_int(st, 1, m->number);
			db_bind_text(st, 2, m->name);
			rc = db_run(st, err);
		}
		if (rc == LMN_OK)
			rc = db_commit(c, err);
		if (rc != LMN_OK) {
			db_rollback(c);
			return rc;
		}
	}
	return LMN_OK;
}

enum lmn_rc db_open(const char *path, struct db **out, struct lmn_err *err)
{
	struct db *db = calloc(1, sizeof(*db));
	enum lmn_rc rc;

	*out = NULL;
	if (!db || !(db->path = strdup(path))) {
		free(db);
		return lmn_err_set(err, LMN_ENOMEM, NULL, NULL, "out of memory");
	}
	pthread_mutex_init(&db->lock, NULL);
	rc = conn_open(path, &db->free, err);
	if (rc == LMN_OK)
		rc = migrate(db->free, err);
	if (rc != LMN_OK) {
		db_close(db);
		return rc;
	}
	*out = db;
	return LMN_OK;
}

void db_close(struct db *db)
{
	struct db_conn *c, *next;

	if (!db)
		return;
	for (c = db->free; c; c = next) {
		next = c->next_free;
		conn_close(c);
	}
	pthread_mutex_destroy(&db->lock);
	free(db->path);
	free(db);
}

enum lmn_rc db_acquire(struct db *db, struct db_conn **out, struct lmn_err *err)
{
	pthread_mutex_lock(&db->lock);
	*out = db->free;
	if (*out)
		db->free = (*out)->next_free;
	pthread_mutex_unlock(&db->lock);
	if (*out)
		return LMN_OK;
	return conn_open(db->path, out, err);
}

void db_release(struct db *db, struct db_conn *c)
{
	if (!c)
		return;
	if (!sqlite3_get_autocommit(c->conn))
		db_rollback(c); /* a transaction left open by a failed path */
	pthread_mutex_lock(&db->lock);
	c->next_free = db->free;
	db->free = c;
	pthread_mutex_unlock(&db->lock);
}

enum lmn_rc db_schema_version(struct db *db, int *version, struct lmn_err *err)
{
	struct db_conn *c;
	struct db_stmt *st;
	bool row = false;
	enum lmn_rc rc;

	if ((rc = db_acquire(db, &c, err)) != LMN_OK)
		return rc;
	rc = db_prepare(c, "SELECT coalesce(max(number), 0) FROM schema_migrations", &st, err);
	if (rc == LMN_OK) {
		rc = db_step(st, &row, err);
		*version = row ? (int)db_col_int(st, 0) : 0;
		db_done(st);
	}
	db_release(db, c);
	return rc;
}

enum lmn_rc db_ping(struct db *db, struct lmn_err *err)
{
	int v;
	return db_schema_version(db, &v, err);
}

enum lmn_rc db_begin(struct db_conn *c, bool write, struct lmn_err *err)
{
	return db_exec(c, write ? "BEGIN IMMEDIATE" : "BEGIN", err);
}

enum lmn_rc db_commit(struct db_conn *c, struct lmn_err *err)
{
	return db_exec(c, "COMMIT", err);
}

void db_rollback(struct db_conn *c)
{
	if (!sqlite3_get_autocommit(c->conn))
		(void)sqlite3_exec(c->conn, "ROLLBACK", NULL, NULL, NULL);
}

void db_rewrite_params(const char *sql, char *out)
{
	char quote = 0;
	bool line_comment = false;

	for (; *sql; sql++, out++) {
		char ch = *sql;

		*out = ch;
		if (line_comment) {
			line_comment = ch != '\n';
		} else if (quote) {
			if (ch == quote)
				quote = 0;
		} else if (ch == '\'' || ch == '"') {
			quote = ch;
		} else if (ch == '-' && sql[1] == '-') {
			line_comment = true;
		} else if (ch == '$' && sql[1] >= '1' && sql[1] <= '9') {
			*out = '?';
		}
	}
	*out = '\0';
}

static size_t slot_of(const char *key)
{
	uintptr_t h = (uintptr_t)key;
	h ^= h >> 17;
	h *= 0x9e3779b97f4a7c15u;
	return (size_t)(h >> 40) & (STMT_CACHE - 1);
}

enum lmn_rc db_prepare(struct db_conn *c, const char *sql, struct db_stmt **out,
		       struct lmn_err *err)
{
	size_t i = slot_of(sql);

	for (size_t n = 0; n < STMT_CACHE; n++, i = (i + 1) & (STMT_CACHE - 1)) {
		struct db_stmt *s = &c->cache[i];
		if (s->key == sql) {
			sqlite3_reset(s->st);
			sqlite3_clear_bindings(s->st);
			s->bind_rc = SQLITE_OK;
			*out = s;
			return LMN_OK;
		}
		if (!s->key) {
			size_t len = strlen(sql);
			char *text = malloc(len + 1);
			int rc;

			if (!text)
				return lmn_err_set(err, LMN_ENOMEM, NULL, NULL, "out of memory");
			db_rewrite_params(sql, text);
			rc = sqlite3_prepare_v3(c->conn, text, (int)len + 1, SQLITE_PREPARE_PERSISTENT,
						&s->st, NULL);
			free(text);
			if (rc != SQLITE_OK) {
				s->st = NULL;
				return conn_fail(c->conn, err, "prepare");
			}
			s->key = sql;
			s->conn = c;
			s->bind_rc = SQLITE_OK;
			*out = s;
			return LMN_OK;
		}
	}
	return lmn_err_set(err, LMN_EDB, NULL, NULL, "statement cache full (%d)", STMT_CACHE);
}

static void bound(struct db_stmt *st, int rc)
{
	if (rc != SQLITE_OK && st->bind_rc == SQLITE_OK)
		st->bind_rc = rc;
}

void db_bind_int(struct db_stmt *st, int i, int64_t v)
{
	bound(st, sqlite3_bind_int64(st->st, i, v));
}

void db_bind_text(struct db_stmt *st, int i, const char *s)
{
	bound(st, s ? sqlite3_bind_text(st->st, i, s, -1, SQLITE_TRANSIENT)
		    : sqlite3_bind_null(st->st, i));
}

void db_bind_textn(struct db_stmt *st, int i, const char *s, size_t n)
{
	bound(st, sqlite3_bind_text64(st->st, i, s, n, SQLITE_TRANSIENT, SQLITE_UTF8));
}

void db_bind_null(struct db_stmt *st, int i)
{
	bound(st, sqlite3_bind_null(st->st, i));
}

int db_param_count(struct db_stmt *st)
{
	return sqlite3_bind_parameter_count(st->st);
}

enum lmn_rc db_step(struct db_stmt *st, bool *row, struct lmn_err *err)
{
	int rc;

	*row = false;
	if (st->bind_rc != SQLITE_OK)
		return lmn_err_set(err, LMN_EDB, NULL, NULL, "bind: %s", sqlite3_errstr(st->bind_rc));
	rc = sqlite3_step(st->st);
	if (rc == SQLITE_ROW) {
		*row = true;
		return LMN_OK;
	}
	if (rc == SQLITE_DONE)
		return LMN_OK;
	return conn_fail(st->conn->conn, err, "step");
}

enum lmn_rc db_run(struct db_stmt *st, struct lmn_err *err)
{
	bool row = true;
	enum lmn_rc rc = LMN_OK;

	while (rc == LMN_OK && row)
		rc = db_step(st, &row, err);
	db_done(st);
	return rc;
}

int64_t db_col_int(struct db_stmt *st, int i)
{
	return sqlite3_column_int64(st->st, i);
}

const char *db_col_text(struct db_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st->st, i);
	return t ? (const char *)t : "";
}

bool db_col_null(struct db_stmt *st, int i)
{
	return sqlite3_column_type(st->st, i) == SQLITE_NULL;
}

void db_done(struct db_stmt *st)
{
	sqlite3_reset(st->st);
}

int64_t db_last_id(struct db_conn *c)
{
	return sqlite3_last_insert_rowid(c->conn);
}

int64_t db_changes(struct db_conn *c)
{
	return sqlite3_changes64(c->conn);
}

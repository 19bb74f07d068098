/* The PostgreSQL backend of the store (libpq): opening and closing it, a pool of connections,
 * migrations under an advisory lock, and a cache of statements prepared on each connection. */
#include <libpq-fe.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/db.h"
#include "store/migrations.h"
#include "store/pg_int.h"
#include "store/product_areas.h"

/* The advisory lock that lets one server at a time migrate a database ("lmn" in ASCII). */
#define MIGRATION_LOCK "7105902"
/* Type oids of the parameters: bigint, and unknown for PostgreSQL to infer. */
#define INT8OID	   20
#define UNKNOWNOID 0
#define TEXTOID	   25

/* SQLSTATE classes: 08 connection exceptions, 23 integrity constraints (a trigger's refusal of
 * lmn_refuse() is 23000), 40 a serialization failure or deadlock, 53 insufficient resources,
 * 57P01-03 the server shutting down. */
enum lmn_rc pg_fail(struct pg_conn *c, const PGresult *res, struct lmn_err *err, const char *what)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	char text[400];

	if (!msg || !*msg)
		msg = c && c->pg ? PQerrorMessage(c->pg) : "no connection";
	snprintf(text, sizeof(text), "%s", msg);
	text[strcspn(text, "\n")] = '\0';
	if (!c || !c->pg || PQstatus(c->pg) != CONNECTION_OK ||
	    (state && (strncmp(state, "08", 2) == 0 || strncmp(state, "57P0", 4) == 0)))
		return lmn_err_set(err, LMN_EUNAVAIL, NULL, NULL,
				   "%s: the database cannot be reached: %s", what, text);
	/* A transaction that conflicted with another (a deadlock between a writer and a reader that
	 * writes): undone, for the client to try again. */
	if (state && (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0))
		return lmn_err_set(
			err, LMN_EUNAVAIL, NULL, NULL,
			"%s: the transaction conflicted with a concurrent one; try again", what);
	if (state && (strncmp(state, "23", 2) == 0 || strcmp(state, "P0001") == 0))
		return lmn_err_set(err, LMN_EINVAL, NULL, NULL, "%s: %s", what, text);
	if (state && (strcmp(state, "53100") == 0 || strcmp(state, "53400") == 0))
		return lmn_err_set(err, LMN_EFULL, NULL, NULL, "%s: %s", what, text);
	return lmn_err_set(err, LMN_EDB, NULL, NULL, "%s: %s%s%s", what, text,
			   state ? " / SQLSTATE " : "", state ? state : "");
}

/* Runs sql for its status (a result without rows, or with rows that are not read). */
enum lmn_rc pg_exec_status(struct pg_conn *c, const char *sql, struct lmn_err *err)
{
	PGresult *res = PQexec(c->pg, sql);
	ExecStatusType s = PQresultStatus(res);
	enum lmn_rc rc = LMN_OK;

	if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK)
		rc = pg_fail(c, res, err, "exec");
	PQclear(res);
	return rc;
}

enum lmn_rc pg_exec(struct pg_conn *c, const char *sql, struct lmn_err *err)
{
	enum lmn_rc rc = pg_lock_before(c, sql, err);

	return rc == LMN_OK ? pg_exec_status(c, sql, err) : rc;
}

static void stmt_release(struct pg_stmt *st)
{
	PQclear(st->res);
	for (int i = 0; i < st->nparams; i++)
		free(st->owned[i]);
	free(st->vals);
	free(st->kinds);
	free(st->ints);
	free(st->owned);
	free(st->owned_size);
}

static void conn_close(struct pg_conn *c)
{
	if (!c)
		return;
	for (int i = 0; i < PG_STMT_CACHE; i++)
		if (c->cache[i].key)
			stmt_release(&c->cache[i]);
	PQfinish(c->pg);
	free(c);
}

static enum lmn_rc conn_open(struct pg_db *db, struct pg_conn **out, struct lmn_err *err)
{
	struct pg_conn *c = calloc(1, sizeof(*c));
	enum lmn_rc rc;

	*out = NULL;
	if (!c)
		return lmn_err_set(err, LMN_ENOMEM, NULL, NULL, "out of memory");
	c->engine = DB_PG;
	c->db = db;
	c->pg = PQconnectdb(db->conninfo);
	if (!c->pg || PQstatus(c->pg) != CONNECTION_OK) {
		char msg[300];

		snprintf(msg, sizeof(msg), "%s", c->pg ? PQerrorMessage(c->pg) : "out of memory");
		msg[strcspn(msg, "\n")] = '\0';
		conn_close(c);
		return lmn_err_set(err, LMN_EUNAVAIL, NULL, NULL,
				   "the database cannot be reached: %s", msg);
	}
	/* Durable commits whatever the server's default; times of the database's own in UTC. */
	rc = pg_exec_status(c,
			    "SET synchronous_commit = on; SET client_min_messages = warning; "
			    "SET TIME ZONE 'UTC'",
			    err);
	if (rc != LMN_OK) {
		conn_close(c);
		return rc;
	}
	*out = c;
	return LMN_OK;
}

/* The first column of the first row of sql as an integer (none without one). */
static enum lmn_rc query_int(struct pg_conn *c, const char *sql, int64_t *out, struct lmn_err *err)
{
	PGresult *res = PQexec(c->pg, sql);
	enum lmn_rc rc = LMN_OK;

	*out = 0;
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		rc = pg_fail(c, res, err, "query");
	else if (PQntuples(res) > 0 && !PQgetisnull(res, 0, 0))
		*out = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return rc;
}

/* Applies the pending migrations, each in its own transaction, holding an advisory lock so that
 * two servers started at once do not both apply them. The table schema_migrations is SQLite's. */
static enum lmn_rc migrate_locked(struct pg_conn *c, struct lmn_err *err)
{
	int64_t version;
	enum lmn_rc rc = pg_exec_status(
		c,
		"CREATE TABLE IF NOT EXISTS schema_migrations ("
		" number bigint PRIMARY KEY, name text NOT NULL, applied_at text NOT NULL)",
		err);

	if (rc == LMN_OK)
		rc = query_int(c, "SELECT coalesce(max(number), 0) FROM schema_migrations",
			       &version, err);
	if (rc != LMN_OK)
		return rc;
	if (version > pg_migration_count)
		return lmn_err_set(err, LMN_EDB, NULL, NULL,
				   "the database is at migration %lld, newer than this lmn (%d)",
				   (long long)version, pg_migration_count);
	for (int i = (int)version; i < pg_migration_count; i++) {
		const struct migration *m = &pg_migrations[i];
		char number[16];
		const char *params[2] = { number, m->name };
		PGresult *res;

		snprintf(number, sizeof(number), "%d", m->number);
		if ((rc = pg_exec_status(c, "BEGIN", err)) != LMN_OK)
			return rc;
		if ((rc = pg_exec_status(c, m->sql, err)) != LMN_OK) {
			char msg[sizeof(err->message)];

			snprintf(msg, sizeof(msg), "%s", err ? err->message : "");
			rc = lmn_err_set(err, LMN_EDB, NULL, NULL, "%s: %s", m->name, msg);
		}
		if (rc == LMN_OK) {
			res = PQexecParams(
				c->pg,
				"INSERT INTO schema_migrations (number, name, applied_at) "
				"VALUES ($1, $2, to_char(now() AT TIME ZONE 'UTC', "
				"'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'))",
				2, NULL, params, NULL, NULL, 0);
			if (PQresultStatus(res) != PGRES_COMMAND_OK)
				rc = pg_fail(c, res, err, m->name);
			PQclear(res);
		}
		if (rc == LMN_OK)
			rc = pg_exec_status(c, "COMMIT", err);
		if (rc != LMN_OK) {
			PQclear(PQexec(c->pg, "ROLLBACK"));
			return rc;
		}
	}
	return LMN_OK;
}

static enum lmn_rc migrate(struct pg_conn *c, struct lmn_err *err)
{
	enum lmn_rc rc = pg_exec_status(c, "SELECT pg_advisory_lock(" MIGRATION_LOCK ")", err);

	if (rc != LMN_OK)
		return rc;
	rc = migrate_locked(c, err);
	PQclear(PQexec(c->pg, "SELECT pg_advisory_unlock(" MIGRATION_LOCK ")"));
	return rc;
}

enum lmn_rc pg_open(const char *conninfo, struct pg_db **out, struct lmn_err *err)
{
	struct pg_db *db = calloc(1, sizeof(*db));
	struct pg_conn *c = NULL;
	enum lmn_rc rc;

	*out = NULL;
	if (!db || !(db->conninfo = strdup(conninfo))) {
		free(db);
		return lmn_err_set(err, LMN_ENOMEM, NULL, NULL, "out of memory");
	}
	db->engine = DB_PG;
	pthread_mutex_init(&db->lock, NULL);
	pthread_cond_init(&db->freed, NULL);
	pthread_mutex_init(&db->jobs_lock, NULL);
	pthread_cond_init(&db->jobs_cond, NULL);
	db->jobs_tail = &db->jobs;
	rc = conn_open(db, &c, err);
	if (rc == LMN_OK) {
		db->free = c;
		db->opened = 1;
		rc = migrate(c, err);
	}
	/* Every writing transaction's commit is waited for this way (pg_write.c): a role that may
	 * not do it would have each write committed and then reported failed. */
	if (rc == LMN_OK && pg_wait_flushed(c, err) != LMN_OK) {
		char why[sizeof(err->message)];

		snprintf(why, sizeof(why), "%s", err->message);
		rc = lmn_err_set(err, LMN_EDB, NULL, NULL,
				 "%.300s (lmn waits for each commit with pg_logical_emit_message: "
				 "GRANT EXECUTE ON FUNCTION pg_logical_emit_message(boolean, text, "
				 "text) to lmn's role)",
				 why);
	}
	/* The product area list is data (issue 18): the pure layers learn it before any rule is read. */
	if (rc == LMN_OK)
		rc = product_areas_register((struct db_conn *)(void *)c, err);
	if (rc != LMN_OK) {
		pg_close(db);
		return rc;
	}
	*out = db;
	return LMN_OK;
}

void pg_close(struct pg_db *db)
{
	struct pg_conn *c, *next;

	if (!db)
		return;
	pg_workers_stop(db);
	for (c = db->free; c; c = next) {
		next = c->next_free;
		conn_close(c);
	}
	pthread_cond_destroy(&db->jobs_cond);
	pthread_mutex_destroy(&db->jobs_lock);
	pthread_cond_destroy(&db->freed);
	pthread_mutex_destroy(&db->lock);
	free(db->conninfo);
	free(db);
}

enum lmn_rc pg_acquire(struct pg_db *db, struct pg_conn **out, struct lmn_err *err)
{
	enum lmn_rc rc;

	pthread_mutex_lock(&db->lock);
	while (!db->free && db->opened >= PG_POOL_MAX)
		pthread_cond_wait(&db->freed, &db->lock);
	*out = db->free;
	if (*out)
		db->free = (*out)->next_free;
	else
		db->opened++;
	pthread_mutex_unlock(&db->lock);
	if (*out)
		return LMN_OK;
	if ((rc = conn_open(db, out, err)) != LMN_OK) {
		pthread_mutex_lock(&db->lock);
		db->opened--;
		pthread_cond_signal(&db->freed);
		pthread_mutex_unlock(&db->lock);
	}
	return rc;
}

/* A connection back to the pool; one that lost its server is closed instead (the next caller
 * opens a new one, maybe to another of the connection string's hosts). */
void pg_release(struct pg_db *db, struct pg_conn *c)
{
	bool broken;

	if (!c)
		return;
	if (PQstatus(c->pg) == CONNECTION_OK && PQtransactionStatus(c->pg) != PQTRANS_IDLE)
		pg_rollback(c); /* a transaction left open by a failed path */
	broken = PQstatus(c->pg) != CONNECTION_OK;
	pthread_mutex_lock(&db->lock);
	if (broken) {
		db->opened--;
	} else {
		c->next_free = db->free;
		db->free = c;
	}
	pthread_cond_signal(&db->freed);
	pthread_mutex_unlock(&db->lock);
	if (broken)
		conn_close(c);
}

enum lmn_rc pg_schema_version(struct pg_db *db, int *version, struct lmn_err *err)
{
	struct pg_conn *c;
	int64_t v = 0;
	enum lmn_rc rc;

	*version = 0;
	if ((rc = pg_acquire(db, &c, err)) != LMN_OK)
		return rc;
	rc = query_int(c, "SELECT coalesce(max(number), 0) FROM schema_migrations", &v, err);
	*version = (int)v;
	pg_release(db, c);
	return rc;
}

/* The highest $N of sql outside quotes and comments; with used, marks each N in used[N - 1]. */
static int param_count(const char *sql, char *used)
{
	char quote = 0;
	bool line_comment = false;
	int max = 0;

	for (; *sql; sql++) {
		char ch = *sql;

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
			int n = (int)strtol(sql + 1, NULL, 10);
			if (n > max)
				max = n;
			if (used)
				used[n - 1] = 1;
		}
	}
	return max;
}

static size_t slot_of(const char *key)
{
	uintptr_t h = (uintptr_t)key;
	h ^= h >> 17;
	h *= 0x9e3779b97f4a7c15u;
	return (size_t)(h >> 40) & (PG_STMT_CACHE - 1);
}

/* Clears a statement's result and its parameters (to NULL). */
static void stmt_clear(struct pg_stmt *st)
{
	PQclear(st->res);
	st->res = NULL;
	st->row = st->nrows = 0;
	st->bind_failed = false;
	for (int i = 0; i < st->nparams; i++) {
		st->vals[i] = NULL;
		st->kinds[i] = 0;
	}
}

static enum lmn_rc stmt_init(struct pg_conn *c, struct pg_stmt *s, const char *sql,
			     struct lmn_err *err)
{
	int n = param_count(sql, NULL);
	size_t k = n ? (size_t)n : 1;

	*s = (struct pg_stmt){ .engine = DB_PG, .conn = c, .nparams = n };
	s->vals = calloc(k, sizeof(*s->vals));
	s->kinds = calloc(k, sizeof(*s->kinds));
	s->ints = calloc(k, sizeof(*s->ints));
	s->owned = calloc(k, sizeof(*s->owned));
	s->owned_size = calloc(k, sizeof(*s->owned_size));
	if (!s->vals || !s->kinds || !s->ints || !s->owned || !s->owned_size) {
		stmt_release(s);
		*s = (struct pg_stmt){ 0 };
		return lmn_err_set(err, LMN_ENOMEM, NULL, NULL, "out of memory");
	}
	snprintf(s->name, sizeof(s->name), "s%u", c->named++);
	s->key = sql;
	return LMN_OK;
}

enum lmn_rc pg_prepare(struct pg_conn *c, const char *sql, struct pg_stmt **out,
		       struct lmn_err *err)
{
	size_t i = slot_of(sql);

	for (size_t n = 0; n < PG_STMT_CACHE; n++, i = (i + 1) & (PG_STMT_CACHE - 1)) {
		struct pg_stmt *s = &c->cache[i];
		enum lmn_rc rc;

		if (s->key == sql) {
			stmt_clear(s);
			*out = s;
			return LMN_OK;
		}
		if (!s->key) {
			if ((rc = stmt_init(c, s, sql, err)) != LMN_OK)
				return rc;
			*out = s;
			return LMN_OK;
		}
	}
	return lmn_err_set(err, LMN_EDB, NULL, NULL, "statement cache full (%d)", PG_STMT_CACHE);
}

static bool param_ok(struct pg_stmt *st, int i)
{
	if (i >= 1 && i <= st->nparams)
		return true;
	st->bind_failed = true;
	return false;
}

void pg_bind_int(struct pg_stmt *st, int i, int64_t v)
{
	if (!param_ok(st, i))
		return;
	snprintf(st->ints[i - 1], sizeof(st->ints[i - 1]), "%lld", (long long)v);
	st->vals[i - 1] = st->ints[i - 1];
	st->kinds[i - 1] = 'i';
}

void pg_bind_textn(struct pg_stmt *st, int i, const char *s, size_t n)
{
	char **buf;

	if (!param_ok(st, i))
		return;
	buf = &st->owned[i - 1];
	if (st->owned_size[i - 1] < n + 1) {
		char *grown = realloc(*buf, n + 1);

		if (!grown) {
			st->bind_failed = true;
			return;
		}
		*buf = grown;
		st->owned_size[i - 1] = n + 1;
	}
	if (n)
		memcpy(*buf, s, n);
	(*buf)[n] = '\0';
	st->vals[i - 1] = *buf;
	st->kinds[i - 1] = 't';
}

void pg_bind_text_kept(struct pg_stmt *st, int i, const char *s)
{
	if (!param_ok(st, i))
		return;
	st->vals[i - 1] = s;
	st->kinds[i - 1] = s ? 't' : 0;
}

void pg_bind_null(struct pg_stmt *st, int i)
{
	if (!param_ok(st, i))
		return;
	st->vals[i - 1] = NULL;
	st->kinds[i - 1] = 0;
}

int pg_param_count(struct pg_stmt *st)
{
	return st->nparams;
}

/* Prepares the statement on the server at its first run, its integer parameters as bigint. */
static enum lmn_rc stmt_prepare(struct pg_stmt *st, struct lmn_err *err)
{
	Oid *types = calloc(st->nparams ? (size_t)st->nparams : 1, sizeof(*types));
	PGresult *res;
	enum lmn_rc rc = LMN_OK;

	if (!types)
		return lmn_err_set(err, LMN_ENOMEM, NULL, NULL, "out of memory");
	/* A parameter the statement does not use (a caller binds every one of a family of
	 * statements) has no type to infer: it is text. */
	char *used = calloc(st->nparams ? (size_t)st->nparams : 1, 1);

	if (!used) {
		free(types);
		return lmn_err_set(err, LMN_ENOMEM, NULL, NULL, "out of memory");
	}
	(void)param_count(st->key, used);
	for (int i = 0; i < st->nparams; i++)
		types[i] = st->kinds[i] == 'i' ? INT8OID : used[i] ? UNKNOWNOID : TEXTOID;
	free(used);
	res = PQprepare(st->conn->pg, st->name, st->key, st->nparams, types);
	free(types);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		char what[100]; /* the statement's start, to find it by */

		snprintf(what, sizeof(what), "prepare (%.80s)", st->key);
		rc = pg_fail(st->conn, res, err, what);
	} else
		st->prepared = true;
	PQclear(res);
	return rc;
}

/* Runs the statement (its first step): the rows are then read one by one from its result. */
static enum lmn_rc stmt_run(struct pg_stmt *st, struct lmn_err *err)
{
	struct pg_conn *c = st->conn;
	ExecStatusType s;
	enum lmn_rc rc;

	if (st->bind_failed)
		return lmn_err_set(err, LMN_EDB, NULL, NULL, "bind: a parameter out of range");
	if (!st->prepared && (rc = stmt_prepare(st, err)) != LMN_OK)
		return rc;
	if ((rc = pg_lock_before(c, st->key, err)) != LMN_OK)
		return rc;
	st->res = PQexecPrepared(c->pg, st->name, st->nparams, st->vals, NULL, NULL, 0);
	s = PQresultStatus(st->res);
	if (s != PGRES_TUPLES_OK && s != PGRES_COMMAND_OK) {
		rc = pg_fail(c, st->res, err, "step");
		PQclear(st->res);
		st->res = NULL;
		return rc;
	}
	st->nrows = PQntuples(st->res);
	st->row = 0;
	c->changes = strtoll(PQcmdTuples(st->res), NULL, 10);
	return LMN_OK;
}

enum lmn_rc pg_step(struct pg_stmt *st, bool *row, struct lmn_err *err)
{
	enum lmn_rc rc;

	*row = false;
	if (!st->res && (rc = stmt_run(st, err)) != LMN_OK)
		return rc;
	if (st->row >= st->nrows)
		return LMN_OK;
	st->row++;
	*row = true;
	return LMN_OK;
}

/* The value of column i of the row read; "" out of range. */
static const char *value(struct pg_stmt *st, int i)
{
	if (!st->res || st->row < 1 || i < 0 || i >= PQnfields(st->res))
		return "";
	return PQgetvalue(st->res, st->row - 1, i);
}

/* A number as SQLite reads one: its integer part; PostgreSQL's booleans (a comparison's result)
 * are 1 and 0, as SQLite's. */
int64_t pg_col_int(struct pg_stmt *st, int i)
{
	const char *v = value(st, i);

	if (strcmp(v, "t") == 0)
		return 1;
	return strtoll(v, NULL, 10);
}

const char *pg_col_text(struct pg_stmt *st, int i)
{
	return value(st, i);
}

size_t pg_col_bytes(struct pg_stmt *st, int i)
{
	if (!st->res || st->row < 1 || i < 0 || i >= PQnfields(st->res))
		return 0;
	return (size_t)PQgetlength(st->res, st->row - 1, i);
}

bool pg_col_null(struct pg_stmt *st, int i)
{
	if (!st->res || st->row < 1 || i < 0 || i >= PQnfields(st->res))
		return true;
	return PQgetisnull(st->res, st->row - 1, i);
}

/* As SQLite's reset: the result goes, the parameters stay bound. */
void pg_done(struct pg_stmt *st)
{
	PQclear(st->res);
	st->res = NULL;
	st->row = st->nrows = 0;
}

/* The id the last insert on this connection took from a sequence (an identity). A trigger that
 * inserts into a table with an identity of its own takes one after it: such inserts say
 * RETURNING id instead. */
int64_t pg_last_id(struct pg_conn *c)
{
	int64_t id = 0;
	struct lmn_err err;

	if (query_int(c, "SELECT lastval()", &id, &err) != LMN_OK)
		return 0;
	return id;
}

int64_t pg_changes(struct pg_conn *c)
{
	return c->changes;
}

enum lmn_rc pg_ids_follow(struct pg_conn *c, struct lmn_err *err)
{
	return pg_exec_status(
		c,
		"DO $$ DECLARE r record; BEGIN "
		"FOR r IN SELECT t.relname AS tab, a.attname AS col FROM pg_attribute a "
		"JOIN pg_class t ON t.oid = a.attrelid JOIN pg_namespace n ON n.oid = t.relnamespace "
		"WHERE a.attidentity <> '' AND NOT a.attisdropped AND n.nspname = current_schema() "
		"LOOP EXECUTE format('SELECT setval(pg_get_serial_sequence(%L, %L), "
		"coalesce(max(%I), 0) + 1, false) FROM %I', r.tab, r.col, r.col, r.tab); "
		"END LOOP; END $$",
		err);
}

/* ---- What a copy between stores needs (store_copy.c) ---- */

/* A statement of its own, kept out of the cache (a copy builds hundreds, from table and column
 * names): its text is copied, and it is deallocated on the server by pg_finalize. */
enum lmn_rc pg_prepare_new(struct pg_conn *c, const char *sql, struct pg_stmt **out,
			   struct lmn_err *err)
{
	struct pg_stmt *s = calloc(1, sizeof(*s));
	char *text = strdup(sql);
	enum lmn_rc rc;

	*out = NULL;
	if (!s || !text) {
		free(s);
		free(text);
		return lmn_err_set(err, LMN_ENOMEM, NULL, NULL, "out of memory");
	}
	if ((rc = stmt_init(c, s, text, err)) != LMN_OK) {
		free(s);
		free(text);
		return rc;
	}
	*out = s;
	return LMN_OK;
}

void pg_finalize(struct pg_stmt *st)
{
	if (!st)
		return;
	if (st->prepared && PQstatus(st->conn->pg) == CONNECTION_OK &&
	    PQtransactionStatus(st->conn->pg) != PQTRANS_INERROR) {
		char sql[40];

		snprintf(sql, sizeof(sql), "DEALLOCATE %s", st->name);
		PQclear(PQexec(st->conn->pg, sql));
	}
	free((char *)st->key);
	stmt_release(st);
	free(st);
}

int pg_col_count(struct pg_stmt *st)
{
	return st->res ? PQnfields(st->res) : 0;
}

const char *pg_col_name(struct pg_stmt *st, int i)
{
	const char *name = st->res ? PQfname(st->res, i) : NULL;

	return name ? name : "";
}

#define INT2OID	   21
#define INT4OID	   23
#define VARCHAROID 1043
#define BOOLOID	   16

/* The kind of column i of the row read, as SQLite's would be (the schema has integers and text;
 * a boolean is an integer, as a comparison is on SQLite). */
enum db_type pg_col_type(struct pg_stmt *st, int i)
{
	if (pg_col_null(st, i))
		return DB_NULL;
	switch (PQftype(st->res, i)) {
	case INT8OID:
	case INT4OID:
	case INT2OID:
	case BOOLOID:
		return DB_INT;
	case TEXTOID:
	case VARCHAROID:
		return DB_TEXT;
	default:
		return DB_OTHER;
	}
}

/* The integer sql gives with its n parameters vals; *found false without a row or with NULL. */
static enum lmn_rc id_query(struct pg_conn *c, const char *sql, int n, const char *const *vals,
			    int64_t *out, bool *found, struct lmn_err *err)
{
	PGresult *res = PQexecParams(c->pg, sql, n, NULL, vals, NULL, NULL, 0);
	enum lmn_rc rc = LMN_OK;

	*found = false;
	*out = 0;
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		rc = pg_fail(c, res, err, "next id");
	} else if (PQntuples(res) > 0 && !PQgetisnull(res, 0, 0)) {
		*out = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
		*found = true;
	}
	PQclear(res);
	return rc;
}

/* The id the table's identity gives next: one after the highest its sequence gave or the table
 * holds. The table's and the column's names come from the copy's fixed list (store_copy.c),
 * which checks them ([a-z0-9_]). */
enum lmn_rc pg_next_id(struct pg_conn *c, const char *table, const char *column, int64_t *next,
		       struct lmn_err *err)
{
	const char *names[2] = { table, column };
	char sql[300];
	int64_t highest, given;
	bool found, has_seq;
	enum lmn_rc rc;

	snprintf(sql, sizeof(sql), "SELECT coalesce(max(\"%s\"), 0) FROM \"%s\"", column, table);
	if ((rc = id_query(c, sql, 0, NULL, &highest, &found, err)) != LMN_OK)
		return rc;
	/* pg_sequence_last_value: NULL before the sequence gave any. */
	rc = id_query(c,
		      "SELECT pg_sequence_last_value(pg_get_serial_sequence($1, $2)::regclass) "
		      "WHERE pg_get_serial_sequence($1, $2) IS NOT NULL",
		      2, names, &given, &has_seq, err);
	if (rc != LMN_OK)
		return rc;
	*next = (has_seq && given > highest ? given : highest) + 1;
	return LMN_OK;
}

/* The identity gives next at the earliest (never less than one after the highest id). */
enum lmn_rc pg_set_next_id(struct pg_conn *c, const char *table, const char *column, int64_t next,
			   struct lmn_err *err)
{
	char n[24];
	const char *vals[3] = { table, column, n };
	int64_t now, set;
	bool found;
	enum lmn_rc rc;

	if ((rc = pg_next_id(c, table, column, &now, err)) != LMN_OK)
		return rc;
	snprintf(n, sizeof(n), "%lld", (long long)(now > next ? now : next));
	/* setval(seq, n - 1, true): the next is n; setval(seq, 1, false): the next is 1. */
	return id_query(c,
			"SELECT setval(pg_get_serial_sequence($1, $2)::regclass, "
			"greatest($3::bigint - 1, 1), $3::bigint > 1) "
			"WHERE pg_get_serial_sequence($1, $2) IS NOT NULL",
			3, vals, &set, &found, err);
}

/* The schema number of the store at conninfo, read without migrating it. */
enum lmn_rc pg_peek_schema(const char *conninfo, int *version, struct lmn_err *err)
{
	struct pg_conn c = { .engine = DB_PG };
	int64_t v = 0;
	bool exists;
	enum lmn_rc rc;

	*version = 0;
	c.pg = PQconnectdb(conninfo);
	if (!c.pg || PQstatus(c.pg) != CONNECTION_OK) {
		rc = pg_fail(&c, NULL, err, "opening");
		PQfinish(c.pg);
		return rc;
	}
	rc = query_int(&c,
		       "SELECT count(*) FROM pg_tables WHERE tablename = 'schema_migrations' "
		       "AND schemaname = current_schema()",
		       &v, err);
	exists = v > 0;
	if (rc == LMN_OK && exists)
		rc = query_int(&c, "SELECT coalesce(max(number), 0) FROM schema_migrations", &v,
			       err);
	if (rc == LMN_OK)
		*version = exists ? (int)v : 0;
	PQfinish(c.pg);
	return rc;
}

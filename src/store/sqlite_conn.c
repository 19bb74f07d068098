/* The SQLite backend of the store: opening and closing it, a pool of connections, pragmas,
 * migrations, and a statement cache per connection (prepare, bind, step, columns). */
#include <errno.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "store/db.h"
#include "store/migrations.h"
#include "store/product_areas.h"
#include "store/sqlite_int.h"

/* How long a statement waits for another process's lock before it fails. */
#define BUSY_MS 10000
/* Connections in the pool at most (requests beyond wait for one). */
#define POOL_MAX 64

/* Room left in the file system of the database file, in bytes (for an error whose cause SQLite
 * did not keep); UINT64_MAX if unknown. */
static uint64_t room_left(sqlite3 *conn)
{
	const char *path = sqlite3_db_filename(conn, "main");
	char dir[4096];
	const char *slash;
	struct statvfs vfs;

	if (!path || !*path)
		return UINT64_MAX;
	slash = strrchr(path, '/');
	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - path) + 1 : 1, slash ? path : ".");
	if (statvfs(dir, &vfs) != 0)
		return UINT64_MAX;
	return (uint64_t)vfs.f_bavail * vfs.f_frsize;
}

/* Whether the connection's last error was for want of room, which the API answers 507 and which
 * passes by itself once room is made. SQLite says SQLITE_FULL for a full disk (ENOSPC) or
 * max_page_count; a write refused for a quota (EDQUOT) or a limit on the size of files (EFBIG,
 * RLIMIT_FSIZE) it reports as an I/O error, whose errno is often lost by the time it is asked:
 * such an error counts as want of room when the file system has under STORAGE_ROOM_MIN left, or
 * a limit on the size of files is in force. */
#define STORAGE_ROOM_MIN (1u << 20)
bool storage_full(sqlite3 *conn)
{
	int code = conn ? sqlite3_extended_errcode(conn) : SQLITE_OK;
	int sys = conn ? sqlite3_system_errno(conn) : 0;
	struct rlimit fsize;

	if ((code & 0xff) == SQLITE_FULL)
		return true;
	if (code != SQLITE_IOERR && code != SQLITE_IOERR_WRITE && code != SQLITE_IOERR_TRUNCATE &&
	    code != SQLITE_IOERR_SHMSIZE)
		return false;
	if (sys == ENOSPC || sys == EDQUOT || sys == EFBIG)
		return true;
	return room_left(conn) < STORAGE_ROOM_MIN ||
	       (getrlimit(RLIMIT_FSIZE, &fsize) == 0 && fsize.rlim_cur != RLIM_INFINITY);
}

enum lmn_rc conn_fail(sqlite3 *conn, struct lmn_err *err, const char *what)
{
	int code = conn ? sqlite3_extended_errcode(conn) : SQLITE_ERROR;

	if ((code & 0xff) == SQLITE_CONSTRAINT)
		return lmn_err_set(err, LMN_EINVAL, NULL, NULL, "%s: %s", what,
				   sqlite3_errmsg(conn));
	return lmn_err_set(err, storage_full(conn) ? LMN_EFULL : LMN_EDB, NULL, NULL, "%s: %s",
			   what, conn ? sqlite3_errmsg(conn) : "no connection");
}

enum lmn_rc sq_exec(struct db_conn *c, const char *sql, struct lmn_err *err)
{
	char *msg = NULL;

	if (sqlite3_exec(cur(c)->conn, sql, NULL, NULL, &msg) != SQLITE_OK) {
		enum lmn_rc rc = lmn_err_set(err, storage_full(cur(c)->conn) ? LMN_EFULL : LMN_EDB,
					     NULL, NULL, "%s", msg ? msg : "failed");
		sqlite3_free(msg);
		return rc;
	}
	return LMN_OK;
}

void conn_close(struct db_conn *c)
{
	if (!c)
		return;
	for (int i = 0; i < STMT_CACHE; i++)
		sqlite3_finalize(c->cache[i].st);
	if (!c->borrowed)
		sqlite3_close(c->conn);
	free(c);
}

/* Sets the journal mode of conn; *set whether it is now that mode. Returns SQLite's code of the
 * statement: SQLITE_ROW when it ran, SQLITE_BUSY when another connection held it off. */
static int journal_mode(sqlite3 *conn, const char *sql, const char *mode, bool *set)
{
	sqlite3_stmt *st = NULL;
	int step = sqlite3_prepare_v2(conn, sql, -1, &st, NULL);

	*set = false;
	if (step == SQLITE_OK && (step = sqlite3_step(st)) == SQLITE_ROW)
		*set = sqlite3_stricmp((const char *)sqlite3_column_text(st, 0), mode) == 0;
	sqlite3_finalize(st);
	return step;
}

enum lmn_rc conn_open(struct db *db, struct db_conn **out, struct lmn_err *err)
{
	struct db_conn *c = calloc(1, sizeof(*c));
	bool wal;
	int step;
	enum lmn_rc rc;

	*out = NULL;
	if (!c)
		return lmn_err_set(err, LMN_ENOMEM, NULL, NULL, "out of memory");
	c->db = db;
	if (sqlite3_open_v2(db->path, &c->conn,
			    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
			    NULL) != SQLITE_OK) {
		rc = conn_fail(c->conn, err, db->path);
		conn_close(c);
		return rc;
	}
	sqlite3_busy_timeout(c->conn, BUSY_MS);
	step = journal_mode(c->conn, "PRAGMA journal_mode=WAL", "wal", &wal);
	/* Busy: another process has the database alone (an import, db_open_alone) beyond BUSY_MS. */
	if (step != SQLITE_ROW) {
		rc = step == SQLITE_BUSY
			     ? lmn_err_set(
				       err, LMN_EDB, NULL, NULL,
				       "%s: the database is in use by another program (an import?); "
				       "try again when it is done",
				       db->path)
			     : conn_fail(c->conn, err, db->path);
		conn_close(c);
		return rc;
	}
	/* Without a log (a database that cannot use WAL) each commit syncs by itself. */
	rc = sq_exec(c,
		     wal ? "PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL"
			 : "PRAGMA foreign_keys=ON; PRAGMA synchronous=FULL",
		     err);
	if (rc != LMN_OK) {
		conn_close(c);
		return rc;
	}
	if (wal)
		sqlite3_wal_hook(c->conn, wal_committed, c);
	*out = c;
	return LMN_OK;
}

static enum lmn_rc migrate(struct db_conn *c, struct lmn_err *err)
{
	struct db_stmt *st;
	int version = 0;
	bool row;
	enum lmn_rc rc;

	rc = sq_exec(
		c,
		"CREATE TABLE IF NOT EXISTS schema_migrations ("
		" number INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT",
		err);
	if (rc != LMN_OK)
		return rc;
	if ((rc = sq_prepare(c, "SELECT coalesce(max(number), 0) FROM schema_migrations", &st,
			     err)) != LMN_OK)
		return rc;
	rc = sq_step(st, &row, err);
	version = rc == LMN_OK && row ? (int)sq_col_int(st, 0) : 0;
	sq_done(st);
	if (rc != LMN_OK)
		return rc;
	if (version > migration_count)
		return lmn_err_set(err, LMN_EDB, NULL, NULL,
				   "the database is at migration %d, newer than this lmn (%d)",
				   version, migration_count);
	for (int i = version; i < migration_count; i++) {
		const struct migration *m = &migrations[i];

		if ((rc = sq_begin(c, true, err)) != LMN_OK)
			return rc;
		rc = sq_exec(c, m->sql, err);
		if (rc != LMN_OK) {
			char msg[sizeof(err->message)];
			snprintf(msg, sizeof(msg), "%s", err ? err->message : "");
			rc = lmn_err_set(err, LMN_EDB, NULL, NULL, "%s: %s", m->name, msg);
		}
		if (rc == LMN_OK &&
		    (rc = sq_prepare(c,
				     "INSERT INTO schema_migrations (number, name, applied_at) "
				     "VALUES ($1, $2, strftime('%Y-%m-%dT%H:%M:%SZ','now'))",
				     &st, err)) == LMN_OK) {
			sq_bind_int(st, 1, m->number);
			sq_bind_text(st, 2, m->name);
			rc = sq_run(st, err);
		}
		if (rc == LMN_OK)
			rc = sq_commit(c, err);
		if (rc != LMN_OK) {
			sq_rollback(c);
			return rc;
		}
	}
	return LMN_OK;
}

/* Process-wide settings, before SQLite initialises itself. Without the memory statistics no
 * allocation takes SQLite's global mutex (every request thread allocates). Each connection's page
 * cache keeps a block of BULK_PAGES pages of its own, reused without malloc: a connection empties
 * its cache at every read after another connection's commit, and a request reads some 15–30
 * pages. If SQLite was initialised already (by a host program), they are left.
 *
 * Each write job runs in a savepoint, whose statement journal keeps the pages it changes as they
 * were (to roll the job back alone). SQLite keeps that journal in memory up to 64 KiB, then in a
 * temporary file for the rest of the batch: a placement changes some twenty pages, so the writer
 * wrote each page twice more with two system calls (its number and its content). Kept in memory
 * up to STMT_SPILL, a job's journal stays there. SQLite writes the journal to its file in one
 * call of STMT_SPILL bytes when it grows beyond, and its unix VFS refuses a call of 128 KiB or
 * more as a full disk (4 MiB made a long transaction inside a savepoint fail so), hence a little
 * less. */
#define BULK_PAGES 48
#define STMT_SPILL (124 * 1024)

static void sqlite_setup(void)
{
	(void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	(void)sqlite3_config(SQLITE_CONFIG_PAGECACHE, NULL, 0, BULK_PAGES);
	(void)sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL, STMT_SPILL);
}

enum lmn_rc sq_open(const char *path, struct db **out, struct lmn_err *err)
{
	static pthread_once_t setup = PTHREAD_ONCE_INIT;
	struct db *db;
	enum lmn_rc rc;

	pthread_once(&setup, sqlite_setup);
	db = calloc(1, sizeof(*db));
	*out = NULL;
	if (!db || !(db->path = strdup(path))) {
		free(db);
		return lmn_err_set(err, LMN_ENOMEM, NULL, NULL, "out of memory");
	}
	pthread_mutex_init(&db->lock, NULL);
	pthread_cond_init(&db->freed, NULL);
	pthread_mutex_init(&db->write_lock, NULL);
	pthread_mutex_init(&db->sync_lock, NULL);
	pthread_cond_init(&db->synced_cond, NULL);
	pthread_cond_init(&db->ckpt_cond, NULL);
	pthread_mutex_init(&db->batch_lock, NULL);
	pthread_mutex_init(&db->jobs_lock, NULL);
	pthread_cond_init(&db->jobs_cond, NULL);
	db->jobs_tail = &db->jobs;
	db->sync_jobs_tail = &db->sync_jobs;
	pthread_cond_init(&db->sync_cond, NULL);
	db->sync_rc = SQLITE_OK;
	db->wal_fd = -1;
	rc = conn_open(db, &db->writer, err);
	/* Every writing transaction runs on the writer: give it room for the pages they share.
	 * It also reads the database file through a memory map (the reads a look-up hands it):
	 * no copy from the kernel and no page of its cache per page read. SQLite drops a
	 * connection's map when another connection has committed, which only the writer never
	 * sees; the pool's connections read as before. */
	if (rc == LMN_OK)
		rc = sq_exec(db->writer, "PRAGMA cache_size=-65536; PRAGMA mmap_size=4294967296",
			     err);
	if (rc == LMN_OK)
		rc = open_log(db, err);
	if (rc == LMN_OK)
		rc = conn_open(db, &db->free, err);
	if (rc == LMN_OK)
		db->opened = 1;
	if (rc == LMN_OK)
		rc = migrate(db->free, err);
	/* The product area list is data (issue 18): the pure layers learn it before any rule is read. */
	if (rc == LMN_OK)
		rc = product_areas_register(db->free, err);
	if (rc != LMN_OK) {
		sq_close(db);
		return rc;
	}
	*out = db;
	return LMN_OK;
}

/* Takes the store for this process alone if no other process has it open: the pool's
 * connections are closed and the writer, in exclusive locking mode, writes with a rollback
 * journal, synced by each commit (synchronous=FULL). A rollback journal keeps only the original
 * of each page changed that was in the database before; a long transaction's new pages are written
 * once, into the database file, instead of into the log and again by a checkpoint. Another
 * process that has the store open keeps it in WAL mode: the store is then used as db_open's. */
static enum lmn_rc take_alone(struct db *db, struct lmn_err *err)
{
	struct db_conn *c, *next;
	bool journal;
	enum lmn_rc rc;

	for (c = db->free; c; c = next) {
		next = c->next_free;
		conn_close(c);
	}
	db->free = NULL;
	db->opened = 0;
	if ((rc = sq_exec(db->writer, "PRAGMA locking_mode=EXCLUSIVE", err)) != LMN_OK)
		return rc;
	/* Another process's connection makes the change busy: no wait for it to go. */
	sqlite3_busy_timeout(db->writer->conn, 0);
	(void)journal_mode(db->writer->conn, "PRAGMA journal_mode=TRUNCATE", "truncate", &journal);
	sqlite3_busy_timeout(db->writer->conn, BUSY_MS);
	if (!journal)
		return sq_exec(db->writer, "PRAGMA locking_mode=NORMAL", err);
	/* Its statement journals (of a statement that may fail after it changed pages: an INSERT of
	 * many rows) in memory, not in a temporary file. SQLite decides where at the start of each
	 * transaction, so it is set here rather than inside one. */
	if ((rc = sq_exec(db->writer, "PRAGMA synchronous=FULL; PRAGMA temp_store=MEMORY", err)) !=
	    LMN_OK)
		return rc;
	/* The log is gone (its descriptor would sync a removed file). */
	if (db->wal_fd >= 0)
		close(db->wal_fd);
	db->wal_fd = -1;
	db->alone = true;
	return LMN_OK;
}

enum lmn_rc sq_open_alone(const char *path, struct db **out, struct lmn_err *err)
{
	enum lmn_rc rc = sq_open(path, out, err);

	if (rc == LMN_OK && (rc = take_alone(*out, err)) != LMN_OK) {
		sq_close(*out);
		*out = NULL;
	}
	return rc;
}

/* Tells a background thread to stop (*stop, under lock, signalling cond) and waits for it. */
static void stop_thread(pthread_mutex_t *lock, pthread_cond_t *cond, bool *stop, bool *running,
			pthread_t thread)
{
	bool joined;

	pthread_mutex_lock(lock);
	*stop = true;
	joined = *running;
	pthread_cond_signal(cond);
	pthread_mutex_unlock(lock);
	if (joined)
		pthread_join(thread, NULL);
}

void sq_close(struct db *db)
{
	struct db_conn *c, *next;

	if (!db)
		return;
	/* The writer thread first (its last batch hands jobs to the syncer), then the syncer. */
	stop_thread(&db->jobs_lock, &db->jobs_cond, &db->writer_stop, &db->writer_running,
		    db->writer_thread);
	stop_thread(&db->sync_lock, &db->sync_cond, &db->sync_stop, &db->syncer_running,
		    db->syncer_thread);
	stop_thread(&db->sync_lock, &db->ckpt_cond, &db->stopping, &db->ckpt_running,
		    db->ckpt_thread);
	conn_close(db->ckpt_conn);
	/* The pool's connections first: a borrowed one's statements are the writer's. */
	for (c = db->free; c; c = next) {
		next = c->next_free;
		conn_close(c);
	}
	/* A store opened alone goes back to the log (another process opening it would anyway). */
	if (db->alone)
		(void)sqlite3_exec(db->writer->conn,
				   "PRAGMA locking_mode=NORMAL; PRAGMA journal_mode=WAL", NULL,
				   NULL, NULL);
	conn_close(db->writer);
	if (db->wal_fd >= 0)
		close(db->wal_fd);
	pthread_cond_destroy(&db->ckpt_cond);
	pthread_cond_destroy(&db->sync_cond);
	pthread_cond_destroy(&db->jobs_cond);
	pthread_mutex_destroy(&db->jobs_lock);
	pthread_mutex_destroy(&db->batch_lock);
	pthread_cond_destroy(&db->synced_cond);
	pthread_mutex_destroy(&db->sync_lock);
	pthread_mutex_destroy(&db->write_lock);
	pthread_cond_destroy(&db->freed);
	pthread_mutex_destroy(&db->lock);
	free(db->path);
	free(db);
}

/* A connection of a store opened alone: the writer's, on which the caller's statements run too
 * (with a statement cache of their own). */
static enum lmn_rc conn_borrow(struct db *db, struct db_conn **out, struct lmn_err *err)
{
	if (!(*out = calloc(1, sizeof(**out))))
		return lmn_err_set(err, LMN_ENOMEM, NULL, NULL, "out of memory");
	(*out)->db = db;
	(*out)->conn = db->writer->conn;
	(*out)->borrowed = true;
	return LMN_OK;
}

enum lmn_rc sq_acquire(struct db *db, struct db_conn **out, struct lmn_err *err)
{
	enum lmn_rc rc;

	pthread_mutex_lock(&db->lock);
	/* At most POOL_MAX connections (each two descriptors and a page cache): beyond them a
	 * caller waits for one to come back. */
	while (!db->free && db->opened >= POOL_MAX)
		pthread_cond_wait(&db->freed, &db->lock);
	*out = db->free;
	if (*out)
		db->free = (*out)->next_free;
	else
		db->opened++;
	pthread_mutex_unlock(&db->lock);
	if (*out)
		return LMN_OK;
	if ((rc = db->alone ? conn_borrow(db, out, err) : conn_open(db, out, err)) != LMN_OK) {
		pthread_mutex_lock(&db->lock);
		db->opened--;
		pthread_cond_signal(&db->freed);
		pthread_mutex_unlock(&db->lock);
	}
	return rc;
}

void sq_release(struct db *db, struct db_conn *c)
{
	if (!c)
		return;
	if (c->in_write || !sqlite3_get_autocommit(c->conn))
		sq_rollback(c); /* a transaction left open by a failed path */
	pthread_mutex_lock(&db->lock);
	c->next_free = db->free;
	db->free = c;
	pthread_cond_signal(&db->freed);
	pthread_mutex_unlock(&db->lock);
}

enum lmn_rc sq_schema_version(struct db *db, int *version, struct lmn_err *err)
{
	struct db_conn *c;
	struct db_stmt *st;
	bool row = false;
	enum lmn_rc rc;

	if ((rc = sq_acquire(db, &c, err)) != LMN_OK)
		return rc;
	rc = sq_prepare(c, "SELECT coalesce(max(number), 0) FROM schema_migrations", &st, err);
	if (rc == LMN_OK) {
		rc = sq_step(st, &row, err);
		*version = row ? (int)sq_col_int(st, 0) : 0;
		sq_done(st);
	}
	sq_release(db, c);
	return rc;
}

enum lmn_rc sq_ping(struct db *db, struct lmn_err *err)
{
	int v;
	return sq_schema_version(db, &v, err);
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

/* A statement of connection c itself from its cache (db_prepare picks the connection first). */
static enum lmn_rc prepare_on(struct db_conn *c, const char *sql, struct db_stmt **out,
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
			rc = sqlite3_prepare_v3(c->conn, text, (int)len + 1,
						SQLITE_PREPARE_PERSISTENT, &s->st, NULL);
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

enum lmn_rc sq_prepare(struct db_conn *c, const char *sql, struct db_stmt **out,
		       struct lmn_err *err)
{
	return prepare_on(cur(c), sql, out, err);
}

/* Runs a statement without parameters on connection c from its cache: the transaction
 * statements run on every request, and sqlite3_exec would compile them each time. */
enum lmn_rc exec_on(struct db_conn *c, const char *sql, struct lmn_err *err)
{
	struct db_stmt *st;
	enum lmn_rc rc = prepare_on(c, sql, &st, err);

	return rc == LMN_OK ? sq_run(st, err) : rc;
}

static void bound(struct db_stmt *st, int rc)
{
	if (rc != SQLITE_OK && st->bind_rc == SQLITE_OK)
		st->bind_rc = rc;
}

void sq_bind_int(struct db_stmt *st, int i, int64_t v)
{
	bound(st, sqlite3_bind_int64(st->st, i, v));
}

void sq_bind_text(struct db_stmt *st, int i, const char *s)
{
	bound(st, s ? sqlite3_bind_text(st->st, i, s, -1, SQLITE_TRANSIENT)
		    : sqlite3_bind_null(st->st, i));
}

void sq_bind_text_kept(struct db_stmt *st, int i, const char *s)
{
	bound(st, s ? sqlite3_bind_text(st->st, i, s, -1, SQLITE_STATIC)
		    : sqlite3_bind_null(st->st, i));
}

void sq_bind_textn(struct db_stmt *st, int i, const char *s, size_t n)
{
	bound(st, sqlite3_bind_text64(st->st, i, s, n, SQLITE_TRANSIENT, SQLITE_UTF8));
}

void sq_bind_null(struct db_stmt *st, int i)
{
	bound(st, sqlite3_bind_null(st->st, i));
}

int sq_param_count(struct db_stmt *st)
{
	return sqlite3_bind_parameter_count(st->st);
}

enum lmn_rc sq_step(struct db_stmt *st, bool *row, struct lmn_err *err)
{
	int rc;

	*row = false;
	if (st->bind_rc != SQLITE_OK)
		return lmn_err_set(err, LMN_EDB, NULL, NULL, "bind: %s",
				   sqlite3_errstr(st->bind_rc));
	rc = sqlite3_step(st->st);
	if (rc == SQLITE_ROW) {
		*row = true;
		return LMN_OK;
	}
	if (rc == SQLITE_DONE)
		return LMN_OK;
	return conn_fail(st->conn->conn, err, "step");
}

enum lmn_rc sq_run(struct db_stmt *st, struct lmn_err *err)
{
	bool row = true;
	enum lmn_rc rc = LMN_OK;

	while (rc == LMN_OK && row)
		rc = sq_step(st, &row, err);
	sq_done(st);
	return rc;
}

int64_t sq_col_int(struct db_stmt *st, int i)
{
	return sqlite3_column_int64(st->st, i);
}

const char *sq_col_text(struct db_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st->st, i);
	return t ? (const char *)t : "";
}

void sq_col_copy(struct db_stmt *st, int i, char *out, size_t size)
{
	const unsigned char *t = sqlite3_column_text(st->st, i);
	size_t n = t ? (size_t)sqlite3_column_bytes(st->st, i) : 0;

	if (size == 0)
		return;
	if (n >= size) { /* cut before the continuation bytes of a character that does not fit */
		n = size - 1;
		while (n > 0 && (t[n] & 0xC0) == 0x80)
			n--;
	}
	if (n)
		memcpy(out, t, n);
	out[n] = '\0';
}

bool sq_col_null(struct db_stmt *st, int i)
{
	return sqlite3_column_type(st->st, i) == SQLITE_NULL;
}

void sq_done(struct db_stmt *st)
{
	sqlite3_reset(st->st);
}

int64_t sq_last_id(struct db_conn *c)
{
	return sqlite3_last_insert_rowid(cur(c)->conn);
}

int64_t sq_changes(struct db_conn *c)
{
	return sqlite3_changes64(cur(c)->conn);
}

enum lmn_rc sq_prepare_new(struct db_conn *c, const char *sql, struct db_stmt **out,
			   struct lmn_err *err)
{
	struct db_stmt *s = calloc(1, sizeof(*s));
	size_t len = strlen(sql);
	char *text = malloc(len + 1);
	int rc;

	*out = NULL;
	if (!s || !text) {
		free(s);
		free(text);
		return lmn_err_set(err, LMN_ENOMEM, NULL, NULL, "out of memory");
	}
	db_rewrite_params(sql, text);
	s->conn = cur(c);
	rc = sqlite3_prepare_v2(s->conn->conn, text, (int)len + 1, &s->st, NULL);
	free(text);
	if (rc != SQLITE_OK) {
		enum lmn_rc lrc = conn_fail(s->conn->conn, err, "prepare");
		sqlite3_finalize(s->st);
		free(s);
		return lrc;
	}
	*out = s;
	return LMN_OK;
}

void sq_finalize(struct db_stmt *st)
{
	if (!st)
		return;
	sqlite3_finalize(st->st);
	free(st);
}

int sq_col_count(struct db_stmt *st)
{
	return sqlite3_column_count(st->st);
}

const char *sq_col_name(struct db_stmt *st, int i)
{
	const char *name = sqlite3_column_name(st->st, i);
	return name ? name : "";
}

enum db_type sq_col_type(struct db_stmt *st, int i)
{
	switch (sqlite3_column_type(st->st, i)) {
	case SQLITE_NULL:
		return DB_NULL;
	case SQLITE_INTEGER:
		return DB_INT;
	case SQLITE_TEXT:
		return DB_TEXT;
	default:
		return DB_OTHER;
	}
}

/* The first column of the first row of sql (sqlite3_mprintf's, freed here) as an integer, or
 * none; on conn itself. */
static enum lmn_rc int_of(sqlite3 *conn, char *sql, int64_t none, int64_t *out, struct lmn_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*out = none;
	if (!sql)
		return lmn_err_set(err, LMN_ENOMEM, NULL, NULL, "out of memory");
	rc = sqlite3_prepare_v2(conn, sql, -1, &st, NULL);
	sqlite3_free(sql);
	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (sqlite3_column_type(st, 0) != SQLITE_NULL)
			*out = sqlite3_column_int64(st, 0);
		rc = SQLITE_OK;
	} else if (rc == SQLITE_DONE) {
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_OK ? LMN_OK : conn_fail(conn, err, "next id");
}

/* Whether table is an AUTOINCREMENT table (sqlite_sequence keeps its highest id ever given). */
static enum lmn_rc autoincrement(sqlite3 *conn, const char *table, bool *out, struct lmn_err *err)
{
	int64_t n;
	enum lmn_rc rc =
		int_of(conn,
		       sqlite3_mprintf("SELECT count(*) FROM sqlite_schema WHERE type = 'table' "
				       "AND (name = 'sqlite_sequence' OR (name = %Q AND "
				       "upper(sql) LIKE '%%AUTOINCREMENT%%'))",
				       table),
		       0, &n, err);

	*out = rc == LMN_OK && n == 2;
	return rc;
}

enum lmn_rc sq_next_id(struct db_conn *c, const char *table, const char *column, int64_t *next,
		       struct lmn_err *err)
{
	sqlite3 *conn = cur(c)->conn;
	int64_t highest, seq = 0;
	bool autoinc;
	enum lmn_rc rc;

	if ((rc = int_of(conn, sqlite3_mprintf("SELECT max(\"%w\") FROM \"%w\"", column, table), 0,
			 &highest, err)) != LMN_OK ||
	    (rc = autoincrement(conn, table, &autoinc, err)) != LMN_OK)
		return rc;
	if (autoinc &&
	    (rc = int_of(conn,
			 sqlite3_mprintf("SELECT seq FROM sqlite_sequence WHERE name = %Q", table),
			 0, &seq, err)) != LMN_OK)
		return rc;
	*next = (seq > highest ? seq : highest) + 1;
	return LMN_OK;
}

enum lmn_rc sq_set_next_id(struct db_conn *c, const char *table, const char *column, int64_t next,
			   struct lmn_err *err)
{
	sqlite3 *conn = cur(c)->conn;
	int64_t highest, seq, none = INT64_MIN;
	char *sql;
	bool autoinc;
	enum lmn_rc rc;

	/* SQLite gives one after the highest id anyway: only AUTOINCREMENT's counter is kept. */
	if ((rc = autoincrement(conn, table, &autoinc, err)) != LMN_OK || !autoinc)
		return rc;
	if ((rc = int_of(conn, sqlite3_mprintf("SELECT max(\"%w\") FROM \"%w\"", column, table), 0,
			 &highest, err)) != LMN_OK ||
	    (rc = int_of(conn,
			 sqlite3_mprintf("SELECT seq FROM sqlite_sequence WHERE name = %Q", table),
			 none, &seq, err)) != LMN_OK)
		return rc;
	/* Without a counter SQLite gives one after the highest id: a counter only when next is
	 * beyond that, or to raise the one there is. */
	if (seq == none ? next - 1 <= highest : seq >= highest && seq >= next - 1)
		return LMN_OK;
	if (next - 1 > highest)
		highest = next - 1;
	sql = seq == none
		      ? sqlite3_mprintf("INSERT INTO sqlite_sequence (name, seq) VALUES (%Q, %lld)",
					table, (long long)highest)
		      : sqlite3_mprintf("UPDATE sqlite_sequence SET seq = %lld WHERE name = %Q",
					(long long)highest, table);
	if (!sql)
		return lmn_err_set(err, LMN_ENOMEM, NULL, NULL, "out of memory");
	rc = sqlite3_exec(conn, sql, NULL, NULL, NULL) == SQLITE_OK
		     ? LMN_OK
		     : conn_fail(conn, err, "next id");
	sqlite3_free(sql);
	return rc;
}

/* The SQLite backend of the store: a pool of connections, a statement cache per connection,
 * pragmas, migrations, and durable commits shared between threads (group commit).
 *
 * Durability. The database runs in WAL mode with synchronous=NORMAL, so COMMIT only appends the
 * transaction to the write-ahead log; SQLite then calls wal_committed (a WAL hook), which waits until
 * an fdatasync of the log has covered that commit before COMMIT returns. One thread at a time runs
 * the fdatasync (the leader) for every commit written so far; the others wait for it, and one of
 * them leads the next. Concurrent commits thus share one fdatasync, and db_commit still returns only
 * when the transaction is durable: an acknowledged commit survives a power loss. Autocommit
 * statements that write go through the same hook. SQLite's own checkpoints sync the log before
 * copying it into the database and sync the database after, as with synchronous=FULL.
 *
 * Writers of one process take turns on a mutex (db_begin with write) instead of SQLite's busy
 * handler, which sleeps for milliseconds between attempts.
 *
 * Shared write transactions (a batch). Every writing transaction runs on one writer connection: db_begin
 * with write points the caller's connection at it (statements, last id and changes go there until
 * the transaction ends) and opens a savepoint inside the open batch, a transaction that the writers
 * waiting in turn share. db_commit releases the savepoint; db_rollback rolls back to it, undoing
 * that caller's changes only. The last writer of a turn (nobody else waiting for the mutex, or
 * BATCH_MAX members) commits the batch; the others wait until it is durable. So db_commit still
 * returns only when its changes are durable, and a failed batch fails each of its members, none of
 * which had been acknowledged; but a busy server writes the log pages of many transactions at once
 * instead of each transaction's pages again.
 *
 * The batch's COMMIT only appends to the log (its WAL hook does not wait): the writer is let go at
 * once, and the members wait for the fdatasync after it, so the next batch is written while this
 * one is synced. A later batch can be in the log before an earlier one's fdatasync fails; its
 * members are then told it failed although it may be stored, as for the batch whose sync failed.
 *
 * Write jobs (db_write). A writing transaction given as a function is run by the store's writer
 * thread, which takes the write lock once for all the jobs queued and runs them one after another,
 * each in its savepoint of the batch. The lock then does not pass from one request thread to the
 * next for each transaction (on a busy machine each handover waits for the next thread to be
 * scheduled, while every writer waits). A job's caller is woken once, with its outcome: at once if
 * its batch failed or wrote nothing, else by the syncer thread after the fdatasync that covers the
 * batch (the syncer syncs for the jobs while the writer thread writes the next batch). Waking each
 * caller only when its answer is durable, instead of waking all of them to wait for the fdatasync
 * on a shared condition, saves two context switches a job. The writer thread commits its batch
 * when no job is left, and also after any job while no fdatasync runs or waits and no job came
 * in meanwhile: the disk then syncs that batch while the next is written, instead of waiting for
 * the writer to run every job that came in. A writer that falls behind (jobs keep coming) commits
 * as many at once as it can: each commit writes the pages its jobs share again.
 *
 * Checkpoints run on a background thread (the WAL hook replaces SQLite's automatic checkpoint), so
 * no request waits for one. */
#include "store/db.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <semaphore.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "store/migrations.h"
#include "store/product_areas.h"

#define STMT_CACHE 128 /* per connection; a power of two */
/* Ask for a checkpoint when the log holds this many pages, 64 MiB (SQLite's automatic one: 1000).
 * A checkpoint writes each page changed since the last one once, at its place in the database
 * file: the longer the interval, the more changes of one page (a patient's leaf of an index) it
 * writes as one. With 4 000, the database file's scattered writes bounded reads and placements
 * (bench/README.md). */
#define CHECKPOINT_PAGES 16000
/* The checkpoint copies the log in passive passes (at most this many) until at most
 * CHECKPOINT_LOCKED_PAGES are left for its last pass, which holds writers off. */
#define CHECKPOINT_CATCHUP_PASSES 4
#define CHECKPOINT_LOCKED_PAGES	  64
/* How long a statement waits for another process's lock before it fails. */
#define BUSY_MS 10000
/* Connections in the pool at most (requests beyond wait for one). */
#define POOL_MAX 64
/* At most this many transactions share a batch (bounds how long the first one waits). */
#define BATCH_MAX 32

struct db_stmt {
	const char *key; /* the caller's SQL text */
	sqlite3_stmt *st;
	struct db_conn *conn;
	int bind_rc; /* first binding error */
};

/* A writing transaction queued for the writer thread (db_write). */
struct write_job {
	db_write_fn fn;
	void *arg;
	struct db_conn *c;
	enum lmn_rc rc;
	bool joined;	      /* it ran in a batch, whose outcome it learns before being posted */
	uint64_t seq;	      /* that batch's commit, durable once an fdatasync covers it */
	enum lmn_rc batch_rc; /* the batch's outcome (message in message) */
	int sync_rc;	      /* the fdatasync's, when it was posted */
	sem_t ran;	      /* posted once the job ran and, if joined, its batch is durable */
	db_done_fn done;      /* or, for db_write_async, called then (and the job freed) */
	void *done_arg;
	char message[512]; /* a failure of the store's own (fn reports its own in its arg) */
	struct write_job *next;
};

/* A batch of writing transactions that one COMMIT makes durable; freed by its last member. */
struct batch {
	int members;		/* still to learn the outcome (db_begin's writers) */
	struct write_job *jobs; /* write jobs that ran in it, told by batch_finish and the syncer */
	int njobs;
	bool alone; /* a long transaction (db_begin_bulk): nobody else joins, it commits at once */
	bool unchecked; /* …whose references are not checked by SQLite (db_begin_bulk_unchecked) */
	bool done;
	uint64_t seq; /* its commit's number in the log: durable once an fdatasync covers it */
	pthread_cond_t cond; /* its members wait for done (only they are woken) */
	enum lmn_rc rc;
	char message[256]; /* the failure, for each member's error */
};

struct db_conn {
	sqlite3 *conn;
	struct db *db;
	struct db_conn *next_free;
	bool in_write;	 /* in a writing transaction: statements go to db->writer */
	bool borrowed;	 /* conn is the writer's (a store opened alone): closed with it */
	int sync_rc;	 /* SQLite code of a failed fdatasync in the last commit, else SQLITE_OK */
	bool defer_sync; /* the writer committing a batch: its WAL hook numbers the commit only */
	uint64_t commit_seq; /* that number (0: the commit wrote nothing) */
	struct db_stmt cache[STMT_CACHE];
};

struct db {
	char *path;
	pthread_mutex_t lock; /* the pool */
	pthread_cond_t freed; /* a connection came back to the pool */
	struct db_conn *free;
	int opened; /* connections of the pool, in use or free */
	bool alone; /* opened by db_open_alone: one connection, a rollback journal */

	pthread_mutex_t write_lock; /* one writing transaction of this process at a time */
	struct db_conn *writer;	    /* where writing transactions run; under write_lock */
	struct batch *batch;	    /* the open batch on the writer, or NULL; under write_lock */
	_Atomic int waiting;	    /* writers waiting for write_lock */
	pthread_mutex_t batch_lock; /* batch outcomes */

	/* Group commit: commits written to the log, and how many of them an fdatasync covers. */
	pthread_mutex_t sync_lock;
	pthread_cond_t synced_cond;
	uint64_t written, synced;
	bool syncing; /* a leader is in fdatasync */
	int sync_rc;  /* sticky: after a failed fdatasync no commit is acknowledged again */
	/* Write jobs whose batch is committed, oldest first, posted once an fdatasync covers them;
	 * the syncer thread syncs for them (started on first need, stopped by sync_stop). */
	struct write_job *sync_jobs, **sync_jobs_tail;
	pthread_cond_t sync_cond;
	pthread_t syncer_thread;
	bool syncer_running, sync_stop;
	int wal_fd;	       /* the log, opened by lmn for its fdatasync; -1 until the first */
	_Atomic int log_pages; /* pages in the log after the last commit (the WAL hook's count) */

	/* Write jobs and the writer thread that runs them, started on first need; under jobs_lock. */
	pthread_mutex_t jobs_lock;
	pthread_cond_t jobs_cond; /* the writer thread waits for jobs */
	struct write_job *jobs, **jobs_tail;
	pthread_t writer_thread;
	bool writer_running, writer_stop;

	/* The checkpoint thread, started on first need; under sync_lock. */
	pthread_cond_t ckpt_cond;
	pthread_t ckpt_thread;
	struct db_conn *ckpt_conn;
	bool ckpt_running, ckpt_wanted, stopping;
	int ckpt_base; /* pages in the log when the last checkpoint ended */
};

/* The connection a caller's statements run on: the writer during a writing transaction. */
static struct db_conn *cur(struct db_conn *c)
{
	return c->in_write ? c->db->writer : c;
}

static enum lmn_rc exec_on(struct db_conn *c, const char *sql, struct lmn_err *err);

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
static bool storage_full(sqlite3 *conn)
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

static enum lmn_rc conn_fail(sqlite3 *conn, struct lmn_err *err, const char *what)
{
	int code = conn ? sqlite3_extended_errcode(conn) : SQLITE_ERROR;

	if ((code & 0xff) == SQLITE_CONSTRAINT)
		return lmn_err_set(err, LMN_EINVAL, NULL, NULL, "%s: %s", what,
				   sqlite3_errmsg(conn));
	return lmn_err_set(err, storage_full(conn) ? LMN_EFULL : LMN_EDB, NULL, NULL, "%s: %s",
			   what, conn ? sqlite3_errmsg(conn) : "no connection");
}

enum lmn_rc db_exec(struct db_conn *c, const char *sql, struct lmn_err *err)
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

static void conn_close(struct db_conn *c)
{
	if (!c)
		return;
	for (int i = 0; i < STMT_CACHE; i++)
		sqlite3_finalize(c->cache[i].st);
	if (!c->borrowed)
		sqlite3_close(c->conn);
	free(c);
}

/* One fdatasync of the log, on lmn's own descriptor: a committer may wait for it while the
 * connection that wrote the commit already runs the next batch. The log exists once anything was
 * committed to it, and SQLite keeps it while this process has the database open. */
static int sync_log(struct db *db)
{
	return db->wal_fd >= 0 && fdatasync(db->wal_fd) == 0 ? SQLITE_OK : SQLITE_IOERR_FSYNC;
}

/* Opens lmn's descriptor of the log (db_open, before anything is written). A read on the writer
 * makes SQLite create the log of a database in WAL mode; without one (not WAL) commits sync by
 * themselves and none is needed. */
static enum lmn_rc open_log(struct db *db, struct lmn_err *err)
{
	const char *wal;
	enum lmn_rc rc = db_exec(db->writer, "SELECT count(*) FROM sqlite_schema", err);

	if (rc != LMN_OK)
		return rc;
	wal = sqlite3_filename_wal(sqlite3_db_filename(db->writer->conn, "main"));
	if (!wal || access(wal, F_OK) != 0)
		return LMN_OK;
	if ((db->wal_fd = open(wal, O_RDWR | O_CLOEXEC)) < 0)
		return lmn_err_set(err, LMN_EIO, NULL, NULL, "%s: %s", wal, strerror(errno));
	return LMN_OK;
}

static void *checkpointer(void *arg);
static void commit_batch(struct db *db);

/* Wakes the checkpoint thread, starting it the first time. Called with sync_lock held. */
static void want_checkpoint(struct db *db, sqlite3 *conn)
{
	db->ckpt_wanted = true;
	if (db->ckpt_running) {
		pthread_cond_signal(&db->ckpt_cond);
		return;
	}
	if (!db->stopping && pthread_create(&db->ckpt_thread, NULL, checkpointer, db) == 0) {
		db->ckpt_running = true;
		return;
	}
	/* No thread: checkpoint here, as SQLite's automatic checkpoint would. */
	db->ckpt_wanted = false;
	(void)sqlite3_wal_checkpoint_v2(conn, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
}

static int wait_synced_locked(struct db *db, uint64_t seq);

/* The outcome of a job that ran: the batch's failure first (what the function decided rests on
 * its writes), then the fdatasync's, then the function's own. err is set for the store's own
 * failures only (the function reports its own in its arg). */
static enum lmn_rc job_outcome(const struct write_job *j, struct lmn_err *err)
{
	if (j->joined && j->batch_rc != LMN_OK)
		return lmn_err_set(err, j->batch_rc, NULL, NULL, "%s", j->message);
	if (j->joined && j->sync_rc != SQLITE_OK)
		return lmn_err_set(
			err, LMN_EIO, NULL, NULL,
			"the commit could not be made durable: syncing the write-ahead log "
			"failed (%s); nothing more is accepted until lmn is restarted",
			sqlite3_errstr(j->sync_rc));
	if (j->rc != LMN_OK && *j->message)
		(void)lmn_err_set(err, j->rc, NULL, NULL, "%s", j->message);
	return j->rc;
}

/* Tells each job of list (linked by next) its outcome: posts its caller, or calls its done
 * function and frees it. Its caller may return at once, so next is read before. */
static void post_jobs(struct write_job *list)
{
	struct write_job *next;

	for (; list; list = next) {
		next = list->next;
		if (list->done) {
			struct lmn_err err;
			enum lmn_rc rc;

			err.message[0] = '\0';
			rc = job_outcome(list, &err);
			list->done(list->done_arg, rc, err.message[0] ? &err : NULL);
			free(list);
		} else {
			sem_post(&list->ran);
		}
	}
}

/* Records the outcome of an fdatasync that covered the commits up to upto, with sync_lock held,
 * wakes the committers waiting for it, and returns the write jobs now durable (or, after a
 * failure, all of them: they learn it from sync_rc), for the caller to post. */
static struct write_job *synced_to(struct db *db, uint64_t upto, int rc)
{
	struct write_job *done = db->sync_jobs, **tail = &done;

	/* After a failed fdatasync the kernel may have dropped the pages; a later one could
	 * succeed without them being on disk. So nothing is acknowledged again. */
	if (rc != SQLITE_OK)
		db->sync_rc = rc;
	else if (upto > db->synced)
		db->synced = upto;
	pthread_cond_broadcast(&db->synced_cond);
	if (db->sync_rc == SQLITE_OK)
		while (*tail && (*tail)->seq <= db->synced)
			tail = &(*tail)->next;
	else
		while (*tail)
			tail = &(*tail)->next;
	for (struct write_job *j = done; j != *tail; j = j->next)
		j->sync_rc = db->sync_rc;
	db->sync_jobs = *tail;
	if (!db->sync_jobs)
		db->sync_jobs_tail = &db->sync_jobs;
	*tail = NULL;
	return done;
}

/* The syncer thread: an fdatasync for the write jobs whose batches are committed, while the
 * writer thread goes on with the next batch; then it posts each job it covered, and only those
 * (a job's caller is woken once, when its answer is durable). */
static void *syncer(void *arg)
{
	struct db *db = arg;
	struct write_job *done;

	pthread_mutex_lock(&db->sync_lock);
	for (;;) {
		if (db->sync_jobs &&
		    (db->sync_rc != SQLITE_OK || db->sync_jobs->seq <= db->synced)) {
			done = synced_to(db, db->synced, SQLITE_OK);
		} else if (db->sync_jobs && !db->syncing) {
			uint64_t upto = db->written;
			int rc;

			db->syncing = true;
			pthread_mutex_unlock(&db->sync_lock);
			rc = sync_log(db);
			pthread_mutex_lock(&db->sync_lock);
			db->syncing = false;
			done = synced_to(db, upto, rc);
		} else if (db->sync_stop && !db->sync_jobs) {
			break;
		} else {
			pthread_cond_wait(&db->sync_cond, &db->sync_lock);
			continue;
		}
		pthread_mutex_unlock(&db->sync_lock);
		post_jobs(done);
		pthread_mutex_lock(&db->sync_lock);
	}
	pthread_mutex_unlock(&db->sync_lock);
	return NULL;
}

/* Hands the jobs of a committed batch (list, its commit seq) to the syncer thread, starting it
 * the first time; without a thread they are synced here. */
static void await_sync_jobs(struct db *db, struct write_job *list, uint64_t seq)
{
	struct write_job *j, *done = NULL;

	pthread_mutex_lock(&db->sync_lock);
	for (j = list; j; j = j->next) {
		j->seq = seq;
		if (!j->next)
			break;
	}
	*db->sync_jobs_tail = list;
	db->sync_jobs_tail = &j->next;
	if (db->syncer_running ||
	    (!db->sync_stop && pthread_create(&db->syncer_thread, NULL, syncer, db) == 0)) {
		db->syncer_running = true;
		pthread_cond_signal(&db->sync_cond);
	} else {
		(void)wait_synced_locked(db, seq);
		done = synced_to(db, db->synced, SQLITE_OK);
	}
	pthread_mutex_unlock(&db->sync_lock);
	post_jobs(done);
}

/* Waits, with sync_lock held, until an fdatasync has covered commit number seq. One thread at a
 * time runs the fdatasync (the leader) for every commit written so far; the others wait for it. */
static int wait_synced_locked(struct db *db, uint64_t seq)
{
	while (db->synced < seq && db->sync_rc == SQLITE_OK) {
		uint64_t upto;
		int rc;

		if (db->syncing) {
			pthread_cond_wait(&db->synced_cond, &db->sync_lock);
			continue;
		}
		upto = db->written;
		db->syncing = true;
		pthread_mutex_unlock(&db->sync_lock);
		rc = sync_log(db);
		pthread_mutex_lock(&db->sync_lock);
		db->syncing = false;
		/* The jobs it covered are posted here, with the lock held (seldom: the syncer
		 * thread syncs for them). */
		post_jobs(synced_to(db, upto, rc));
		if (db->sync_jobs && db->syncer_running)
			pthread_cond_signal(&db->sync_cond);
	}
	return db->synced >= seq ? SQLITE_OK : db->sync_rc;
}

static int wait_synced(struct db *db, uint64_t seq)
{
	int rc;

	pthread_mutex_lock(&db->sync_lock);
	rc = wait_synced_locked(db, seq);
	pthread_mutex_unlock(&db->sync_lock);
	return rc;
}

/* SQLite's WAL hook: called after a commit that wrote pages to the log, with SQLite's write lock
 * already released. Numbers the commit; returns only when an fdatasync has covered it, except for
 * a batch's commit, whose members wait for that themselves (commit_batch). */
static int wal_committed(void *arg, sqlite3 *conn, const char *schema, int pages)
{
	struct db_conn *c = arg;
	struct db *db = c->db;
	uint64_t mine;
	int rc = SQLITE_OK;

	(void)schema;
	pthread_mutex_lock(&db->sync_lock);
	/* Numbered after its pages were written: an fdatasync begun later covers them. */
	mine = ++db->written;
	atomic_store(&db->log_pages, pages);
	/* pages counts from the start of the log; it starts again after a checkpoint caught up. */
	if (!db->ckpt_wanted &&
	    pages - (pages >= db->ckpt_base ? db->ckpt_base : 0) >= CHECKPOINT_PAGES)
		want_checkpoint(db, conn);
	if (c->defer_sync)
		c->commit_seq = mine;
	else
		rc = wait_synced_locked(db, mine);
	pthread_mutex_unlock(&db->sync_lock);
	c->sync_rc = rc;
	return rc;
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

static enum lmn_rc conn_open(struct db *db, struct db_conn **out, struct lmn_err *err)
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
	rc = db_exec(c,
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

/* Copies the log into the database in the background when a commit finds it long.
 *
 * Under a steady stream of commits a checkpoint never catches up with the end of the log, and SQLite
 * only starts the log again from its beginning when one has: the log would grow without end. So
 * after copying most of it while writers go on, the thread takes the write lock for a moment and
 * copies the rest (the commits written meanwhile); the next writer then starts the log again. */
static void *checkpointer(void *arg)
{
	struct db *db = arg;
	struct lmn_err err;
	int log = 0, done = 0;

	pthread_mutex_lock(&db->sync_lock);
	while (!db->stopping) {
		if (!db->ckpt_wanted) {
			pthread_cond_wait(&db->ckpt_cond, &db->sync_lock);
			continue;
		}
		pthread_mutex_unlock(&db->sync_lock);
		if (!db->ckpt_conn && conn_open(db, &db->ckpt_conn, &err) != LMN_OK)
			fprintf(stderr, "lmn: checkpoint: %s\n", err.message);
		/* PASSIVE: copies what no reader still needs; never waits for readers or writers.
		 * Again while writers went on appending much meanwhile: what the locked pass below
		 * copies it also syncs into the database file, page by scattered page, while every
		 * writer waits. */
		for (int pass = 0; db->ckpt_conn && pass < CHECKPOINT_CATCHUP_PASSES; pass++) {
			if (sqlite3_wal_checkpoint_v2(db->ckpt_conn->conn, NULL,
						      SQLITE_CHECKPOINT_PASSIVE, &log,
						      &done) != SQLITE_OK ||
			    atomic_load(&db->log_pages) - done <= CHECKPOINT_LOCKED_PAGES)
				break;
		}
		if (db->ckpt_conn) {
			/* Then a short pass with writers held off, so it reaches the end of the log
			 * and the next writer starts the log again instead of growing it. */
			pthread_mutex_lock(&db->write_lock);
			commit_batch(db); /* its members would otherwise wait for this pass */
			(void)sqlite3_wal_checkpoint_v2(db->ckpt_conn->conn, NULL,
							SQLITE_CHECKPOINT_PASSIVE, &log, &done);
			pthread_mutex_unlock(&db->write_lock);
		}
		pthread_mutex_lock(&db->sync_lock);
		db->ckpt_base = log > 0 ? log : 0;
		db->ckpt_wanted = false;
	}
	pthread_mutex_unlock(&db->sync_lock);
	return NULL;
}

static enum lmn_rc migrate(struct db_conn *c, struct lmn_err *err)
{
	struct db_stmt *st;
	int version = 0;
	bool row;
	enum lmn_rc rc;

	rc = db_exec(
		c,
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
				   "the database is at migration %d, newer than this lmn (%d)",
				   version, migration_count);
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

enum lmn_rc db_open(const char *path, struct db **out, struct lmn_err *err)
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
	/* Every writing transaction runs on the writer: give it room for the pages they share. */
	if (rc == LMN_OK)
		rc = db_exec(db->writer, "PRAGMA cache_size=-65536", err);
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
		db_close(db);
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
	if ((rc = db_exec(db->writer, "PRAGMA locking_mode=EXCLUSIVE", err)) != LMN_OK)
		return rc;
	/* Another process's connection makes the change busy: no wait for it to go. */
	sqlite3_busy_timeout(db->writer->conn, 0);
	(void)journal_mode(db->writer->conn, "PRAGMA journal_mode=TRUNCATE", "truncate", &journal);
	sqlite3_busy_timeout(db->writer->conn, BUSY_MS);
	if (!journal)
		return db_exec(db->writer, "PRAGMA locking_mode=NORMAL", err);
	/* Its statement journals (of a statement that may fail after it changed pages: an INSERT of
	 * many rows) in memory, not in a temporary file. SQLite decides where at the start of each
	 * transaction, so it is set here rather than inside one. */
	if ((rc = db_exec(db->writer, "PRAGMA synchronous=FULL; PRAGMA temp_store=MEMORY", err)) !=
	    LMN_OK)
		return rc;
	/* The log is gone (its descriptor would sync a removed file). */
	if (db->wal_fd >= 0)
		close(db->wal_fd);
	db->wal_fd = -1;
	db->alone = true;
	return LMN_OK;
}

enum lmn_rc db_open_alone(const char *path, struct db **out, struct lmn_err *err)
{
	enum lmn_rc rc = db_open(path, out, err);

	if (rc == LMN_OK && (rc = take_alone(*out, err)) != LMN_OK) {
		db_close(*out);
		*out = NULL;
	}
	return rc;
}

/* The log's size between checkpoints: the frames (a page and its 24-byte header) a checkpoint is
 * asked for, an eighth more for what comes in while it copies, and the log's 32-byte header. */
static off_t log_size_wanted(struct db *db)
{
	sqlite3_stmt *st = NULL;
	off_t page = 4096;

	if (sqlite3_prepare_v2(db->writer->conn, "PRAGMA page_size", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		page = (off_t)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return 32 + (off_t)(CHECKPOINT_PAGES + CHECKPOINT_PAGES / 8) * (24 + page);
}

enum lmn_rc db_size_log(struct db *db, struct lmn_err *err)
{
	enum { CHUNK = 256 << 10 };
	struct lmn_err why;
	char *zeros;
	struct stat sb = { .st_size = 0 };
	off_t at, want;
	enum lmn_rc rc;
	int e = 0;

	if (db->alone || db->wal_fd < 0)
		return LMN_OK;
	want = log_size_wanted(db);
	if (!(zeros = calloc(1, CHUNK)))
		return lmn_err_set(err, LMN_ENOMEM, NULL, NULL, "out of memory");
	pthread_mutex_lock(&db->write_lock);
	commit_batch(db);
	/* SQLite's write lock on the log: no process appends to it meanwhile. */
	if ((rc = exec_on(db->writer, "BEGIN IMMEDIATE", &why)) != LMN_OK) {
		pthread_mutex_unlock(&db->write_lock);
		free(zeros);
		return lmn_err_set(err, rc, NULL, NULL,
				   "sizing the write-ahead log: no write lock on it: %.200s",
				   why.message);
	}
	if (fstat(db->wal_fd, &sb) != 0) {
		e = errno;
		sb.st_size = -1;
	}
	/* Only beyond its end: what the log holds (frames of other processes too) stays. */
	for (at = sb.st_size; !e && at < want;) {
		size_t n = want - at < CHUNK ? (size_t)(want - at) : CHUNK;
		ssize_t w = pwrite(db->wal_fd, zeros, n, at);

		if (w > 0)
			at += w;
		else if (w == 0 || errno != EINTR)
			e = w == 0 ? EIO : errno;
	}
	if (!e && sb.st_size < want && fdatasync(db->wal_fd) != 0)
		e = errno;
	/* Not room for it (a full disk): the log goes back to its size, and grows as it would. */
	if (e && sb.st_size >= 0 && ftruncate(db->wal_fd, sb.st_size) != 0)
		e = errno;
	(void)sqlite3_exec(db->writer->conn, "ROLLBACK", NULL, NULL, NULL);
	pthread_mutex_unlock(&db->write_lock);
	free(zeros);
	if (e)
		return lmn_err_set(err, LMN_EIO, NULL, NULL, "sizing the write-ahead log: %s",
				   strerror(e));
	return LMN_OK;
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

void db_close(struct db *db)
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

enum lmn_rc db_acquire(struct db *db, struct db_conn **out, struct lmn_err *err)
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

void db_release(struct db *db, struct db_conn *c)
{
	if (!c)
		return;
	if (c->in_write || !sqlite3_get_autocommit(c->conn))
		db_rollback(c); /* a transaction left open by a failed path */
	pthread_mutex_lock(&db->lock);
	c->next_free = db->free;
	db->free = c;
	pthread_cond_signal(&db->freed);
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

static struct batch *batch_new(bool alone)
{
	struct batch *b = calloc(1, sizeof(*b));

	if (b) {
		b->alone = alone;
		pthread_cond_init(&b->cond, NULL);
	}
	return b;
}

static void batch_free(struct batch *b)
{
	pthread_cond_destroy(&b->cond);
	free(b);
}

/* Tells every member of batch b its outcome. */
static void batch_finish(struct db *db, struct batch *b, enum lmn_rc rc, uint64_t seq,
			 const char *message)
{
	struct write_job *jobs = b->jobs;

	/* Its write jobs: posted now if it failed or wrote nothing, else once it is durable. */
	for (struct write_job *j = jobs; j; j = j->next) {
		j->batch_rc = rc;
		j->sync_rc = SQLITE_OK;
		if (rc != LMN_OK)
			snprintf(j->message, sizeof(j->message), "%s", message ? message : "");
	}
	b->jobs = NULL;
	if (jobs && rc == LMN_OK && seq)
		await_sync_jobs(db, jobs, seq);
	else
		post_jobs(jobs);
	pthread_mutex_lock(&db->batch_lock);
	b->done = true;
	b->seq = seq;
	b->rc = rc;
	snprintf(b->message, sizeof(b->message), "%s", message ? message : "");
	if (b->members == 0)
		batch_free(b);
	else
		pthread_cond_broadcast(&b->cond);
	pthread_mutex_unlock(&db->batch_lock);
}

/* The sticky outcome of the log's fdatasync: after a failure nothing is written again. */
static int sync_failure(struct db *db)
{
	int rc;

	pthread_mutex_lock(&db->sync_lock);
	rc = db->sync_rc;
	pthread_mutex_unlock(&db->sync_lock);
	return rc;
}

/* Commits the open batch, with write_lock held (and kept), and tells its members, who then wait
 * for the fdatasync that covers it. After a failed fdatasync the batch is rolled back instead:
 * SQLite's COMMIT would store it in the log although it could not be acknowledged. */
static void commit_batch(struct db *db)
{
	struct db_conn *w = db->writer;
	struct batch *b = db->batch;
	char message[256] = "";
	enum lmn_rc rc = LMN_OK;
	uint64_t seq = 0;
	int failed = sync_failure(db);

	if (!b)
		return;
	db->batch = NULL;
	if (sqlite3_get_autocommit(w->conn)) {
		/* SQLite rolled the whole transaction back after an error (full disk, I/O). */
		if (b->members > 0 || b->jobs) {
			rc = storage_full(w->conn) ? LMN_EFULL : LMN_EDB;
			snprintf(message, sizeof(message),
				 "the transaction was rolled back by the database: %s",
				 sqlite3_errmsg(w->conn));
		}
	} else if (failed != SQLITE_OK) {
		(void)sqlite3_exec(w->conn, "ROLLBACK", NULL, NULL, NULL);
		w->sync_rc = failed;
	} else {
		/* The COMMIT appends to the log without waiting for its fdatasync (defer_sync):
		 * the members wait for that in db_commit, while the next batch is written. */
		struct lmn_err err;

		w->sync_rc = SQLITE_OK;
		w->defer_sync = true;
		w->commit_seq = 0;
		if (exec_on(w, "COMMIT", &err) != LMN_OK) {
			rc = err.code == LMN_EFULL ? LMN_EFULL : LMN_EDB;
			snprintf(message, sizeof(message), "commit: %.200s", err.message);
			if (!sqlite3_get_autocommit(w->conn))
				(void)exec_on(w, "ROLLBACK", &err);
		}
		w->defer_sync = false;
		seq = w->commit_seq;
	}
	if (w->sync_rc != SQLITE_OK) {
		rc = LMN_EIO;
		snprintf(message, sizeof(message),
			 "the commit could not be made durable: syncing the write-ahead log failed "
			 "(%s); nothing more is accepted until lmn is restarted",
			 sqlite3_errstr(w->sync_rc));
	}
	/* Foreign keys are checked again from the next transaction on (outside one, it applies). */
	if (b->unchecked)
		(void)sqlite3_exec(w->conn, "PRAGMA foreign_keys=ON", NULL, NULL, NULL);
	batch_finish(db, b, rc, seq, message);
}

/* Ends a writer's turn, with write_lock held: commits the open batch unless others are waiting to
 * join it (and it is neither full nor a long transaction's own), then lets the next writer in. */
static void end_turn(struct db *db)
{
	struct batch *b = db->batch;

	if (!b || !(db->waiting > 0 && b->members + b->njobs < BATCH_MAX && !b->alone &&
		    !sqlite3_get_autocommit(db->writer->conn)))
		commit_batch(db);
	pthread_mutex_unlock(&db->write_lock);
}

/* Opens a batch on the writer if none is open, with write_lock held: alone, a long
 * transaction's own (the open batch is committed first, so its members do not wait for it),
 * unchecked without foreign-key checks. */
static enum lmn_rc open_batch(struct db *db, bool alone, bool unchecked, struct lmn_err *err)
{
	enum lmn_rc rc = LMN_OK;
	int failed;

	if ((failed = sync_failure(db)) != SQLITE_OK)
		return lmn_err_set(
			err, LMN_EIO, NULL, NULL,
			"syncing the write-ahead log failed (%s): nothing more is written "
			"until lmn is restarted",
			sqlite3_errstr(failed));
	if (alone)
		commit_batch(db);
	if (db->batch)
		return LMN_OK;
	if (!(db->batch = batch_new(alone)))
		return lmn_err_set(err, LMN_ENOMEM, NULL, NULL, "out of memory");
	/* Set before the transaction (inside one SQLite ignores it); commit_batch sets it back. */
	db->batch->unchecked = alone && unchecked;
	if (db->batch->unchecked)
		rc = exec_on(db->writer, "PRAGMA foreign_keys=OFF", err);
	if (rc == LMN_OK)
		rc = exec_on(db->writer, "BEGIN IMMEDIATE", err);
	if (rc != LMN_OK) {
		if (db->batch->unchecked)
			(void)sqlite3_exec(db->writer->conn, "PRAGMA foreign_keys=ON", NULL, NULL,
					   NULL);
		batch_free(db->batch);
		db->batch = NULL;
	}
	return rc;
}

static enum lmn_rc begin_write(struct db_conn *c, bool alone, bool unchecked, struct lmn_err *err)
{
	struct db *db = c->db;
	enum lmn_rc rc;

	db->waiting++;
	pthread_mutex_lock(&db->write_lock);
	db->waiting--;
	if ((rc = open_batch(db, alone, unchecked, err)) != LMN_OK) {
		end_turn(db);
		return rc;
	}
	/* A long transaction has the batch to itself, so it needs no savepoint of its own: inside
	 * one, SQLite would keep the original of every page it changes, to undo it. */
	if (!alone && (rc = exec_on(db->writer, "SAVEPOINT lmn_tx", err)) != LMN_OK) {
		end_turn(db);
		return rc;
	}
	c->in_write = true;
	return LMN_OK;
}

enum lmn_rc db_begin(struct db_conn *c, bool write, struct lmn_err *err)
{
	if (!write)
		return exec_on(c, "BEGIN", err);
	return begin_write(c, false, false, err);
}

enum lmn_rc db_begin_bulk(struct db_conn *c, struct lmn_err *err)
{
	return begin_write(c, true, false, err);
}

enum lmn_rc db_begin_bulk_unchecked(struct db_conn *c, struct lmn_err *err)
{
	return begin_write(c, true, true, err);
}

static enum lmn_rc await_batch(struct db *db, struct batch *b, struct lmn_err *err);

enum lmn_rc db_commit(struct db_conn *c, struct lmn_err *err)
{
	struct db *db = c->db;
	struct batch *b;
	enum lmn_rc rc;

	if (!c->in_write)
		return exec_on(c, "COMMIT", err);
	b = db->batch;
	if (!b->alone && (rc = exec_on(db->writer, "RELEASE lmn_tx", err)) != LMN_OK) {
		db_rollback(c);
		return rc;
	}
	c->in_write = false;
	b->members++;
	end_turn(db);
	return await_batch(db, b, err);
}

/* Waits for the outcome of batch b, of which the caller is a member, and then for the fdatasync
 * that makes it durable. */
static enum lmn_rc await_batch(struct db *db, struct batch *b, struct lmn_err *err)
{
	uint64_t seq;
	enum lmn_rc rc;
	int synced;

	/* The last writer of the turn commits the batch. */
	pthread_mutex_lock(&db->batch_lock);
	while (!b->done)
		pthread_cond_wait(&b->cond, &db->batch_lock);
	rc = b->rc;
	seq = b->seq;
	if (rc != LMN_OK)
		(void)lmn_err_set(err, rc, NULL, NULL, "%s", b->message);
	if (--b->members == 0)
		batch_free(b);
	pthread_mutex_unlock(&db->batch_lock);
	/* Then for the fdatasync that covers the batch's commit. */
	if (rc == LMN_OK && seq && (synced = wait_synced(db, seq)) != SQLITE_OK)
		rc = lmn_err_set(
			err, LMN_EIO, NULL, NULL,
			"the commit could not be made durable: syncing the write-ahead log "
			"failed (%s); nothing more is accepted until lmn is restarted",
			sqlite3_errstr(synced));
	return rc;
}

void db_rollback(struct db_conn *c)
{
	struct db *db = c->db;
	struct lmn_err err;

	if (!c->in_write) {
		if (!sqlite3_get_autocommit(c->conn))
			(void)exec_on(c, "ROLLBACK", &err);
		return;
	}
	c->in_write = false;
	/* Undoes this transaction's changes only; the batch's earlier members keep theirs. A long
	 * transaction (no savepoint) is the batch's only member: its whole transaction goes. */
	if (sqlite3_get_autocommit(db->writer->conn))
		;
	else if (db->batch && db->batch->alone)
		(void)exec_on(db->writer, "ROLLBACK", &err);
	else if (exec_on(db->writer, "ROLLBACK TO lmn_tx", &err) == LMN_OK)
		(void)exec_on(db->writer, "RELEASE lmn_tx", &err);
	end_turn(db);
}

/* Runs job j in the open batch, in a savepoint kept when its function succeeds. Whatever it
 * returns, it joins the batch: what it decided, it decided on the batch's writes, so it learns
 * whether they were committed. */
static void run_job(struct db *db, struct write_job *j)
{
	struct lmn_err err;
	enum lmn_rc rc;

	/* SQLite rolls a whole transaction back by itself after some errors (a full disk): the
	 * batch's members so far are told it failed, and a new batch is begun. */
	if (db->batch && sqlite3_get_autocommit(db->writer->conn))
		commit_batch(db);
	if ((rc = open_batch(db, false, false, &err)) != LMN_OK ||
	    (rc = exec_on(db->writer, "SAVEPOINT lmn_tx", &err)) != LMN_OK) {
		snprintf(j->message, sizeof(j->message), "the write could not begin: %.480s",
			 err.message);
		j->rc = rc;
		return;
	}
	j->c->in_write = true;
	rc = j->fn(j->c, j->arg);
	j->c->in_write = false;
	if (rc == LMN_OK && exec_on(db->writer, "RELEASE lmn_tx", &err) != LMN_OK) {
		rc = err.code == LMN_EFULL ? LMN_EFULL : LMN_EDB;
		snprintf(j->message, sizeof(j->message), "%s", err.message);
	}
	if (rc != LMN_OK && !sqlite3_get_autocommit(db->writer->conn) &&
	    exec_on(db->writer, "ROLLBACK TO lmn_tx", &err) == LMN_OK)
		(void)exec_on(db->writer, "RELEASE lmn_tx", &err);
	if (!sqlite3_get_autocommit(db->writer->conn)) {
		j->joined = true;
		j->next = db->batch->jobs;
		db->batch->jobs = j;
		db->batch->njobs++;
	}
	j->rc = rc;
}

/* Whether the writer thread should commit its batch before running the next job: when no
 * fdatasync of the log runs or waits to run, and no more jobs came in meanwhile (the writer then
 * has the time: a writer falling behind commits as many jobs at once as it can). */
static bool commit_early(struct db *db)
{
	bool idle, more;

	pthread_mutex_lock(&db->jobs_lock);
	more = db->jobs != NULL;
	pthread_mutex_unlock(&db->jobs_lock);
	if (more)
		return false;
	pthread_mutex_lock(&db->sync_lock);
	idle = !db->syncing && !db->sync_jobs;
	pthread_mutex_unlock(&db->sync_lock);
	return idle;
}

/* Runs the queued jobs in the open batch, with write_lock held; more jobs queued meanwhile join,
 * up to BATCH_MAX members and BATCH_MAX jobs a turn (a batch may be committed early, above). */
static void run_jobs(struct db *db)
{
	struct write_job *list, *j, *next, *alone = NULL;
	int ran = 0;

	for (;;) {
		pthread_mutex_lock(&db->jobs_lock);
		list = db->jobs;
		db->jobs = NULL;
		db->jobs_tail = &db->jobs;
		pthread_mutex_unlock(&db->jobs_lock);
		if (!list)
			break;
		/* A job that joined the batch is told by it (batch_finish, then the syncer); one
		 * that could not is posted after the turn. */
		for (j = list; j; j = next) {
			next = j->next;
			run_job(db, j);
			ran++;
			if (!j->joined) {
				j->next = alone;
				alone = j;
			}
			/* The batch so far is committed now, so that its fdatasync runs while
			 * the writer goes on with the next jobs. */
			if (next && db->batch && db->batch->njobs > 0 && commit_early(db))
				commit_batch(db);
		}
		/* A turn ends after BATCH_MAX jobs even when its batches were committed early:
		 * others wait for the write lock (the checkpoint's last pass, db_begin's writers). */
		if (!db->batch || db->batch->members + db->batch->njobs >= BATCH_MAX ||
		    ran >= BATCH_MAX)
			break;
	}
	end_turn(db);
	post_jobs(alone);
}

static void *writer_main(void *arg)
{
	struct db *db = arg;

	pthread_mutex_lock(&db->jobs_lock);
	while (db->jobs || !db->writer_stop) {
		if (!db->jobs) {
			pthread_cond_wait(&db->jobs_cond, &db->jobs_lock);
			continue;
		}
		pthread_mutex_unlock(&db->jobs_lock);
		db->waiting++;
		pthread_mutex_lock(&db->write_lock);
		db->waiting--;
		run_jobs(db); /* ends the turn */
		pthread_mutex_lock(&db->jobs_lock);
	}
	pthread_mutex_unlock(&db->jobs_lock);
	return NULL;
}

/* Queues job j for the writer thread, starting it the first time; false when there is none. */
static bool queue_job(struct db *db, struct write_job *j)
{
	bool queued = false;

	pthread_mutex_lock(&db->jobs_lock);
	if (!db->writer_stop && (db->writer_running ||
				 pthread_create(&db->writer_thread, NULL, writer_main, db) == 0)) {
		db->writer_running = true;
		*db->jobs_tail = j;
		db->jobs_tail = &j->next;
		queued = true;
		pthread_cond_signal(&db->jobs_cond);
	}
	pthread_mutex_unlock(&db->jobs_lock);
	return queued;
}

enum lmn_rc db_write_async(struct db *db, db_write_fn fn, void *arg, db_done_fn done,
			   void *done_arg, struct lmn_err *err)
{
	struct write_job *j = calloc(1, sizeof(*j));

	if (!j)
		return lmn_err_set(err, LMN_ENOMEM, NULL, NULL, "out of memory");
	/* The job's statements go to the writer, on whose thread it runs. */
	*j = (struct write_job){
		.fn = fn, .arg = arg, .c = db->writer, .done = done, .done_arg = done_arg
	};
	if (!queue_job(db, j)) {
		free(j);
		return lmn_err_set(err, LMN_EIO, NULL, NULL,
				   "the store's writer thread is not running");
	}
	return LMN_OK;
}

enum lmn_rc db_write(struct db_conn *c, db_write_fn fn, void *arg, struct lmn_err *err)
{
	struct db *db = c->db;
	struct write_job job = { .fn = fn, .arg = arg, .c = c };
	bool queued;
	enum lmn_rc rc;

	if (sem_init(&job.ran, 0, 0) != 0)
		return lmn_err_set(err, LMN_ENOMEM, NULL, NULL, "no semaphore for the write");
	queued = queue_job(db, &job);
	if (queued)
		while (sem_wait(&job.ran) != 0)
			; /* EINTR */
	sem_destroy(&job.ran);
	if (!queued) {
		/* No writer thread: the transaction runs here, as db_begin's do. */
		if ((rc = db_begin(c, true, err)) != LMN_OK)
			return rc;
		if ((rc = fn(c, arg)) != LMN_OK) {
			db_rollback(c);
			return rc;
		}
		return db_commit(c, err);
	}
	return job_outcome(&job, err);
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

enum lmn_rc db_prepare(struct db_conn *c, const char *sql, struct db_stmt **out,
		       struct lmn_err *err)
{
	return prepare_on(cur(c), sql, out, err);
}

/* Runs a statement without parameters on connection c from its cache: the transaction
 * statements run on every request, and sqlite3_exec would compile them each time. */
static enum lmn_rc exec_on(struct db_conn *c, const char *sql, struct lmn_err *err)
{
	struct db_stmt *st;
	enum lmn_rc rc = prepare_on(c, sql, &st, err);

	return rc == LMN_OK ? db_run(st, err) : rc;
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

void db_bind_text_kept(struct db_stmt *st, int i, const char *s)
{
	bound(st, s ? sqlite3_bind_text(st->st, i, s, -1, SQLITE_STATIC)
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

void db_col_copy(struct db_stmt *st, int i, char *out, size_t size)
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
	return sqlite3_last_insert_rowid(cur(c)->conn);
}

int64_t db_changes(struct db_conn *c)
{
	return sqlite3_changes64(cur(c)->conn);
}

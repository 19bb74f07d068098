/* Checkpoints of the SQLite backend: a background thread copies the write-ahead log into the
 * database when a commit finds it long (the WAL hook replaces SQLite's automatic checkpoint), so no
 * request waits for one; and the log written out to the size it reaches between checkpoints. */
#include <errno.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/db.h"
#include "store/sqlite_int.h"

/* The checkpoint copies the log in passive passes (at most this many) until at most
 * CHECKPOINT_LOCKED_PAGES are left for its last pass, which holds writers off. */
#define CHECKPOINT_CATCHUP_PASSES 4
#define CHECKPOINT_LOCKED_PAGES	  64

static void *checkpointer(void *arg);

/* Wakes the checkpoint thread, starting it the first time. Called with sync_lock held. */
void want_checkpoint(struct db *db, sqlite3 *conn)
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

enum lmn_rc sq_size_log(struct db *db, struct lmn_err *err)
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

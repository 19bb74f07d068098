/* The SQLite backend's internals, shared by its three files and by nothing else: connections and
 * statements (sqlite_conn.c), batches and the log's fdatasync (sqlite_commit.c), checkpoints and
 * the log's size (sqlite_checkpoint.c). */
#ifndef LMN_SQLITE_INT_H
#define LMN_SQLITE_INT_H

#include <pthread.h>
#include <semaphore.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "store/db.h"
#include "store/db_engine.h"

#define STMT_CACHE 128 /* per connection; a power of two */
/* Ask for a checkpoint when the log holds this many pages, 64 MiB (SQLite's automatic one: 1000).
 * A checkpoint writes each page changed since the last one once, at its place in the database
 * file: the longer the interval, the more changes of one page (a patient's leaf of an index) it
 * writes as one. With 4 000, the database file's scattered writes bounded reads and placements
 * (bench/README.md). */
#define CHECKPOINT_PAGES 16000

struct db_stmt {
	enum db_engine engine; /* DB_SQLITE (0): first, for db.c */
	const char *key;       /* the caller's SQL text */
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

/* What a long transaction leaves out: nothing, foreign-key checks, or those and triggers. */
enum checks { CHECKED, UNCHECKED, COPY };

/* A batch of writing transactions that one COMMIT makes durable; freed by its last member. */
struct batch {
	int members;		/* still to learn the outcome (db_begin's writers) */
	struct write_job *jobs; /* write jobs that ran in it, told by batch_finish and the syncer */
	int njobs;
	bool alone; /* a long transaction (db_begin_bulk): nobody else joins, it commits at once */
	bool unchecked; /* …whose references are not checked by SQLite (db_begin_bulk_unchecked) */
	bool untriggered; /* …whose triggers do not fire either (db_begin_copy) */
	bool done;
	uint64_t seq; /* its commit's number in the log: durable once an fdatasync covers it */
	pthread_cond_t cond; /* its members wait for done (only they are woken) */
	enum lmn_rc rc;
	char message[256]; /* the failure, for each member's error */
};

struct db_conn {
	enum db_engine engine; /* DB_SQLITE (0): first, for db.c */
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
	enum db_engine engine; /* DB_SQLITE (0): first, for db.c */
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
static inline struct db_conn *cur(struct db_conn *c)
{
	return c->in_write ? c->db->writer : c;
}

/* sqlite_conn.c: connections, statements and their errors. */
enum lmn_rc conn_open(struct db *db, struct db_conn **out, struct lmn_err *err);
void conn_close(struct db_conn *c);
enum lmn_rc exec_on(struct db_conn *c, const char *sql, struct lmn_err *err);
bool storage_full(sqlite3 *conn);
enum lmn_rc conn_fail(sqlite3 *conn, struct lmn_err *err, const char *what);

/* sqlite_commit.c: batches, the writer thread and the syncer. */
enum lmn_rc open_log(struct db *db, struct lmn_err *err);
int wal_committed(void *arg, sqlite3 *conn, const char *schema, int pages);
void commit_batch(struct db *db);

/* sqlite_checkpoint.c: checkpoints and the log's size. */
void want_checkpoint(struct db *db, sqlite3 *conn);

#endif

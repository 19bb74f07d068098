/* The PostgreSQL backend's internals, shared by its two files and by nothing else: connections,
 * migrations and statements (pg_conn.c), transactions and write jobs (pg_write.c). */
#ifndef LMN_PG_INT_H
#define LMN_PG_INT_H

#include <libpq-fe.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "store/db.h"
#include "store/db_engine.h"

/* Statements per connection (a power of two): every statement the store has fits. */
#define PG_STMT_CACHE 512
/* Connections in the pool at most (PostgreSQL's default max_connections is 100: room for two
 * servers and the tools). */
#define PG_POOL_MAX 32
/* Threads that run db_write_async's jobs, each on a connection of the pool: enough that while
 * one job holds the write lock, the jobs before it wait for their commits to be flushed. */
#define PG_WORKERS 16

/* A statement of one connection, prepared on the server (as name) at its first run, when its
 * parameters' kinds are known: an integer is sent as bigint, text and NULL as of unknown type
 * (PostgreSQL infers it from where it stands). Values go as text. */
struct pg_stmt {
	enum db_engine engine; /* DB_PG: first, for db.c */
	const char *key;       /* the caller's SQL text */
	struct pg_conn *conn;
	int nparams;
	bool prepared;
	char name[16];
	const char **vals; /* each parameter's text, NULL for NULL */
	char *kinds;	   /* each parameter: 'i' an integer, 't' text, 0 NULL */
	char (*ints)[24];  /* the text of integer parameters */
	char **owned;	   /* copies of text parameters */
	size_t *owned_size;
	PGresult *res;	/* after the first step */
	int row, nrows; /* the row read (row - 1) and how many there are */
	bool bind_failed;
};

struct pg_conn {
	enum db_engine engine; /* DB_PG: first, for db.c */
	PGconn *pg;
	struct pg_db *db;
	struct pg_conn *next_free;
	int64_t changes; /* rows the last statement changed */
	unsigned named;	 /* statements prepared on the server so far (their names) */
	bool writing;	 /* in a writing transaction (pg_begin): its commit is waited for */
	bool locked;	 /* …which holds the write lock (else takes it before its first write) */
	struct pg_stmt cache[PG_STMT_CACHE];
};

/* A write job of db_write_async, run by a worker. */
struct pg_job {
	db_write_fn fn;
	void *arg;
	enum pg_lock lock;
	db_done_fn done;
	void *done_arg;
	struct pg_job *next;
};

struct pg_db {
	enum db_engine engine; /* DB_PG: first, for db.c */
	char *conninfo;
	pthread_mutex_t lock; /* the pool */
	pthread_cond_t freed;
	struct pg_conn *free;
	int opened;

	pthread_mutex_t jobs_lock; /* write jobs and their workers */
	pthread_cond_t jobs_cond;
	struct pg_job *jobs, **jobs_tail;
	pthread_t workers[PG_WORKERS];
	int nworkers;
	bool stop;
};

/* The lmn_rc of a failed statement (res, or the connection's error without one), in err. */
enum lmn_rc pg_fail(struct pg_conn *c, const PGresult *res, struct lmn_err *err, const char *what);
/* Runs sql (no parameters) for its status; LMN_OK when it succeeded. */
enum lmn_rc pg_exec_status(struct pg_conn *c, const char *sql, struct lmn_err *err);
/* pg_write.c: returns once every commit of c is flushed (the way a writing transaction's commit
 * is waited for). */
enum lmn_rc pg_wait_flushed(struct pg_conn *c, struct lmn_err *err);
/* pg_write.c: before statement sql runs on c, the write lock if c is in a writing transaction
 * that has not taken it yet and sql is not a SELECT (db_read_logged). */
enum lmn_rc pg_lock_before(struct pg_conn *c, const char *sql, struct lmn_err *err);
/* pg_write.c: stops the write job workers once the queued jobs ran. */
void pg_workers_stop(struct pg_db *db);

#endif

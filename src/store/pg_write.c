/* Transactions of the PostgreSQL backend: a write is an ordinary transaction on the caller's
 * connection, made durable by PostgreSQL's commit (synchronous_commit on); db_write_async's jobs
 * run on a few worker threads, each on a connection of the pool. */
#include <libpq-fe.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "store/db.h"
#include "store/pg_int.h"

/* The advisory lock every writing transaction takes first ("lmn" + 1), held until it ends. */
#define WRITE_LOCK "7105903"

/* A read transaction sees one snapshot throughout, as SQLite's does. Writing transactions run
 * one after another, as SQLite runs them, whichever server they come from: a handler reads what
 * it decides on, then writes (two placements on one item at once must not both take its last
 * withdrawal), and its function cannot simply be run again after a serialization failure (it
 * keeps what it did in its argument). Each statement after the lock sees every transaction
 * committed before it (READ COMMITTED).
 *
 * The lock is held until COMMIT, not until the commit is flushed: a writing transaction commits
 * without waiting (synchronous_commit off), and pg_commit then waits for the flush (pg_wait_flushed)
 * with the lock free, so that the next writer runs meanwhile and PostgreSQL flushes the commits
 * waiting at one moment together, as SQLite's writer thread does. A transaction that read what
 * another wrote commits after it in the log, so it is never durable without it.
 *
 * A job that only records what it read (db_read_logged: a patient's order list and its access-log
 * row) takes the lock later, before its first statement that is not a SELECT: it decides nothing
 * on what it reads, so its reads need not wait for the writers before it. Its commit too comes
 * after everything it read in the log. */
static enum lmn_rc begin_tx(struct pg_conn *c, bool write, enum pg_lock lock, struct lmn_err *err)
{
	const char *sql = !write		     ? "BEGIN ISOLATION LEVEL REPEATABLE READ"
			  : lock == PG_LOCK_AT_WRITE ? "BEGIN; SET LOCAL synchronous_commit = off"
						     : "BEGIN; SET LOCAL synchronous_commit = off; "
						       "SELECT pg_advisory_xact_lock(" WRITE_LOCK
						       ")";
	enum lmn_rc rc = pg_exec_status(c, sql, err);

	c->writing = write && rc == LMN_OK;
	c->locked = c->writing && lock == PG_LOCK_AT_BEGIN;
	return rc;
}

enum lmn_rc pg_begin(struct pg_conn *c, bool write, struct lmn_err *err)
{
	return begin_tx(c, write, PG_LOCK_AT_BEGIN, err);
}

/* Whether sql only reads: it begins with SELECT (lmn's statements that write begin with INSERT,
 * UPDATE, DELETE or WITH, and no SELECT of lmn's calls a function that writes). */
static bool only_reads(const char *sql)
{
	while (*sql == ' ' || *sql == '\t' || *sql == '\n')
		sql++;
	return strncasecmp(sql, "SELECT", 6) == 0 &&
	       (sql[6] == ' ' || sql[6] == '\t' || sql[6] == '\n');
}

enum lmn_rc pg_lock_before(struct pg_conn *c, const char *sql, struct lmn_err *err)
{
	enum lmn_rc rc;

	if (!c->writing || c->locked || only_reads(sql))
		return LMN_OK;
	if ((rc = pg_exec_status(c, "SELECT pg_advisory_xact_lock(" WRITE_LOCK ")", err)) == LMN_OK)
		c->locked = true;
	return rc;
}

/* Returns once every commit this connection made is flushed (and on a synchronous standby, as the
 * server's synchronous_commit says): a transaction of its own, committed as the server commits,
 * is flushed only with the log before it. It must write to the log to be waited for (an id alone
 * is not): a transactional logical message, which any role may write and nothing reads unless a
 * logical decoding plugin is attached. Its failure leaves the outcome of the commit before it
 * unknown, as a lost connection during COMMIT would (LMN_EUNAVAIL: the client retries, with its
 * Idempotency-Key). */
enum lmn_rc pg_wait_flushed(struct pg_conn *c, struct lmn_err *err)
{
	return pg_exec_status(
		c, "BEGIN; SELECT pg_logical_emit_message(true, 'lmn', 'flushed'); COMMIT", err);
}

/* A copy's transaction (store_copy.c): no trigger fires and no reference is checked (both are
 * triggers on PostgreSQL, which the replica role skips), so rows derived by triggers are copied
 * as they are, not derived again. The role needs a superuser, or a role granted SET on
 * session_replication_role (README). Ends with the transaction. */
enum lmn_rc pg_begin_copy(struct pg_conn *c, struct lmn_err *err)
{
	enum lmn_rc rc = pg_begin(c, true, err);

	if (rc == LMN_OK &&
	    (rc = pg_exec_status(c, "SET LOCAL session_replication_role = replica", err)) != LMN_OK)
		pg_rollback(c);
	return rc;
}

/* Asks first, as a refused SET would fail the whole transaction. */
enum lmn_rc pg_triggers_off(struct pg_conn *c, bool *off, struct lmn_err *err)
{
	int64_t may = 0;
	enum lmn_rc rc =
		db_int((struct db_conn *)(void *)c, &may, 0, err,
		       "SELECT CASE WHEN has_parameter_privilege('session_replication_role', "
		       "'SET') THEN 1 ELSE 0 END",
		       "");

	*off = false;
	if (rc != LMN_OK || !may)
		return rc;
	if ((rc = pg_exec_status(c, "SET LOCAL session_replication_role = replica", err)) == LMN_OK)
		*off = true;
	return rc;
}

/* A transaction that failed is rolled back by COMMIT (which says so, as ROLLBACK): it fails. A
 * writing one's commit is durable when this returns LMN_OK. */
enum lmn_rc pg_commit(struct pg_conn *c, struct lmn_err *err)
{
	PGresult *res;
	enum lmn_rc rc = LMN_OK;
	bool writing = c->writing;

	c->writing = c->locked = false;
	if (PQstatus(c->pg) == CONNECTION_OK && PQtransactionStatus(c->pg) == PQTRANS_INERROR) {
		pg_rollback(c);
		return lmn_err_set(err, LMN_EDB, NULL, NULL,
				   "commit: the transaction failed before and was rolled back");
	}
	res = PQexec(c->pg, "COMMIT");
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		rc = pg_fail(c, res, err, "commit");
	else if (strcmp(PQcmdStatus(res), "COMMIT") != 0)
		rc = lmn_err_set(err, LMN_EDB, NULL, NULL, "commit: rolled back (%s)",
				 PQcmdStatus(res));
	PQclear(res);
	if (rc == LMN_OK && writing)
		rc = pg_wait_flushed(c, err);
	return rc;
}

void pg_rollback(struct pg_conn *c)
{
	c->writing = c->locked = false;
	if (PQstatus(c->pg) == CONNECTION_OK && PQtransactionStatus(c->pg) != PQTRANS_IDLE)
		PQclear(PQexec(c->pg, "ROLLBACK"));
}

/* fn in a savepoint of the transaction c is in already. A write lock fn took goes with the
 * savepoint when it is rolled back (PostgreSQL releases the locks of a subtransaction undone). */
static enum lmn_rc write_nested(struct pg_conn *c, db_write_fn fn, void *arg, struct lmn_err *err)
{
	bool locked = c->locked;
	enum lmn_rc rc = pg_exec_status(c, "SAVEPOINT lmn_write", err);

	if (rc != LMN_OK)
		return rc;
	if ((rc = fn((struct db_conn *)(void *)c, arg)) != LMN_OK) {
		if (PQstatus(c->pg) == CONNECTION_OK)
			PQclear(PQexec(c->pg, "ROLLBACK TO SAVEPOINT lmn_write; "
					      "RELEASE SAVEPOINT lmn_write"));
		c->locked = locked;
		return rc;
	}
	return pg_exec_status(c, "RELEASE SAVEPOINT lmn_write", err);
}

/* fn in a writing transaction of its own on c; *own whether a failure is the store's (in err)
 * rather than fn's (fn reports its own in its arg). */
static enum lmn_rc write_tx(struct pg_conn *c, db_write_fn fn, void *arg, enum pg_lock lock,
			    bool *own, struct lmn_err *err)
{
	enum lmn_rc rc;

	*own = true;
	if ((rc = begin_tx(c, true, lock, err)) != LMN_OK)
		return rc;
	*own = false;
	if ((rc = fn((struct db_conn *)(void *)c, arg)) != LMN_OK) {
		pg_rollback(c);
		return rc;
	}
	*own = true;
	return pg_commit(c, err);
}

enum lmn_rc pg_write(struct pg_conn *c, db_write_fn fn, void *arg, enum pg_lock lock,
		     struct lmn_err *err)
{
	bool own;

	if (PQtransactionStatus(c->pg) == PQTRANS_INTRANS)
		return write_nested(c, fn, arg, err);
	return write_tx(c, fn, arg, lock, &own, err);
}

/* Runs one job on a connection of the pool and tells its outcome. */
static void run_job(struct pg_db *db, struct pg_job *j)
{
	struct pg_conn *c = NULL;
	struct lmn_err err;
	enum lmn_rc rc;
	bool own = false; /* the failure is the store's, not fn's */

	err.message[0] = '\0';
	if ((rc = pg_acquire(db, &c, &err)) != LMN_OK) {
		own = true;
	} else {
		rc = write_tx(c, j->fn, j->arg, j->lock, &own, &err);
		pg_release(db, c);
	}
	j->done(j->done_arg, rc, rc != LMN_OK && own ? &err : NULL);
}

static void *worker_main(void *arg)
{
	struct pg_db *db = arg;
	struct pg_job *j;

	pthread_mutex_lock(&db->jobs_lock);
	for (;;) {
		if (!db->jobs) {
			if (db->stop)
				break;
			pthread_cond_wait(&db->jobs_cond, &db->jobs_lock);
			continue;
		}
		j = db->jobs;
		db->jobs = j->next;
		if (!db->jobs)
			db->jobs_tail = &db->jobs;
		pthread_mutex_unlock(&db->jobs_lock);
		run_job(db, j);
		free(j);
		pthread_mutex_lock(&db->jobs_lock);
	}
	pthread_mutex_unlock(&db->jobs_lock);
	return NULL;
}

enum lmn_rc pg_write_async(struct pg_db *db, db_write_fn fn, void *arg, enum pg_lock lock,
			   db_done_fn done, void *done_arg, struct lmn_err *err)
{
	struct pg_job *j = calloc(1, sizeof(*j));
	bool queued = false;

	if (!j)
		return lmn_err_set(err, LMN_ENOMEM, NULL, NULL, "out of memory");
	*j = (struct pg_job){
		.fn = fn, .arg = arg, .lock = lock, .done = done, .done_arg = done_arg
	};
	pthread_mutex_lock(&db->jobs_lock);
	/* The workers start at the first job. */
	while (!db->stop && db->nworkers < PG_WORKERS &&
	       pthread_create(&db->workers[db->nworkers], NULL, worker_main, db) == 0)
		db->nworkers++;
	if (!db->stop && db->nworkers > 0) {
		*db->jobs_tail = j;
		db->jobs_tail = &j->next;
		queued = true;
		pthread_cond_signal(&db->jobs_cond);
	}
	pthread_mutex_unlock(&db->jobs_lock);
	if (!queued) {
		free(j);
		return lmn_err_set(err, LMN_EIO, NULL, NULL,
				   "the store's write workers are not running");
	}
	return LMN_OK;
}

void pg_workers_stop(struct pg_db *db)
{
	int n;

	pthread_mutex_lock(&db->jobs_lock);
	db->stop = true;
	n = db->nworkers;
	pthread_cond_broadcast(&db->jobs_cond);
	pthread_mutex_unlock(&db->jobs_lock);
	for (int i = 0; i < n; i++)
		pthread_join(db->workers[i], NULL);
}

/* Transactions of the PostgreSQL backend: a write is an ordinary transaction on the caller's
 * connection, made durable by PostgreSQL's commit (synchronous_commit on); db_write_async's jobs
 * run on a few worker threads, each on a connection of the pool. */
#include <libpq-fe.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/db.h"
#include "store/pg_int.h"

/* A read transaction sees one snapshot throughout, as SQLite's does. */
enum lmn_rc pg_begin(struct pg_conn *c, bool write, struct lmn_err *err)
{
	return pg_exec_status(c, write ? "BEGIN" : "BEGIN ISOLATION LEVEL REPEATABLE READ", err);
}

/* A transaction that failed is rolled back by COMMIT (which says so, as ROLLBACK): it fails. */
enum lmn_rc pg_commit(struct pg_conn *c, struct lmn_err *err)
{
	PGresult *res;
	enum lmn_rc rc = LMN_OK;

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
	return rc;
}

void pg_rollback(struct pg_conn *c)
{
	if (PQstatus(c->pg) == CONNECTION_OK && PQtransactionStatus(c->pg) != PQTRANS_IDLE)
		PQclear(PQexec(c->pg, "ROLLBACK"));
}

/* fn in a transaction of its own on c, or in a savepoint when c is in one already. */
enum lmn_rc pg_write(struct pg_conn *c, db_write_fn fn, void *arg, struct lmn_err *err)
{
	bool nested = PQtransactionStatus(c->pg) == PQTRANS_INTRANS;
	enum lmn_rc rc;

	rc = pg_exec_status(c, nested ? "SAVEPOINT lmn_write" : "BEGIN", err);
	if (rc != LMN_OK)
		return rc;
	if ((rc = fn((struct db_conn *)(void *)c, arg)) != LMN_OK) {
		if (!nested)
			pg_rollback(c);
		else if (PQstatus(c->pg) == CONNECTION_OK)
			PQclear(PQexec(c->pg, "ROLLBACK TO SAVEPOINT lmn_write; "
					      "RELEASE SAVEPOINT lmn_write"));
		return rc;
	}
	if (nested)
		return pg_exec_status(c, "RELEASE SAVEPOINT lmn_write", err);
	return pg_commit(c, err);
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
	} else if ((rc = pg_exec_status(c, "BEGIN", &err)) != LMN_OK) {
		own = true;
	} else if ((rc = j->fn((struct db_conn *)(void *)c, j->arg)) != LMN_OK) {
		pg_rollback(c);
	} else {
		rc = pg_commit(c, &err);
		own = rc != LMN_OK;
	}
	pg_release(db, c);
	j->done(j->done_arg, rc, own ? &err : NULL);
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

enum lmn_rc pg_write_async(struct pg_db *db, db_write_fn fn, void *arg, db_done_fn done,
			   void *done_arg, struct lmn_err *err)
{
	struct pg_job *j = calloc(1, sizeof(*j));
	bool queued = false;

	if (!j)
		return lmn_err_set(err, LMN_ENOMEM, NULL, NULL, "out of memory");
	*j = (struct pg_job){ .fn = fn, .arg = arg, .done = done, .done_arg = done_arg };
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
		return lmn_err_set(err, LMN_EIO, NULL, NULL, "the store's write workers are not running");
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

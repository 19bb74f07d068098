/* The lock rows of lmn serve's background jobs (migration 27): with several servers on one
 * database, a job's transaction takes its row first, so two servers' runs of it follow one
 * another and the second finds the first's work done. */
#ifndef LMN_STORE_JOB_LOCKS_H
#define LMN_STORE_JOB_LOCKS_H

#include "store/db.h"
#include "util/rc.h"

/* Takes job name's lock row for the caller's write transaction (PostgreSQL: a row lock until
 * it ends; SQLite: its one writer), recording server and at (ISO 8601) as its last run.
 * LMN_ENOTFOUND when the job has no row. */
LMN_MUST_USE enum lmn_rc job_lock(struct db_conn *c, const char *name, const char *server,
				  const char *at, struct lmn_err *err);

#endif

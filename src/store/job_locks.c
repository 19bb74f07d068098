/* The lock rows of the background jobs (job_locks, migration 27). */
#include "store/job_locks.h"

enum lmn_rc job_lock(struct db_conn *c, const char *name, const char *server, const char *at,
		     struct lmn_err *err)
{
	enum lmn_rc rc =
		db_do(c, err, "UPDATE job_locks SET run_by = $2, run_at = $3 WHERE name = $1",
		      "ttt", name, server, at);

	if (rc == LMN_OK && db_changes(c) != 1)
		rc = lmn_err_set(err, LMN_ENOTFOUND, NULL, NULL, "the job %s has no lock row",
				 name);
	return rc;
}

/* The customer-service call log (Spec B 6.1's phone key figure): every statement on the calls
 * table the API makes. */
#ifndef LMN_STORE_CALLS_H
#define LMN_STORE_CALLS_H

#include <stdint.h>

#include "store/db.h"
#include "util/rc.h"

/* The columns an INSERT INTO calls writes, in the order of enum call_col. */
#define CALLS_INSERT_COLUMNS "queued_at, answered_at, abandoned_at, topic, agent_id, patient_id"

/* The parameter number of each column in an INSERT with CALLS_INSERT_COLUMNS. */
enum call_col {
	CALL_COL_QUEUED_AT = 1,
	CALL_COL_ANSWERED_AT,
	CALL_COL_ABANDONED_AT,
	CALL_COL_TOPIC,
	CALL_COL_AGENT_ID,
	CALL_COL_PATIENT_ID,
	CALLS_COLUMN_COUNT = CALL_COL_PATIENT_ID
};

/* One call. Times are ISO 8601 with offset; answered_at and abandoned_at NULL when not. */
struct call_row {
	int64_t id;
	const char *queued_at, *answered_at, *abandoned_at;
	const char *topic;
	int64_t agent_id;   /* 0: none (history, the demo) */
	int64_t patient_id; /* 0: none */
};

/* Logs the call r (its id unused) in the caller's write transaction; *id is the new row's. */
LMN_MUST_USE enum lmn_rc calls_insert(struct db_conn *c, const struct call_row *r, int64_t *id,
				      struct lmn_err *err);

/* Called for each call of calls_each; the row's strings ("" for NULL times) live until it
 * returns, and agent_id and patient_id are not read (0). */
typedef enum lmn_rc (*call_fn)(const struct call_row *r, void *arg);

/* Calls fn, in queue order, for each call queued on or after from and before to (YYYY-MM-DD);
 * fn's failure stops the read and is returned. */
LMN_MUST_USE enum lmn_rc calls_each(struct db_conn *c, const char *from, const char *to, call_fn fn,
				    void *arg, struct lmn_err *err);

#endif

/* The access log of patient data: its entries, its list views (migration 14: one entry per list
 * view with the patients it showed), a patient's view of it, and the removal of entries past the
 * retention period. Every statement on its tables is here. */
#ifndef LMN_ACCESS_LOG_H
#define LMN_ACCESS_LOG_H

#include <stddef.h>
#include <stdint.h>

#include "store/db.h"
#include "util/rc.h"

/* One read or write of a patient's data, for access_log_add. */
struct access_log_row {
	const char *at; /* ISO 8601 with offset */
	int64_t user_id;
	const char *role;
	int64_t patient_id;
	const char *action; /* read, create, update */
	const char *what;
	int64_t token_id; /* the API token the request came with, 0 for none */
};

/* Adds an entry to the access log, in the caller's write transaction. */
LMN_MUST_USE enum lmn_rc access_log_add(struct db_conn *c, const struct access_log_row *r,
					struct lmn_err *err);

/* List views per entry of access_log_view_batches (the migration's 1 024). */
#define ACCESS_LOG_VIEW_BATCH 1024

/* Records that a list showed the patients ids[0, n) (any order, repeats allowed: ids is sorted in
 * place) to the user (token_id: the API token the request came with, 0 for none), as one entry, in the caller's write transaction. Nothing for n == 0. */
LMN_MUST_USE enum lmn_rc access_log_add_view(struct db_conn *c, const char *at, int64_t user_id,
					     int64_t token_id, const char *role, const char *what,
					     int64_t *ids, size_t n, struct lmn_err *err);

/* One entry of a patient's access log, as the patient sees it. key orders the entries (newest has
 * the greatest) and is the place to go on from when paging. */
struct access_log_entry {
	const char *at, *who, *role, *action, *what, *token; /* who: "" when unknown */
	int64_t token_id;				     /* 0: not through an API token */
	int64_t key[3];
};
typedef enum lmn_rc (*access_log_entry_fn)(const struct access_log_entry *e, void *arg);

/* Calls fn, newest first, for at most max entries of patient_id's access log (its own entries and
 * the list views that showed the patient) older than key before (NULL: from the newest), leaving
 * out those made by except_user (0: none). The strings live until fn returns. */
LMN_MUST_USE enum lmn_rc access_log_of_patient(struct db_conn *c, int64_t patient_id,
					       const int64_t before[3], int64_t except_user,
					       int64_t max, access_log_entry_fn fn, void *arg,
					       struct lmn_err *err);

/* Removes up to max of the oldest entries of the access log, of its list views and of the log of
 * searches by number (id_number_searches) written before the retention period
 * (access_log_retention) reckoned back from now (ISO 8601 local time) — never later than the
 * triggers allow by the system clock. Stops at the first entry still within it:
 * entries are written in time order. *removed: how many were removed; fewer than max when none
 * is left to remove. In the caller's write transaction. */
LMN_MUST_USE enum lmn_rc access_log_remove_expired(struct db_conn *c, const char *now, int max,
						   int64_t *removed, struct lmn_err *err);

#endif

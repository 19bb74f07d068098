/* The delay follow-up's cases (Spec B 3:6): the statements that open them. */
#ifndef LMN_STORE_CONTACT_CASES_H
#define LMN_STORE_CONTACT_CASES_H

#include <stdbool.h>
#include <stdint.h>

#include "rules/params.h"
#include "store/db.h"
#include "util/rc.h"

/* Opens the contact cases due on today that are not open yet, in the caller's write transaction;
 * *opened: how many. An order is due when a line was not delivered in full before its contact
 * date; a line of a special non-stocked product counts only where the rules p as in force on the
 * order's day of receipt did not exempt such products (from 2023-06-21), also for orders imported
 * from history. */
LMN_MUST_USE enum lmn_rc contact_cases_open(struct db_conn *c, const struct params *p,
					    lmn_day today, int64_t *opened, struct lmn_err *err);

/* Writes a case of order_id opened on opened_on (YYYY-MM-DD) and closed at called_at by the one
 * call of called_by, with outcome (the demo's history: neither the call's own row nor the area
 * and care provider the queue filters by are kept). In the caller's write transaction. */
LMN_MUST_USE enum lmn_rc contact_case_insert_closed(struct db_conn *c, int64_t order_id,
						    const char *opened_on, const char *called_at,
						    int64_t called_by, const char *outcome,
						    struct lmn_err *err);

/* ---- Customer service's queue of open cases ---- */

enum contact_sort {
	CONTACT_SORT_TODAY, /* contact date today first, then not called today, oldest first */
	CONTACT_SORT_OLDEST,
	CONTACT_SORT_NEWEST,
	CONTACT_SORT_ATTEMPTS, /* most calls first */
};

struct contact_queue {
	const char *today; /* YYYY-MM-DD */
	enum contact_sort sort;
	const char *area;      /* a product area's code; NULL or "": any */
	int64_t care_provider; /* 0: any */
	int attempts;	       /* calls made: -1 any; 0, 1, 2; 3: three or more */
	int64_t limit, offset;
};

struct contact_case_row {
	int64_t id, order_id, patient_id, attempts, care_provider_id;
	char opened_on[11], due[11], contact_from[11], received_at[32], area[24];
	char patient_name[128], phone[32];
	bool protected_identity;
	char last_outcome[16], last_called_at[32]; /* "" when not called */
	char care_provider[128];
};
typedef enum lmn_rc (*contact_case_fn)(const struct contact_case_row *row, void *arg);

/* The open cases that q selects, a page of q->limit from q->offset in q's order; *total: how many
 * q selects in all. */
LMN_MUST_USE enum lmn_rc contact_cases_queue(struct db_conn *c, const struct contact_queue *q,
					     contact_case_fn fn, void *arg, int64_t *total,
					     struct lmn_err *err);

/* The care providers that have open cases, by name, with how many. */
typedef enum lmn_rc (*contact_provider_fn)(int64_t id, const char *name, int64_t open, void *arg);
LMN_MUST_USE enum lmn_rc contact_cases_providers(struct db_conn *c, contact_provider_fn fn,
						 void *arg, struct lmn_err *err);

/* A line of a late order: what was ordered, shipped and delivered, and why it is late. */
struct contact_case_line {
	int64_t order_id, line_id, ordered, shipped, delivered;
	bool backordered;
	char article_number[33], article_name[128];
	char shipped_at[32], delivered_at[32]; /* the last of each, "" when none */
	/* delivered_late (in full, after the contact date), backordered, not_shipped,
	 * not_collected, returned, in_transit (shipped, not delivered) */
	const char *reason;
};
typedef enum lmn_rc (*contact_line_fn)(const struct contact_case_line *line, void *arg);
/* The lines of the orders order_ids[0..n), by order id, then line: one statement for a page of
 * the queue (a round trip each on PostgreSQL), n at most CONTACT_CASES_AT_ONCE. */
#define CONTACT_CASES_AT_ONCE 500
LMN_MUST_USE enum lmn_rc contact_case_lines(struct db_conn *c, const int64_t *order_ids, size_t n,
					    contact_line_fn fn, void *arg, struct lmn_err *err);

/* The calls made about the cases case_ids[0..n) (n at most CONTACT_CASES_AT_ONCE), by case,
 * oldest first. */
struct contact_call_row {
	int64_t case_id, id;
	char called_at[32], outcome[16], note[2048], called_by[128];
};
typedef enum lmn_rc (*contact_call_fn)(const struct contact_call_row *call, void *arg);
LMN_MUST_USE enum lmn_rc contact_case_calls(struct db_conn *c, const int64_t *case_ids, size_t n,
					    contact_call_fn fn, void *arg, struct lmn_err *err);

/* The case's patient and whether it is closed; LMN_ENOTFOUND when there is no such case. */
LMN_MUST_USE enum lmn_rc contact_case_state(struct db_conn *c, int64_t case_id, int64_t *patient_id,
					    bool *closed, struct lmn_err *err);
/* Records a call about the case (its history and its last call); close ends the case. In the
 * caller's write transaction. */
LMN_MUST_USE enum lmn_rc contact_case_record_call(struct db_conn *c, int64_t case_id,
						  const char *at, int64_t user_id,
						  const char *outcome, const char *note, bool close,
						  struct lmn_err *err);

#endif

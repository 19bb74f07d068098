/* Prescriptions and their items: writing them, withdrawing from and cancelling an item, and the
 * list a patient's prescription page shows. The 1177 reads of these tables are in supply_read. */
#ifndef LMN_STORE_PRESCRIPTIONS_H
#define LMN_STORE_PRESCRIPTIONS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/prescription.h"
#include "store/db.h"
#include "util/rc.h"

/* The columns an INSERT INTO prescriptions writes, in the order of enum prescription_col. */
#define PRESCRIPTIONS_INSERT_COLUMNS \
	"id, patient_id, prescriber_id, unit_id, prescribed_on, created_at"
/* One row's parameters, for a caller that writes many rows in one statement. */
#define PRESCRIPTIONS_ROW_PARAMS "(?, ?, ?, ?, ?, ?)"

/* The parameter number of each column in a one-row INSERT with PRESCRIPTIONS_INSERT_COLUMNS. */
enum prescription_col {
	PRESCRIPTION_COL_ID = 1,
	PRESCRIPTION_COL_PATIENT_ID,
	PRESCRIPTION_COL_PRESCRIBER_ID,
	PRESCRIPTION_COL_UNIT_ID,
	PRESCRIPTION_COL_PRESCRIBED_ON,
	PRESCRIPTION_COL_CREATED_AT,
	PRESCRIPTIONS_COLUMN_COUNT = PRESCRIPTION_COL_CREATED_AT
};

/* A new prescription (dates as YYYY-MM-DD, created_at a timestamp); id 0 for the next one. The
 * strings must stay unchanged until the statement has run. */
struct prescription_row {
	int64_t id;
	int64_t patient_id, prescriber_id, unit_id;
	const char *prescribed_on, *created_at;
};

/* Binds r's values to parameters at + 1 … at + PRESCRIPTIONS_COLUMN_COUNT. */
void prescriptions_bind(struct db_stmt *st, int at, const struct prescription_row *r);

/* Writes the prescription r; *id is its id. */
LMN_MUST_USE enum lmn_rc prescriptions_insert(struct db_conn *c, const struct prescription_row *r,
					      int64_t *id, struct lmn_err *err);

/* The INSERT of rows prescriptions in one statement, each with its id given and row r bound by
 * prescriptions_bind at r * PRESCRIPTIONS_COLUMN_COUNT: for a caller that writes many at once
 * (the history import), on both engines (db_rows_sql). NULL when memory ran out. */
const char *prescriptions_insert_rows_sql(int rows);

/* The columns an INSERT INTO prescription_items writes, in the order of enum
 * prescription_item_col. */
#define PRESCRIPTION_ITEMS_INSERT_COLUMNS                                               \
	"id, prescription_id, article_id, withdrawals_allowed, withdrawals_remaining, " \
	"quantity_per_withdrawal, period_days, last_valid"
#define PRESCRIPTION_ITEMS_ROW_PARAMS "(?, ?, ?, ?, ?, ?, ?, ?)"

/* The parameter number of each column in a one-row INSERT with
 * PRESCRIPTION_ITEMS_INSERT_COLUMNS. */
enum prescription_item_col {
	PRESCRIPTION_ITEM_COL_ID = 1,
	PRESCRIPTION_ITEM_COL_PRESCRIPTION_ID,
	PRESCRIPTION_ITEM_COL_ARTICLE_ID,
	PRESCRIPTION_ITEM_COL_WITHDRAWALS_ALLOWED,
	PRESCRIPTION_ITEM_COL_WITHDRAWALS_REMAINING,
	PRESCRIPTION_ITEM_COL_QUANTITY_PER_WITHDRAWAL,
	PRESCRIPTION_ITEM_COL_PERIOD_DAYS,
	PRESCRIPTION_ITEM_COL_LAST_VALID,
	PRESCRIPTION_ITEMS_COLUMN_COUNT = PRESCRIPTION_ITEM_COL_LAST_VALID
};

/* A new item of a prescription: id 0 for the next one; withdrawn of its withdrawals already
 * made (0: all of them remain). last_valid must stay unchanged until the statement has run. */
struct prescription_item_row {
	int64_t id;
	int64_t prescription_id, article_id;
	int64_t withdrawals_allowed, quantity_per_withdrawal, period_days;
	const char *last_valid;
	int64_t withdrawn;
};

/* Binds r's values to parameters at + 1 … at + PRESCRIPTION_ITEMS_COLUMN_COUNT. */
void prescription_items_bind(struct db_stmt *st, int at, const struct prescription_item_row *r);

/* The same for rows items, bound by prescription_items_bind at r * PRESCRIPTION_ITEMS_COLUMN_COUNT,
 * each with its id given. */
const char *prescription_items_insert_rows_sql(int rows);

/* Writes the item r; *id is its id. */
LMN_MUST_USE enum lmn_rc prescription_items_insert(struct db_conn *c,
						   const struct prescription_item_row *r,
						   int64_t *id, struct lmn_err *err);

/* DOMAIN.md §3 (issue 18): the new item item of article for the patient replaces the patient's
 * other active items of the article (valid on today): they end cancelled at now (1177's MAKULERAD)
 * naming it, and it takes the latest of their earliest next withdrawals, so what was withdrawn in
 * the current period counts. In the caller's write transaction. */
LMN_MUST_USE enum lmn_rc prescription_items_replace(struct db_conn *c, int64_t patient_id,
						    int64_t article, int64_t item,
						    const char *today, const char *now,
						    struct lmn_err *err);

/* One item of a patient's prescriptions as their list shows it; text valid during the call. */
struct prescription_list_row {
	int64_t item_id, prescription_id;
	struct rx_item it;
	int64_t article_id;
	const char *article_number, *article_name, *area, *unit;
	int64_t package_size;
	const char *prescriber;	      /* "" when unknown */
	const char *unit_name;	      /* the prescribing unit's */
	int64_t unit_id, replaced_by; /* replaced_by: 0 when none */
};

/* Calls fn for every item of the patient's prescriptions, newest prescription first; stops at the
 * first error fn returns. */
typedef enum lmn_rc (*prescription_list_fn)(void *arg, const struct prescription_list_row *r,
					    struct lmn_err *err);
LMN_MUST_USE enum lmn_rc prescription_items_each(struct db_conn *c, int64_t patient_id,
						 prescription_list_fn fn, void *arg,
						 struct lmn_err *err);

/* Item item_id's patient, prescribing unit and whether it is cancelled; *found false when none. */
LMN_MUST_USE enum lmn_rc prescription_item_owner(struct db_conn *c, int64_t item_id,
						 int64_t *patient_id, int64_t *unit_id,
						 bool *cancelled, bool *found, struct lmn_err *err);

/* Cancels item item_id at now. */
LMN_MUST_USE enum lmn_rc prescription_item_cancel(struct db_conn *c, int64_t item_id,
						  const char *now, struct lmn_err *err);

/* A prescription item with what an order against it needs: its patient, its article and the
 * prescribing unit (which carries the cost). */
struct prescription_order_item {
	struct rx_item it;
	int64_t patient_id, article_id;
	char area[24], article_number[33], name[128];
	bool stocked, acute_assortment, special, active;
	int64_t unit_id, care_provider_id;
};

/* Item item_id into *out; *found false when there is none. */
LMN_MUST_USE enum lmn_rc prescription_item_for_order(struct db_conn *c, int64_t item_id,
						     struct prescription_order_item *out,
						     bool *found, struct lmn_err *err);

/* A withdrawal from item item_id: what remains and the next earliest date (YYYY-MM-DD). */
LMN_MUST_USE enum lmn_rc prescription_item_withdrawn(struct db_conn *c, int64_t item_id,
						     int64_t remaining, const char *next_earliest,
						     struct lmn_err *err);

/* Gives the withdrawals of order order_id's lines back to their items, with the next earliest
 * date each had before the line. */
LMN_MUST_USE enum lmn_rc prescription_items_restore(struct db_conn *c, int64_t order_id,
						    struct lmn_err *err);

/* Adds more withdrawals to item item_id (an imported history's): its quantity per withdrawal
 * becomes at least qty and its last valid day at least last (YYYY-MM-DD). */
LMN_MUST_USE enum lmn_rc prescription_item_grow(struct db_conn *c, int64_t item_id, int64_t more,
						int64_t qty, const char *last, struct lmn_err *err);

/* The patient's latest prescription (by the day prescribed, then id) into *rx and the last valid
 * day of its items into last (11 bytes, "" without items); *rx 0 when the patient has none. */
LMN_MUST_USE enum lmn_rc prescription_latest(struct db_conn *c, int64_t patient_id, int64_t *rx,
					     char last[11], struct lmn_err *err);

#endif

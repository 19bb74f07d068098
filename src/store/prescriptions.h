/* Prescriptions and their items: writing them, withdrawing from and cancelling an item, and the
 * list a patient's prescription page shows. The 1177 reads of these tables are in supply_read. */
#ifndef LMN_STORE_PRESCRIPTIONS_H
#define LMN_STORE_PRESCRIPTIONS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/prescription.h"
#include "store/db.h"
#include "util/rc.h"

/* A new prescription (dates as YYYY-MM-DD, created_at a timestamp). */
struct prescription_row {
	int64_t patient_id, prescriber_id, unit_id;
	const char *prescribed_on, *created_at;
};

/* Writes the prescription r; *id is its id. */
LMN_MUST_USE enum lmn_rc prescriptions_insert(struct db_conn *c, const struct prescription_row *r,
					      int64_t *id, struct lmn_err *err);

/* A new item of a prescription, with all its withdrawals remaining. */
struct prescription_item_row {
	int64_t prescription_id, article_id;
	int64_t withdrawals_allowed, quantity_per_withdrawal, period_days;
	const char *last_valid;
};

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

#endif

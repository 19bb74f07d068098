/* The work lists of the start pages (issue 20): a unit's prescription items that end soon, and the
 * residents in municipal housing of a municipality with their items. Every statement of these
 * reads is here. */
#ifndef LMN_WORKLISTS_H
#define LMN_WORKLISTS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/prescription.h"
#include "store/db.h"
#include "util/rc.h"

struct worklist_item {
	int64_t item_id, patient_id, article_id;
	char given_name[128], family_name[128];
	char article_number[33], article_name[128];
	char last_valid[11];
	struct rx_item it;
};
typedef enum lmn_rc (*worklist_item_fn)(const struct worklist_item *row, void *arg);

/* The items prescribed by unit_id, not cancelled, whose last valid day is from from to until
 * (YYYY-MM-DD, both inclusive), the first to end first, then by patient and item. */
LMN_MUST_USE enum lmn_rc worklist_expiring(struct db_conn *c, int64_t unit_id, const char *from,
					   const char *until, worklist_item_fn fn, void *arg,
					   struct lmn_err *err);

/* The residents in municipal housing of municipality (protected identities left out: they are
 * found by number only), by family and given name; fn gets each resident's items that are not
 * cancelled and valid on or after since, and once with item_id 0 for a resident with none. */
LMN_MUST_USE enum lmn_rc worklist_housing(struct db_conn *c, const char *municipality,
					  const char *since, worklist_item_fn fn, void *arg,
					  struct lmn_err *err);

/* A prescription item as a renewal request needs it: its patient, prescribing unit and article,
 * whether it is cancelled, and its last valid day. LMN_ENOTFOUND when there is no such item. */
struct renewal_item {
	int64_t patient_id, unit_id, article_id;
	bool cancelled;
	char last_valid[11];
	int64_t withdrawals_remaining;
};
LMN_MUST_USE enum lmn_rc renewal_item_get(struct db_conn *c, int64_t item_id,
					  struct renewal_item *out, struct lmn_err *err);

/* Records the patient's request to renew item_id (migration 22), in the caller's write
 * transaction; *created is false when the item had a request already (nothing written). */
LMN_MUST_USE enum lmn_rc renewal_request_add(struct db_conn *c, int64_t item_id,
					     const struct renewal_item *item, int64_t user_id,
					     const char *now, bool *created, struct lmn_err *err);

/* The open renewal requests of unit_id (the patient has no newer item of the article), the oldest
 * first; fn gets the item and when it was requested. */
typedef enum lmn_rc (*renewal_request_fn)(const struct worklist_item *row, const char *requested_at,
					  void *arg);
LMN_MUST_USE enum lmn_rc renewal_requests_of_unit(struct db_conn *c, int64_t unit_id,
						  renewal_request_fn fn, void *arg,
						  struct lmn_err *err);

#endif

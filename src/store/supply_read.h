/* Reads of a patient's supply for the 1177 contracts (and whoever needs the same): the patient by
 * personal identity number, their prescription items with article, price, prescriber and unit,
 * their order items with delivery, the delivery alternatives an item allows and the pickup points
 * of a provider near a postal code. Every statement and column list of these reads is here. */
#ifndef LMN_SUPPLY_READ_H
#define LMN_SUPPLY_READ_H

#include <stdbool.h>
#include <stdint.h>

#include "core/prescription.h"
#include "store/db.h"
#include "util/rc.h"

/* A prescription item i of prescription r, as prescription_item_read takes it. */
#define ITEM_COLUMNS                                                                \
	"i.id, i.withdrawals_allowed, i.withdrawals_remaining, "                    \
	"i.quantity_per_withdrawal, i.period_days, coalesce(i.next_earliest, ''), " \
	"i.last_valid, i.cancelled_at IS NOT NULL, r.prescribed_on"
/* Reads the columns of ITEM_COLUMNS from base on. */
void prescription_item_read(struct db_stmt *st, int base, struct rx_item *it);

/* The id of the account with this user name (the 1177 e-service's is "1177"); LMN_ENOTFOUND. */
LMN_MUST_USE enum lmn_rc user_id_by_username(struct db_conn *c, const char *username, int64_t *id,
					     struct lmn_err *err);

/* The 1177 contracts' code of a product area (NUTRITION …); "" when it has none. */
LMN_MUST_USE enum lmn_rc product_area_code_1177(struct db_conn *c, const char *area, char out[24],
						struct lmn_err *err);

struct patient_ref {
	int64_t id;
	bool protected_identity;
	char postal_code[8];
};

/* The patient with this canonical (12-character) number; LMN_ENOTFOUND when none. */
LMN_MUST_USE enum lmn_rc patient_by_id_number(struct db_conn *c, const char *canonical,
					      struct patient_ref *out, struct lmn_err *err);

struct item_row {
	int64_t item_id, prescription_id, replaced_by;
	struct rx_item it;
	char article_number[33], article_name[128], area[24], unit[24];
	int64_t package_size;
	bool article_active;
	int64_t price_ore; /* in force on the day asked; -1: none */
	int64_t prescriber_id;
	char prescriber_name[128], prescriber_hsa[64];
	int64_t unit_id;
	char unit_name[128], unit_hsa[64];
};
typedef enum lmn_rc (*item_row_fn)(const struct item_row *row, void *arg);

/* The patient's prescription items whose last valid date is on or after since (YYYY-MM-DD), in
 * order of prescription date (newest first) and item; prices as in force on price_day. fn's
 * failure stops the read and is returned. */
LMN_MUST_USE enum lmn_rc prescription_items_of_patient(struct db_conn *c, int64_t patient_id,
						       const char *since, const char *price_day,
						       item_row_fn fn, void *arg,
						       struct lmn_err *err);

struct order_item_row {
	int64_t line_id, order_id, item_id, quantity;
	char ordered_on[11], delivered_on[11]; /* delivered_on "" when not (yet) delivered */
	char article_number[33], article_name[128], area[24], unit[24];
	int64_t package_size;
	bool article_active;
	int64_t price_ore;
	char method[16];	/* home, pickup_point, care_unit */
	int64_t alternative_id; /* the delivery alternative chosen (0: not known) */
	char address[256], postal_code[8], city[64], phone[32], door_code[24], receiver[128];
	char notification[8], notification_receiver[64], comment[256], contact_person[128];
	char point_code[16], point_name[128], point_address[128], point_postal[8], point_city[64];
};
typedef enum lmn_rc (*order_item_fn)(const struct order_item_row *row, void *arg);

/* The lines of the patient's orders (not cancelled) received on or after since, newest first; of
 * one order when order_id is not 0. Prices as in force on each order's day. */
LMN_MUST_USE enum lmn_rc order_items_of_patient(struct db_conn *c, int64_t patient_id,
						int64_t order_id, const char *since,
						order_item_fn fn, void *arg, struct lmn_err *err);

#define DELIVERY_MAX_ALTERNATIVES 16
struct delivery_alternative {
	int64_t id;
	char area[24]; /* "": every product area */
	bool active;
	char name[128];
	char method[16];   /* home, pickup_point */
	char provider[24]; /* a pickup_providers code */
	bool choose_point;
	char notifications[64]; /* comma-separated: email, letter, phone, sms */
	bool allow_comment, allow_contact_person;
};

/* The active delivery alternatives for items of product area (those of every area and the
 * area's own), by id; *n of at most DELIVERY_MAX_ALTERNATIVES. */
LMN_MUST_USE enum lmn_rc delivery_alternatives_for(struct db_conn *c, const char *area,
						   struct delivery_alternative *out, int *n,
						   struct lmn_err *err);
/* Every alternative, active or not, by id. */
LMN_MUST_USE enum lmn_rc delivery_alternatives_all(struct db_conn *c,
						   struct delivery_alternative *out, int *n,
						   struct lmn_err *err);
/* Writes a (id 0: new; *id gets its id) in the caller's write transaction; an unknown id or
 * provider, or an alternative the table's rules refuse, is LMN_EINVAL / LMN_ENOTFOUND. */
LMN_MUST_USE enum lmn_rc delivery_alternative_save(struct db_conn *c,
						   const struct delivery_alternative *a,
						   int64_t *id, struct lmn_err *err);
/* Whether items of the area allow another invoice address. */
LMN_MUST_USE enum lmn_rc delivery_other_invoice_allowed(struct db_conn *c, const char *area,
							bool *allowed, struct lmn_err *err);
/* One alternative by id (active or not); LMN_ENOTFOUND when none. */
LMN_MUST_USE enum lmn_rc delivery_alternative_get(struct db_conn *c, int64_t id,
						  struct delivery_alternative *out,
						  struct lmn_err *err);

struct pickup_point_row {
	int64_t id;
	char code[16], name[128], address[128], postal_code[8], city[64], provider[24];
	char provider_name[64]; /* as the point's list names its provider */
};
typedef enum lmn_rc (*pickup_point_fn)(const struct pickup_point_row *row, void *arg);

/* At most max pickup points of provider (a code; NULL: any) nearest the five-digit postal code,
 * by the numeric distance of the codes, ties by name. */
LMN_MUST_USE enum lmn_rc pickup_points_nearest(struct db_conn *c, const char *postal_code,
					       const char *provider, int max, pickup_point_fn fn,
					       void *arg, struct lmn_err *err);
/* The pickup point with this code (as the contracts name it); LMN_ENOTFOUND when none. */
LMN_MUST_USE enum lmn_rc pickup_point_by_code(struct db_conn *c, const char *code,
					      struct pickup_point_row *out, struct lmn_err *err);
/* The pickup point with this id; LMN_ENOTFOUND when none. */
LMN_MUST_USE enum lmn_rc pickup_point_get(struct db_conn *c, int64_t id,
					  struct pickup_point_row *out, struct lmn_err *err);
/* Whether provider is in the code list of pickup-point providers. */
LMN_MUST_USE enum lmn_rc pickup_provider_known(struct db_conn *c, const char *provider, bool *known,
					       struct lmn_err *err);

#endif

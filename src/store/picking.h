/* The distributor's reads for picking (issue 20): the open orders to pick with where each goes
 * (the pickup point's or care unit's name and address), one order for its packing slip, and a
 * wave's totals per article. Every statement and column list of these reads is here. */
#ifndef LMN_PICKING_H
#define LMN_PICKING_H

#include <stdbool.h>
#include <stdint.h>

#include "store/db.h"
#include "util/rc.h"

/* An order to pick and where it goes. A home delivery has address..door_code; a pickup point
 * point_*; a care unit unit_* (its postal code and city may be ""). */
struct pick_order {
	int64_t id, patient_id;
	char kind[16], due[11], status[24], method[16], recipient[256];
	char address[256], postal_code[8], city[64], phone[32], door_code[24];
	char notification[8]; /* email, letter, phone, sms; "" when none */
	int64_t pickup_point_id, unit_id;
	char point_name[128], point_address[128], point_postal[8], point_city[64];
	char unit_name[128], unit_address[128], unit_postal[8];
	bool rural_route, protected_identity;
	/* A line is waiting for the supplier (backordered, not all of it shipped): the order waits
	 * with it, apart from this week's work. */
	bool backordered;
};

struct pick_line {
	int64_t id;
	char article_number[33], name[128], unit[24];
	int64_t quantity, shipped;
	bool backordered;
};

/* Called once per line, with its order (the same order for each of its lines, in a row). */
typedef enum lmn_rc (*pick_line_fn)(const struct pick_order *o, const struct pick_line *l,
				    void *arg);

/* The open orders (received, partially shipped or delivered) due on or before until
 * (YYYY-MM-DD), at most limit of them: those not waiting for the supplier first, by due date,
 * then the backordered ones by due date. fn's failure stops the read and is returned. */
LMN_MUST_USE enum lmn_rc picking_orders(struct db_conn *c, const char *until, int64_t limit,
					pick_line_fn fn, void *arg, struct lmn_err *err);

/* One order, whatever its status, with its lines; LMN_ENOTFOUND when there is none. */
LMN_MUST_USE enum lmn_rc picking_order(struct db_conn *c, int64_t order_id, pick_line_fn fn,
				       void *arg, struct lmn_err *err);

struct pick_total {
	char article_number[33], name[128], unit[24];
	int64_t quantity; /* what is left to ship of the lines, summed */
	int64_t orders;	  /* of how many orders */
};
typedef enum lmn_rc (*pick_total_fn)(const struct pick_total *t, void *arg);

/* The totals per article of a wave: what is left to ship of the open orders due on or before
 * until, leaving out the lines backordered by the supplier; by article number. */
LMN_MUST_USE enum lmn_rc picking_totals(struct db_conn *c, const char *until, pick_total_fn fn,
					void *arg, struct lmn_err *err);

/* A shipment with its order (o: where it goes, o.status the order's status) and one of its
 * lines, as picking_shipments reads it. */
struct ship_row {
	int64_t id, order_id;
	char shipped_at[40], outcome[24], delivered_at[40], outcome_at[40];
	char deviation[256], note[512], tracking[65];
	bool partial;
	struct pick_order o;
	int64_t line_id, quantity, ordered;
	char article_number[33], name[128];
	bool backordered;
};
typedef enum lmn_rc (*ship_row_fn)(const struct ship_row *r, void *arg);

/* At most limit shipments with their lines, by time shipped: those without an outcome (open),
 * the order's (order_id) or one (shipment_id), leaving out those whose outcome was registered
 * before since (YYYY-MM-DD: not the history). A 0 or false filter is no filter. */
LMN_MUST_USE enum lmn_rc picking_shipments(struct db_conn *c, bool open, int64_t order_id,
					   int64_t shipment_id, const char *since, int64_t limit,
					   ship_row_fn fn, void *arg, struct lmn_err *err);

#endif

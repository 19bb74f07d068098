/* Shipments and their lines: what the distributor sent of an order, and what became of it. Every
 * statement that writes shipments and shipment_lines is here. */
#ifndef LMN_STORE_SHIPMENTS_H
#define LMN_STORE_SHIPMENTS_H

#include <stdbool.h>
#include <stdint.h>

#include "store/db.h"
#include "util/rc.h"

/* A new shipment (tracking_number may be NULL). */
struct shipment_row {
	int64_t order_id;
	const char *shipped_at;
	int64_t shipped_by;
	bool partial;
	const char *tracking_number;
};

/* Writes the shipment r; *id is its id. */
LMN_MUST_USE enum lmn_rc shipments_insert(struct db_conn *c, const struct shipment_row *r,
					  int64_t *id, struct lmn_err *err);

/* Writes a line of shipment shipment_id: quantity of order line order_line_id (0 with a line
 * left out), backordered or not. */
LMN_MUST_USE enum lmn_rc shipment_lines_insert(struct db_conn *c, int64_t shipment_id,
					       int64_t order_line_id, int64_t quantity,
					       bool backordered, struct lmn_err *err);

/* A shipment with its order, for registering what became of it. */
struct shipment_view {
	int64_t order_id, patient_id;
	bool has_outcome;     /* delivered, returned or not collected already */
	char received_at[40]; /* the order's */
	bool home;	      /* delivered home */
	bool pickup_point;    /* delivered to a pickup point */
};

/* Shipment id into *out; *found is false when there is none. */
LMN_MUST_USE enum lmn_rc shipment_load(struct db_conn *c, int64_t id, struct shipment_view *out,
				       bool *found, struct lmn_err *err);

/* Registers shipment id as delivered at (deviation: why it was outside the window, or NULL). */
LMN_MUST_USE enum lmn_rc shipment_delivered(struct db_conn *c, int64_t id, const char *at,
					    const char *deviation, struct lmn_err *err);

/* Registers shipment id's outcome other than delivered (returned, not_collected) at at, with a
 * note or NULL. */
LMN_MUST_USE enum lmn_rc shipment_outcome(struct db_conn *c, int64_t id, const char *outcome,
					  const char *at, const char *note, struct lmn_err *err);

/* After a shipment's outcome, its order's status into the order and status (size bytes): the
 * outcome unless delivered; delivered when every line is, else partially delivered. */
LMN_MUST_USE enum lmn_rc shipment_settle_order(struct db_conn *c, int64_t order_id,
					       const char *outcome, char *status, size_t size,
					       struct lmn_err *err);

#endif

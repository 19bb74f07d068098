/* Shipments and their lines: what the distributor sent of an order, and what became of it. Every
 * statement that writes shipments and shipment_lines is here. */
#ifndef LMN_STORE_SHIPMENTS_H
#define LMN_STORE_SHIPMENTS_H

#include <stdbool.h>
#include <stdint.h>

#include "store/db.h"
#include "util/rc.h"

/* The columns an INSERT INTO shipments writes, in the order of enum shipment_col. */
#define SHIPMENTS_INSERT_COLUMNS                                                     \
	"order_id, shipped_at, shipped_by, partial, tracking_number, delivered_at, " \
	"delivery_deviation, outcome, outcome_at"

/* The parameter number of each column in an INSERT with SHIPMENTS_INSERT_COLUMNS. */
enum shipment_col {
	SHIPMENT_COL_ORDER_ID = 1,
	SHIPMENT_COL_SHIPPED_AT,
	SHIPMENT_COL_SHIPPED_BY,
	SHIPMENT_COL_PARTIAL,
	SHIPMENT_COL_TRACKING_NUMBER,
	SHIPMENT_COL_DELIVERED_AT,
	SHIPMENT_COL_DELIVERY_DEVIATION,
	SHIPMENT_COL_OUTCOME,
	SHIPMENT_COL_OUTCOME_AT,
	SHIPMENTS_COLUMN_COUNT = SHIPMENT_COL_OUTCOME_AT
};

/* A new shipment. Strings may be NULL (NULL in the row); shipped_by 0: none (history, the demo).
 * A shipment of the distributor's has no outcome yet; one of history (or of the demo) may come
 * with it: delivered_at, delivery_deviation, outcome and outcome_at. */
struct shipment_row {
	int64_t order_id;
	const char *shipped_at;
	int64_t shipped_by;
	bool partial;
	const char *tracking_number;
	const char *delivered_at, *delivery_deviation, *outcome, *outcome_at;
};

/* Writes the shipment r; *id is its id. */
LMN_MUST_USE enum lmn_rc shipments_insert(struct db_conn *c, const struct shipment_row *r,
					  int64_t *id, struct lmn_err *err);

/* The columns an INSERT INTO shipment_lines writes, in the order of enum shipment_line_col. */
#define SHIPMENT_LINES_INSERT_COLUMNS "shipment_id, order_line_id, quantity, backordered"

/* The parameter number of each column in an INSERT with SHIPMENT_LINES_INSERT_COLUMNS. */
enum shipment_line_col {
	SHIPMENT_LINE_COL_SHIPMENT_ID = 1,
	SHIPMENT_LINE_COL_ORDER_LINE_ID,
	SHIPMENT_LINE_COL_QUANTITY,
	SHIPMENT_LINE_COL_BACKORDERED,
	SHIPMENT_LINES_COLUMN_COUNT = SHIPMENT_LINE_COL_BACKORDERED
};

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

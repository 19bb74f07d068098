/* Fulfilment rules of Spec B 3:1: delivery in full at one time, partial shipments only for lines the
 * supplier has backordered, and deliveries 08:00–19:00 on working days. Pure functions. */
#ifndef LMN_FULFILMENT_H
#define LMN_FULFILMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rules/params.h"
#include "util/rc.h"

struct ship_line {
	int64_t ordered;	/* quantity on the order line */
	int64_t shipped_before; /* shipped by earlier shipments */
	int64_t now;		/* shipped by this shipment */
	bool backordered;	/* the supplier has a backorder for what is left out */
};

/* Checks a shipment on day: no line beyond what was ordered, something shipped, and every line left
 * short marked backordered when the rule in force requires it (LMN_EREFUSED naming the line in
 * err->field as "lines[i]" and the rule in err->rule). *partial tells whether anything is left. */
LMN_MUST_USE enum lmn_rc fulfilment_check_shipment(const struct params *p, lmn_day day,
						   const struct ship_line *lines, size_t n,
						   bool *partial, struct lmn_err *err);

/* Whether a home delivery (home: the order is delivered to the home) at local day and time falls
 * outside the window on a working day, both ends inside ("08:00–19:00" includes 19:00); when it
 * does, why (in Swedish) and the rule reference go to why and rule. Not an error: a recorded
 * deviation. The window is 3:1's rule for ordinary housing: pickup points and care units have
 * none. */
LMN_MUST_USE enum lmn_rc fulfilment_delivery_deviation(const struct params *p, lmn_day day,
						       int32_t sec, bool home, bool *deviation,
						       char why[128], char rule[48],
						       struct lmn_err *err);

#endif

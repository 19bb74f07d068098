/* Prescription arithmetic (DOMAIN.md §3): validity, remaining withdrawals, the earliest date of the
 * next withdrawal. Pure functions; the numbers are rule parameters (section "prescription").
 *
 * Refusals return LMN_EREFUSED with a machine code in err->field's companion: the code is the
 * first word of rx_refusal_code(err), the field at fault in err->field and the rule in err->rule. */
#ifndef LMN_PRESCRIPTION_H
#define LMN_PRESCRIPTION_H

#include <stdbool.h>

#include "rules/params.h"
#include "util/rc.h"

enum rx_status { RX_ACTIVE, RX_CANCELLED, RX_FULLY_WITHDRAWN, RX_EXPIRED };
const char *rx_status_name(enum rx_status s); /* active, cancelled, fully_withdrawn, expired */

struct rx_item {
	lmn_day prescribed_on;
	lmn_day last_valid;          /* inclusive */
	int withdrawals_allowed;     /* NoOfOrders, >= 1 */
	int withdrawals_remaining;
	int quantity_per_withdrawal; /* packages */
	int period_days;             /* the period one withdrawal covers, e.g. 90 */
	lmn_day next_earliest;       /* LMN_DAY_NONE before the first withdrawal */
	bool cancelled;
};

/* Why a withdrawal or a new item is refused. */
enum rx_refusal {
	RX_OK,
	RX_NOT_YET_VALID,
	RX_CANCELLED_ITEM,
	RX_EXPIRED_ITEM,
	RX_NONE_LEFT,
	RX_TOO_EARLY,
	RX_QUANTITY,
	RX_VALIDITY_TOO_LONG,
	RX_BAD_VALUE,
};
const char *rx_refusal_code(enum rx_refusal r); /* e.g. "withdrawal_too_early" */

/* Checks a new item as the prescriber entered it: counts and period in range, last_valid not before
 * prescribed_on and at most the parameter's months after it. */
LMN_MUST_USE enum lmn_rc rx_validate_new(const struct rx_item *it, const struct params *p,
					 enum rx_refusal *why, struct lmn_err *err);

enum rx_status rx_status_on(const struct rx_item *it, lmn_day day);

/* May qty packages be withdrawn on day? */
LMN_MUST_USE enum lmn_rc rx_check_withdrawal(const struct rx_item *it, lmn_day day, int qty,
					     const struct params *p, enum rx_refusal *why,
					     struct lmn_err *err);

/* Applies an accepted withdrawal on day: one fewer remaining, and the next earliest date is
 * day + floor(period × fraction in force on day). */
void rx_apply_withdrawal(struct rx_item *it, lmn_day day, const struct params *p);

/* Adds calendar months, keeping the day or clamping it to the month's last day. */
lmn_day rx_add_months(lmn_day day, int months);

#endif

/* Prescription arithmetic (DOMAIN.md §3): validity, remaining withdrawals, the earliest date of the
 * next withdrawal. Pure functions; the numbers are rule parameters (section "prescription").
 *
 * A refusal returns LMN_EREFUSED (LMN_EINVAL for RX_BAD_VALUE) and says why three ways: *why (if
 * not NULL) is the enum rx_refusal, whose rx_refusal_code() is the machine code for problem+json;
 * err->field is the input at fault; err->rule is the rule version, e.g. "prescription@2018-05-01"
 * (empty for RX_BAD_VALUE); err->message is Swedish, for the patient or prescriber. */
#ifndef LMN_PRESCRIPTION_H
#define LMN_PRESCRIPTION_H

#include <stdbool.h>

#include "rules/params.h"
#include "util/rc.h"

enum rx_status { RX_ACTIVE, RX_CANCELLED, RX_FULLY_WITHDRAWN, RX_EXPIRED };
const char *rx_status_name(enum rx_status s); /* active, cancelled, fully_withdrawn, expired */

struct rx_item {
	lmn_day prescribed_on;
	lmn_day last_valid;	 /* inclusive */
	int withdrawals_allowed; /* NoOfOrders, >= 1 */
	int withdrawals_remaining;
	int quantity_per_withdrawal; /* packages */
	int period_days;	     /* the period one withdrawal covers, e.g. 90 */
	lmn_day next_earliest;	     /* LMN_DAY_NONE before the first withdrawal */
	bool cancelled;
};

/* Why a withdrawal or a new item is refused; the codes are part of the HTTP API. */
enum rx_refusal {
	RX_OK,		      /* "ok" */
	RX_NOT_YET_VALID,     /* "prescription_not_yet_valid": day < prescribed_on */
	RX_CANCELLED_ITEM,    /* "prescription_cancelled" */
	RX_EXPIRED_ITEM,      /* "prescription_expired": day > last_valid */
	RX_NONE_LEFT,	      /* "no_withdrawals_left" */
	RX_TOO_EARLY,	      /* "withdrawal_too_early": day < next_earliest */
	RX_QUANTITY,	      /* "quantity_not_allowed": qty < 1 or > quantity_per_withdrawal */
	RX_VALIDITY_TOO_LONG, /* "validity_too_long": beyond prescription_max_validity_months */
	RX_BAD_VALUE,	      /* "invalid_input": a field of a new item is out of range */
};
const char *rx_refusal_code(enum rx_refusal r); /* e.g. "withdrawal_too_early"; "?" if unknown */

/* Checks a new item as the prescriber entered it: dates in 0000–9999, withdrawals_allowed 1–100
 * with all of them remaining, quantity_per_withdrawal >= 1, period_days 1–366, no next_earliest,
 * not cancelled, last_valid not before prescribed_on (all RX_BAD_VALUE, LMN_EINVAL, err->field
 * naming the field), and last_valid at most prescription_max_validity_months as in force on
 * prescribed_on: the day before the same date that many calendar months later, 2026-01-31 →
 * 2027-01-30, or that month's last day when it has no such date, 2024-02-29 → 2025-02-28
 * (RX_VALIDITY_TOO_LONG, LMN_EREFUSED, err->rule the parameter's version). No rules in
 * force on prescribed_on: RX_BAD_VALUE on "prescribed_on". */
LMN_MUST_USE enum lmn_rc rx_validate_new(const struct rx_item *it, const struct params *p,
					 enum rx_refusal *why, struct lmn_err *err);

/* The status on day: cancelled, else expired (day > last_valid), else fully withdrawn (none
 * remaining), else active (also before prescribed_on, which rx_check_withdrawal refuses). */
enum rx_status rx_status_on(const struct rx_item *it, lmn_day day);

/* A patient may ask the prescribing unit to renew an item that has ended, has no withdrawal left,
 * or ends within this many days (issue 20). */
#define RX_RENEWAL_WINDOW_DAYS 30

/* May the patient ask on today for the item to be renewed? Never a cancelled item; otherwise
 * unless it is valid beyond today + RX_RENEWAL_WINDOW_DAYS with withdrawals left. */
bool rx_renewal_requestable(const struct rx_item *it, lmn_day today);

/* May qty packages be withdrawn on day? Refused, in this order: cancelled, expired, none left (the
 * field "prescription_item_id"), not yet valid, too early (the message gives the first allowed day:
 * "Nästa uttag är tidigast 2026-04-09."), quantity (field "quantity"). err->rule is the version of
 * next_withdrawal_fraction in force on day for RX_TOO_EARLY, otherwise the latest version of the
 * "prescription" section in force on day (empty if no rules are in force on day). */
LMN_MUST_USE enum lmn_rc rx_check_withdrawal(const struct rx_item *it, lmn_day day, int qty,
					     const struct params *p, enum rx_refusal *why,
					     struct lmn_err *err);

/* Applies an accepted withdrawal on day: one fewer remaining, and the next earliest date is
 * day + floor(period × fraction in force on day) (the whole period if no rules are in force).
 * The caller keeps the previous next_earliest for rx_undo_withdrawal. */
void rx_apply_withdrawal(struct rx_item *it, lmn_day day, const struct params *p);

/* Undoes a withdrawal cancelled before shipping: one more remaining (never more than allowed) and
 * next_earliest back to what it was before (LMN_DAY_NONE if that was the first withdrawal). */
void rx_undo_withdrawal(struct rx_item *it, lmn_day prev_next_earliest);

/* Adds calendar months, keeping the day or clamping it to the month's last day. */
lmn_day rx_add_months(lmn_day day, int months);

/* The latest last valid day of an item prescribed on prescribed_on when it may be valid for at most
 * months (rule prescription_max_validity_months): the day before the same date months later. */
lmn_day rx_last_valid_latest(lmn_day prescribed_on, int months);

#endif

/* The text of a notice to a patient (issue 20): plain Swedish, with the order's number and dates
 * and never the personal identity number nor the name. Pure functions. */
#ifndef LMN_NOTICE_H
#define LMN_NOTICE_H

#include <stdint.h>

#include "rules/date.h"
#include "util/buf.h"

enum notice_kind {
	NOTICE_ORDER_RECEIVED,
	NOTICE_SHIPPED,
	NOTICE_READY_FOR_PICKUP,
	NOTICE_DELAYED,
	NOTICE_PRESCRIPTION_EXPIRING,
};

/* The kind's name as stored (outbox.kind). */
const char *notice_kind_name(enum notice_kind kind);

/* What a notice tells: the order (0 for none), a day (the due date; for a prescription the last
 * day) and the carrier's tracking number (NULL or "" for none). */
struct notice_facts {
	int64_t order_id;
	lmn_day day;
	const char *tracking;
};

/* "torsdag 10 december" into out. */
void notice_format_day(lmn_day day, char out[32]);

/* The subject (an e-mail's) and the body of a notice of kind into subject and body (appended). */
void notice_text(enum notice_kind kind, const struct notice_facts *f, struct buf *subject,
		 struct buf *body);

#endif

/* The text of a notice to a patient (issue 20): plain Swedish, with the order's number and dates
 * and never the personal identity number nor the name. Pure functions. */
#ifndef LMN_NOTICE_H
#define LMN_NOTICE_H

#include <stdbool.h>
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
	bool partial; /* a shipment with lines left for later */
};

/* "torsdag 10 december" into out. */
void notice_format_day(lmn_day day, char out[32]);

/* The subject (an e-mail's) and the body of a notice of kind into subject and body (appended). */
void notice_text(enum notice_kind kind, const struct notice_facts *f, struct buf *subject,
		 struct buf *body);

/* A Swedish phone number as an SMS gateway takes it, "+46701234567": from "070-123 45 67",
 * "+46 70 123 45 67" or "0046701234567" (spaces and hyphens ignored). False when it is not one
 * (letters, too short or too long). */
bool notice_phone_e164(const char *in, char out[20]);

/* Whether s looks like an e-mail address a relay can take: one "@" with text on both sides, a
 * dot in the domain, no space or control character, at most 254 bytes. */
bool notice_email_valid(const char *s);

#endif

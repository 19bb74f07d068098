/* Swedish patient identity numbers (DOMAIN.md §3): personnummer, samordningsnummer and reserve
 * numbers, validated and normalised. Pure functions.
 *
 * Accepted: YYMMDDNNNC, YYMMDD-NNNC, YYMMDD+NNNC (100 years or older), YYYYMMDDNNNC and
 * YYYYMMDD-NNNC, with surrounding spaces. The check digit C is the Luhn digit over YYMMDDNNN.
 * A samordningsnummer has 60 added to the day. For 10-digit numbers the century is the latest one
 * that does not put the birth date after today ('+': one hundred years before that).
 *
 * Interpretation (regions differ; ours until configured otherwise): a reserve number is the birth
 * date YYYYMMDD, an optional '-', one upper-case letter and three digits (19800101-R123), with no
 * check digit. */
#ifndef LMN_IDENTITY_H
#define LMN_IDENTITY_H

#include <stddef.h>

#include "rules/date.h"
#include "util/rc.h"

enum id_kind { ID_PERSONNUMMER, ID_SAMORDNINGSNUMMER, ID_RESERVE };

struct identity {
	enum id_kind kind;
	char canonical[14]; /* 12 characters: YYYYMMDDNNNC, or YYYYMMDDXNNN for a reserve number */
	lmn_day birth;	    /* date of birth */
	int sex;	    /* 1 male, 2 female (the second-last digit odd or even), 0 unknown */
};

const char *identity_kind_name(enum id_kind k); /* "personnummer", "samordningsnummer", "reserve" */

/* Errors are for the person typing the number: in Swedish, err->field "id_number". */
LMN_MUST_USE enum lmn_rc identity_parse(const char *s, size_t n, lmn_day today,
					struct identity *out, struct lmn_err *err);

/* The display form YYYYMMDD-NNNC (or YYYYMMDD-XNNN). */
void identity_format(const struct identity *id, char out[16]);

/* Whole years of age on day. */
int identity_age_on(const struct identity *id, lmn_day day);

#endif

/* The wall clock, for the time an order or a call is received. Rules never read it; they are given
 * the time. LMN_NOW (a timestamp as localtime_parse accepts) fixes the clock for tests and demos. */
#ifndef LMN_CLOCK_H
#define LMN_CLOCK_H

#include <stdint.h>

#include "util/date.h"
#include "util/rc.h"

struct clock_now {
	lmn_day day;  /* local date */
	int32_t sec;  /* local seconds since midnight */
	char iso[32]; /* "2026-11-22T14:05:09+01:00" */
};

LMN_MUST_USE enum lmn_rc clock_now(struct clock_now *out, struct lmn_err *err);
/* Formats a local day and time as ISO 8601 with Sweden's offset on that day. */
void clock_format(lmn_day day, int32_t sec, char out[32]);

#endif

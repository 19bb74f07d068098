/* Local Swedish time (Europe/Stockholm) from ISO 8601 timestamps, using the system's tzdata. */
#ifndef LMN_LOCALTIME_H
#define LMN_LOCALTIME_H

#include <stddef.h>
#include <stdint.h>

#include "util/date.h"
#include "util/rc.h"

/* Selects Europe/Stockholm for this process and checks that the zone data is really there. */
LMN_MUST_USE enum lmn_rc localtime_init(struct lmn_err *err);

/* "YYYY-MM-DDTHH:MM[:SS[.fff]][Z|±HH:MM|±HHMM]" (a space may stand for T). Without an offset the
 * time is local; with one it is converted. A local time that does not exist (the hour skipped when
 * summer time starts) is refused. Fractions of a second are truncated. */
LMN_MUST_USE enum lmn_rc localtime_parse(const char *s, size_t n, lmn_day *day, int32_t *sec,
					 struct lmn_err *err);

/* Today's date in Sweden, for defaults shown to people; rules never ask the clock. */
LMN_MUST_USE enum lmn_rc localtime_today(lmn_day *day);

#endif

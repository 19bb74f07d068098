/* The wall clock in Swedish local time, or a fixed time from LMN_NOW. */
#include "util/clock.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/localtime.h"

void clock_format(lmn_day day, int32_t sec, char out[32])
{
	struct tm tm = { 0 };
	int y, m, d;
	char z[8];

	date_to_ymd(day, &y, &m, &d);
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_hour = sec / 3600;
	tm.tm_min = sec / 60 % 60;
	tm.tm_sec = sec % 60;
	tm.tm_isdst = -1;
	if (mktime(&tm) == (time_t)-1 || strftime(z, sizeof(z), "%z", &tm) != 5)
		memcpy(z, "+0100", 6);
	/* The remainders only bound the widths for the compiler; the values are in range. */
	snprintf(out, 32, "%04u-%02u-%02uT%02u:%02u:%02u%.3s:%.2s", (unsigned)y % 10000u,
		 (unsigned)m % 100u, (unsigned)d % 100u, (unsigned)sec / 3600u % 100u,
		 (unsigned)sec / 60u % 60u, (unsigned)sec % 60u, z, z + 3);
}

enum lmn_rc clock_now(struct clock_now *out, struct lmn_err *err)
{
	const char *fixed = getenv("LMN_NOW");

	if (fixed && *fixed) {
		if (localtime_parse(fixed, strlen(fixed), &out->day, &out->sec, err) != LMN_OK)
			return lmn_err_set(err, LMN_EINVAL, "LMN_NOW", NULL,
					   "LMN_NOW: expected a timestamp, got '%s'", fixed);
	} else {
		time_t t = time(NULL);
		struct tm tm;

		if (!localtime_r(&t, &tm))
			return lmn_err_set(err, LMN_EIO, NULL, NULL, "the clock cannot be read");
		out->day = date_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
		out->sec = tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec;
	}
	clock_format(out->day, out->sec, out->iso);
	return LMN_OK;
}

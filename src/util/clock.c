/* The wall clock in Swedish local time, or a fixed time from LMN_NOW. */
#include "util/clock.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/localtime.h"

/* The offset from UTC of the local time at hour on day, as "+01:00": from mktime, which takes a
 * lock and reads the zone each time, once per hour of a day on each thread (the last asked, which
 * an import of orders in time order asks again and again). */
static void utc_offset(lmn_day day, int y, int m, int d, int hour, char out[7])
{
	static _Thread_local struct {
		bool set;
		lmn_day day;
		int hour;
		char z[7];
	} last;
	struct tm tm = { 0 };
	char z[8];

	if (!last.set || last.day != day || last.hour != hour) {
		tm.tm_year = y - 1900;
		tm.tm_mon = m - 1;
		tm.tm_mday = d;
		tm.tm_hour = hour;
		tm.tm_isdst = -1;
		if (mktime(&tm) == (time_t)-1 || strftime(z, sizeof(z), "%z", &tm) != 5)
			memcpy(z, "+0100", 6);
		memcpy(last.z, z, 3);
		last.z[3] = ':';
		memcpy(last.z + 4, z + 3, 3);
		last.day = day;
		last.hour = hour;
		last.set = true;
	}
	memcpy(out, last.z, 7);
}

static void two_digits(char *out, unsigned v)
{
	out[0] = (char)('0' + v / 10 % 10);
	out[1] = (char)('0' + v % 10);
}

void clock_format(lmn_day day, int32_t sec, char out[32])
{
	int y, m, d;
	unsigned s = sec < 0 ? 0u : (unsigned)sec;

	date_to_ymd(day, &y, &m, &d);
	date_format(day, out);
	out[10] = 'T';
	two_digits(out + 11, s / 3600u);
	out[13] = ':';
	two_digits(out + 14, s / 60u % 60u);
	out[16] = ':';
	two_digits(out + 17, s % 60u);
	utc_offset(day, y, m, d, (int)(s / 3600u), out + 19);
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

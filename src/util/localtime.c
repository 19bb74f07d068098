/* Local time in Sweden: parsing timestamps and converting offsets with the system's zone data. */
#include "util/localtime.h"

#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

#define ZONE "Europe/Stockholm"

static bool to_local(time_t t, lmn_day *day, int32_t *sec)
{
	struct tm tm;

	if (!localtime_r(&t, &tm))
		return false;
	*day = date_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
	*sec = tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec;
	return true;
}

enum lmn_rc localtime_init(struct lmn_err *err)
{
	lmn_day day;
	int32_t sec;

	if (setenv("TZ", ":" ZONE, 1) != 0)
		return lmn_err_set(err, LMN_EIO, NULL, NULL, "cannot set TZ");
	tzset();
	/* 2026-07-01T10:00Z is 12:00 summer time, 2026-01-15T10:00Z is 11:00 winter time. */
	if (!to_local((time_t)1782900000, &day, &sec) || sec != 12 * 3600 ||
	    !to_local((time_t)1768471200, &day, &sec) || sec != 11 * 3600)
		return lmn_err_set(err, LMN_EIO, NULL, NULL,
				   "time zone data for " ZONE
				   " is missing or wrong (install the tzdata "
				   "package)");
	return LMN_OK;
}

static int digits(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static enum lmn_rc bad(struct lmn_err *err)
{
	return lmn_err_set(
		err, LMN_EINVAL, "received", NULL,
		"Fältet \"received\" ska vara en tidpunkt ÅÅÅÅ-MM-DDTtt:mm[:ss], lokal svensk "
		"tid eller med tidszon (Z, +01:00).");
}

/* Does this local wall-clock time exist? Only the skipped hour at the start of summer time
 * does not; all Swedish transitions have been at 02:00 local time. */
static bool local_exists(lmn_day day, int32_t sec)
{
	struct tm tm = { 0 };
	int y, m, d;
	time_t t;
	lmn_day back_day;
	int32_t back_sec;

	if (sec / 3600 != 2)
		return true;
	date_to_ymd(day, &y, &m, &d);
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_hour = 2;
	tm.tm_min = sec / 60 % 60;
	tm.tm_sec = sec % 60;
	tm.tm_isdst = -1;
	t = mktime(&tm);
	if (t == (time_t)-1)
		return true;
	return to_local(t, &back_day, &back_sec) && back_day == day && back_sec == sec;
}

enum lmn_rc localtime_parse(const char *s, size_t n, lmn_day *day, int32_t *sec,
			    struct lmn_err *err)
{
	int hh, mm, ss = 0;
	size_t i = 16;

	if (n < 16 || (s[10] != 'T' && s[10] != ' ') || s[13] != ':' ||
	    date_parse(s, 10, day) != LMN_OK)
		return bad(err);
	hh = digits(s + 11, 2);
	mm = digits(s + 14, 2);
	if (hh < 0 || hh > 23 || mm < 0 || mm > 59)
		return bad(err);
	if (i < n && s[i] == ':') {
		if (n < i + 3 || (ss = digits(s + i + 1, 2)) < 0 || ss > 59)
			return bad(err);
		i += 3;
		if (i < n && s[i] == '.') {
			size_t start = ++i;
			while (i < n && s[i] >= '0' && s[i] <= '9')
				i++;
			if (i == start)
				return bad(err);
		}
	}
	*sec = hh * 3600 + mm * 60 + ss;
	if (i == n) {
		if (!local_exists(*day, *sec))
			return lmn_err_set(
				err, LMN_EINVAL, "received", NULL,
				"Tidpunkten finns inte i svensk lokal tid (klockan ställs fram "
				"till sommartid); ange tidszon.");
		return LMN_OK;
	}
	if (s[i] == 'Z' && i + 1 == n) {
		return to_local((time_t)*day * 86400 + *sec, day, sec) ? LMN_OK : bad(err);
	}
	if (s[i] == '+' || s[i] == '-') {
		int sign = s[i] == '+' ? 1 : -1, oh, om;
		if (n - i == 6 && s[i + 3] == ':') {
			oh = digits(s + i + 1, 2);
			om = digits(s + i + 4, 2);
		} else if (n - i == 5) {
			oh = digits(s + i + 1, 2);
			om = digits(s + i + 3, 2);
		} else {
			return bad(err);
		}
		if (oh < 0 || oh > 14 || om < 0 || om > 59)
			return bad(err);
		time_t t = (time_t)*day * 86400 + *sec - sign * (oh * 3600 + om * 60);
		return to_local(t, day, sec) ? LMN_OK : bad(err);
	}
	return bad(err);
}

enum lmn_rc localtime_today(lmn_day *day)
{
	int32_t sec;
	return to_local(time(NULL), day, &sec) ? LMN_OK : LMN_EIO;
}

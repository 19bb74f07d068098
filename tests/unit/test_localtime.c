/* Tests util/localtime (ISO 8601 timestamps to Swedish local time) and rules/date text and weekdays. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/date.h"
#include "util/clock.h"
#include "util/localtime.h"

static int setup(void **state)
{
	struct lmn_err err;
	(void)state;
	if (localtime_init(&err) != LMN_OK) {
		fprintf(stderr, "localtime_init: %s\n", err.message);
		return -1;
	}
	return 0;
}

/* s parses to the local date y-m-d at h:mi:se. */
static void ok_at(const char *s, int y, int m, int d, int h, int mi, int se)
{
	struct lmn_err err;
	lmn_day day = LMN_DAY_NONE;
	int32_t sec = -1;
	int gy, gm, gd;

	lmn_err_clear(&err);
	if (localtime_parse(s, strlen(s), &day, &sec, &err) != LMN_OK)
		fail_msg("\"%s\" refused: %s", s, err.message);
	date_to_ymd(day, &gy, &gm, &gd);
	if (gy != y || gm != m || gd != d || sec != h * 3600 + mi * 60 + se)
		fail_msg("\"%s\" gave %04d-%02d-%02d +%d s, expected %04d-%02d-%02d %02d:%02d:%02d",
			 s, gy, gm, gd, (int)sec, y, m, d, h, mi, se);
}

static void refused(const char *s)
{
	struct lmn_err err;
	lmn_day day;
	int32_t sec;

	lmn_err_clear(&err);
	if (localtime_parse(s, strlen(s), &day, &sec, &err) != LMN_EINVAL)
		fail_msg("\"%s\" was not refused", s);
	assert_int_equal(err.code, LMN_EINVAL);
	assert_string_equal(err.field, "received");
	assert_true(err.message[0] != '\0');
}

static void local_time_kept(void **state)
{
	(void)state;
	ok_at("2026-01-15T10:00", 2026, 1, 15, 10, 0, 0);
	ok_at("2026-07-01T10:00", 2026, 7, 1, 10, 0, 0); /* no conversion in summer either */
	ok_at("2026-01-15T00:00", 2026, 1, 15, 0, 0, 0);
	ok_at("2026-01-15T23:59", 2026, 1, 15, 23, 59, 0);
	ok_at("2026-01-15T13:59:59", 2026, 1, 15, 13, 59, 59);
	ok_at("2026-01-15T13:59:59.999", 2026, 1, 15, 13, 59, 59); /* truncated, not rounded */
	ok_at("2026-01-15T13:59:59.5", 2026, 1, 15, 13, 59, 59);
	ok_at("2026-01-15 10:00", 2026, 1, 15, 10, 0, 0);
	ok_at("2026-01-15 08:07:06", 2026, 1, 15, 8, 7, 6);
	ok_at("2024-02-29T12:00", 2024, 2, 29, 12, 0, 0);
}

static void seconds_value(void **state)
{
	(void)state;
	const char *s = "2026-01-15T13:59:59.999";
	lmn_day day;
	int32_t sec = 0;
	struct lmn_err err;

	assert_int_equal(localtime_parse(s, strlen(s), &day, &sec, &err), LMN_OK);
	assert_int_equal(sec, 50399);
}

/* Only the first n bytes are read. */
static void length_bounds_input(void **state)
{
	(void)state;
	const char *s = "2026-01-15T10:00Z";
	lmn_day day;
	int32_t sec = 0;
	struct lmn_err err;

	assert_int_equal(localtime_parse(s, 16, &day, &sec, &err), LMN_OK);
	assert_int_equal(sec, 10 * 3600); /* local, the Z is not seen */
	assert_int_equal(localtime_parse(s, 15, &day, &sec, &err), LMN_EINVAL);
}

static void offsets_converted(void **state)
{
	(void)state;
	/* Winter: CET, UTC+1. */
	ok_at("2026-01-15T10:00Z", 2026, 1, 15, 11, 0, 0);
	ok_at("2026-01-15T10:00+01:00", 2026, 1, 15, 10, 0, 0);
	ok_at("2026-01-15T10:00+0100", 2026, 1, 15, 10, 0, 0);
	ok_at("2026-01-15T10:00+02:00", 2026, 1, 15, 9, 0, 0);
	ok_at("2026-01-15T10:00-05:00", 2026, 1, 15, 16, 0, 0);
	ok_at("2026-01-15T10:00+05:30", 2026, 1, 15, 5, 30, 0);
	ok_at("2026-01-15T10:00:30.25Z", 2026, 1, 15, 11, 0, 30);
	ok_at("2026-01-15 10:00Z", 2026, 1, 15, 11, 0, 0);
	/* Summer: CEST, UTC+2. */
	ok_at("2026-07-01T10:00Z", 2026, 7, 1, 12, 0, 0);
	ok_at("2026-07-01T10:00+02:00", 2026, 7, 1, 10, 0, 0);
	ok_at("2026-07-01T10:00+0200", 2026, 7, 1, 10, 0, 0);
	ok_at("2026-07-01T10:00+01:00", 2026, 7, 1, 11, 0, 0);
	ok_at("2026-07-01T10:00-05:00", 2026, 7, 1, 17, 0, 0);
}

static void offsets_cross_midnight(void **state)
{
	(void)state;
	ok_at("2026-01-15T23:30Z", 2026, 1, 16, 0, 30, 0);
	ok_at("2026-07-01T22:30-05:00", 2026, 7, 2, 5, 30, 0);
	ok_at("2026-01-01T00:30+05:00", 2025, 12, 31, 20, 30, 0); /* and the year */
	ok_at("2026-03-01T00:15+03:00", 2026, 2, 28, 22, 15, 0);
	ok_at("2024-02-28T23:30Z", 2024, 2, 29, 0, 30, 0);
}

/* Summer time starts on 2026-03-29: 02:00 local becomes 03:00. */
static void spring_forward(void **state)
{
	(void)state;
	struct lmn_err err;
	lmn_day day;
	int32_t sec;
	const char *s = "2026-03-29T02:30";

	lmn_err_clear(&err);
	assert_int_equal(localtime_parse(s, strlen(s), &day, &sec, &err), LMN_EINVAL);
	assert_string_equal(err.field, "received");
	refused("2026-03-29T02:00");
	refused("2026-03-29T02:59:59");
	refused("2026-03-29 02:30");
	ok_at("2026-03-29T01:59:59", 2026, 3, 29, 1, 59, 59);
	ok_at("2026-03-29T03:00", 2026, 3, 29, 3, 0, 0);
	/* 02:30 exists on other days, and on the transition day of another year. */
	ok_at("2026-03-22T02:30", 2026, 3, 22, 2, 30, 0);
	ok_at("2026-03-30T02:30", 2026, 3, 30, 2, 30, 0);
	ok_at("2025-03-29T02:30", 2025, 3, 29, 2, 30, 0);
	refused("2025-03-30T02:30");
	/* With an offset the instant is unambiguous. */
	ok_at("2026-03-29T00:59Z", 2026, 3, 29, 1, 59, 0);
	ok_at("2026-03-29T01:00Z", 2026, 3, 29, 3, 0, 0);
	ok_at("2026-03-29T02:30+01:00", 2026, 3, 29, 3, 30, 0);
}

/* Summer time ends on 2026-10-25: 03:00 local becomes 02:00, so 02:xx happens twice. */
static void fall_back(void **state)
{
	(void)state;
	ok_at("2026-10-25T00:30Z", 2026, 10, 25, 2, 30, 0);
	ok_at("2026-10-25T01:30Z", 2026, 10, 25, 2, 30, 0);
	ok_at("2026-10-25T00:59:59Z", 2026, 10, 25, 2, 59, 59);
	ok_at("2026-10-25T01:00Z", 2026, 10, 25, 2, 0, 0);
	ok_at("2026-10-25T02:00Z", 2026, 10, 25, 3, 0, 0);
	ok_at("2026-10-25T02:30", 2026, 10, 25, 2, 30, 0);
	ok_at("2026-10-25T02:30+02:00", 2026, 10, 25, 2, 30, 0);
	ok_at("2026-10-25T02:30+01:00", 2026, 10, 25, 2, 30, 0);
}

static void malformed(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"",
		"2026-01-01",
		"2026-01-01T",
		"2026-01-01T10",
		"2026-01-01T10:",
		"2026-01-01T10:0",
		"2026-13-01T10:00",
		"2026-00-01T10:00",
		"2026-02-29T10:00",
		"2026-04-31T10:00",
		"2026-01-01T24:00",
		"2026-01-01T10:60",
		"2026-01-01T1a:00",
		"2026-01-01T-1:00",
		"2026-01-01X10:00",
		"2026-01-01T10-00",
		"2026/01/01T10:00",
		"2026-01-01T10:00:60",
		"2026-01-01T10:00:5",
		"2026-01-01T10:00:",
		"2026-01-01T10:00.5",
		"2026-01-01T10:00:00.",
		"2026-01-01T10:00:00.5x",
		"2026-01-01T10:00x",
		"2026-01-01T10:00 ",
		"2026-01-01T10:00Zx",
		"2026-01-01T10:00ZZ",
		"2026-01-01T10:00+",
		"2026-01-01T10:00+01",
		"2026-01-01T10:00+25:00",
		"2026-01-01T10:00+01:0",
		"2026-01-01T10:00+01:60",
		"2026-01-01T10:00+01:00x",
		"2026-01-01T10:00+0100x",
		"2026-01-01T10:00+01000",
		"2026-01-01T10:00+01-00",
		"2026-01-01T10:00+1:00",
		"2026-01-01T10:00 +01:00",
		"x2026-01-01T10:00",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		refused(bad[i]);
}

static void today_is_plausible(void **state)
{
	(void)state;
	lmn_day day = LMN_DAY_NONE;
	assert_int_equal(localtime_today(&day), LMN_OK);
	assert_true(date_year(day) >= 2025 && date_year(day) < 2200);
}

/* ---- rules/date: text round trip against a plain day-by-day counter ---- */

static int month_len(int y, int m)
{
	static const int len[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return len[m - 1] + (m == 2 && leap);
}

static void date_text_round_trip(void **state)
{
	(void)state;
	int y = 1600, m = 1, d = 1;
	lmn_day day = date_from_ymd(1600, 1, 1);
	char want[48], got[11];

	for (; y <= 2400; day++) {
		lmn_day back = LMN_DAY_NONE;
		snprintf(want, sizeof(want), "%04d-%02d-%02d", y, m, d);
		date_format(day, got);
		if (strcmp(got, want) != 0)
			fail_msg("day %d formatted as %s, expected %s", (int)day, got, want);
		if (date_parse(want, 10, &back) != LMN_OK || back != day)
			fail_msg("%s parsed as %d, expected %d", want, (int)back, (int)day);
		if (++d > month_len(y, m)) {
			d = 1;
			if (++m > 12) {
				m = 1;
				y++;
			}
		}
	}
	/* 1970-01-01 is day 0; 1600-01-01 is 370 years of 365.2425 days before it, less 1 day. */
	assert_int_equal(date_from_ymd(1970, 1, 1), 0);
	assert_int_equal(date_from_ymd(1600, 1, 1), -135140);
	date_format(0, got);
	assert_string_equal(got, "1970-01-01");
	date_format(date_from_ymd(9999, 12, 31), got);
	assert_string_equal(got, "9999-12-31");
	date_format(date_from_ymd(0, 1, 1), got);
	assert_string_equal(got, "0000-01-01");
}

static void date_parse_refuses(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"2026-1-01",  "2026-01-1",  "2026/01/01", "2026-02-29", "1900-02-29", "2026-00-10",
		"2026-12-32", "2026-01-00", "20260101xx", "2026-01-0a", "-026-01-01", "2026-01-01 ",
	};
	lmn_day day;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (date_parse(bad[i], strlen(bad[i]), &day) != LMN_EINVAL)
			fail_msg("\"%s\" was not refused", bad[i]);
	assert_int_equal(date_parse("2026-01-01", 9, &day), LMN_EINVAL);
	assert_int_equal(date_parse("", 0, &day), LMN_EINVAL);
	assert_int_equal(date_parse("2000-02-29", 10, &day), LMN_OK);
	assert_int_equal(date_parse("2024-02-29", 10, &day), LMN_OK);
}

static void weekdays(void **state)
{
	(void)state;
	assert_int_equal(date_weekday(0), 4);				/* 1970-01-01 Thursday */
	assert_int_equal(date_weekday(-1), 3);				/* 1969-12-31 Wednesday */
	assert_int_equal(date_weekday(date_from_ymd(2000, 2, 29)), 2);	/* Tuesday */
	assert_int_equal(date_weekday(date_from_ymd(2026, 1, 1)), 4);	/* Thursday */
	assert_int_equal(date_weekday(date_from_ymd(2026, 3, 29)), 7);	/* Sunday */
	assert_int_equal(date_weekday(date_from_ymd(2026, 6, 22)), 1);	/* Monday */
	assert_int_equal(date_weekday(date_from_ymd(1900, 1, 1)), 1);	/* Monday */
	assert_int_equal(date_weekday(date_from_ymd(1, 1, 1)), 1);	/* Monday, proleptic */
	assert_int_equal(date_weekday(date_from_ymd(1899, 12, 30)), 6); /* Saturday */
	assert_int_equal(date_year(date_from_ymd(2026, 12, 31)), 2026);
	assert_int_equal(date_year(date_from_ymd(2027, 1, 1)), 2027);
}

/* clock_format: Sweden's offset on the day and hour, on both sides of each change in 2026 and
 * again after another hour of the same day (the offset is kept per day and hour). */
static void clock_text(void **state)
{
	static const struct {
		int y, m, d, sec;
		const char *text;
	} cases[] = {
		{ 2026, 3, 29, 1 * 3600 + 59 * 60 + 59, "2026-03-29T01:59:59+01:00" },
		{ 2026, 3, 29, 3 * 3600 + 30 * 60, "2026-03-29T03:30:00+02:00" },
		{ 2026, 3, 29, 1 * 3600 + 5, "2026-03-29T01:00:05+01:00" },
		{ 2026, 10, 25, 4 * 3600, "2026-10-25T04:00:00+01:00" },
		{ 2026, 10, 25, 1 * 3600 + 30 * 60, "2026-10-25T01:30:00+02:00" },
		{ 2026, 6, 22, 23 * 3600 + 59 * 60 + 9, "2026-06-22T23:59:09+02:00" },
		{ 2026, 12, 2, 0, "2026-12-02T00:00:00+01:00" },
		{ 1999, 1, 31, 12 * 3600 + 34 * 60 + 56, "1999-01-31T12:34:56+01:00" },
	};
	char out[32];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(out, 'x', sizeof(out));
		clock_format(date_from_ymd(cases[i].y, cases[i].m, cases[i].d), cases[i].sec, out);
		assert_string_equal(out, cases[i].text);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(local_time_kept),
		cmocka_unit_test(seconds_value),
		cmocka_unit_test(length_bounds_input),
		cmocka_unit_test(offsets_converted),
		cmocka_unit_test(offsets_cross_midnight),
		cmocka_unit_test(spring_forward),
		cmocka_unit_test(fall_back),
		cmocka_unit_test(malformed),
		cmocka_unit_test(today_is_plausible),
		cmocka_unit_test(date_text_round_trip),
		cmocka_unit_test(date_parse_refuses),
		cmocka_unit_test(weekdays),
		cmocka_unit_test(clock_text),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}

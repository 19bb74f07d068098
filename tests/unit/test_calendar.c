/* Tests rules/calendar: Swedish holidays and working days against an oracle written independently here. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/calendar.h"
#include "rules/date.h"

/* ---- The oracle: plain civil-date arithmetic, Gauss's Easter, Zeller's weekday. ---- */

struct ymd {
	int y, m, d;
};

static bool leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_len(int y, int m)
{
	static const int len[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	return len[m - 1] + (m == 2 && leap(y));
}

/* Steps one calendar day at a time; n may be negative. */
static struct ymd ymd_add(struct ymd t, int n)
{
	for (; n > 0; n--) {
		if (++t.d > month_len(t.y, t.m)) {
			t.d = 1;
			if (++t.m > 12) {
				t.m = 1;
				t.y++;
			}
		}
	}
	for (; n < 0; n++) {
		if (--t.d < 1) {
			if (--t.m < 1) {
				t.m = 12;
				t.y--;
			}
			t.d = month_len(t.y, t.m);
		}
	}
	return t;
}

/* Zeller's congruence, mapped to ISO: 1 = Monday … 7 = Sunday. */
static int zeller_iso(int y, int m, int d)
{
	if (m < 3) {
		m += 12;
		y--;
	}
	int k = y % 100, j = y / 100;
	int h = (d + 13 * (m + 1) / 5 + k + k / 4 + j / 4 + 5 * j) % 7; /* 0 = Saturday */
	return (h + 5) % 7 + 1;
}

/* Gauss's Easter algorithm (Gregorian) with its two exceptions. */
static struct ymd gauss_easter(int y)
{
	int a = y % 19, b = y % 4, c = y % 7;
	int k = y / 100, p = (13 + 8 * k) / 25, q = k / 4;
	int M = (15 - p + k - q) % 30, N = (4 + k - q) % 7;
	int d = (19 * a + M) % 30;
	int e = (2 * b + 4 * c + 6 * d + N) % 7;
	struct ymd r = { y, 3, 22 + d + e };

	if (r.d > 31) {
		r.m = 4;
		r.d = d + e - 9;
	}
	if (r.m == 4 && r.d == 26)
		r.d = 19;
	else if (r.m == 4 && r.d == 25 && d == 28 && e == 6 && (11 * M + 11) % 30 < 19)
		r.d = 18;
	return r;
}

/* The date in [y-m-d, y-m-d+6] with the given ISO weekday, found by scanning. */
static struct ymd scan_weekday(int y, int m, int d, int wd)
{
	struct ymd t = { y, m, d };
	for (int i = 0; i < 7; i++, t = ymd_add(t, 1))
		if (zeller_iso(t.y, t.m, t.d) == wd)
			return t;
	fail_msg("no weekday %d from %04d-%02d-%02d", wd, y, m, d);
	return t;
}

struct expect {
	struct ymd date;
	const char *name;
};

static int ymd_cmp(struct ymd a, struct ymd b)
{
	if (a.y != b.y)
		return a.y < b.y ? -1 : 1;
	if (a.m != b.m)
		return a.m < b.m ? -1 : 1;
	return a.d == b.d ? 0 : a.d < b.d ? -1 : 1;
}

static int expect_cmp(const void *pa, const void *pb)
{
	const struct expect *a = pa, *b = pb;
	int c = ymd_cmp(a->date, b->date);
	return c ? c : strcmp(a->name, b->name);
}

/* Every non-working day of the year that is not a Saturday or Sunday by itself, per DOMAIN.md §4. */
static size_t oracle_year(int y, struct expect *out)
{
	struct ymd easter = gauss_easter(y);
	struct ymd midsummer = scan_weekday(y, 6, 20, 6);
	size_t n = 0;

#define PUT(dt, nm) (out[n].date = (dt), out[n].name = (nm), n++)
	PUT(((struct ymd){ y, 1, 1 }), "Nyårsdagen");
	PUT(((struct ymd){ y, 1, 6 }), "Trettondedag jul");
	PUT(ymd_add(easter, -2), "Långfredagen");
	PUT(easter, "Påskdagen");
	PUT(ymd_add(easter, 1), "Annandag påsk");
	PUT(((struct ymd){ y, 5, 1 }), "Första maj");
	PUT(ymd_add(easter, 39), "Kristi himmelsfärdsdag");
	PUT(ymd_add(easter, 49), "Pingstdagen");
	if (y <= 2004)
		PUT(ymd_add(easter, 50), "Annandag pingst");
	else
		PUT(((struct ymd){ y, 6, 6 }), "Sveriges nationaldag");
	PUT(ymd_add(midsummer, -1), "Midsommarafton");
	PUT(midsummer, "Midsommardagen");
	PUT(scan_weekday(y, 10, 31, 6), "Alla helgons dag");
	PUT(((struct ymd){ y, 12, 24 }), "Julafton");
	PUT(((struct ymd){ y, 12, 25 }), "Juldagen");
	PUT(((struct ymd){ y, 12, 26 }), "Annandag jul");
	PUT(((struct ymd){ y, 12, 31 }), "Nyårsafton");
#undef PUT
	qsort(out, n, sizeof(*out), expect_cmp);
	return n;
}

static struct ymd lib_ymd(lmn_day day)
{
	struct ymd t;
	date_to_ymd(day, &t.y, &t.m, &t.d);
	return t;
}

static lmn_day D(int y, int m, int d)
{
	assert_true(date_valid_ymd(y, m, d));
	return date_from_ymd(y, m, d);
}

static void assert_day(lmn_day got, int y, int m, int d)
{
	struct ymd g = lib_ymd(got);
	if (g.y != y || g.m != m || g.d != d)
		fail_msg("got %04d-%02d-%02d, expected %04d-%02d-%02d", g.y, g.m, g.d, y, m, d);
}

/* ---- Tests ---- */

/* The day numbers the calendar is built on agree with plain day-by-day counting over its range. */
static void day_numbers_match_counting(void **state)
{
	(void)state;
	struct ymd t = { 1970, 1, 1 };
	lmn_day n = 0;

	/* Walk back to 1900-01-01, then forward to 2200-12-31. */
	while (t.y >= CALENDAR_FIRST_YEAR) {
		t = ymd_add(t, -1);
		n--;
	}
	for (t = ymd_add(t, 1), n++; t.y <= CALENDAR_LAST_YEAR; t = ymd_add(t, 1), n++) {
		if (date_from_ymd(t.y, t.m, t.d) != n || ymd_cmp(lib_ymd(n), t) != 0 ||
		    date_weekday(n) != zeller_iso(t.y, t.m, t.d))
			fail_msg("day %d / %04d-%02d-%02d disagrees", n, t.y, t.m, t.d);
	}
}

static void easter_golden(void **state)
{
	(void)state;
	static const struct ymd known[] = {
		{ 1954, 4, 18 }, { 1981, 4, 19 }, { 2000, 4, 23 }, { 2008, 3, 23 }, { 2011, 4, 24 },
		{ 2019, 4, 21 }, { 2024, 3, 31 }, { 2025, 4, 20 }, { 2026, 4, 5 },  { 2038, 4, 25 },
		{ 2049, 4, 18 }, { 2076, 4, 19 }, { 2100, 3, 28 },
	};
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		struct ymd g = gauss_easter(known[i].y);
		assert_int_equal(ymd_cmp(g, known[i]), 0); /* the oracle itself */
		assert_day(calendar_easter(known[i].y), known[i].y, known[i].m, known[i].d);
	}
}

static void holidays_match_oracle(void **state)
{
	(void)state;
	for (int y = CALENDAR_FIRST_YEAR; y <= CALENDAR_LAST_YEAR; y++) {
		struct expect want[CALENDAR_MAX_PER_YEAR], got[CALENDAR_MAX_PER_YEAR];
		struct holiday h[CALENDAR_MAX_PER_YEAR];
		size_t nw = oracle_year(y, want);
		size_t ng = calendar_holidays(y, h);

		if (ng != nw)
			fail_msg("%d: %zu entries, expected %zu", y, ng, nw);
		assert_day(calendar_easter(y), y, gauss_easter(y).m, gauss_easter(y).d);
		for (size_t i = 0; i < ng; i++) {
			if (i > 0 && h[i].day < h[i - 1].day)
				fail_msg("%d: entry %zu is out of date order", y, i);
			got[i].date = lib_ymd(h[i].day);
			got[i].name = holiday_name_sv(h[i].id);
			assert_int_equal(holiday_is_eve(h[i].id),
					 strcmp(got[i].name, "Midsommarafton") == 0 ||
						 strcmp(got[i].name, "Julafton") == 0 ||
						 strcmp(got[i].name, "Nyårsafton") == 0);
		}
		/* The order of two names on the same date is not specified. */
		qsort(got, ng, sizeof(*got), expect_cmp);
		for (size_t i = 0; i < ng; i++) {
			if (ymd_cmp(got[i].date, want[i].date) != 0 ||
			    strcmp(got[i].name, want[i].name) != 0)
				fail_msg("%d: got %04d-%02d-%02d %s, expected %04d-%02d-%02d %s", y,
					 got[i].date.y, got[i].date.m, got[i].date.d, got[i].name,
					 want[i].date.y, want[i].date.m, want[i].date.d,
					 want[i].name);
		}
	}
}

static void holidays_out_of_range(void **state)
{
	(void)state;
	struct holiday h[CALENDAR_MAX_PER_YEAR];
	assert_int_equal(calendar_holidays(CALENDAR_FIRST_YEAR - 1, h), 0);
	assert_int_equal(calendar_holidays(CALENDAR_LAST_YEAR + 1, h), 0);
	assert_string_equal(holiday_name_sv(HOL__COUNT), "?");
}

static void holidays_2026_golden(void **state)
{
	(void)state;
	static const struct {
		int m, d;
		const char *name;
	} want[] = {
		{ 1, 1, "Nyårsdagen" },
		{ 1, 6, "Trettondedag jul" },
		{ 4, 3, "Långfredagen" },
		{ 4, 5, "Påskdagen" },
		{ 4, 6, "Annandag påsk" },
		{ 5, 1, "Första maj" },
		{ 5, 14, "Kristi himmelsfärdsdag" },
		{ 5, 24, "Pingstdagen" },
		{ 6, 6, "Sveriges nationaldag" },
		{ 6, 19, "Midsommarafton" },
		{ 6, 20, "Midsommardagen" },
		{ 10, 31, "Alla helgons dag" },
		{ 12, 24, "Julafton" },
		{ 12, 25, "Juldagen" },
		{ 12, 26, "Annandag jul" },
		{ 12, 31, "Nyårsafton" },
	};
	struct holiday h[CALENDAR_MAX_PER_YEAR];

	assert_int_equal(calendar_holidays(2026, h), 16);
	for (size_t i = 0; i < 16; i++) {
		assert_day(h[i].day, 2026, want[i].m, want[i].d);
		assert_string_equal(holiday_name_sv(h[i].id), want[i].name);
	}
}

static bool has(int year, enum holiday_id id, lmn_day *day)
{
	struct holiday h[CALENDAR_MAX_PER_YEAR];
	size_t n = calendar_holidays(year, h);
	for (size_t i = 0; i < n; i++) {
		if (h[i].id == id) {
			if (day)
				*day = h[i].day;
			return true;
		}
	}
	return false;
}

/* Annandag pingst was replaced by nationaldagen as a holiday in 2005. */
static void whit_monday_to_national_day(void **state)
{
	(void)state;
	struct holiday h[CALENDAR_MAX_PER_YEAR];
	lmn_day day = LMN_DAY_NONE;

	assert_int_equal(calendar_holidays(2004, h), 16);
	assert_true(has(2004, HOL_WHIT_MONDAY, &day));
	assert_day(day, 2004, 5, 31); /* Easter 2004-04-11 */
	assert_false(has(2004, HOL_NATIONAL_DAY, NULL));

	assert_int_equal(calendar_holidays(2005, h), 16);
	assert_false(has(2005, HOL_WHIT_MONDAY, NULL));
	assert_true(has(2005, HOL_NATIONAL_DAY, &day));
	assert_day(day, 2005, 6, 6);
}

/* 2008: Easter 23 March, so Kristi himmelsfärdsdag is första maj; both are listed. */
static void ascension_on_may_day(void **state)
{
	(void)state;
	struct holiday h[CALENDAR_MAX_PER_YEAR];
	size_t n = calendar_holidays(2008, h);
	int on_may_1 = 0;
	bool may = false, asc = false;

	assert_int_equal(n, 16);
	for (size_t i = 0; i < n; i++) {
		if (h[i].day != D(2008, 5, 1))
			continue;
		on_may_1++;
		may |= h[i].id == HOL_MAY_DAY;
		asc |= h[i].id == HOL_ASCENSION;
	}
	assert_int_equal(on_may_1, 2);
	assert_true(may && asc);
}

static bool working(lmn_day day)
{
	bool w = true;
	assert_int_equal(calendar_is_working_day(day, &w), LMN_OK);
	return w;
}

static void is_working_day_examples(void **state)
{
	(void)state;
	bool w;

	assert_false(working(D(2026, 1, 3)));	/* Saturday */
	assert_false(working(D(2026, 1, 4)));	/* Sunday */
	assert_false(working(D(2026, 1, 6)));	/* Tuesday, trettondedag jul */
	assert_false(working(D(2026, 4, 3)));	/* långfredagen */
	assert_false(working(D(2026, 4, 6)));	/* annandag påsk */
	assert_false(working(D(2026, 5, 1)));	/* Friday, första maj */
	assert_false(working(D(2026, 5, 14)));	/* Thursday, Kristi himmelsfärdsdag */
	assert_true(working(D(2027, 6, 7)));	/* nationaldagen on a Sunday gives no Monday off */
	assert_false(working(D(2004, 5, 31)));	/* annandag pingst 2004 */
	assert_true(working(D(2004, 6, 7)));	/* Monday, 6 June 2004 was a Sunday anyway */
	assert_true(working(D(2005, 5, 16)));	/* Monday after pingst 2005: a working day */
	assert_false(working(D(2005, 6, 6)));	/* Monday, the first nationaldag holiday */
	assert_false(working(D(2026, 6, 19)));	/* midsommarafton */
	assert_false(working(D(2026, 12, 24))); /* julafton */
	assert_false(working(D(2026, 12, 31))); /* nyårsafton */
	assert_true(working(D(2027, 11, 1))); /* Monday: alla helgons dag 2027 is Saturday 6 Nov */
	assert_true(working(D(2026, 1, 2)));  /* Friday */
	assert_true(working(D(2026, 1, 7)));  /* Wednesday */
	assert_true(working(D(2026, 4, 2)));  /* skärtorsdagen is a working day */
	assert_true(working(D(2026, 4, 7)));  /* Tuesday after Easter */
	assert_true(working(D(2026, 6, 22))); /* Monday after midsommar */
	assert_true(working(D(2026, 12, 23)));
	assert_true(working(D(2026, 12, 30)));

	assert_true(calendar_in_range(D(1900, 1, 1)));
	assert_true(calendar_in_range(D(2200, 12, 31)));
	assert_false(calendar_in_range(D(1899, 12, 31)));
	assert_false(calendar_in_range(D(2201, 1, 1)));
	assert_int_equal(calendar_is_working_day(D(1900, 1, 1), &w), LMN_OK);
	assert_int_equal(calendar_is_working_day(D(2200, 12, 31), &w), LMN_OK);
	assert_int_equal(calendar_is_working_day(D(1899, 12, 31), &w), LMN_ERANGE);
	assert_int_equal(calendar_is_working_day(D(2201, 1, 1), &w), LMN_ERANGE);
}

/* Every day of the range: working exactly when a weekday not in the oracle's list. */
static void is_working_day_matches_oracle(void **state)
{
	(void)state;
	for (int y = CALENDAR_FIRST_YEAR; y <= CALENDAR_LAST_YEAR; y++) {
		struct expect off[CALENDAR_MAX_PER_YEAR];
		size_t noff = oracle_year(y, off), k = 0;
		struct ymd t = { y, 1, 1 };

		for (; t.y == y; t = ymd_add(t, 1)) {
			bool want = zeller_iso(t.y, t.m, t.d) <= 5;
			while (k < noff && ymd_cmp(off[k].date, t) < 0)
				k++;
			if (k < noff && ymd_cmp(off[k].date, t) == 0)
				want = false;
			if (working(date_from_ymd(t.y, t.m, t.d)) != want)
				fail_msg("%04d-%02d-%02d: working should be %d", t.y, t.m, t.d,
					 want);
		}
	}
}

static lmn_day add(lmn_day day, int n)
{
	lmn_day out = LMN_DAY_NONE;
	assert_int_equal(calendar_add_working_days(day, n, &out), LMN_OK);
	return out;
}

static void add_working_days_examples(void **state)
{
	(void)state;
	lmn_day out;

	/* Easter: skärtorsdagen + 1 skips långfredagen … annandag påsk. */
	assert_day(add(D(2026, 4, 2), 1), 2026, 4, 7);
	assert_day(add(D(2026, 4, 7), -1), 2026, 4, 2);
	/* Christmas and New Year. */
	assert_day(add(D(2026, 12, 22), 4), 2026, 12, 30);
	assert_day(add(D(2026, 12, 22), 6), 2027, 1, 5);
	assert_day(add(D(2026, 12, 22), 7), 2027, 1, 7); /* 6 Jan is trettondedag jul */
	assert_day(add(D(2027, 1, 5), -6), 2026, 12, 22);
	/* Midsummer. */
	assert_day(add(D(2026, 6, 18), 1), 2026, 6, 22);
	assert_day(add(D(2026, 6, 22), -1), 2026, 6, 18);
	/* Day 0 on a non-working day. */
	assert_day(add(D(2026, 1, 3), 1), 2026, 1, 5);
	assert_day(add(D(2026, 1, 3), 4), 2026, 1, 9); /* Mon, (Tue 6 Jan), Wed, Thu, Fri */
	assert_day(add(D(2026, 1, 3), -1), 2026, 1, 2);
	assert_day(add(D(2026, 12, 24), 1), 2026, 12, 28);
	/* n = 0 is the day itself, working or not. */
	assert_day(add(D(2026, 1, 3), 0), 2026, 1, 3);
	assert_day(add(D(2026, 1, 7), 0), 2026, 1, 7);

	/* Leaving the range, or starting outside it. */
	assert_int_equal(calendar_add_working_days(D(2200, 12, 20), 10, &out), LMN_ERANGE);
	assert_int_equal(calendar_add_working_days(D(1900, 1, 10), -10, &out), LMN_ERANGE);
	assert_int_equal(calendar_add_working_days(D(2026, 1, 7), INT_MAX, &out), LMN_ERANGE);
	assert_int_equal(calendar_add_working_days(D(2026, 1, 7), INT_MIN, &out), LMN_ERANGE);
	assert_int_equal(calendar_add_working_days(D(1899, 12, 31), 1, &out), LMN_ERANGE);
	assert_int_equal(calendar_add_working_days(D(2201, 1, 1), -1, &out), LMN_ERANGE);
	assert_int_equal(calendar_add_working_days(D(2201, 1, 1), 0, &out), LMN_ERANGE);
	/* The last working day of the range is still reachable, the next one is not. */
	assert_day(add(D(2200, 12, 28), 1), 2200, 12, 29); /* 2200-12-29 is a Monday */
	assert_day(add(D(2200, 12, 29), 1), 2200, 12, 30);
	assert_int_equal(calendar_add_working_days(D(2200, 12, 30), 1, &out), LMN_ERANGE);
	assert_day(add(D(1900, 1, 3), -1), 1900, 1, 2); /* 1900-01-01 was a Monday, a holiday */
	assert_int_equal(calendar_add_working_days(D(1900, 1, 2), -1, &out), LMN_ERANGE);
}

/* Brute force: walk day by day asking is_working_day. */
static lmn_day walk(lmn_day day, int n)
{
	int step = n > 0 ? 1 : -1;
	while (n != 0) {
		day += step;
		if (working(day))
			n -= step;
	}
	return day;
}

static int count(lmn_day from, lmn_day to)
{
	int c = 0;
	for (lmn_day d = from + 1; d <= to; d++)
		c += working(d);
	for (lmn_day d = to + 1; d <= from; d++)
		c -= working(d);
	return c;
}

static void add_and_between_match_brute_force(void **state)
{
	(void)state;
	lmn_day first = D(1990, 1, 1), last = D(2100, 12, 31);

	for (lmn_day from = first; from <= last; from += 37) {
		for (int n = -12; n <= 12; n++) {
			lmn_day to = add(from, n);
			int between;
			if (n != 0 && to != walk(from, n))
				fail_msg("add(%d, %d) = %d, brute force %d", from, n, to,
					 walk(from, n));
			assert_int_equal(calendar_working_days_between(from, to, &between), LMN_OK);
			/* (from, to] leaves out from itself, so going back from a non-working day the
			 * interval holds one working day fewer than n counts. */
			assert_int_equal(between, n < 0 && !working(from) ? n + 1 : n);
		}
		for (lmn_day to = from - 30; to <= from + 30; to++) {
			int between;
			assert_int_equal(calendar_working_days_between(from, to, &between), LMN_OK);
			if (between != count(from, to))
				fail_msg("between(%d, %d) = %d, brute force %d", from, to, between,
					 count(from, to));
		}
	}
}

static void between_examples(void **state)
{
	(void)state;
	int n;

	assert_int_equal(calendar_working_days_between(D(2026, 12, 22), D(2027, 1, 5), &n), LMN_OK);
	assert_int_equal(n, 6);
	assert_int_equal(calendar_working_days_between(D(2027, 1, 5), D(2026, 12, 22), &n), LMN_OK);
	assert_int_equal(n, -6);
	assert_int_equal(calendar_working_days_between(D(2026, 4, 2), D(2026, 4, 6), &n), LMN_OK);
	assert_int_equal(n, 0);
	assert_int_equal(calendar_working_days_between(D(2026, 4, 2), D(2026, 4, 2), &n), LMN_OK);
	assert_int_equal(n, 0);
	/* 2026: 365 days, 104 weekend days, 10 holidays or eves on weekdays (1 Jan, 6 Jan, 3 Apr,
	 * 6 Apr, 1 May, 14 May, 19 Jun, 24 Dec, 25 Dec, 31 Dec; 6 Jun and 26 Dec are Saturdays). */
	assert_int_equal(calendar_working_days_between(D(2025, 12, 31), D(2026, 12, 31), &n),
			 LMN_OK);
	assert_int_equal(n, 365 - 104 - 10);
	assert_int_equal(calendar_working_days_between(D(1899, 12, 31), D(2026, 1, 1), &n),
			 LMN_ERANGE);
	assert_int_equal(calendar_working_days_between(D(2026, 1, 1), D(2201, 1, 1), &n),
			 LMN_ERANGE);
}

/* The set of non-working eves is a rule parameter (DOMAIN.md §4): each eve on a weekday is a
 * working day unless its set names it; public holidays and weekends never are. With every eve the
 * answers are the default functions'. */
static void eves_as_parameter(void **state)
{
	(void)state;
	lmn_day out;
	bool w;
	int n;

	/* 2026: midsommarafton Fri 19 Jun, julafton Thu 24 Dec, nyårsafton Thu 31 Dec. */
	assert_int_equal(calendar_is_working_day_eves(D(2026, 12, 24), 0, &w), LMN_OK);
	assert_true(w);
	assert_int_equal(calendar_is_working_day_eves(D(2026, 12, 24), CALENDAR_EVE_CHRISTMAS, &w),
			 LMN_OK);
	assert_false(w);
	assert_int_equal(calendar_is_working_day_eves(D(2026, 12, 31), CALENDAR_EVE_CHRISTMAS, &w),
			 LMN_OK);
	assert_true(w);
	assert_int_equal(calendar_is_working_day_eves(D(2026, 6, 19), CALENDAR_EVE_NEW_YEARS, &w),
			 LMN_OK);
	assert_true(w);
	assert_int_equal(calendar_is_working_day_eves(D(2026, 6, 19), CALENDAR_EVE_MIDSUMMER, &w),
			 LMN_OK);
	assert_false(w);
	/* Juldagen and a Saturday stay non-working without any eve. */
	assert_int_equal(calendar_is_working_day_eves(D(2026, 12, 25), 0, &w), LMN_OK);
	assert_false(w);
	assert_int_equal(calendar_is_working_day_eves(D(2026, 12, 26), 0, &w), LMN_OK);
	assert_false(w);
	/* Wed 23 Dec 2026 + 2: Thu 24 without eves, Mon 28 with julafton (25, 26 holidays, 27 Sun). */
	assert_int_equal(calendar_add_working_days_eves(D(2026, 12, 23), 1, 0, &out), LMN_OK);
	assert_day(out, 2026, 12, 24);
	assert_int_equal(calendar_add_working_days_eves(D(2026, 12, 23), 1, CALENDAR_EVES_ALL,
							&out),
			 LMN_OK);
	assert_day(out, 2026, 12, 28);
	/* Mon 4 Jan 2027 - 3: 31, 30, 29 Dec without eves; 30, 29, 28 with nyårsafton. */
	assert_int_equal(calendar_add_working_days_eves(D(2027, 1, 4), -3, 0, &out), LMN_OK);
	assert_day(out, 2026, 12, 29);
	assert_int_equal(calendar_add_working_days_eves(D(2027, 1, 4), -3, CALENDAR_EVE_NEW_YEARS,
							&out),
			 LMN_OK);
	assert_day(out, 2026, 12, 28);
	assert_int_equal(calendar_working_days_between_eves(D(2026, 12, 20), D(2027, 1, 1), 0, &n),
			 LMN_OK);
	assert_int_equal(n, 8); /* 21, 22, 23, 24, 28, 29, 30, 31 */
	assert_int_equal(calendar_working_days_between_eves(D(2026, 12, 20), D(2027, 1, 1),
							    CALENDAR_EVES_ALL, &n),
			 LMN_OK);
	assert_int_equal(n, 6);
	/* The default is every eve, over the whole range. */
	for (lmn_day d = D(1900, 1, 1); d <= D(2200, 12, 31); d += 1) {
		bool a, b;
		assert_int_equal(calendar_is_working_day(d, &a), LMN_OK);
		assert_int_equal(calendar_is_working_day_eves(d, CALENDAR_EVES_ALL, &b), LMN_OK);
		if (a != b)
			fail_msg("day %d differs", (int)d);
	}
	assert_int_equal(calendar_is_working_day_eves(D(2201, 1, 1), 0, &w), LMN_ERANGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(day_numbers_match_counting),
		cmocka_unit_test(easter_golden),
		cmocka_unit_test(holidays_match_oracle),
		cmocka_unit_test(holidays_out_of_range),
		cmocka_unit_test(holidays_2026_golden),
		cmocka_unit_test(whit_monday_to_national_day),
		cmocka_unit_test(ascension_on_may_day),
		cmocka_unit_test(is_working_day_examples),
		cmocka_unit_test(is_working_day_matches_oracle),
		cmocka_unit_test(add_working_days_examples),
		cmocka_unit_test(add_and_between_match_brute_force),
		cmocka_unit_test(between_examples),
		cmocka_unit_test(eves_as_parameter),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Swedish working-day calendar with O(1) lookups over 1900–2200. */
#include "rules/calendar.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>

static const char *const holiday_names[HOL__COUNT] = {
	[HOL_NEW_YEARS_DAY] = "Nyårsdagen",	    [HOL_EPIPHANY] = "Trettondedag jul",
	[HOL_GOOD_FRIDAY] = "Långfredagen",	    [HOL_EASTER_DAY] = "Påskdagen",
	[HOL_EASTER_MONDAY] = "Annandag påsk",	    [HOL_MAY_DAY] = "Första maj",
	[HOL_ASCENSION] = "Kristi himmelsfärdsdag", [HOL_WHIT_SUNDAY] = "Pingstdagen",
	[HOL_WHIT_MONDAY] = "Annandag pingst",	    [HOL_NATIONAL_DAY] = "Sveriges nationaldag",
	[HOL_MIDSUMMER_EVE] = "Midsommarafton",	    [HOL_MIDSUMMER_DAY] = "Midsommardagen",
	[HOL_ALL_SAINTS] = "Alla helgons dag",	    [HOL_CHRISTMAS_EVE] = "Julafton",
	[HOL_CHRISTMAS_DAY] = "Juldagen",	    [HOL_BOXING_DAY] = "Annandag jul",
	[HOL_NEW_YEARS_EVE] = "Nyårsafton",
};

const char *holiday_name_sv(enum holiday_id id)
{
	return (unsigned)id < HOL__COUNT ? holiday_names[id] : "?";
}

bool holiday_is_eve(enum holiday_id id)
{
	return holiday_eve_bit(id) != 0;
}

unsigned holiday_eve_bit(enum holiday_id id)
{
	return id == HOL_MIDSUMMER_EVE	 ? CALENDAR_EVE_MIDSUMMER
	       : id == HOL_CHRISTMAS_EVE ? CALENDAR_EVE_CHRISTMAS
	       : id == HOL_NEW_YEARS_EVE ? CALENDAR_EVE_NEW_YEARS
					 : 0;
}

/* Anonymous Gregorian computus (Meeus/Jones/Butcher). */
lmn_day calendar_easter(int year)
{
	int a = year % 19, b = year / 100, c = year % 100;
	int d = b / 4, e = b % 4, f = (b + 8) / 25, g = (b - f + 1) / 3;
	int h = (19 * a + b - d - g + 15) % 30;
	int i = c / 4, k = c % 4;
	int l = (32 + 2 * e + 2 * i - h - k) % 7;
	int m = (a + 11 * h + 22 * l) / 451;
	int month = (h + l - 7 * m + 114) / 31;
	int day = (h + l - 7 * m + 114) % 31 + 1;

	return date_from_ymd(year, month, day);
}

/* The Saturday in [y-m-d, y-m-d+6]. */
static lmn_day saturday_from(int y, int m, int d)
{
	lmn_day first = date_from_ymd(y, m, d);
	return first + (6 - date_weekday(first) + 7) % 7;
}

static size_t build_year(int y, struct holiday *h)
{
	size_t n = 0;
	lmn_day easter = calendar_easter(y), midsummer = saturday_from(y, 6, 20);

#define ADD(dayv, idv) (h[n].day = (dayv), h[n].id = (idv), n++)
	ADD(date_from_ymd(y, 1, 1), HOL_NEW_YEARS_DAY);
	ADD(date_from_ymd(y, 1, 6), HOL_EPIPHANY);
	ADD(easter - 2, HOL_GOOD_FRIDAY);
	ADD(easter, HOL_EASTER_DAY);
	ADD(easter + 1, HOL_EASTER_MONDAY);
	ADD(date_from_ymd(y, 5, 1), HOL_MAY_DAY);
	ADD(easter + 39, HOL_ASCENSION);
	ADD(easter + 49, HOL_WHIT_SUNDAY);
	if (y <= 2004)
		ADD(easter + 50, HOL_WHIT_MONDAY);
	if (y >= 2005)
		ADD(date_from_ymd(y, 6, 6), HOL_NATIONAL_DAY);
	ADD(midsummer - 1, HOL_MIDSUMMER_EVE);
	ADD(midsummer, HOL_MIDSUMMER_DAY);
	ADD(saturday_from(y, 10, 31), HOL_ALL_SAINTS);
	ADD(date_from_ymd(y, 12, 24), HOL_CHRISTMAS_EVE);
	ADD(date_from_ymd(y, 12, 25), HOL_CHRISTMAS_DAY);
	ADD(date_from_ymd(y, 12, 26), HOL_BOXING_DAY);
	ADD(date_from_ymd(y, 12, 31), HOL_NEW_YEARS_EVE);
#undef ADD

	/* Insertion sort by (date, id): at most a few entries are out of order. */
	for (size_t i = 1; i < n; i++) {
		struct holiday t = h[i];
		size_t j = i;
		while (j > 0 &&
		       (h[j - 1].day > t.day || (h[j - 1].day == t.day && h[j - 1].id > t.id))) {
			h[j] = h[j - 1];
			j--;
		}
		h[j] = t;
	}
	return n;
}

/* Tables over every day in range, one per set of non-working eves: working[i], cum[i] = working
 * days in [first, first + i), and ord[k] = index of the k-th working day. */
struct tables {
	lmn_day first_day, last_day;
	int32_t ndays, nworking;
	uint8_t *working;
	int32_t *cum;
	int32_t *ord;
};
static _Atomic(struct tables *) built[CALENDAR_EVES_ALL + 1];
static pthread_mutex_t build_lock = PTHREAD_MUTEX_INITIALIZER;

static struct tables *build_tables(unsigned eves)
{
	struct tables *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->first_day = date_from_ymd(CALENDAR_FIRST_YEAR, 1, 1);
	t->last_day = date_from_ymd(CALENDAR_LAST_YEAR, 12, 31);
	t->ndays = t->last_day - t->first_day + 1;
	t->working = malloc((size_t)t->ndays);
	t->cum = malloc(((size_t)t->ndays + 1) * sizeof(*t->cum));
	t->ord = malloc((size_t)t->ndays * sizeof(*t->ord));
	if (!t->working || !t->cum || !t->ord) {
		free(t->working);
		free(t->cum);
		free(t->ord);
		free(t);
		return NULL;
	}
	for (int32_t i = 0; i < t->ndays; i++)
		t->working[i] = date_weekday(t->first_day + i) <= 5;
	for (int y = CALENDAR_FIRST_YEAR; y <= CALENDAR_LAST_YEAR; y++) {
		struct holiday h[CALENDAR_MAX_PER_YEAR];
		size_t n = build_year(y, h);
		for (size_t i = 0; i < n; i++) {
			unsigned bit = holiday_eve_bit(h[i].id);
			if (!bit || (eves & bit))
				t->working[h[i].day - t->first_day] = 0;
		}
	}
	t->cum[0] = 0;
	t->nworking = 0;
	for (int32_t i = 0; i < t->ndays; i++) {
		if (t->working[i])
			t->ord[t->nworking++] = i;
		t->cum[i + 1] = t->nworking;
	}
	return t;
}

/* The tables of a set of eves, built at the first use (NULL when memory ran out). They live as
 * long as the process. */
static const struct tables *tables(unsigned eves)
{
	struct tables *t;

	eves &= CALENDAR_EVES_ALL;
	t = atomic_load_explicit(&built[eves], memory_order_acquire);
	if (t)
		return t;
	pthread_mutex_lock(&build_lock);
	t = atomic_load_explicit(&built[eves], memory_order_relaxed);
	if (!t && (t = build_tables(eves)))
		atomic_store_explicit(&built[eves], t, memory_order_release);
	pthread_mutex_unlock(&build_lock);
	return t;
}

bool calendar_in_range(lmn_day day)
{
	return day >= date_from_ymd(CALENDAR_FIRST_YEAR, 1, 1) &&
	       day <= date_from_ymd(CALENDAR_LAST_YEAR, 12, 31);
}

size_t calendar_holidays(int year, struct holiday out[CALENDAR_MAX_PER_YEAR])
{
	if (year < CALENDAR_FIRST_YEAR || year > CALENDAR_LAST_YEAR)
		return 0;
	return build_year(year, out);
}

enum lmn_rc calendar_is_working_day_eves(lmn_day day, unsigned eves, bool *is_working)
{
	const struct tables *t = tables(eves);

	if (!t)
		return LMN_ENOMEM;
	if (day < t->first_day || day > t->last_day)
		return LMN_ERANGE;
	*is_working = t->working[day - t->first_day];
	return LMN_OK;
}

enum lmn_rc calendar_add_working_days_eves(lmn_day day, int n, unsigned eves, lmn_day *out)
{
	const struct tables *t = tables(eves);
	int64_t k;

	if (!t)
		return LMN_ENOMEM;
	if (day < t->first_day || day > t->last_day)
		return LMN_ERANGE;
	if (n == 0) {
		*out = day;
		return LMN_OK;
	}
	/* Ordinal of the n-th working day after (or before) day. */
	k = n > 0 ? (int64_t)t->cum[day - t->first_day + 1] + n - 1
		  : (int64_t)t->cum[day - t->first_day] + n;
	if (k < 0 || k >= t->nworking)
		return LMN_ERANGE;
	*out = t->first_day + t->ord[k];
	return LMN_OK;
}

enum lmn_rc calendar_working_days_between_eves(lmn_day from, lmn_day to, unsigned eves, int *out)
{
	const struct tables *t = tables(eves);

	if (!t)
		return LMN_ENOMEM;
	if (from < t->first_day || from > t->last_day || to < t->first_day || to > t->last_day)
		return LMN_ERANGE;
	*out = t->cum[to - t->first_day + 1] - t->cum[from - t->first_day + 1];
	return LMN_OK;
}

enum lmn_rc calendar_is_working_day(lmn_day day, bool *is_working)
{
	return calendar_is_working_day_eves(day, CALENDAR_EVES_ALL, is_working);
}

enum lmn_rc calendar_add_working_days(lmn_day day, int n, lmn_day *out)
{
	return calendar_add_working_days_eves(day, n, CALENDAR_EVES_ALL, out);
}

enum lmn_rc calendar_working_days_between(lmn_day from, lmn_day to, int *out)
{
	return calendar_working_days_between_eves(from, to, CALENDAR_EVES_ALL, out);
}

/* Swedish working days (DOMAIN.md §4): weekends, public holidays and the non-working eves.
 *
 * Which eves are non-working is a rule parameter (B3:1 non_working_eves, an interpretation): the
 * _eves functions take that set; the others count all three eves, the default. A table is built
 * once for each set asked for.
 *
 * The calendar covers 1900-01-01 … 2200-12-31 and follows the holiday law as DOMAIN.md §4 states it
 * (nationaldagen from 2005, annandag pingst until 2004); the older rules before the 1953 reform are
 * not modelled. After the tables are built once, every query is O(1). */
#ifndef LMN_CALENDAR_H
#define LMN_CALENDAR_H

#include <stdbool.h>
#include <stddef.h>

#include "rules/date.h"
#include "util/rc.h"

#define CALENDAR_FIRST_YEAR   1900
#define CALENDAR_LAST_YEAR    2200
#define CALENDAR_MAX_PER_YEAR 24

enum holiday_id {
	HOL_NEW_YEARS_DAY, /* nyårsdagen */
	HOL_EPIPHANY,	   /* trettondedag jul */
	HOL_GOOD_FRIDAY,   /* långfredagen */
	HOL_EASTER_DAY,	   /* påskdagen */
	HOL_EASTER_MONDAY, /* annandag påsk */
	HOL_MAY_DAY,	   /* första maj */
	HOL_ASCENSION,	   /* Kristi himmelsfärdsdag */
	HOL_WHIT_SUNDAY,   /* pingstdagen */
	HOL_WHIT_MONDAY,   /* annandag pingst, until 2004 */
	HOL_NATIONAL_DAY,  /* Sveriges nationaldag, from 2005 */
	HOL_MIDSUMMER_EVE, /* midsommarafton (non-working eve) */
	HOL_MIDSUMMER_DAY, /* midsommardagen */
	HOL_ALL_SAINTS,	   /* alla helgons dag */
	HOL_CHRISTMAS_EVE, /* julafton (non-working eve) */
	HOL_CHRISTMAS_DAY, /* juldagen */
	HOL_BOXING_DAY,	   /* annandag jul */
	HOL_NEW_YEARS_EVE, /* nyårsafton (non-working eve) */
	HOL__COUNT
};

struct holiday {
	lmn_day day;
	enum holiday_id id;
};

const char *holiday_name_sv(enum holiday_id id);
bool holiday_is_eve(enum holiday_id id); /* a de facto non-working eve, not a public holiday */

/* Sets of eves: which of them are non-working days. */
#define CALENDAR_EVE_MIDSUMMER (1u << 0) /* midsommarafton */
#define CALENDAR_EVE_CHRISTMAS (1u << 1) /* julafton */
#define CALENDAR_EVE_NEW_YEARS (1u << 2) /* nyårsafton */
#define CALENDAR_EVES_ALL      7u
/* The eve's bit, or 0 for a public holiday. */
unsigned holiday_eve_bit(enum holiday_id id);

/* Easter Sunday of a Gregorian year (computus). */
lmn_day calendar_easter(int year);

bool calendar_in_range(lmn_day day);

/* The year's holidays and non-working eves, sorted by date (a date may appear twice, e.g. when
 * Kristi himmelsfärdsdag falls on första maj). Returns the count, or 0 for a year out of range. */
size_t calendar_holidays(int year, struct holiday out[CALENDAR_MAX_PER_YEAR]);

LMN_MUST_USE enum lmn_rc calendar_is_working_day(lmn_day day, bool *working);
/* The date n working days after day (n > 0), before it (n < 0), or day itself (n = 0). Day 0 may be
 * a non-working day: add(Saturday, 1) is the Monday after, if that is a working day. */
LMN_MUST_USE enum lmn_rc calendar_add_working_days(lmn_day day, int n, lmn_day *out);
/* Working days in (from, to]; negative when to < from. */
LMN_MUST_USE enum lmn_rc calendar_working_days_between(lmn_day from, lmn_day to, int *out);

/* The same with only the eves in the set eves (CALENDAR_EVE_*) as non-working days. */
LMN_MUST_USE enum lmn_rc calendar_is_working_day_eves(lmn_day day, unsigned eves, bool *working);
LMN_MUST_USE enum lmn_rc calendar_add_working_days_eves(lmn_day day, int n, unsigned eves,
							lmn_day *out);
LMN_MUST_USE enum lmn_rc calendar_working_days_between_eves(lmn_day from, lmn_day to, unsigned eves,
							    int *out);

#endif

/* Tests core/identity: personnummer, samordningsnummer and reserve numbers. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "core/identity.h"

static lmn_day day(int y, int m, int d)
{
	return date_from_ymd(y, m, d);
}

static enum lmn_rc parse(const char *s, lmn_day today, struct identity *id, struct lmn_err *err)
{
	return identity_parse(s, strlen(s), today, id, err);
}

static void accepts_every_form(void **state)
{
	static const char *const forms[] = { "191212121212", "19121212-1212", "1212121212",
					     "121212-1212", "  121212+1212 " };
	lmn_day today = day(2026, 11, 22);
	struct identity id;
	struct lmn_err err;

	(void)state;
	/* 1212121212: Luhn over 121212121 gives 2. With '-' in 2026 the century is 2012; only
	 * '+' or the 12-digit form says 1912. */
	for (size_t i = 0; i < 5; i++) {
		assert_int_equal(parse(forms[i], today, &id, &err), LMN_OK);
		assert_int_equal(id.kind, ID_PERSONNUMMER);
	}
	assert_int_equal(parse("121212-1212", today, &id, &err), LMN_OK);
	assert_string_equal(id.canonical, "201212121212");
	assert_int_equal(parse("121212+1212", today, &id, &err), LMN_OK);
	assert_string_equal(id.canonical, "191212121212");
	assert_int_equal(id.birth, day(1912, 12, 12));
	assert_int_equal(id.sex, 1); /* second-last digit 1: odd */
	assert_int_equal(parse("811218-9876", today, &id, &err), LMN_OK);
	assert_string_equal(id.canonical, "198112189876");
	assert_int_equal(id.sex, 1);
}

static void century_at_the_boundary(void **state)
{
	struct identity id;
	struct lmn_err err;

	(void)state;
	/* Born 2012-11-22 with '-': on that very day the century is 20, the day before it is 19. */
	assert_int_equal(parse("121122-1237", day(2012, 11, 22), &id, &err), LMN_OK);
	assert_int_equal(id.birth, day(2012, 11, 22));
	assert_int_equal(parse("121122-1237", day(2012, 11, 21), &id, &err), LMN_OK);
	assert_int_equal(id.birth, day(1912, 11, 22));
	assert_int_equal(parse("121122+1237", day(2026, 1, 1), &id, &err), LMN_OK);
	assert_int_equal(id.birth, day(1912, 11, 22));
}

static void check_digit_every_position(void **state)
{
	char s[] = "191212121212";
	struct identity id;
	struct lmn_err err;

	(void)state;
	/* Changing any one digit of YYMMDDNNNC (keeping a valid date) breaks the check. */
	for (int pos = 6; pos < 12; pos++) {
		char saved = s[pos];
		s[pos] = (char)(saved == '9' ? '0' : saved + 1);
		if (pos == 6 || pos == 7)
			s[pos] = saved == '1' ? '0' : '1'; /* day 02 or 11 keeps the date valid */
		assert_int_equal(parse(s, day(2026, 11, 22), &id, &err), LMN_EINVAL);
		assert_string_equal(err.field, "id_number");
		s[pos] = saved;
	}
	assert_int_equal(parse("19121212-1213", day(2026, 11, 22), &id, &err), LMN_EINVAL);
	assert_non_null(strstr(err.message, "Kontrollsiffran"));
}

static void dates_must_exist(void **state)
{
	struct identity id;
	struct lmn_err err;

	(void)state;
	/* 2000 was a leap year, 1900 was not. 000229-0009 and 19000229…: only the first is a date. */
	assert_int_equal(parse("200002290000", day(2026, 1, 1), &id, &err),
			 LMN_EINVAL); /* check digit */
	assert_non_null(strstr(err.message, "Kontrollsiffran"));
	assert_int_equal(parse("190002290000", day(2026, 1, 1), &id, &err), LMN_EINVAL);
	assert_non_null(strstr(err.message, "Datumet"));
	assert_int_equal(parse("19811318-9876", day(2026, 1, 1), &id, &err), LMN_EINVAL);
	assert_non_null(strstr(err.message, "Datumet"));
	/* Born in the future. */
	assert_int_equal(parse("20261231-0000", day(2026, 11, 22), &id, &err), LMN_EINVAL);
}

static void samordningsnummer(void **state)
{
	struct identity id;
	struct lmn_err err;

	(void)state;
	/* 1990-03-12 + 60 = day 72: 900372-NNNC; Luhn over 900372123 = 1. */
	assert_int_equal(parse("900372-1231", day(2026, 1, 1), &id, &err), LMN_OK);
	assert_int_equal(id.kind, ID_SAMORDNINGSNUMMER);
	assert_int_equal(id.birth, day(1990, 3, 12));
	assert_string_equal(id.canonical, "199003721231");
	/* Day 92 would be 32: no such date. */
	assert_int_equal(parse("900392-1230", day(2026, 1, 1), &id, &err), LMN_EINVAL);
}

static void malformed(void **state)
{
	static const char *const bad[] = { "",
					   "-",
					   "12121212",
					   "19121212_1212",
					   "19121212+1212",
					   "1912121212121",
					   "abcdefghij",
					   "121212--1212",
					   "1912-12-12-1212",
					   "20121212-12" };
	struct identity id;
	struct lmn_err err;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(parse(bad[i], day(2026, 1, 1), &id, &err), LMN_EINVAL);
		assert_string_equal(err.field, "id_number");
	}
	assert_int_equal(identity_parse("121212-1212\0x", 13, day(2026, 1, 1), &id, &err),
			 LMN_EINVAL);
}

static void reserve_numbers(void **state)
{
	struct identity id;
	struct lmn_err err;
	char out[16];

	(void)state;
	assert_int_equal(parse("19800101-R123", day(2026, 1, 1), &id, &err), LMN_OK);
	assert_int_equal(id.kind, ID_RESERVE);
	assert_string_equal(id.canonical, "19800101R123");
	assert_int_equal(id.sex, 0);
	identity_format(&id, out);
	assert_string_equal(out, "19800101-R123");
	assert_int_equal(parse("19800101T999", day(2026, 1, 1), &id, &err), LMN_OK);
	assert_int_equal(parse("19800101-r123", day(2026, 1, 1), &id, &err), LMN_EINVAL);
	assert_int_equal(parse("19800132-R123", day(2026, 1, 1), &id, &err), LMN_EINVAL);
	assert_int_equal(parse("19800101-R12", day(2026, 1, 1), &id, &err), LMN_EINVAL);
}

static void format_and_age(void **state)
{
	struct identity id;
	struct lmn_err err;
	char out[16];

	(void)state;
	assert_int_equal(parse("1212121212", day(2026, 11, 22), &id, &err), LMN_OK);
	identity_format(&id, out);
	assert_string_equal(out, "20121212-1212");
	assert_int_equal(identity_age_on(&id, day(2030, 12, 11)), 17);
	assert_int_equal(identity_age_on(&id, day(2030, 12, 12)), 18);
	/* Born on 29 February 2000 (Luhn over 000229123 = 5): one year older on 1 March. */
	assert_int_equal(parse("20000229-1235", day(2026, 11, 22), &id, &err), LMN_OK);
	assert_int_equal(identity_age_on(&id, day(2001, 2, 28)), 0);
	assert_int_equal(identity_age_on(&id, day(2001, 3, 1)), 1);
	assert_int_equal(identity_age_on(&id, day(2004, 2, 29)), 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(accepts_every_form),
		cmocka_unit_test(century_at_the_boundary),
		cmocka_unit_test(check_digit_every_position),
		cmocka_unit_test(dates_must_exist),
		cmocka_unit_test(samordningsnummer),
		cmocka_unit_test(malformed),
		cmocka_unit_test(reserve_numbers),
		cmocka_unit_test(format_and_age),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

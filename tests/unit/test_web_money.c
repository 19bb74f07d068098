/* Tests web_money: amounts in Swedish with groups of three ("182 223,00 kr", no-break spaces),
 * a minus sign for a negative one, and the extremes of int64 written in the 32 bytes it has; and
 * web_param_sv: every rule parameter has a Swedish name, so no page shows a rule's key. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "rules/params.h"
#include "web/web.h"

#define NBSP "\xc2\xa0"

static void grouped(void **state)
{
	char out[32];

	(void)state;
	web_money(out, 18222300);
	assert_string_equal(out, "182" NBSP "223,00" NBSP "kr");
	web_money(out, 146131750);
	assert_string_equal(out, "1" NBSP "461" NBSP "317,50" NBSP "kr");
	web_money(out, 99900);
	assert_string_equal(out, "999,00" NBSP "kr");
	web_money(out, 5);
	assert_string_equal(out, "0,05" NBSP "kr");
	web_money(out, -120050);
	assert_string_equal(out, "\xe2\x88\x92"
				 "1" NBSP "200,50" NBSP "kr");
}

static void extremes(void **state)
{
	char out[32];

	(void)state;
	/* 92 233 720 368 547 758 kr grouped would need 38 bytes: written without the groups. */
	web_money(out, INT64_MIN);
	assert_string_equal(out, "\xe2\x88\x92"
				 "92233720368547758,08" NBSP "kr");
	web_money(out, INT64_MAX);
	assert_string_equal(out, "92233720368547758,07" NBSP "kr");
	/* The largest that is grouped fits with its '\0'. */
	web_money(out, 99999999999900);
	assert_string_equal(out, "999" NBSP "999" NBSP "999" NBSP "999,00" NBSP "kr");
	assert_true(strlen(out) < sizeof(out));
}

static void parameters_named(void **state)
{
	(void)state;
	for (int id = 0; id < P__COUNT; id++) {
		const char *key = param_def((enum param_id)id)->key;

		if (strcmp(web_param_sv(key), key) == 0)
			fail_msg("the rule parameter %s has no Swedish name", key);
	}
	assert_string_equal(web_param_sv("no_such_key"), "no_such_key");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(grouped),
		cmocka_unit_test(extremes),
		cmocka_unit_test(parameters_named),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
